"""Several transactions started at the same moment, each in its own thread and
connection: what concurrent writers do to counters and row locks."""

import threading

from django.db import connections, transaction


def tegelijk(*werk):
    """Run each callable in its own transaction, all released by one barrier; the
    exceptions they raised (an empty list when all committed)."""
    start = threading.Barrier(len(werk))
    fouten = []

    def stap(doe):
        try:
            start.wait()
            with transaction.atomic():
                doe()
        except Exception as fout:  # noqa: BLE001 - returned to the test
            fouten.append(fout)
        finally:
            connections.close_all()

    draden = [threading.Thread(target=stap, args=(doe,)) for doe in werk]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join()
    return fouten

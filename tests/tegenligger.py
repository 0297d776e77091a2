"""A real deadlock against the code under test, on PostgreSQL.

A second session (a thread with its own connection) holds a lock, waits until a session
of this database is blocked by it, and then asks for a lock that session holds. The
waits cross: PostgreSQL aborts the session that waited first (SQLSTATE 40P01), because
its deadlock_timeout (the server's, 1 s) runs out first; this session's is far longer.
"""

import contextlib
import threading
import time

import pytest
from django.db import connection, connections, transaction


def _iemand_wacht_op_mij(cursor):
    # pg_stat_activity is read once per transaction unless the snapshot is cleared.
    cursor.execute("SELECT pg_stat_clear_snapshot()")
    cursor.execute(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pg_backend_pid() = ANY(pg_blocking_pids(pid))"
    )
    return cursor.fetchone()[0] > 0


@contextlib.contextmanager
def tegenligger(vasthouden, daarna):
    """Run the block against a session that takes `vasthouden` (sql, params) first and,
    once the block's session waits for it, `daarna`; then commits. Yields a dict that
    says, afterwards, whether the other session had to wait (`gekruist`)."""
    vast, fouten, uitslag = threading.Event(), [], {"gekruist": False}

    def draaien():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL deadlock_timeout = '30s'")
                cursor.execute(*vasthouden)
                vast.set()
                einde = time.monotonic() + 30
                while not _iemand_wacht_op_mij(cursor):
                    if time.monotonic() > einde:
                        raise AssertionError("Niemand wachtte op het slot van de tegenligger.")
                    time.sleep(0.02)
                uitslag["gekruist"] = True
                cursor.execute(*daarna)
        except Exception as fout:  # noqa: BLE001 - reported by the test
            fouten.append(fout)
        finally:
            vast.set()
            connections.close_all()

    draad = threading.Thread(target=draaien)
    draad.start()
    vast.wait(timeout=30)
    try:
        yield uitslag
    finally:
        draad.join(timeout=60)
    assert not draad.is_alive(), "De tegenligger hangt."
    if fouten:
        pytest.fail(f"De tegenligger faalde: {fouten[0]!r}")

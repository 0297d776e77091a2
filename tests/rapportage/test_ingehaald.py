"""A worker's build overtaken by new data stops and makes the newest state, at most
HOOGSTENS_INGEHAALD times in a row; the build after that finishes what it has."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from programmas.models import Status
from rapportage import bestanden, tasks
from rapportage.models import BestandStatus, Rapportbestand
from tests.programmas.factories import StatusrapportageFactory
from tests.rapportage.test_voorbouw import groot  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="holds the build with table locks"
    ),
]

# Lets the build read (its data, its record) but not write its record: it stops at
# every step it records, and at every record it marks or creates.
SLOT = "LOCK TABLE rapportage_rapportbestand IN SHARE ROW EXCLUSIVE MODE"


def _pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _wacht_op_slot(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
        return cursor.fetchone()[0] > 0


class Houder(threading.Thread):
    """A session that takes the lock (queueing behind whoever has it) and, when let go,
    adds a status report (new data, a new state) and commits."""

    def __init__(self, periode, nummer):
        super().__init__()
        self.periode, self.nummer = periode, nummer
        self.pid, self.wijzigen, self.fouten = None, True, []
        self.gestart, self.gekregen, self.los = (threading.Event() for _ in range(3))

    def run(self):
        try:
            with transaction.atomic():
                self.pid = _pid()
                self.gestart.set()
                with connection.cursor() as cursor:
                    cursor.execute(SLOT)
                self.gekregen.set()
                self.los.wait(timeout=60)
                if self.wijzigen:
                    StatusrapportageFactory(
                        periode=self.periode, status=Status.ROOD, toelichting=f"{self.nummer}"
                    )
        except Exception as fout:  # noqa: BLE001 - reported by the test
            self.fouten.append(fout)
        finally:
            self.gestart.set()
            connections.close_all()


def _wachten(voorwaarde, seconden=30):
    einde = time.monotonic() + seconden
    while not voorwaarde():
        assert time.monotonic() < einde
        time.sleep(0.02)


def test_a_build_overtaken_again_and_again_finishes_the_fourth_state_it_makes(groot):  # noqa: F811
    """Each time the worker waits to record something, the data changes before it may:
    a build never ends with the current state. The worker makes the newest state three
    times in a row and then finishes the fourth, already overtaken, and stops."""
    eerste = Rapportbestand.objects.create(
        periode=groot, formaat=bestanden.SCHERM, sleutel=bestanden.sleutel(groot)
    )
    bouw = {"pid": None, "fouten": []}

    def bouwen():
        try:
            bouw["pid"] = _pid()
            tasks.rapportbestand_maken(eerste.pk)
        except Exception as fout:  # noqa: BLE001 - reported below
            bouw["fouten"].append(fout)
        finally:
            connections.close_all()

    draad = threading.Thread(target=bouwen)
    houders = [Houder(groot, 1)]
    houders[0].start()
    assert houders[0].gekregen.wait(timeout=30)
    draad.start()
    _wachten(lambda: bouw["pid"] is not None)
    wijzigingen = 0
    # Far more than the limit lets a worker use: without it, the build would go on.
    for nummer in range(2, 40):
        _wachten(lambda: not draad.is_alive() or _wacht_op_slot(bouw["pid"]))
        if not draad.is_alive():
            break
        volgende = Houder(groot, nummer)
        volgende.start()
        volgende.gestart.wait(timeout=30)
        _wachten(lambda v=volgende: _wacht_op_slot(v.pid))  # queued behind the build
        houders[-1].los.set()
        houders[-1].join(timeout=30)
        wijzigingen += 1
        houders.append(volgende)
    houders[-1].wijzigen = False
    houders[-1].los.set()
    houders[-1].join(timeout=30)
    draad.join(timeout=60)

    assert not draad.is_alive() and not bouw["fouten"], bouw["fouten"]
    assert not [f for h in houders for f in h.fouten]
    builds = list(Rapportbestand.objects.order_by("pk"))
    # The first was overtaken while it waited (`claim`: not counted), then three
    # overtaken while they ran; the fifth is made.
    assert [b.status for b in builds] == [BestandStatus.VERVANGEN] * 4 + [BestandStatus.KLAAR]
    assert builds[-1].sleutel != bestanden.sleutel(groot)  # made, though overtaken too
    assert wijzigingen == 11  # two in the claim, two per overtaken build, three in the last

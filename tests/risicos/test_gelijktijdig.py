"""Two adoptions of one dialogue at the same moment, on a real database with row locks."""

import threading

import pytest
from django.db import connection, connections

from risicos import services
from risicos.models import DialoogStatus, Scorewijziging
from tests.risicos.factories import (
    DialoogrisicoFactory,
    RisicodialoogFactory,
    RisicoFactory,
)
from tests.tegelijk import tegelijk

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no concurrent writers; the row lock is tested on PostgreSQL.",
    ),
]


def test_of_two_simultaneous_adoptions_exactly_one_applies_the_scores(risicofunctionaris):
    risico = RisicoFactory(gescoord=True)
    dialoog = RisicodialoogFactory(status=DialoogStatus.GEHOUDEN)
    DialoogrisicoFactory(dialoog=dialoog, risico=risico, netto_kans=1, netto_impact=2)

    start = threading.Barrier(2)
    uitkomsten = []

    def vaststellen():
        try:
            start.wait()
            services.dialoog_vaststellen(dialoog=dialoog, door=risicofunctionaris)
            uitkomsten.append("vastgesteld")
        except services.DialoogFout:
            uitkomsten.append("geweigerd")
        finally:
            connections.close_all()

    draden = [threading.Thread(target=vaststellen) for _ in range(2)]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join()

    assert sorted(uitkomsten) == ["geweigerd", "vastgesteld"]
    assert Scorewijziging.objects.filter(dialoog=dialoog).count() == 1


def test_measures_linked_and_reported_at_the_same_moment_are_all_counted():
    """Four transactions at once: two link a new measure to the same risk, one reports an
    existing measure done, one unlinks another. The triggers add and take off under the
    risk's row lock, so the counters end equal to a recount."""

    from risicos.models import Beheersmaatregel, Risico
    from tests.risicos.factories import BeheersmaatregelFactory

    risico = RisicoFactory()
    lopend = BeheersmaatregelFactory(risicos=[risico])
    weg = BeheersmaatregelFactory(risicos=[risico], status="afgerond")
    nieuw = [BeheersmaatregelFactory() for _ in range(2)]
    werk = [
        lambda: nieuw[0].risicos.add(risico),
        lambda: nieuw[1].risicos.add(risico),
        lambda: Beheersmaatregel.objects.filter(pk=lopend.pk).update(
            status="afgerond", afgerond_op=lopend.deadline
        ),
        lambda: weg.risicos.remove(risico),
    ]
    fouten = tegelijk(*werk)

    assert not fouten, fouten
    rij = Risico.objects.values_list("maatregelen_gereed", "maatregelen_totaal").get(pk=risico.pk)
    assert tuple(rij) == (1, 3)


def test_one_statement_linking_risks_in_descending_order_waits_instead_of_deadlocking():
    """One transaction holds risk 1 (it linked a measure to it) and next links risk 2;
    meanwhile one INSERT links another measure to risks 2 and 1, in that order. Counter
    updates per link row took risk 2 and then waited for risk 1: a deadlock. In key order
    the INSERT waits for risk 1 first, holding no risk, and both finish."""
    from django.db import transaction

    from risicos.models import Beheersmaatregel, Risico
    from tests.risicos.factories import BeheersmaatregelFactory

    een, twee = sorted((RisicoFactory(), RisicoFactory()), key=lambda r: r.pk)
    eerste, tweede = BeheersmaatregelFactory(), BeheersmaatregelFactory()
    Koppeling = Beheersmaatregel.risicos.through
    houdt_een, wacht = threading.Event(), threading.Event()
    fouten = []

    def eerst_een_dan_twee():
        try:
            with transaction.atomic():
                eerste.risicos.add(een)
                houdt_een.set()
                assert wacht.wait(timeout=10)
                eerste.risicos.add(twee)
        except Exception as fout:  # noqa: BLE001 - reported below
            fouten.append(fout)
        finally:
            houdt_een.set()
            connections.close_all()

    def twee_en_een_in_een_statement():
        try:
            houdt_een.wait(timeout=10)
            with transaction.atomic():
                Koppeling.objects.bulk_create(
                    [Koppeling(beheersmaatregel=tweede, risico=r) for r in (twee, een)]
                )
        except Exception as fout:  # noqa: BLE001 - reported below
            fouten.append(fout)
        finally:
            connections.close_all()

    draden = [
        threading.Thread(target=f) for f in (eerst_een_dan_twee, twee_en_een_in_een_statement)
    ]
    for draad in draden:
        draad.start()
    houdt_een.wait(timeout=10)
    with connection.cursor() as cursor:
        for _ in range(200):  # until the INSERT waits for a lock
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.05)
    wacht.set()
    for draad in draden:
        draad.join()

    assert not fouten, fouten
    for risico in (een, twee):
        rij = Risico.objects.values_list("maatregelen_gereed", "maatregelen_totaal")
        assert tuple(rij.get(pk=risico.pk)) == (0, 2)

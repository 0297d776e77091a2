"""Write transactions aborted by PostgreSQL for a deadlock run again, once, as a whole."""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from douane_portfolio import tellers
from douane_portfolio.models import ActieStatus
from douane_portfolio.transacties import POGINGEN, opnieuw_bij_conflict, schrijftransactie
from risicos import services
from risicos.models import Beheersmaatregel
from tests.risicos.factories import BeheersmaatregelFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no concurrent writers; deadlocks are tested on PostgreSQL.",
    ),
]


def test_two_measures_whose_counters_cross_are_both_saved_once(risicofunctionaris):
    """Each service call adds a measure for one owner and then (its links' step) closes
    a measure of the other owner: the two transactions lock the two owners' counter rows
    in opposite order and PostgreSQL aborts one. It runs again and both are saved, with
    one history row each and their after-commit work done once."""
    bestaand = {naam: BeheersmaatregelFactory() for naam in "AB"}
    eigenaar = {naam: m.eigenaar for naam, m in bestaand.items()}
    start = threading.Barrier(2)
    pogingen, na_commit, fouten = [], [], []

    def toevoegen(naam, ander):
        def koppelingen():
            pogingen.append(naam)
            transaction.on_commit(lambda: na_commit.append(naam))
            if pogingen.count(naam) == 1:
                start.wait(timeout=10)  # both hold their own counter row now
            Beheersmaatregel.objects.filter(pk=bestaand[ander].pk).update(
                status=ActieStatus.AFGEROND, afgerond_op=bestaand[ander].deadline
            )

        try:
            services.maatregel_toevoegen(
                maatregel=Beheersmaatregel(
                    omschrijving=f"Nieuw {naam}",
                    eigenaar=eigenaar[naam],
                    deadline=bestaand[naam].deadline,
                ),
                door=risicofunctionaris,
                bewaar_koppelingen=koppelingen,
            )
        except Exception as fout:  # noqa: BLE001 - reported below
            fouten.append(fout)
        finally:
            connections.close_all()

    draden = [threading.Thread(target=toevoegen, args=p) for p in (("A", "B"), ("B", "A"))]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join()

    assert not fouten, fouten
    assert len(pogingen) == 3  # one of the two ran again
    assert sorted(na_commit) == ["A", "B"]
    for naam in "AB":
        nieuw = Beheersmaatregel.objects.get(omschrijving=f"Nieuw {naam}")
        assert nieuw.history.count() == 1
    assert not Beheersmaatregel.objects.filter(pk__in=[m.pk for m in bestaand.values()]).open()
    assert tellers.verschillen(bestaand["A"].deadline) == []


def _conflict():
    # A real deadlock error from the server, as PostgreSQL reports it.
    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = 'deadlock_detected'; END $$"
        )


def test_at_most_the_set_number_of_attempts_and_the_instances_as_given():
    maatregel = BeheersmaatregelFactory.build(eigenaar=BeheersmaatregelFactory().eigenaar)
    pks = []

    @opnieuw_bij_conflict
    def altijd(m):
        with transaction.atomic():
            m.save()
            pks.append(m.pk)
            _conflict()

    with pytest.raises(OperationalError):
        altijd(maatregel)
    assert len(pks) == POGINGEN
    assert maatregel.pk is None and maatregel._state.adding
    assert not Beheersmaatregel.objects.filter(pk__in=pks).exists()

    @opnieuw_bij_conflict
    def andere_fout():
        pks.append("x")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1/0")

    with pytest.raises(Exception, match="division by zero"):
        andere_fout()
    assert pks.count("x") == 1

    # Inside a caller's transaction the caller decides: one attempt.
    pks.clear()
    with pytest.raises(OperationalError), transaction.atomic():
        altijd(maatregel)
    assert len(pks) == 1


def test_a_write_transaction_runs_again_as_a_whole_and_once_inside_a_caller():
    maatregel = BeheersmaatregelFactory.build(eigenaar=BeheersmaatregelFactory().eigenaar)
    pks = []

    @schrijftransactie
    def altijd(m):
        assert connection.in_atomic_block
        m.save()
        pks.append(m.pk)
        _conflict()

    with pytest.raises(OperationalError):
        altijd(maatregel)
    assert len(pks) == POGINGEN
    assert maatregel.pk is None and maatregel._state.adding
    assert not Beheersmaatregel.objects.filter(pk__in=pks).exists()

    pks.clear()
    with pytest.raises(OperationalError), transaction.atomic():
        altijd(maatregel)
    assert len(pks) == 1

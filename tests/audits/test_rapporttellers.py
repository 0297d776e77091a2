"""A report's findings and unresolved findings (`bevindingen_aantal`, `bevindingen_open`)
stay equal to a recount through every path that adds, resolves, moves or deletes a
finding: database triggers keep them (audits 0018)."""

import importlib

import pytest
from django.db import connection, transaction

from audits import services
from audits.models import NOG_NIET_OPGELOST, Auditrapport, Bevinding, BevindingStatus, Verdict
from douane_portfolio import tellers
from tests.audits.factories import AuditrapportFactory, BevindingFactory

pytestmark = pytest.mark.django_db

MIGRATIE = importlib.import_module("audits.migrations.0018_rapporttellers")


def telling(rapport):
    return tuple(
        Auditrapport.objects.values_list("bevindingen_aantal", "bevindingen_open").get(
            pk=rapport.pk
        )
    )


def test_the_services_record_and_resolve_findings(pm, auditor):
    rapport = AuditrapportFactory()
    services.bevinding_vastleggen(
        bevinding=Bevinding(
            rapport=rapport, titel="Inkoop", soort="onvolkomenheid", domein="inkoop", eigenaar=pm
        ),
        door=auditor,
    )
    bevinding = BevindingFactory(rapport=rapport, eigenaar=pm)
    assert telling(rapport) == (2, 2)
    services.bevinding_aanbieden(bevinding=bevinding, door=pm, toelichting="Gedaan")
    services.bevinding_beoordelen(
        bevinding=bevinding, door=auditor, oordeel=Verdict.AKKOORD, toelichting="Gezien"
    )
    assert telling(rapport) == (2, 1)
    services.bevinding_heropenen(bevinding=bevinding, door=auditor, reden="Toch niet")
    assert telling(rapport) == (2, 2)


def test_bulk_writes_moves_and_deletes_keep_the_counters():
    a, b = AuditrapportFactory(), AuditrapportFactory()
    bevindingen = [BevindingFactory(rapport=a) for _ in range(3)]
    Bevinding.objects.filter(pk=bevindingen[0].pk).update(status=BevindingStatus.OPGELOST)
    assert telling(a) == (3, 2)
    Bevinding.objects.filter(pk__in=[bevindingen[0].pk, bevindingen[1].pk]).update(rapport=b)
    assert (telling(a), telling(b)) == ((1, 1), (2, 1))
    with transaction.atomic(), connection.cursor() as cursor:
        # Raw SQL, without Django's cascade: the finding alone goes.
        cursor.execute(
            "DELETE FROM audits_bevinding_initiatieven WHERE bevinding_id = %s", [bevindingen[2].pk]
        )
        cursor.execute(
            "DELETE FROM audits_bevinding_risicos WHERE bevinding_id = %s", [bevindingen[2].pk]
        )
        cursor.execute("DELETE FROM audits_bevinding WHERE id = %s", [bevindingen[2].pk])
    assert telling(a) == (0, 0)
    assert tellers.verschillen(tellers.peildatum()) == []


def test_a_stale_report_saved_after_a_finding_changed_keeps_the_counts():
    rapport = AuditrapportFactory()
    geladen = Auditrapport.objects.get(pk=rapport.pk)
    BevindingFactory(rapport=rapport)
    geladen.toelichting = "Bijgewerkt"
    geladen.save()
    assert telling(rapport) == (1, 1)


def test_the_migration_counts_what_was_there():
    rapport = AuditrapportFactory()
    BevindingFactory(rapport=rapport)
    BevindingFactory(rapport=rapport, status=BevindingStatus.OPGELOST)
    Auditrapport.objects.update(bevindingen_aantal=7, bevindingen_open=0)
    with connection.cursor() as cursor:
        cursor.execute(MIGRATIE.TELLERS.tellen)
    assert telling(rapport) == (2, 1)


def test_the_triggers_spell_the_statuses_as_the_model_does():
    gespeld = "(" + ", ".join(f"'{s}'" for s in NOG_NIET_OPGELOST) + ")"
    assert gespeld == MIGRATIE.NOG_NIET_OPGELOST

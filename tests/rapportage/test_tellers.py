"""The counters the database keeps for the dashboard and the follow-up page (migration
douane_portfolio 0009): after every path that writes actions or findings (services, screens,
API, admin, bulk, raw SQL) they equal a recount, and "overdue" follows the date."""

import datetime
import importlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audits import services as audits_services
from audits.models import Auditrapport, Bevinding, Instantie, Vervolgactie
from douane_portfolio import tellers
from douane_portfolio.acties import actie_modellen
from douane_portfolio.models import ActieStatus, Actieteller, Tellerdatum
from programmas.models import Initiatief, Mijlpaal
from rapportage import dashboard
from risicos import services as risicos_services
from risicos.models import Beheersmaatregel, Risico
from tests.api.conftest import api, if_match  # noqa: F401 (fixture)
from tests.audits.factories import AuditrapportFactory, BevindingFactory, VervolgactieFactory
from tests.bladerhulp import queries_en_pagina
from tests.factories import UserFactory
from tests.programmas.factories import MijlpaalFactory
from tests.risicos.factories import BeheersmaatregelFactory, RisicoFactory

pytestmark = pytest.mark.django_db

MIGRATIE = importlib.import_module("douane_portfolio.migrations.0009_tellers")


def vandaag():
    return timezone.localdate()


def dagen(n):
    return vandaag() + datetime.timedelta(days=n)


def klopt(op=None):
    """The counters equal a recount of the actions and findings (against `op`)."""
    assert tellers.verschillen(op or vandaag()) == []


def eigen(user):
    """(open, overdue) of `user` over all kinds, as the dashboard reads them."""
    geteld = dashboard.tellingen(user, vandaag(), beheer=False, mag_lezen=False)
    return geteld["open"], geteld["te_laat"]


def test_every_kind_of_action_and_the_findings_have_their_triggers():
    """A new kind of action, or a migration that makes SQLite rebuild one of these
    tables (which drops its triggers), fails here instead of counting silently wrong."""
    tabellen = {m._meta.db_table for m in actie_modellen()}
    assert tabellen == set(MIGRATIE.ACTIETABELLEN)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c "
                "ON c.oid = t.tgrelid WHERE t.tgname LIKE 'portfolio_teller_%%'"
            )
            verwacht = {"portfolio_teller_in", "portfolio_teller_bij", "portfolio_teller_uit"}
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
            verwacht = {"in", "bij", "uit"}
        gevonden = {}
        for tabel, naam in cursor.fetchall():
            gevonden.setdefault(tabel, set()).add(naam.rsplit("_", 1)[-1])
    for tabel in (*tabellen, "audits_bevinding"):
        assert {v.rsplit("_", 1)[-1] for v in verwacht} <= gevonden.get(tabel, set()), tabel
    assert "bij" in gevonden["audits_auditrapport"]


def test_the_triggers_spell_the_open_statuses_as_the_model_does():
    assert MIGRATIE.OPEN == "('open', 'in_uitvoering')"
    from douane_portfolio.models import OPEN_STATUSSEN

    assert tuple(OPEN_STATUSSEN) == ("open", "in_uitvoering")
    assert tellers.GEEN_DATUM.isoformat() == MIGRATIE.GEEN_DATUM


def test_services_and_screens_keep_the_action_counters(client_voor, pm, pm2, auditor):
    m = MijlpaalFactory(eigenaar=pm, deadline=dagen(-3))
    maatregel = BeheersmaatregelFactory(eigenaar=pm, deadline=dagen(5))
    bevinding = BevindingFactory(eigenaar=pm)
    assert eigen(pm) == (2, 1)
    actie = audits_services.vervolgactie_toevoegen(
        bevinding=bevinding, omschrijving="Herstel", eigenaar=pm2, deadline=dagen(2), door=pm
    )
    assert eigen(pm2) == (1, 0)
    over_drie_dagen = dashboard.tellingen(pm2, dagen(3), beheer=False, mag_lezen=False)
    assert over_drie_dagen["te_laat"] == 1
    # Postponed past that date (the counters now count against it): not overdue then.
    audits_services.deadline_verschuiven(
        actie=actie, nieuwe_deadline=dagen(7), reden="Later", goedgekeurd_door=auditor, door=pm2
    )
    klopt(dagen(3))
    over_drie_dagen = dashboard.tellingen(pm2, dagen(3), beheer=False, mag_lezen=False)
    assert over_drie_dagen["te_laat"] == 0
    assert eigen(pm2) == (1, 0)
    maatregel.status, maatregel.afgerond_op = ActieStatus.AFGEROND, vandaag()
    risicos_services.maatregelstatus_melden(
        maatregel=maatregel, door=pm, verwachte_versie=maatregel.versie
    )
    assert eigen(pm) == (1, 1)
    m.delete()
    assert eigen(pm) == (0, 0)
    klopt()


def test_the_screen_shows_a_change_on_the_next_view(client_voor, pm):
    maatregel = BeheersmaatregelFactory(eigenaar=pm, deadline=dagen(-2))
    client = client_voor(pm)
    assert (
        client.get("/").context["aantal_acties"],
        client.get("/").context["aantal_te_laat"],
    ) == (
        1,
        1,
    )
    response = client.post(
        reverse("risicos:maatregel_status", args=[maatregel.pk]),
        {"status": "afgerond", "versie": maatregel.versie},
    )
    assert response.status_code == 302
    context = client.get("/").context
    assert (context["aantal_acties"], context["aantal_te_laat"]) == (0, 0)


def test_the_api_keeps_the_counters(api, pm2):  # noqa: F811
    maatregel = BeheersmaatregelFactory(eigenaar=pm2, deadline=dagen(-1))
    assert eigen(pm2) == (1, 1)
    response = api(pm2).patch(
        f"/api/v1/maatregelen/{maatregel.pk}/",
        {"status": "afgerond"},
        format="json",
        **if_match(maatregel.versie),
    )
    assert response.status_code == 200, response.json()
    assert eigen(pm2) == (0, 0)


def test_the_admin_moves_an_action_to_another_owner(client_voor, pm, pm2):
    maatregel = BeheersmaatregelFactory(eigenaar=pm, deadline=dagen(-4))
    client = client_voor(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:risicos_beheersmaatregel_change", args=[maatregel.pk]),
        {
            "omschrijving": maatregel.omschrijving,
            "eigenaar": pm2.pk,
            "deadline": maatregel.deadline.isoformat(),
            "status": "open",
            "risicos": [],
            "dialoog": "",
            "bron": "",
        },
    )
    assert response.status_code == 302 and "/change/" not in response["Location"]
    assert (eigen(pm), eigen(pm2)) == ((0, 0), (1, 1))
    klopt()


def test_bulk_writes_querysets_and_raw_sql_keep_the_counters(pm, pm2):
    initiatief = MijlpaalFactory(eigenaar=pm, deadline=dagen(40)).initiatief
    Mijlpaal.objects.bulk_create(
        Mijlpaal(
            initiatief=initiatief,
            omschrijving=f"M{n}",
            eigenaar=pm if n % 2 else pm2,
            deadline=dagen(n - 5),
            oorspronkelijke_deadline=dagen(n - 5),
            status="open",
        )
        for n in range(10)
    )
    klopt()
    Mijlpaal.objects.filter(eigenaar=pm2).update(eigenaar=pm)
    klopt()
    Mijlpaal.objects.filter(deadline__lt=vandaag()).update(deadline=dagen(30))
    assert eigen(pm) == (11, 0)
    Mijlpaal.objects.filter(omschrijving__in=["M1", "M2"]).update(
        status="afgerond", afgerond_op=vandaag()
    )
    Mijlpaal.objects.filter(omschrijving="M3").delete()
    klopt()
    tabel = Vervolgactie._meta.db_table
    actie = VervolgactieFactory(eigenaar=pm2, deadline=dagen(-1))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {tabel} SET status = 'vervallen' WHERE id = %s", [actie.pk])
    assert eigen(pm2) == (0, 0)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {tabel} WHERE id = %s", [actie.pk])
    klopt()


def test_overdue_follows_the_date_both_ways(pm):
    for n in (-10, -1, 0, 1, 10):
        BeheersmaatregelFactory(eigenaar=pm, deadline=dagen(n))
    assert eigen(pm) == (5, 2)
    for op in (dagen(5), dagen(-20), dagen(1), vandaag()):
        klopt(op)
    later = dashboard.tellingen(pm, dagen(11), beheer=False, mag_lezen=False)
    assert (later["open"], later["te_laat"]) == (5, 5)
    assert tellers.peildatum() == dagen(11)
    # Written while the peildatum is later: counted against it, then moved back.
    BeheersmaatregelFactory(eigenaar=pm, deadline=dagen(3))
    assert eigen(pm) == (6, 2)
    klopt()


def test_a_missing_peildatum_counts_as_nothing_overdue_until_it_is_set(pm):
    """After a flush (tests, `genereer_schaaldata --leeg-eerst`) the row is gone."""
    Tellerdatum.objects.all().delete()
    BeheersmaatregelFactory(eigenaar=pm, deadline=dagen(-3))
    assert Actieteller.objects.get(eigenaar=pm).te_laat == 0
    assert eigen(pm) == (1, 1)
    klopt()


def test_actions_deleted_after_the_peildatum_leave_the_counters_consistent(pm):
    """Django's SQLite flush deletes table by table in no fixed order: once the date
    row is gone nothing counts as overdue, so deleting overdue actions after it keeps
    "overdue" within "open" (the CHECK refused the flush before)."""
    tellers.peildatum_zetten(vandaag())  # a transactional test before may have flushed it
    for n in (-3, -2, 5):
        BeheersmaatregelFactory(eigenaar=pm, deadline=dagen(n))
    assert Actieteller.objects.get(eigenaar=pm).te_laat == 2
    Tellerdatum.objects.all().delete()
    assert Actieteller.objects.get(eigenaar=pm).te_laat == 0
    Beheersmaatregel.objects.filter(deadline__lt=vandaag()).delete()
    assert (Actieteller.objects.get(eigenaar=pm).open, eigen(pm)) == (1, (1, 0))
    klopt()


def test_the_database_refuses_a_counter_that_drifted(pm):
    BeheersmaatregelFactory(eigenaar=pm, deadline=dagen(-3))
    with pytest.raises(IntegrityError), transaction.atomic():
        Actieteller.objects.filter(eigenaar=pm).update(te_laat=2)


def test_findings_counters_follow_services_bulk_reports_and_deletes(pm, auditor):
    rapport = AuditrapportFactory(instantie=Instantie.ADR)
    bevinding = BevindingFactory(rapport=rapport, eigenaar=pm)
    Bevinding.objects.bulk_create(
        Bevinding(rapport=rapport, titel=f"B{n}", soort="aanbeveling", domein="d", eigenaar=pm)
        for n in range(3)
    )
    klopt()
    audits_services.bevinding_aanbieden(bevinding=bevinding, door=pm, toelichting="Klaar")
    klopt()
    bevinding.refresh_from_db()
    audits_services.bevinding_beoordelen(
        bevinding=bevinding, door=auditor, oordeel="akkoord", toelichting="Goed"
    )
    klopt()
    # A report that moves to another body takes its findings along.
    Auditrapport.objects.filter(pk=rapport.pk).update(instantie=Instantie.ARK)
    klopt()
    Bevinding.objects.filter(titel="B1").update(rapport=AuditrapportFactory(instantie="intern"))
    Bevinding.objects.filter(titel="B2").delete()
    klopt()


def test_the_follow_up_page_reads_the_counters(client_voor, auditor, pm):
    rapport = AuditrapportFactory(instantie=Instantie.ADR)
    bevinding = BevindingFactory(rapport=rapport, eigenaar=pm)
    VervolgactieFactory(bevinding=BevindingFactory(rapport=rapport), deadline=dagen(-2))
    client = client_voor(auditor)
    context = client.get(reverse("audits:opvolging")).context
    assert context["totaal_open"] == 2 and context["aantal_te_laat"] == 1
    audits_services.bevinding_aanbieden(bevinding=bevinding, door=pm, toelichting="Klaar")
    context = client.get(reverse("audits:opvolging")).context
    assert context["aantal_ter_beoordeling"] == 1
    assert [b.pk for b in context["ter_beoordeling"]] == [bevinding.pk]


def test_the_dashboard_query_count_does_not_grow_with_the_actions(client_voor, beheerder):
    client = client_voor(beheerder)
    client.get("/")
    weinig, _ = queries_en_pagina(client, "/")
    eigenaren = UserFactory.create_batch(30)
    for n, eigenaar in enumerate(eigenaren):
        MijlpaalFactory(eigenaar=eigenaar, deadline=dagen(-1 - n))
        VervolgactieFactory(eigenaar=eigenaar, deadline=dagen(-1))
    veel, response = queries_en_pagina(client, "/")
    assert veel == weinig <= 10
    blok = response.context["te_laat"]
    assert blok["eigenaren"] == 30 and len(blok["per_eigenaar"]) == dashboard.EIGENAREN_MAX
    assert [r["aantal"] for r in blok["per_soort"] if r["aantal"]] == [30, 30]


def test_repairing_recounts_everything(pm):
    BeheersmaatregelFactory(eigenaar=pm, deadline=dagen(-3))
    BevindingFactory(eigenaar=pm)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Actieteller._meta.db_table}")
    assert tellers.verschillen(vandaag())
    tellers.herstellen(vandaag())
    klopt()


def test_repairing_recounts_the_counter_columns_on_rows_too(pm):
    """A risk's measures and open findings, a finding's actions, an initiative's open
    milestones: compared and recounted with the counter tables (after triggers were off,
    or a column written by hand)."""
    risico = RisicoFactory()
    BeheersmaatregelFactory(eigenaar=pm, risicos=[risico], status="afgerond")
    bevinding = BevindingFactory(eigenaar=pm)
    bevinding.risicos.set([risico])
    VervolgactieFactory(bevinding=bevinding, aantal_verschuivingen=2)
    mijlpaal = MijlpaalFactory(eigenaar=pm)
    klopt()
    Risico.objects.update(maatregelen_totaal=3, maatregelen_gereed=2, bevindingen_open=0)
    Bevinding.objects.update(acties_open=4, acties_uitstel=0)
    Initiatief.objects.update(mijlpalen_open=0)
    verschil = {
        sleutel: (opgeslagen, herteld)
        for sleutel, opgeslagen, herteld in tellers.verschillen(vandaag())
    }
    assert verschil == {
        ("risicos_risico", risico.pk, "maatregelen_totaal"): (3, 1),
        ("risicos_risico", risico.pk, "maatregelen_gereed"): (2, 1),
        ("risicos_risico", risico.pk, "bevindingen_open"): (0, 1),
        ("audits_bevinding", bevinding.pk, "acties_open"): (4, 1),
        ("audits_bevinding", bevinding.pk, "acties_uitstel"): (0, 2),
        ("programmas_initiatief", mijlpaal.initiatief_id, "mijlpalen_open"): (0, 1),
    }
    tellers.herstellen(vandaag())
    klopt()


def test_the_migration_counts_what_was_there(pm):
    BeheersmaatregelFactory(eigenaar=pm, deadline=dagen(-3))
    BevindingFactory(eigenaar=pm)
    Actieteller.objects.all().delete()

    class Uitvoerder:
        def execute(self, sql, params=None):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    MIGRATIE.tellen(None, Uitvoerder())
    klopt()
    assert Beheersmaatregel.objects.count() == 1


def test_the_reminder_beat_moves_the_peildatum_first(settings):
    from herinneringen.tasks import herinneringen_versturen

    Tellerdatum.objects.update(datum=dagen(-1))
    herinneringen_versturen.apply()
    assert tellers.peildatum() == vandaag()

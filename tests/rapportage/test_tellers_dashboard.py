"""The counters behind the dashboard's net heat map (risicos 0008) and status per theme
(programmas 0005): after every kind of write they equal a recount, the dashboard shows what
the old grouping of the register and the reports showed, and on PostgreSQL the triggers
lock counter rows in key order (douane_portfolio 0010)."""

import importlib
import threading
import time

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.models import Count, F, FilteredRelation, Q
from django.utils import timezone

from douane_portfolio import tellers
from douane_portfolio.models import Actieteller
from programmas import services as programmas_services
from programmas.models import (
    Initiatief,
    Initiatiefteller,
    Periodesoort,
    PeriodeStatus,
    Status,
    Statusrapportage,
    Statusteller,
)
from rapportage import dashboard
from risicos import heatmap
from risicos import services as risicos_services
from risicos.models import Heatmapteller, Risico, RisicoStatus
from tests.bladerhulp import queries_en_pagina
from tests.factories import UserFactory
from tests.programmas.factories import (
    InitiatiefFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
    ThemaFactory,
)
from tests.risicos.factories import RisicoFactory

pytestmark = pytest.mark.django_db

RISICOS = importlib.import_module("risicos.migrations.0008_tellers")
PROGRAMMAS = importlib.import_module("programmas.migrations.0005_tellers")


def klopt():
    assert tellers.verschillen(timezone.localdate()) == []


# --- What the dashboard computed before the counters (the reference) -----------------


def heatmap_oud(user):
    return heatmap.tellingen(Risico.objects.zichtbaar_voor(user).actief(), "netto")


def overzicht_oud(periode, vorige=None, open_periode=None):
    """`dashboard.overzicht` as it was: one GROUP BY over the active initiatives and the
    reports of those periods."""
    ids = [p.pk for p in (periode, vorige, open_periode) if p is not None]
    velden = {}
    for sleutel, p in (("nu", periode), ("toen", vorige)):
        for s in Status.values if p is not None else ():
            velden[f"{sleutel}_{s}"] = Count("r", filter=Q(r__periode=p, r__status=s))
    if open_periode is not None:
        velden["ingediend"] = Count("r", filter=Q(r__periode=open_periode))
    rijen = list(
        Initiatief.objects.actief()
        .alias(r=FilteredRelation("rapportages", condition=Q(rapportages__periode__in=ids)))
        .values("thema__naam", "thema__volgorde")
        .annotate(totaal=Count("pk", distinct=True), **velden)
        .order_by("thema__volgorde")
    )
    themas = []
    for rij in rijen:
        nu = {s: rij[f"nu_{s}"] for s in Status.values}
        nu["niet_gerapporteerd"] = rij["totaal"] - sum(nu.values())
        toen = None
        if vorige is not None:
            toen = {s: rij[f"toen_{s}"] for s in Status.values}
            toen["niet_gerapporteerd"] = rij["totaal"] - sum(toen.values())
        themas.append(
            {
                "naam": rij["thema__naam"],
                "totaal": rij["totaal"],
                "tellingen": [(s, dashboard.STATUS_LABELS[s], nu[s]) for s in dashboard.STATUSSEN],
                "verschil": {s: nu[s] - toen[s] for s in dashboard.STATUSSEN} if toen else None,
                "balk": dashboard._balk(nu, rij["totaal"]),
            }
        )
    totaal = sum(r["totaal"] for r in rijen)
    ingediend = sum(r["ingediend"] for r in rijen) if open_periode is not None else None
    return themas, (totaal, ingediend)


def zoals_vroeger(periode, vorige, open_periode):
    """The counters equal a recount, and the status block and round what they were."""
    klopt()
    status, ronde = dashboard.overzicht(periode, vorige, open_periode)
    themas, (totaal, ingediend) = overzicht_oud(periode, vorige, open_periode)
    assert status["themas"] == themas
    assert (ronde["totaal"], ronde["ingediend"]) == (totaal, ingediend)
    return {t["naam"]: {s: n for s, _, n in t["tellingen"]} for t in themas}


def heatmap_zoals_vroeger(user):
    klopt()
    assert heatmap.netto_tellingen(user) == heatmap_oud(user)
    assert (
        dashboard.netto_heatmap(user)["rijen"]
        == dashboard.netto_heatmap(user, geteld=heatmap_oud(user))["rijen"]
    )
    return heatmap.netto_tellingen(user)


# --- Triggers -------------------------------------------------------------------------


def test_the_new_counters_have_their_triggers():
    """A migration that makes SQLite rebuild one of these tables drops its triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname || ' ' || t.tgname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
            namen = {
                f"{tabel} {soort}_teller_{naam}"
                for tabel, soort in (
                    ("risicos_risico", "heatmap"),
                    ("programmas_initiatief", "status"),
                    ("programmas_statusrapportage", "status"),
                )
                for naam in ("in", "bij", "uit", "leeg")
            }
        else:
            cursor.execute(
                "SELECT tbl_name || ' ' || name FROM sqlite_master WHERE type = 'trigger'"
            )
            namen = {
                f"{tabel} {tabel}_{soort}_{naam}"
                for tabel, soort in (
                    ("risicos_risico", "heatmap"),
                    ("programmas_initiatief", "teller"),
                    ("programmas_statusrapportage", "teller"),
                )
                for naam in ("in", "bij", "uit")
            }
        gevonden = {rij[0] for rij in cursor.fetchall()}
    assert namen <= gevonden


def test_the_triggers_spell_the_active_status_as_the_model_does():
    assert f"'{RisicoStatus.ACTIEF.value}'" == RISICOS.ACTIEF


# --- Heat map ---------------------------------------------------------------------------


def test_the_heat_map_counters_follow_every_kind_of_write(risicofunctionaris):
    gescoord = RisicoFactory(gescoord=True)
    leeg = RisicoFactory()
    assert heatmap_zoals_vroeger(risicofunctionaris) == ({(3, 3): 1}, 1)
    risicos_services.risico_scoren(
        risico=leeg,
        bruto_kans=5,
        bruto_impact=5,
        netto_kans=2,
        netto_impact=4,
        reden="Nieuwe inschatting",
        door=risicofunctionaris,
    )
    assert heatmap_zoals_vroeger(risicofunctionaris) == ({(3, 3): 1, (2, 4): 1}, 0)
    gescoord.status = RisicoStatus.GESLOTEN
    gescoord.save()
    assert heatmap_zoals_vroeger(risicofunctionaris) == ({(2, 4): 1}, 0)
    Risico.objects.bulk_create(
        RisicoFactory.build(eigenaar=risicofunctionaris, netto_kans=k, netto_impact=i)
        for k, i in ((1, 1), (5, 5), (5, 5), (None, None))
    )
    heatmap_zoals_vroeger(risicofunctionaris)
    Risico.objects.filter(netto_kans=5).update(netto_kans=4)
    Risico.objects.filter(pk=gescoord.pk).update(status=RisicoStatus.ACTIEF)
    assert heatmap_zoals_vroeger(risicofunctionaris)[0][(4, 5)] == 2
    Risico.objects.filter(netto_kans=1).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE risicos_risico SET netto_kans = NULL, netto_impact = NULL WHERE id = %s",
            [leeg.pk],
        )
    assert heatmap_zoals_vroeger(risicofunctionaris) == ({(3, 3): 1, (4, 5): 2}, 2)
    # The measures' counters of 0005 update risks too: that moves no cell.
    Risico.objects.update(maatregelen_totaal=0)
    heatmap_zoals_vroeger(risicofunctionaris)


def test_the_heat_map_serves_who_may_read_the_register(risicofunctionaris, buitenstaander):
    """The register is not scoped per user: every role reads all of it, so one set of
    counters serves everyone; without a role the dashboard shows no risks, as before."""
    RisicoFactory(gescoord=True)
    assert heatmap.netto_tellingen(risicofunctionaris) == heatmap_oud(risicofunctionaris)
    assert heatmap.netto_tellingen(buitenstaander) == heatmap_oud(buitenstaander) == ({}, 0)
    geteld = dashboard.tellingen(buitenstaander, timezone.localdate(), beheer=False, mag_lezen=True)
    assert geteld["heatmap"] == ({}, 0)


# --- Status per theme -------------------------------------------------------------------


@pytest.fixture
def rondes():
    t2 = PeriodeFactory(jaar=2026, soort=Periodesoort.T2, status=PeriodeStatus.GESLOTEN)
    t3 = PeriodeFactory(jaar=2026, soort=Periodesoort.T3, status=PeriodeStatus.OPEN)
    return t2, t3


def test_the_status_counters_follow_every_kind_of_write(rondes, pm, beheerder):
    t2, t3 = rondes
    data, mens = ThemaFactory(naam="Data"), ThemaFactory(naam="Mens")
    a, b = (InitiatiefFactory(thema=data, eigenaar=pm) for _ in range(2))
    c = InitiatiefFactory(thema=mens, eigenaar=pm)
    StatusrapportageFactory(initiatief=a, periode=t2)
    StatusrapportageFactory(initiatief=b, periode=t2, status=Status.ORANJE)
    StatusrapportageFactory(initiatief=a, periode=t3)
    assert zoals_vroeger(t2, None, t3)["Data"] == {
        "groen": 1,
        "oranje": 1,
        "rood": 0,
        "niet_gerapporteerd": 0,
    }
    assert zoals_vroeger(t3, t2, t3)["Mens"]["niet_gerapporteerd"] == 1
    # A revision through the service: groen becomes rood.
    programmas_services.statusrapportage_indienen(
        initiatief=a,
        periode=t3,
        status=Status.ROOD,
        toelichting="Achter",
        pad_naar_groen="Extra capaciteit",
        door=beheerder,
        verwachte_versie=Statusrapportage.objects.get(initiatief=a, periode=t3).versie,
    )
    assert zoals_vroeger(t3, t2, t3)["Data"]["rood"] == 1
    # An initiative moves to another theme, and stops being active.
    b.thema = mens
    b.save()
    zoals_vroeger(t2, None, t3)
    Initiatief.objects.filter(pk=a.pk).update(actief=False)
    assert "Data" not in zoals_vroeger(t3, t2, t3)
    Initiatief.objects.update(actief=True)
    zoals_vroeger(t3, t2, t3)
    # Bulk, queryset moves and deletes of reports.
    Statusrapportage.objects.bulk_create(
        Statusrapportage(initiatief=i, periode=t3, status=Status.GROEN) for i in (b, c)
    )
    zoals_vroeger(t3, t2, t3)
    Statusrapportage.objects.filter(initiatief=b, periode=t2).update(initiatief=c)
    t1 = PeriodeFactory(jaar=2026, soort=Periodesoort.T1, status=PeriodeStatus.GESLOTEN)
    Statusrapportage.objects.filter(initiatief=c, periode=t3).update(periode=t1)
    zoals_vroeger(t2, t1, t3)
    zoals_vroeger(t3, t2, t3)
    Statusrapportage.objects.filter(initiatief=a).delete()
    zoals_vroeger(t3, t2, t3)
    # An initiative deleted with its reports, through the ORM and, the initiative first
    # (foreign keys are checked at commit), in raw SQL.
    Statusrapportage.objects.filter(initiatief=a).delete()
    a.delete()
    zoals_vroeger(t3, t2, t3)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM programmas_initiatief WHERE id = %s", [c.pk])
        cursor.execute("DELETE FROM programmas_statusrapportage WHERE initiatief_id = %s", [c.pk])
    assert zoals_vroeger(t3, t2, t3) == {
        "Mens": {"groen": 1, "oranje": 0, "rood": 0, "niet_gerapporteerd": 0}
    }
    # A new active initiative in a new theme: reported nowhere yet.
    InitiatiefFactory(thema=ThemaFactory(naam="Nieuw"), eigenaar=pm)
    assert zoals_vroeger(t3, t2, t3)["Nieuw"]["niet_gerapporteerd"] == 1


def test_a_theme_without_active_initiatives_is_not_shown(rondes, pm):
    t2, t3 = rondes
    InitiatiefFactory(thema=ThemaFactory(naam="Leeg"), eigenaar=pm, actief=False)
    assert zoals_vroeger(t3, t2, t3) == {}
    assert Initiatiefteller.objects.count() == 0


# --- Repair, migration, page -------------------------------------------------------------


def test_repairing_recounts_the_new_counters(rondes, pm):
    t2, t3 = rondes
    StatusrapportageFactory(initiatief=InitiatiefFactory(eigenaar=pm), periode=t3)
    RisicoFactory(gescoord=True)
    for model in (Heatmapteller, Initiatiefteller, Statusteller):
        model.objects.all().delete()
    assert len(tellers.verschillen(timezone.localdate())) == 3
    tellers.herstellen(timezone.localdate())
    klopt()


def test_the_migrations_count_what_was_there(rondes, pm):
    t2, t3 = rondes
    StatusrapportageFactory(initiatief=InitiatiefFactory(eigenaar=pm), periode=t3)
    RisicoFactory(gescoord=True)
    RisicoFactory()

    class Uitvoerder:
        def execute(self, sql, params=None):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    for model in (Heatmapteller, Initiatiefteller, Statusteller):
        model.objects.all().delete()
    RISICOS.tellen(None, Uitvoerder())
    PROGRAMMAS.tellen(None, Uitvoerder())
    klopt()
    assert Heatmapteller.objects.filter(aantal__gt=0).count() == 2


def test_the_dashboard_query_count_does_not_grow_with_risks_and_reports(
    client_voor, beheerder, rondes
):
    t2, t3 = rondes
    client = client_voor(beheerder)
    client.get("/")
    weinig, _ = queries_en_pagina(client, "/")
    for n in range(12):
        RisicoFactory(netto_kans=1 + n % 5, netto_impact=1 + n % 3, bruto_kans=5, bruto_impact=5)
        initiatief = InitiatiefFactory(thema=ThemaFactory(naam=f"Thema {n % 4}"))
        StatusrapportageFactory(initiatief=initiatief, periode=t2, status=Status.GROEN)
        MijlpaalFactory(initiatief=initiatief, deadline=timezone.localdate())
    veel, response = queries_en_pagina(client, "/")
    assert veel == weinig <= 10
    assert response.context["heatmap"]["gescoord"] == 12
    themas, _ = overzicht_oud(t2, None, t3)
    assert response.context["status"]["themas"] == themas and len(themas) == 4


# --- Deadlocks (PostgreSQL) ---------------------------------------------------------------


def _op_de_achtergrond(werk):
    """Run `werk()` on its own connection in a thread; returns (thread, result dict with
    the backend pid as soon as it is known and the error, if any)."""
    uitkomst = {}

    def draaien():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                uitkomst["pid"] = cursor.fetchone()[0]
            with transaction.atomic():
                werk()
        except Exception as fout:  # reported to the test below
            uitkomst["fout"] = fout
        finally:
            connection.close()

    draad = threading.Thread(target=draaien)
    draad.start()
    return draad, uitkomst


def _wacht_op_slot(uitkomst):
    """Until the background transaction waits for a lock (at most 10 s)."""
    for _ in range(200):
        if "pid" in uitkomst:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [uitkomst["pid"]]
                )
                rij = cursor.fetchone()
            if rij and rij[0] == "Lock":
                return
        time.sleep(0.05)
    raise AssertionError("de tweede transactie wacht niet op een slot")


def _eerst_de_lage_sleutel(tabel, laag, hoog, werk):
    """Holding the counter row `hoog`, start `werk` (a bulk statement touching `laag` and
    `hoog`) in a second transaction: once it waits for `hoog`, it must hold `laag`
    already (locks in key order), so two such statements never wait for each other
    crosswise. Then let it finish."""
    andere = connections.create_connection("default")
    try:
        with andere.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(f"SELECT 1 FROM {tabel} WHERE id = %s FOR UPDATE", [hoog])
            draad, uitkomst = _op_de_achtergrond(werk)
            _wacht_op_slot(uitkomst)
            with pytest.raises(OperationalError, match="could not obtain lock"):
                cursor.execute(f"SELECT 1 FROM {tabel} WHERE id = %s FOR UPDATE NOWAIT", [laag])
            cursor.execute("ROLLBACK")
    finally:
        andere.close()
    draad.join(timeout=30)
    assert not draad.is_alive() and "fout" not in uitkomst, uitkomst.get("fout")


pg = pytest.mark.skipif(connection.vendor != "postgresql", reason="rijsloten van PostgreSQL")


@pg
@pytest.mark.django_db(transaction=True)
def test_heat_map_triggers_lock_their_counter_rows_in_key_order(risicofunctionaris):
    hoog = RisicoFactory(netto_kans=5, netto_impact=5, bruto_kans=5, bruto_impact=5)
    laag = RisicoFactory(netto_kans=1, netto_impact=1, bruto_kans=5, bruto_impact=5)
    cel = {(t.kans, t.impact): t.pk for t in Heatmapteller.objects.filter(kans__in=(1, 5))}
    _eerst_de_lage_sleutel(
        Heatmapteller._meta.db_table,
        cel[(1, 1)],
        cel[(5, 5)],
        lambda: Risico.objects.filter(pk__in=[hoog.pk, laag.pk]).update(netto_impact=2),
    )
    klopt()


@pg
@pytest.mark.django_db(transaction=True)
def test_action_triggers_lock_their_counter_rows_in_key_order():
    # The owner with the higher id gets the first counter row (the lower row id): no
    # luck from the table's physical order.
    eerste, tweede = UserFactory(), UserFactory()
    m2 = MijlpaalFactory(eigenaar=tweede)
    m1 = MijlpaalFactory(eigenaar=eerste, initiatief=m2.initiatief)
    rij = dict(Actieteller.objects.values_list("eigenaar", "pk"))
    assert rij[tweede.pk] < rij[eerste.pk]
    _eerst_de_lage_sleutel(
        Actieteller._meta.db_table,
        rij[eerste.pk],
        rij[tweede.pk],
        lambda: (
            type(m1)
            .objects.filter(pk__in=[m1.pk, m2.pk])
            .update(status="afgerond", afgerond_op=timezone.localdate())
        ),
    )
    klopt()


@pg
@pytest.mark.django_db(transaction=True)
def test_status_triggers_lock_their_counter_rows_in_key_order(rondes, pm):
    t2, t3 = rondes
    a, b = (InitiatiefFactory(eigenaar=pm, thema=ThemaFactory(naam=n)) for n in ("A", "B"))
    StatusrapportageFactory(initiatief=b, periode=t3)
    StatusrapportageFactory(initiatief=a, periode=t3)
    rij = dict(Statusteller.objects.values_list("thema", "pk"))
    assert rij[b.thema_id] < rij[a.thema_id]
    _eerst_de_lage_sleutel(
        Statusteller._meta.db_table,
        rij[a.thema_id],
        rij[b.thema_id],
        lambda: Statusrapportage.objects.filter(periode=t3).update(
            status=Status.ROOD, toelichting="Achter"
        ),
    )
    klopt()


@pg
@pytest.mark.django_db(transaction=True)
def test_two_bulk_writers_over_the_same_counters_both_finish(risicofunctionaris):
    """Two transactions each moving many risks between the same cells, in opposite
    directions, at the same time: both commit (no deadlock) and the counters are right."""
    Risico.objects.bulk_create(
        RisicoFactory.build(
            eigenaar=risicofunctionaris,
            netto_kans=k,
            netto_impact=i,
            bruto_kans=5,
            bruto_impact=5,
            toprisico=bool(n % 2),
        )
        for n, (k, i) in enumerate((k, i) for k in range(1, 6) for i in range(1, 6) for _ in "ab")
    )
    start = threading.Barrier(2)

    def spiegelen(toprisico):
        # Every risk to the mirrored cell: one statement touches nearly every counter.
        def werk():
            start.wait(timeout=10)
            for _ in range(3):
                Risico.objects.filter(toprisico=toprisico).update(
                    netto_kans=6 - F("netto_kans"), netto_impact=6 - F("netto_impact")
                )

        return werk

    een, twee = _op_de_achtergrond(spiegelen(True)), _op_de_achtergrond(spiegelen(False))
    for draad, uitkomst in (een, twee):
        draad.join(timeout=60)
        assert not draad.is_alive() and "fout" not in uitkomst, uitkomst.get("fout")
    klopt()

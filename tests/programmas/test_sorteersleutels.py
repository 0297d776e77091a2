"""The indicator values' copies of their sort keys (migration programmas 0006): the
database keeps them on every kind of write, the list sorts on them as it sorted on the
period's and indicator's own fields, and on PostgreSQL one index serves that order."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from douane_portfolio import rollen, tellers
from programmas.models import Indicatorwaarde, Periodesoort, PeriodeStatus
from tests.factories import UserFactory
from tests.programmas.factories import IndicatorFactory, IndicatorwaardeFactory, PeriodeFactory
from tests.queryplan import keyset_plan

pytestmark = pytest.mark.django_db

BRONNEN = Indicatorwaarde.door_triggers_gekopieerd


def kopieen():
    """{pk: (copies)} and {pk: (their sources)} as the database has them."""
    rijen = Indicatorwaarde.objects.order_by("pk").values("pk", *BRONNEN, *BRONNEN.values())
    return (
        {r["pk"]: tuple(r[k] for k in BRONNEN) for r in rijen},
        {r["pk"]: tuple(r[b] for b in BRONNEN.values()) for r in rijen},
    )


def klopt():
    gekopieerd, bron = kopieen()
    assert gekopieerd == bron
    assert tellers.kopie_verschillen(Indicatorwaarde) == []
    return gekopieerd


@pytest.fixture
def perioden():
    return (
        PeriodeFactory(jaar=2025, soort=Periodesoort.T3, status=PeriodeStatus.GESLOTEN),
        PeriodeFactory(jaar=2026, soort=Periodesoort.T1, status=PeriodeStatus.GESLOTEN),
    )


def test_the_copies_follow_every_kind_of_write(perioden):
    t3, t1 = perioden
    a = IndicatorFactory(groep="Controles", volgorde=2)
    b = IndicatorFactory(groep="Afdrachten", volgorde=1)
    # Created through the model, and in bulk.
    waarde = IndicatorwaardeFactory(indicator=a, periode=t3, realisatie=5)
    Indicatorwaarde.objects.bulk_create(
        [Indicatorwaarde(indicator=b, periode=t3), Indicatorwaarde(indicator=a, periode=t1)]
    )
    assert klopt()[waarde.pk] == (t3.einddatum, t3.begindatum, "Controles", 2)

    # A value saved with the copies it read earlier, after its indicator changed.
    a.groep, a.volgorde = "Bewaking", 7
    a.save()
    assert klopt()[waarde.pk][2:] == ("Bewaking", 7)
    waarde.realisatie = 6
    waarde.save()
    assert klopt()[waarde.pk][2:] == ("Bewaking", 7)

    # A value moved to another period and indicator.
    Indicatorwaarde.objects.filter(pk=waarde.pk).update(periode=t1, indicator=b)
    Indicatorwaarde.objects.filter(indicator=a, periode=t1).delete()
    assert klopt()[waarde.pk] == (t1.einddatum, t1.begindatum, "Afdrachten", 1)

    # A period whose dates change (its year or kind), and an indicator's order alone.
    t1.jaar, t1.soort = 2024, Periodesoort.JAAR
    t1.save()
    b.volgorde = 9
    b.save()
    assert klopt()[waarde.pk] == (t1.einddatum, t1.begindatum, "Afdrachten", 9)
    assert t1.begindatum.month == 1 and t1.einddatum.year == 2024


def _zonder_triggers(cursor):
    if connection.vendor == "postgresql":
        # ALTER TABLE refuses while the deferred foreign key checks are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE programmas_indicatorwaarde DISABLE TRIGGER sortering_in_bij")
    else:
        cursor.execute("DROP TRIGGER programmas_indicatorwaarde_sortering_bij")


def test_the_consistency_check_finds_and_repairs_a_wrong_copy(perioden):
    """What `tellers.verschillen` and `herstellen` do after the triggers were off."""
    waarde = IndicatorwaardeFactory(indicator__groep="Controles", periode=perioden[0])
    with connection.cursor() as cursor:
        _zonder_triggers(cursor)
        cursor.execute(
            "UPDATE programmas_indicatorwaarde SET indicator_groep = 'Fout', "
            "indicator_volgorde = 3 WHERE id = %s",
            [waarde.pk],
        )
    vandaag = timezone.localdate()
    verschil = [
        v for v in tellers.verschillen(vandaag) if v[0][0] == Indicatorwaarde._meta.db_table
    ]
    assert verschil == [
        ((Indicatorwaarde._meta.db_table, waarde.pk, "indicator_groep"), "Fout", "Controles"),
        ((Indicatorwaarde._meta.db_table, waarde.pk, "indicator_volgorde"), 3, 0),
    ]
    tellers.herstellen(vandaag)
    klopt()


def test_the_tables_keep_their_triggers():
    """A migration that makes SQLite rebuild one of these tables drops its triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname || ' ' || t.tgname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE 'sortering%%'"
            )
            verwacht = {
                "programmas_indicatorwaarde sortering_in_bij",
                "programmas_rapportageperiode sortering_bij",
                "programmas_prestatieindicator sortering_bij",
            }
        else:
            cursor.execute(
                "SELECT tbl_name || ' ' || name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE '%sortering%'"
            )
            verwacht = {
                "programmas_indicatorwaarde programmas_indicatorwaarde_sortering_in",
                "programmas_indicatorwaarde programmas_indicatorwaarde_sortering_bij",
                "programmas_rapportageperiode programmas_rapportageperiode_sortering_bij",
                "programmas_prestatieindicator programmas_prestatieindicator_sortering_bij",
            }
        assert {rij[0] for rij in cursor.fetchall()} == verwacht


@pytest.fixture
def lijst(perioden, client_voor):
    t3, t1 = perioden
    # Groups and orders that tie, so the primary key decides among equals.
    for n in range(12):
        indicator = IndicatorFactory(groep=f"Groep {n % 3}", volgorde=n % 2)
        for periode in (t3, t1) if n % 4 else (t1,):
            IndicatorwaardeFactory(indicator=indicator, periode=periode)
    return client_voor(UserFactory(rol=rollen.BEHEERDER))


@pytest.mark.parametrize(
    ("sort", "volgorde"),
    [
        (None, ("-periode__einddatum", "indicator__groep", "indicator__volgorde", "pk")),
        ("indicator", ("indicator__groep", "indicator__volgorde", "pk")),
        ("-indicator", ("-indicator__groep", "-indicator__volgorde", "pk")),
        ("-periode", ("-periode__einddatum", "-periode__begindatum", "pk")),
        ("groep", ("indicator__groep", "pk")),
    ],
)
def test_the_list_sorts_as_on_the_period_and_indicator_themselves(settings, lijst, sort, volgorde):
    """Page by page through the list: the rows of the join's order, each once."""
    settings.LIJST_PAGINA_GROOTTE = 5
    params = {"sort": sort} if sort else {}
    gezien = []
    for _ in range(10):
        response = lijst.get(reverse("programmas:indicatoren"), params)
        pagina = response.context["table"].page
        gezien += [rij.record.pk for rij in pagina.object_list]
        if not pagina.volgende:
            break
        params["cursor"] = pagina.volgende
    assert gezien == list(Indicatorwaarde.objects.order_by(*volgorde).values_list("pk", flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL")
@pytest.mark.parametrize(
    ("params", "index"),
    [
        ({}, "indicatorwaarde_lijst"),
        ({"sort": "indicator"}, "indicatorwaarde_indicator"),
        ({"sort": "-periode"}, "indicatorwaarde_periode"),
    ],
)
def test_the_list_reads_its_order_from_the_index(settings, lijst, params, index):
    """The first page and the one after it: an index scan in the list's order, with no
    sort of all values (sorts are off, but an unavoidable one would still show)."""
    settings.LIJST_PAGINA_GROOTTE = 5
    plan, response = keyset_plan(lijst, reverse("programmas:indicatoren"), params)
    assert index in plan and "Sort" not in plan, plan
    volgende = {**params, "cursor": response.context["table"].page.volgende}
    plan, _ = keyset_plan(lijst, reverse("programmas:indicatoren"), volgende)
    assert index in plan and "Sort" not in plan, plan

"""The indicator values' copies of their sort keys and direction (migrations programmas
0006, 0007): the database keeps them on every kind of write, the list sorts on them as it
sorted on the period's and indicator's own fields, and on PostgreSQL one index serves
that order. The status, stored and computed by the database from the value and the
copied direction, is the Python rule's, and the status filter and sort read an index."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from douane_portfolio import rollen, tellers
from programmas.models import (
    IndicatorStatus,
    Indicatorwaarde,
    Periodesoort,
    PeriodeStatus,
    Richting,
)
from tests.bladerhulp import rij_ids
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
    b = IndicatorFactory(groep="Afdrachten", volgorde=1, richting=Richting.LAGER)
    # Created through the model, and in bulk.
    waarde = IndicatorwaardeFactory(indicator=a, periode=t3, realisatie=5)
    Indicatorwaarde.objects.bulk_create(
        [Indicatorwaarde(indicator=b, periode=t3), Indicatorwaarde(indicator=a, periode=t1)]
    )
    assert klopt()[waarde.pk] == (t3.einddatum, t3.begindatum, "Controles", 2, "hoger")

    # A value saved with the copies it read earlier, after its indicator changed.
    a.groep, a.volgorde, a.richting = "Bewaking", 7, Richting.LAGER
    a.save()
    assert klopt()[waarde.pk][2:] == ("Bewaking", 7, "lager")
    waarde.realisatie = 6
    waarde.save()
    assert klopt()[waarde.pk][2:] == ("Bewaking", 7, "lager")

    # A value moved to another period and indicator.
    Indicatorwaarde.objects.filter(pk=waarde.pk).update(periode=t1, indicator=b)
    Indicatorwaarde.objects.filter(indicator=a, periode=t1).delete()
    assert klopt()[waarde.pk] == (t1.einddatum, t1.begindatum, "Afdrachten", 1, "lager")

    # A period whose dates change (its year or kind), an indicator's order or direction.
    t1.jaar, t1.soort = 2024, Periodesoort.JAAR
    t1.save()
    b.volgorde = 9
    b.save()
    assert klopt()[waarde.pk] == (t1.einddatum, t1.begindatum, "Afdrachten", 9, "lager")
    b.richting = Richting.HOGER
    b.save()
    assert klopt()[waarde.pk] == (t1.einddatum, t1.begindatum, "Afdrachten", 9, "hoger")
    assert t1.begindatum.month == 1 and t1.einddatum.year == 2024


def opgeslagen_status(waarde):
    return Indicatorwaarde.objects.values_list("berekende_status", flat=True).get(pk=waarde.pk)


def test_the_stored_status_follows_the_value_and_its_indicators_direction(perioden):
    """85 against a target of 100 with a band of 5%: rood when higher is better, groen
    when lower is; the database recomputes it on each write, and it is the Python rule."""
    indicator = IndicatorFactory()
    waarde = IndicatorwaardeFactory(
        indicator=indicator, periode=perioden[0], doelstelling=100, realisatie=85, bandbreedte=5
    )
    assert opgeslagen_status(waarde) == IndicatorStatus.ROOD == waarde.status

    indicator.richting = Richting.LAGER
    indicator.save()
    waarde.refresh_from_db()
    assert opgeslagen_status(waarde) == IndicatorStatus.GROEN == waarde.status

    Indicatorwaarde.objects.filter(pk=waarde.pk).update(realisatie=None)
    assert opgeslagen_status(waarde) == IndicatorStatus.NIET_GERAPPORTEERD
    waarde.refresh_from_db()
    waarde.realisatie, waarde.doelstelling = 107, 100
    waarde.save()
    assert opgeslagen_status(waarde) == IndicatorStatus.ORANJE == waarde.status

    # Moved to an indicator where higher is better.
    Indicatorwaarde.objects.filter(pk=waarde.pk).update(indicator=IndicatorFactory())
    assert opgeslagen_status(waarde) == IndicatorStatus.GROEN


def _zonder_triggers(cursor):
    if connection.vendor == "postgresql":
        # ALTER TABLE refuses while the deferred foreign key checks are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE programmas_indicatorwaarde DISABLE TRIGGER sortering_in_bij")
    else:
        cursor.execute("DROP TRIGGER programmas_indicatorwaarde_sortering_bij")


def test_the_consistency_check_finds_and_repairs_a_wrong_copy(perioden):
    """What `tellers.verschillen` and `herstellen` do after the triggers were off."""
    waarde = IndicatorwaardeFactory(
        indicator__groep="Controles",
        periode=perioden[0],
        doelstelling=100,
        realisatie=85,
        bandbreedte=5,
    )
    with connection.cursor() as cursor:
        _zonder_triggers(cursor)
        cursor.execute(
            "UPDATE programmas_indicatorwaarde SET indicator_groep = 'Fout', "
            "indicator_volgorde = 3, indicator_richting = 'lager' WHERE id = %s",
            [waarde.pk],
        )
    vandaag = timezone.localdate()
    verschil = [
        v for v in tellers.verschillen(vandaag) if v[0][0] == Indicatorwaarde._meta.db_table
    ]
    assert verschil == [
        ((Indicatorwaarde._meta.db_table, waarde.pk, "indicator_groep"), "Fout", "Controles"),
        ((Indicatorwaarde._meta.db_table, waarde.pk, "indicator_volgorde"), 3, 0),
        ((Indicatorwaarde._meta.db_table, waarde.pk, "indicator_richting"), "lager", "hoger"),
    ]
    # The status went with the wrong direction, and comes back with the right one.
    assert opgeslagen_status(waarde) == IndicatorStatus.GROEN
    tellers.herstellen(vandaag)
    klopt()
    assert opgeslagen_status(waarde) == IndicatorStatus.ROOD == waarde.status


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


@pytest.fixture
def statuslijst(perioden, client_voor):
    """Values of every status in both periods, with groups and orders that tie."""
    t3, t1 = perioden
    realisaties = (None, 120, 97, 93, 80)  # per 100 with a band of 5: each status once
    for n in range(15):
        indicator = IndicatorFactory(
            groep=f"Groep {n % 3}",
            volgorde=n % 2,
            richting=Richting.LAGER if n % 4 == 0 else Richting.HOGER,
        )
        # By the period's place, not its pk: a pk depends on what ran before (sequences
        # are not rolled back), and with it how many values of each status there are.
        for plek, periode in enumerate((t3, t1)):
            IndicatorwaardeFactory(
                indicator=indicator,
                periode=periode,
                doelstelling=None if n % 7 == 3 else 100,
                realisatie=realisaties[(n + plek) % 5],
                bandbreedte=5,
            )
    return client_voor(UserFactory(rol=rollen.BEHEERDER))


def _alle_paginas(client, params):
    return rij_ids(client, reverse("programmas:indicatoren"), params)


@pytest.mark.parametrize("status", IndicatorStatus.values)
def test_the_status_filter_gives_the_rows_of_the_python_rule_in_the_list_order(
    settings, statuslijst, status
):
    settings.LIJST_PAGINA_GROOTTE = 4
    verwacht = [
        w.pk
        for w in Indicatorwaarde.objects.select_related("indicator").order_by(
            "-periode__einddatum", "indicator__groep", "indicator__volgorde", "pk"
        )
        if w.status == status
    ]
    assert verwacht
    assert _alle_paginas(statuslijst, {"status": status}) == verwacht


@pytest.mark.parametrize("sort", ["berekende_status", "-berekende_status"])
def test_the_status_sort_orders_by_the_python_rule(settings, statuslijst, sort):
    settings.LIJST_PAGINA_GROOTTE = 4
    # Equal statuses by primary key, in the same direction as the status: descending
    # flips both keys, so one index serves both ways.
    waarden = Indicatorwaarde.objects.select_related("indicator")
    verwacht = sorted(waarden, key=lambda w: (w.status, w.pk), reverse=sort.startswith("-"))
    assert _alle_paginas(statuslijst, {"sort": sort}) == [w.pk for w in verwacht]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN op PostgreSQL")
@pytest.mark.parametrize(
    ("params", "index"),
    [
        ({"status": "rood"}, "indicatorwaarde_status"),
        ({"status": "niet_gerapporteerd"}, "indicatorwaarde_status"),
        ({"sort": "berekende_status"}, "indicatorwaarde_status_id"),
        ({"sort": "-berekende_status"}, "indicatorwaarde_status_id"),
    ],
)
def test_the_status_filter_and_sort_read_an_index(settings, statuslijst, params, index):
    """The first page and the next: an index scan, not the status computed for every
    value and sorted (before 0007: a join of all values with their indicators)."""
    # Fewer than the four red values, so that there is a next page to explain.
    settings.LIJST_PAGINA_GROOTTE = 3
    url = reverse("programmas:indicatoren")
    eerste, response = keyset_plan(statuslijst, url, params)
    volgende = {**params, "cursor": response.context["table"].page.volgende}
    for plan in (eerste, keyset_plan(statuslijst, url, volgende)[0]):
        assert f"using {index} on" in plan, plan
        assert "Join" not in plan and "Nested Loop" not in plan, plan
        # Descending reads the index backward: no sort of a status group by id either.
        assert "Sort" not in plan, plan

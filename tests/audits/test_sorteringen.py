"""Every sort of the findings list and of the reports list, page by page through the
cursor: the rows of the order the keys name, each once, both directions, with unknown
years and dates and with equal keys (the primary key decides among equals, in the sort's
direction). See test_index_bevindingen.py for the indexes that serve these orders."""

import datetime

import pytest
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from audits.models import (
    NOG_NIET_OPGELOST,
    STATUS_VOLGORDE,
    Auditrapport,
    Bevinding,
    BevindingStatus,
    Instantie,
    Soort,
)
from douane_portfolio import rollen
from douane_portfolio.models import OPEN_STATUSSEN
from tests.audits.factories import AuditrapportFactory, BevindingFactory, VervolgactieFactory
from tests.bladerhulp import rij_ids
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bevindingen_met_gelijken():
    """Findings whose keys tie in every column: three reports of two bodies (their ids not
    in body order), two owners with the same name, titles, kinds and domains that repeat,
    each status, and expectations with a date, a year alone and none at all."""
    rapporten = [
        AuditrapportFactory(instantie=Instantie.ARK, jaar=2022),
        AuditrapportFactory(instantie=Instantie.ADR, jaar=None),
        AuditrapportFactory(instantie=Instantie.ARK, jaar=2022),
    ]
    AuditrapportFactory(instantie=Instantie.INTERN, jaar=2024)
    AuditrapportFactory(instantie=Instantie.ADR, jaar=None)
    eigenaren = [
        UserFactory(first_name="Anna", last_name="Jansen"),
        UserFactory(first_name="Anna", last_name="Jansen"),
        UserFactory(first_name="Bert", last_name="Bakker"),
    ]
    statussen = list(BevindingStatus)
    soorten = [Soort.ONVOLKOMENHEID, Soort.AANBEVELING]
    for n in range(14):
        jaar = (None, 2025, 2026, 2025)[n % 4]
        op = datetime.date(jaar, 3 + n % 2, 1) if jaar and n % 3 == 0 else None
        bevinding = BevindingFactory(
            rapport=rapporten[n % 3],
            titel=f"Bevinding {n % 5}",
            soort=soorten[n % 2],
            domein=f"domein {n % 3}",
            eigenaar=eigenaren[n % 3],
            status=statussen[n % 4],
            verwacht_opgelost_jaar=jaar,
            verwacht_opgelost_op=op,
        )
        # 0-2 open actions (some overdue) and a closed one, postponed 0, 1 or 3 times: ties
        # in every count.
        for m in range(n % 3):
            VervolgactieFactory(
                bevinding=bevinding,
                aantal_verschuivingen=(0, 1, 3)[(n + m) % 3],
                deadline=timezone.localdate() + datetime.timedelta(days=(-2, 5, -1)[(n + m) % 3]),
            )
        if n % 4 == 1:
            VervolgactieFactory(bevinding=bevinding, status="afgerond", aantal_verschuivingen=1)


@pytest.fixture
def lijst(client_voor):
    bevindingen_met_gelijken()
    return client_voor(UserFactory(rol=rollen.BEHEERDER))


def _omgekeerd(sleutels):
    """The order with every key flipped; NULLs go where the old descending put them."""
    uit = []
    for sleutel in sleutels:
        if isinstance(sleutel, str):
            uit.append(sleutel[1:] if sleutel.startswith("-") else f"-{sleutel}")
        else:
            uit.append(
                sleutel.expression.asc(nulls_first=True)
                if sleutel.descending
                else sleutel.expression.desc(nulls_first=True)
            )
    return uit


STATUS_SQL = Case(
    *[When(status=s, then=Value(v)) for s, v in STATUS_VOLGORDE.items()],
    output_field=IntegerField(),
)

# What the user sees, written on the fields themselves (unknown last ascending as NULLS
# LAST did), with the primary key last.
BEVINDINGEN = {
    "instantie": ("rapport__instantie", "rapport_id", "pk"),
    "titel": ("titel", "pk"),
    "soort": ("soort", "pk"),
    "domein": ("domein", "pk"),
    "status": ("status_volgorde", "titel", "pk"),
    "verwacht": (
        F("verwacht_opgelost_jaar").asc(nulls_last=True),
        F("verwacht_opgelost_op").asc(nulls_last=True),
        "pk",
    ),
    "eigenaar": ("eigenaar__first_name", "eigenaar__last_name", "eigenaar_id", "pk"),
    # Recounted here from the actions, not read from the counters the database keeps.
    "open_acties": ("herteld_open", "pk"),
    "te_late_acties": ("herteld_te_laat", "pk"),
    "verschuivingen": ("herteld_uitstel", "pk"),
}


@pytest.mark.parametrize("aflopend", [False, True], ids=["oplopend", "aflopend"])
@pytest.mark.parametrize("kolom", list(BEVINDINGEN))
def test_every_findings_sort_pages_through_its_order(settings, lijst, kolom, aflopend):
    settings.LIJST_PAGINA_GROOTTE = 4
    sleutels = BEVINDINGEN[kolom]
    if aflopend:
        sleutels = _omgekeerd(sleutels)
    verwacht = list(
        Bevinding.objects.annotate(
            status_volgorde=STATUS_SQL,
            herteld_open=Count("vervolgacties", filter=Q(vervolgacties__status__in=OPEN_STATUSSEN)),
            herteld_te_laat=Count(
                "vervolgacties",
                filter=Q(
                    vervolgacties__status__in=OPEN_STATUSSEN,
                    vervolgacties__deadline__lt=timezone.localdate(),
                ),
            ),
            herteld_uitstel=Coalesce(Sum("vervolgacties__aantal_verschuivingen"), 0),
        )
        .order_by(*sleutels)
        .values_list("pk", flat=True)
    )
    sort = f"-{kolom}" if aflopend else kolom
    assert rij_ids(lijst, reverse("audits:bevindingen"), {"sort": sort}) == verwacht


def test_the_expected_sort_puts_unknown_last_and_a_date_before_its_year_alone(settings, lijst):
    settings.LIJST_PAGINA_GROOTTE = 4
    volgorde = rij_ids(lijst, reverse("audits:bevindingen"), {"sort": "verwacht"})
    rijen = Bevinding.objects.in_bulk(volgorde)
    verwachtingen = [
        (rijen[pk].verwacht_opgelost_jaar, rijen[pk].verwacht_opgelost_op) for pk in volgorde
    ]
    assert verwachtingen[-4:] == [(None, None)] * 4
    assert verwachtingen[:2] == [(2025, datetime.date(2025, 4, 1))] * 2
    assert (2025, None) in verwachtingen[:8]


RAPPORTEN = {
    None: (F("jaar").desc(nulls_last=True), "instantie", "titel", "pk"),
    "instantie": ("instantie", "pk"),
    "titel": ("titel", "pk"),
    "jaar": (F("jaar").asc(nulls_last=True), "pk"),
    # Recounted here from the findings, not read from the counters the database keeps.
    "aantal_bevindingen": ("herteld_aantal", "pk"),
    "nog_open": ("herteld_open", "pk"),
}


@pytest.mark.parametrize("aflopend", [False, True], ids=["oplopend", "aflopend"])
@pytest.mark.parametrize("kolom", list(RAPPORTEN), ids=lambda k: k or "standaard")
def test_every_reports_sort_pages_through_its_order(settings, client_voor, kolom, aflopend):
    if kolom is None and aflopend:
        pytest.skip("de standaardvolgorde heeft één richting")
    settings.LIJST_PAGINA_GROOTTE = 2
    for n in range(9):
        rapport = AuditrapportFactory(
            instantie=(Instantie.ARK, Instantie.ADR)[n % 2],
            titel=f"Rapport {n % 5}",
            jaar=(None, 2022, 2023)[n % 3],
        )
        # 0-2 findings, one resolved in some: ties in both counts.
        for m in range(n % 3):
            status = BevindingStatus.OPGELOST if (n + m) % 4 == 0 else BevindingStatus.OPEN
            BevindingFactory(rapport=rapport, status=status)
    client = client_voor(UserFactory(rol=rollen.BEHEERDER))
    sleutels = RAPPORTEN[kolom]
    if aflopend:
        sleutels = _omgekeerd(sleutels)
    verwacht = list(
        Auditrapport.objects.annotate(
            herteld_aantal=Count("bevindingen"),
            herteld_open=Count("bevindingen", filter=Q(bevindingen__status__in=NOG_NIET_OPGELOST)),
        )
        .order_by(*sleutels)
        .values_list("pk", flat=True)
    )
    params = {"sort": f"-{kolom}" if aflopend else kolom} if kolom else {}
    assert rij_ids(client, reverse("audits:rapporten"), params) == verwacht

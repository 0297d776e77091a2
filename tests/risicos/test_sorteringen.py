"""The register's and the measures' sorts of migration 0012, page by page through
"Volgende": every row once, in the order the user saw before (where the NULLs go), now
with the id as the last key in the sort's own direction (issue 13). On both databases."""

import datetime

import pytest
from django.urls import reverse

from douane_portfolio import rollen
from risicos.models import Beheersmaatregel, Risico
from tests.audits.factories import BevindingFactory
from tests.bladerhulp import rij_ids
from tests.factories import UserFactory
from tests.risicos.factories import RisicodialoogFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("risicos:register")
MAATREGELEN = reverse("risicos:maatregelen")
DAG = datetime.date(2030, 1, 1)
# Two descriptions alike in their first 100 characters: the sort sees them as equal.
LANG = "x" * 100


def _laatst(waarde):
    """Sort key with NULL after every value."""
    return (waarde is None, waarde)


@pytest.fixture
def lijst(settings, client_voor):
    settings.LIJST_PAGINA_GROOTTE = 3
    eigenaar = UserFactory(rol=rollen.RISICOFUNCTIONARIS)
    # Equal keys and NULLs in every changed column; ids not in the keys' order.
    for n in range(14):
        Risico.objects.create(
            titel=f"Risico {n:02d}",
            categorie=("intern", "extern")[n % 2],
            toprisico=n % 3 == 0,
            status=("actief", "actief", "gesloten")[n % 3],
            risicobereidheid=(None, 12, 4, 12)[n % 4],
            herbeoordeling=(None, DAG, DAG + datetime.timedelta(days=n % 3))[n % 3],
            eigenaar=eigenaar,
        )
    # Open findings per risk 0, 1 or 2 (kept by the database; a resolved one not counted).
    bevindingen = [BevindingFactory(), BevindingFactory(), BevindingFactory(status="opgelost")]
    for n, risico in enumerate(Risico.objects.order_by("titel")):
        risico_bevindingen = bevindingen[: (0, 1, 2, 3)[n % 4]]
        for bevinding in risico_bevindingen:
            bevinding.risicos.add(risico)
    dialogen = [RisicodialoogFactory(), RisicodialoogFactory()]
    for n in range(13):
        Beheersmaatregel.objects.create(
            omschrijving=(f"Maatregel {n % 4}", f"{LANG} {20 - n}")[n % 2],
            eigenaar=eigenaar,
            deadline=DAG,
            dialoog=(None, dialogen[1], None, dialogen[0])[n % 4],
        )
    return client_voor(UserFactory(rol=rollen.BEHEERDER))


def _verwacht(rijen, sleutel, aflopend):
    """Ascending: by the key with NULLs last, then the id. Descending: exactly reversed
    (NULLs first, equal keys by id from high to low)."""
    return [r.pk for r in sorted(rijen, key=lambda r: (*sleutel(r), r.pk), reverse=aflopend)]


REGISTERSORTERINGEN = {
    "categorie": lambda r: (r.categorie,),
    "toprisico": lambda r: (r.toprisico,),
    "status": lambda r: (r.status,),
    "risicobereidheid": lambda r: _laatst(r.risicobereidheid),
    "herbeoordeling": lambda r: _laatst(r.herbeoordeling),
    "open_bevindingen": lambda r: (r.bevindingen_open,),
}


@pytest.mark.parametrize("aflopend", [False, True])
@pytest.mark.parametrize("kolom", REGISTERSORTERINGEN)
@pytest.mark.parametrize("status", ["", "alle"])
def test_the_register_pages_through_each_sort_in_its_order(lijst, kolom, aflopend, status):
    params = {"sort": f"{'-' if aflopend else ''}{kolom}", "status": status}
    rijen = Risico.objects.all() if status else Risico.objects.actief()
    assert len(rijen) > 6
    verwacht = _verwacht(rijen, REGISTERSORTERINGEN[kolom], aflopend)
    assert rij_ids(lijst, REGISTER, params) == verwacht


MAATREGELSORTERINGEN = {
    "dialoog": lambda m: _laatst(m.dialoog_id),
    "omschrijving": lambda m: (m.omschrijving[:100],),
}


@pytest.mark.parametrize("aflopend", [False, True])
@pytest.mark.parametrize("kolom", MAATREGELSORTERINGEN)
def test_the_measures_page_through_each_sort_in_its_order(lijst, kolom, aflopend):
    params = {"sort": f"{'-' if aflopend else ''}{kolom}"}
    verwacht = _verwacht(Beheersmaatregel.objects.all(), MAATREGELSORTERINGEN[kolom], aflopend)
    assert rij_ids(lijst, MAATREGELEN, params) == verwacht


def test_a_measure_with_a_long_description_sorts_on_its_beginning(lijst):
    """Descriptions alike in their first 100 characters are equal keys, in id order."""
    lang = list(
        Beheersmaatregel.objects.filter(omschrijving__startswith=LANG)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    gezien = rij_ids(lijst, MAATREGELEN, {"sort": "omschrijving"})
    assert [pk for pk in gezien if pk in lang] == lang

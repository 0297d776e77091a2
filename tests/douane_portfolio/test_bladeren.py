"""Keyset pagination: walking a list page by page, forwards and backwards, shows every
row exactly once in the order of the whole list, for every sorting (NULLs included)."""

import itertools

import pytest
from django.urls import reverse

from douane_portfolio import rollen
from douane_portfolio.bladeren import MAX_PAGINA, cursor_maken
from risicos.models import Beheersmaatregel, Risico
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("risicos:register")
MAATREGELEN = reverse("risicos:maatregelen")
SCORES = [(5, 4, 3, 2), (2, 2, 1, 1), (None, None, None, None), (4, 5, 4, 5), (None, None, 2, 2)]


@pytest.fixture
def lijst(settings, client_voor):
    settings.LIJST_PAGINA_GROOTTE = 4
    eigenaars = UserFactory.create_batch(3, rol=rollen.RISICOFUNCTIONARIS)
    Risico.objects.bulk_create(
        Risico(
            titel=f"Risico {n:02d}",
            categorie="extern" if n % 2 else "intern",
            eigenaar=eigenaars[n % 3],
            bruto_kans=s[0],
            bruto_impact=s[1],
            netto_kans=s[2],
            netto_impact=s[3],
        )
        for n, s in zip(range(23), itertools.cycle(SCORES), strict=False)
    )
    for n in range(11):
        Beheersmaatregel.objects.create(
            omschrijving=f"Maatregel {n:02d}",
            eigenaar=eigenaars[n % 3],
            deadline=f"2030-01-{1 + n % 4:02d}",
        )
    return client_voor(eigenaars[0])


def _pagina(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 200
    table = response.context["table"]
    return [r.record.pk for r in table.page.object_list], table


def _alles(client, url, params):
    """Every row in one page, in the list's own order (the page size set large)."""
    from django.conf import settings

    oud = settings.LIJST_PAGINA_GROOTTE
    settings.LIJST_PAGINA_GROOTTE = 1000
    try:
        return _pagina(client, url, params)[0]
    finally:
        settings.LIJST_PAGINA_GROOTTE = oud


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (REGISTER, {}),
        (REGISTER, {"sort": "-netto"}),
        (REGISTER, {"sort": "netto"}),
        (REGISTER, {"sort": "bruto"}),
        (REGISTER, {"sort": "-bruto"}),
        (REGISTER, {"sort": "eigenaar"}),
        (REGISTER, {"sort": "-titel", "categorie": "extern"}),
        (REGISTER, {"sort": "maatregelen"}),
        (MAATREGELEN, {}),
        (MAATREGELEN, {"sort": "-deadline"}),
        # One row comparison for the seek (keys never NULL, one direction), both ways.
        (REGISTER, {"sort": "-categorie"}),
        (MAATREGELEN, {"sort": "omschrijving"}),
    ],
)
def test_walking_the_pages_shows_every_row_once_in_order(lijst, url, params):
    verwacht = _alles(lijst, url, params)
    assert len(verwacht) > 8

    gezien, nummers, cursors = [], [], []
    pks, table = _pagina(lijst, url, params)
    while True:
        gezien += pks
        nummers.append(table.page.number)
        if not table.page.has_next:
            break
        cursors.append(table.page.volgende)
        pks, table = _pagina(lijst, url, {**params, "cursor": table.page.volgende})
    assert gezien == verwacht
    assert nummers == list(range(1, len(nummers) + 1))

    # And back again from the last page with "vorige".
    terug = []
    pks, table = _pagina(lijst, url, {**params, "cursor": cursor_maken("l", 0)})
    assert not table.page.has_next
    while True:
        terug = pks + terug
        if not table.page.has_previous:
            break
        pks, table = _pagina(lijst, url, {**params, "cursor": table.page.vorige})
    assert terug == verwacht


def test_old_page_links_still_work_and_stop_at_the_cap(lijst):
    verwacht = _alles(lijst, REGISTER, {})
    pks, table = _pagina(lijst, REGISTER, {"page": 2})
    assert pks == verwacht[4:8]
    assert table.page.number == 2
    assert _pagina(lijst, REGISTER, {"page": 10**9})[1].page.number == MAX_PAGINA
    for onzin in ("-3", "x", ""):
        assert _pagina(lijst, REGISTER, {"page": onzin})[0] == verwacht[:4]


@pytest.mark.parametrize(
    "cursor",
    ["onzin", "e30", cursor_maken("n", 2, ["x", "y", "z"]), cursor_maken("n", 2, ["x", "y"])],
)
def test_a_cursor_edited_by_hand_shows_the_first_page(lijst, cursor):
    verwacht = _alles(lijst, MAATREGELEN, {})
    assert _pagina(lijst, MAATREGELEN, {"cursor": cursor})[0] == verwacht[:4]


def test_the_navigation_is_labelled_and_links_with_a_cursor(lijst):
    response = lijst.get(REGISTER)
    html = response.content.decode()
    assert '<nav class="paginering" aria-label="Paginering">' in html
    assert 'rel="next"' in html and "cursor=" in html
    assert 'aria-current="page">Pagina 1<' in html

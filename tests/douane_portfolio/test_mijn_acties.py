"""Mijn acties is paged across the kinds of action (issue 13): a manager with hundreds of
open actions gets pages of 50, overdue first, at the same number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from douane_portfolio.acties import open_acties_tellen, open_acties_van
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.bladerhulp import alle_paginas, queries_en_pagina
from tests.programmas.factories import InitiatiefFactory, MijlpaalFactory
from tests.risicos.factories import BeheersmaatregelFactory, RisicoFactory

pytestmark = pytest.mark.django_db

URL = reverse("mijn_acties")


def _acties(eigenaar, aantal):
    """`aantal` open actions of each kind, with deadlines shared across kinds (so the
    order's tie-breakers matter) and some overdue."""
    vandaag = timezone.localdate()
    initiatief = InitiatiefFactory(eigenaar=eigenaar)
    bevinding = BevindingFactory(eigenaar=eigenaar)
    risico = RisicoFactory()
    for n in range(aantal):
        deadline = vandaag + datetime.timedelta(days=n % 7 - 3)
        MijlpaalFactory(initiatief=initiatief, eigenaar=eigenaar, deadline=deadline)
        BeheersmaatregelFactory(eigenaar=eigenaar, deadline=deadline, risicos=[risico])
        VervolgactieFactory(bevinding=bevinding, eigenaar=eigenaar, deadline=deadline)
    MijlpaalFactory(initiatief=initiatief, eigenaar=eigenaar, status="afgerond")


def _pagina(response):
    return response.context["pagina"]


@pytest.mark.parametrize("wie", ["pm", "beheerder"])
def test_mijn_acties_pages_every_open_action_once_at_a_constant_query_count(
    client_voor, request, pm2, wie
):
    user = request.getfixturevalue(wie)
    client = client_voor(user)
    _acties(pm2, 3)  # a colleague's: never on my pages
    _acties(user, 2)
    client.get(URL)  # per-process caches
    weinig, response = queries_en_pagina(client, URL)
    assert len(_pagina(response).object_list) == 6
    assert not _pagina(response).has_next

    _acties(user, 20)
    paginas, tellingen = alle_paginas(client, URL, _pagina)
    assert [len(p) for p in paginas] == [50, 16]
    assert set(tellingen) == {weinig}
    gezien = [(type(a), a.pk) for p in paginas for a in p]
    assert len(set(gezien)) == len(gezien) == 66
    # Exactly the unpaged list, in its order: overdue first, then by deadline.
    assert gezien == [(type(a), a.pk) for a in open_acties_van(user)]
    assert all(a.eigenaar_id == user.pk for p in paginas for a in p)

    inhoud = client.get(URL).content.decode()
    te_laat = sum(1 for a in open_acties_van(user) if a.deadline < timezone.localdate())
    assert "<strong>66</strong> open" in inhoud
    assert f"<strong>{te_laat}</strong> te laat" in inhoud
    assert open_acties_tellen(user) == (66, te_laat)


def test_previous_and_last_page_of_mijn_acties(client_voor, pm):
    client = client_voor(pm)
    _acties(pm, 40)  # 120 actions: three pages
    volgorde = [(type(a), a.pk) for a in open_acties_van(pm)]
    eerste = _pagina(client.get(URL))
    tweede = _pagina(client.get(URL, {"cursor": eerste.volgende}))
    assert [(type(a), a.pk) for a in tweede.object_list] == volgorde[50:100]
    assert tweede.number == 2
    terug = _pagina(client.get(URL, {"cursor": tweede.vorige}))
    assert [(type(a), a.pk) for a in terug.object_list] == volgorde[:50]
    assert not terug.has_previous
    laatste = _pagina(client.get(URL, {"cursor": eerste.laatste_cursor}))
    assert [(type(a), a.pk) for a in laatste.object_list] == volgorde[-50:]
    assert not laatste.has_next


def test_a_cursor_edited_by_hand_shows_the_first_page(client_voor, pm):
    _acties(pm, 1)
    for cursor in ("onzin", "WyJuIiwgMiwgWzEsIDJdXQ"):  # the latter: ["n", 2, [1, 2]]
        response = client_voor(pm).get(URL, {"cursor": cursor})
        assert response.status_code == 200
        assert len(_pagina(response).object_list) == 3

"""Mijn herinneringen at scale (issue 13): mails paged by keyset, each mail showing its
most urgent items with a link to the whole mail, which is paged in turn."""

import datetime
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from herinneringen.models import Bezorging, Herinnering, HerinneringSoort, Verzending
from herinneringen.views import ITEMS_PER_MAIL
from programmas.models import Mijlpaal
from tests.bladerhulp import alle_paginas, queries_en_pagina

pytestmark = pytest.mark.django_db

URL = reverse("mijn_herinneringen")
VANDAAG = datetime.date(2026, 11, 27)
SOORTEN = [
    HerinneringSoort.BINNENKORT,
    HerinneringSoort.TE_LAAT,
    HerinneringSoort.ESCALATIE,
    HerinneringSoort.MELDING,
]


def _mails(ontvanger, aantal, items=2):
    """`aantal` sent mails to `ontvanger`, each with `items` reminders of mixed kinds."""
    content_type = ContentType.objects.get_for_model(Mijlpaal)
    mails = Verzending.objects.bulk_create(
        Verzending(
            ontvanger=ontvanger,
            adres=ontvanger.email or "x@example.org",
            status="verzonden",
            onderwerp=f"Douane Portfolio: mail {uuid.uuid4().hex[:8]}",
            message_id=f"<{uuid.uuid4()}@test>",
        )
        for _ in range(aantal)
    )
    herinneringen = Herinnering.objects.bulk_create(
        Herinnering(
            content_type=content_type,
            object_id=10_000 + n,
            soort=SOORTEN[n % len(SOORTEN)],
            periode=f"{mail.pk}-{n}",
            datum=VANDAAG,
            deadline=VANDAAG + datetime.timedelta(days=n % 9 - 4),
            soortnaam="mijlpaal",
            omschrijving=f"Item {mail.pk}-{n:03}",
            url="/",
            eigenaar=ontvanger,
            run=uuid.uuid4(),
        )
        for mail in mails
        for n in range(items)
    )
    Bezorging.objects.bulk_create(
        Bezorging(herinnering=h, ontvanger=ontvanger, verzending_id=int(h.periode.split("-")[0]))
        for h in herinneringen
    )
    return mails


def _pagina(response):
    return response.context["pagina"]


@pytest.mark.parametrize("wie", ["pm", "beheerder"])
def test_mails_are_paged_at_a_constant_query_count(client_voor, request, pm2, wie):
    user = request.getfixturevalue(wie)
    client = client_voor(user)
    _mails(pm2, 3)  # a colleague's mails never show
    _mails(user, 5)
    client.get(URL)
    weinig, response = queries_en_pagina(client, URL)
    assert len(_pagina(response).object_list) == 5

    _mails(user, 60, items=30)
    paginas, tellingen = alle_paginas(client, URL, _pagina)
    assert [len(p) for p in paginas] == [10] * 6 + [5]
    assert set(tellingen) == {weinig}
    gezien = [m.pk for p in paginas for m in p]
    assert len(gezien) == len(set(gezien)) == 65
    # Newest first, as before.
    assert gezien == list(
        Verzending.objects.filter(ontvanger=user)
        .order_by("-aangemaakt_op", "-pk")
        .values_list("pk", flat=True)
    )


def test_a_large_mail_shows_its_most_urgent_items_and_links_to_all(client_voor, pm):
    client = client_voor(pm)
    (mail,) = _mails(pm, 1, items=60)
    response = client.get(URL)
    (getoond,) = _pagina(response).object_list
    items = [b.herinnering for b in getoond.eerste_items]
    assert len(items) == ITEMS_PER_MAIL
    # Escalations first, then overdue, by deadline.
    assert [h.soort for h in items[:15]] == [HerinneringSoort.ESCALATIE] * 15
    assert [h.soort for h in items[15:]] == [HerinneringSoort.TE_LAAT] * 10
    assert [h.deadline for h in items[:15]] == sorted(h.deadline for h in items[:15])
    inhoud = response.content.decode()
    assert "De 25 dringendste van 60 herinneringen in deze e-mail." in inhoud
    assert reverse("mijn_verzending", args=[mail.pk]) in inhoud


@pytest.mark.parametrize("wie", ["pm", "beheerder"])
def test_the_whole_mail_is_paged_at_a_constant_query_count(client_voor, request, wie):
    user = request.getfixturevalue(wie)
    client = client_voor(user)
    (klein,) = _mails(user, 1, items=5)
    (groot,) = _mails(user, 1, items=130)
    client.get(reverse("mijn_verzending", args=[klein.pk]))
    weinig, response = queries_en_pagina(client, reverse("mijn_verzending", args=[klein.pk]))
    assert len(_pagina(response).object_list) == 5

    paginas, tellingen = alle_paginas(client, reverse("mijn_verzending", args=[groot.pk]), _pagina)
    assert [len(p) for p in paginas] == [50, 50, 30]
    assert set(tellingen) == {weinig}
    gezien = [b.pk for p in paginas for b in p]
    assert len(gezien) == len(set(gezien)) == 130
    assert set(gezien) == set(groot.bezorgingen.values_list("pk", flat=True))
    urgentie = [SOORTEN.index(b.herinnering.soort) for p in paginas for b in p]
    assert urgentie == sorted(urgentie, key=lambda i: [2, 1, 0, 3][i])


def test_someone_elses_mail_does_not_exist_for_me(client_voor, pm, pm2, beheerder):
    (mail,) = _mails(pm2, 1)
    url = reverse("mijn_verzending", args=[mail.pk])
    assert client_voor(pm).get(url).status_code == 404
    assert client_voor(beheerder).get(url).status_code == 404
    assert client_voor(pm2).get(url).status_code == 200


def test_an_old_page_number_link_still_works(client_voor, pm):
    mails = _mails(pm, 15)
    response = client_voor(pm).get(URL, {"pagina": 2})
    assert [m.pk for m in _pagina(response).object_list] == [m.pk for m in mails[:5]][::-1]

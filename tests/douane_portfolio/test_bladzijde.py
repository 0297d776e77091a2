"""`bladzijde`: keyset pages of a plain queryset, for pages without a table."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from douane_portfolio.bladeren import bladzijde, cursor_lezen
from herinneringen.models import Verzending
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_datetime_key_keeps_its_microseconds_in_the_cursor(pm):
    # Rows a few microseconds apart: a cursor cut to milliseconds would skip some.
    moment = timezone.now().replace(microsecond=123000)
    for n in range(7):
        v = Verzending.objects.create(ontvanger=pm, adres="a@example.org", message_id=f"<{n}@t>")
        Verzending.objects.filter(pk=v.pk).update(
            aangemaakt_op=moment + datetime.timedelta(microseconds=n * 7)
        )
    qs = Verzending.objects.filter(ontvanger=pm)
    gezien, params = [], {}
    while True:
        pagina = bladzijde(qs, params, 3)
        gezien += [v.pk for v in pagina.object_list]
        if not pagina.has_next:
            break
        params = {"cursor": pagina.volgende}
    assert gezien == list(qs.values_list("pk", flat=True))
    # Newest first: the first page ends at the fifth newest, 4 × 7 µs after `moment`.
    assert "123028" in str(cursor_lezen(bladzijde(qs, {}, 3).volgende)[2][0])


def test_bladzijde_shows_the_first_page_without_navigation_when_all_fits(pm):
    UserFactory.create_batch(2)
    pagina = bladzijde(get_user_model().objects.all(), {}, 50)
    assert len(pagina.object_list) == 4 and not pagina.has_other_pages()
    assert pagina.laatste_cursor is None

"""`|datum_kort` prints what `|date:"j b Y"` printed, from a cache per date: the overview
tables and detail pages format a date or two on each of their rows (issue 13)."""

import datetime

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import timezone

WAARDEN = [
    datetime.date(2026, 12, 3),
    # 23:30 UTC is the next day in Amsterdam: both filters convert to local time first.
    datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC),
    timezone.make_aware(datetime.datetime(2026, 5, 1, 8, 0)),
    None,
    "",
]


@override_settings(TIME_ZONE="Europe/Amsterdam", LANGUAGE_CODE="nl")
@pytest.mark.parametrize("waarde", WAARDEN)
def test_the_short_date_is_what_the_date_filter_printed(waarde):
    def render(tekst):
        return Template("{% load portfolio %}" + tekst).render(Context({"d": waarde}))

    assert render("{{ d|datum_kort }}") == render('{{ d|date:"j b Y" }}')


def test_a_date_reads_as_dutch():
    tekst = Template("{% load portfolio %}{{ d|datum_kort }}").render(
        Context({"d": datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)})
    )
    assert tekst == "1 apr 2026"


@override_settings(TIME_ZONE="Europe/Amsterdam", LANGUAGE_CODE="nl")
@pytest.mark.parametrize("waarde", [datetime.date(2026, 12, 3), None, ""])
def test_the_long_date_of_a_date_is_what_the_date_filter_printed(waarde):
    """`|datum` on a date (reminder mails, remembered per date) prints `|date:"j F Y"`."""

    def render(tekst):
        return Template("{% load portfolio %}" + tekst).render(Context({"d": waarde}))

    assert render("{{ d|datum }}") == render('{{ d|date:"j F Y" }}')

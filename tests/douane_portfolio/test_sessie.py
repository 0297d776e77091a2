"""The idle timeout: a session ends SESSION_COOKIE_AGE after the last request, to the
minute, without writing the session on every request (issue 13)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from douane_portfolio.middleware import VERNIEUWEN_NA

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _ingelogd(client):
    response = client.get(reverse("toegankelijkheid"))
    return response.status_code == 200 and response.wsgi_request.user.is_authenticated


def _schrijft_sessie(client):
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    return any("UPDATE" in q["sql"] and "django_session" in q["sql"] for q in queries)


def test_a_request_within_the_minute_writes_no_session(client, pm):
    with time_machine.travel(START, tick=False) as reis:
        client.force_login(pm)  # the log-in stamps the session
        assert not _schrijft_sessie(client)
        reis.shift(VERNIEUWEN_NA - 1)
        assert not _schrijft_sessie(client)
        reis.shift(1)
        assert _schrijft_sessie(client)


def test_activity_keeps_the_session_and_idleness_ends_it(client, pm, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    with time_machine.travel(START, tick=False) as reis:
        client.force_login(pm)
        for _ in range(6):  # an hour and a half of work, a request every 15 minutes
            reis.shift(15 * 60)
            assert _ingelogd(client)
        # Idle: the expiry was last moved at the last request, so it ends at most
        # VERNIEUWEN_NA seconds early and never late.
        reis.shift(settings.SESSION_COOKIE_AGE - VERNIEUWEN_NA - 1)
        assert _ingelogd(client)
        reis.shift(settings.SESSION_COOKIE_AGE + 1)
        assert not _ingelogd(client)


def test_the_session_ends_after_the_timeout_even_with_requests_in_the_last_minute(
    client, pm, settings
):
    settings.SESSION_COOKIE_AGE = 30 * 60
    with time_machine.travel(START, tick=False) as reis:
        client.force_login(pm)
        assert _ingelogd(client)  # stamped: expires at START + 30 minutes
        reis.shift(20)
        assert _ingelogd(client)  # within the minute: expiry not moved
        reis.shift(settings.SESSION_COOKIE_AGE - 20 + 1)
        assert timezone.now() > START + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        assert not _ingelogd(client)

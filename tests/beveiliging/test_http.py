"""Caching, refused request bodies, password change throttling and request logging."""

import io
import logging

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_pages_and_exports_are_not_cached(client_voor, beheerder):
    client = client_voor(beheerder)
    for url in (
        reverse("home"),
        reverse("risicos:register"),
        reverse("risicos:register") + "?_export=csv",
        reverse("audits:bevindingen") + "?_export=xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        cache = response["Cache-Control"]
        assert "private" in cache and "no-store" in cache, url


def test_the_login_page_is_not_cached_either(client):
    assert "no-store" in client.get(reverse("login"))["Cache-Control"]


def test_a_body_over_the_limit_gets_a_dutch_400_page(client_voor, beheerder, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = client_voor(beheerder)
    response = client.post(reverse("mijn_herinneringen"), {"herinneringsfrequentie": "x" * 20_000})
    assert response.status_code == 400
    assert "Verzoek niet verwerkt" in response.content.decode()
    assert "te groot" in response.content.decode()


def test_too_many_fields_get_a_dutch_400_page(client_voor, beheerder, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    client = client_voor(beheerder)
    velden = {f"veld{i}": "x" for i in range(60)}
    response = client.post(reverse("mijn_herinneringen"), velden)
    assert response.status_code == 400
    assert "Verzoek niet verwerkt" in response.content.decode()


def test_wrong_old_passwords_are_throttled_like_log_ins(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(username="wisselaar")
    client.force_login(user)
    url = reverse("password_change")
    nieuw = {"new_password1": "Nieuw-geheim-9876", "new_password2": "Nieuw-geheim-9876"}
    eerste = client.post(url, {"old_password": "fout", **nieuw})
    assert eerste.status_code == 200
    assert "Uw oude wachtwoord is niet juist ingevoerd" in eerste.content.decode()
    client.post(url, {"old_password": "fout", **nieuw})
    derde = client.post(url, {"old_password": "fout", **nieuw})
    assert derde.status_code == 429
    # Even the right old password is refused while the lock lasts.
    goed = client.post(url, {"old_password": "geheim-wachtwoord-1", **nieuw})
    assert goed.status_code == 429
    assert "Te veel mislukte" in goed.content.decode()
    user.refresh_from_db()
    assert user.check_password("geheim-wachtwoord-1")
    # And the log-in page counts the same failures.
    anoniem = Client()
    login = anoniem.post(
        reverse("login"), {"username": "wisselaar", "password": "geheim-wachtwoord-1"}
    )
    assert login.status_code == 429


def test_the_password_change_form_speaks_dutch(client):
    client.force_login(UserFactory(username="wisselaar"))
    html = client.get(reverse("password_change")).content.decode()
    for tekst in ("Oud wachtwoord", "Nieuw wachtwoord", "Wachtwoord wijzigen"):
        assert tekst in html
    assert "Old password" not in html and "New password" not in html
    fout = client.post(
        reverse("password_change"),
        {
            "old_password": "geheim-wachtwoord-1",
            "new_password1": "kort",
            "new_password2": "anders",
        },
    ).content.decode()
    assert "De twee wachtwoordvelden komen niet overeen" in fout


@pytest.fixture
def logregels(settings):
    """What the configured console handler writes, during one test."""
    settings.ROOT_URLCONF = "tests.beveiliging.urls_logboek"
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    oud = handler.setStream(buffer)
    yield buffer
    handler.setStream(oud)


@pytest.mark.parametrize(
    ("pad", "melding"), [("/geweigerd/", "Forbidden"), ("/onbekend/", "Not Found")]
)
def test_a_refused_request_is_logged_once_without_traceback(logregels, lezer, pad, melding):
    client = Client(raise_request_exception=False)
    client.force_login(lezer)
    response = client.get(pad)
    assert response.status_code in (403, 404)
    tekst = logregels.getvalue()
    assert tekst.count(melding) == 1, tekst
    assert "Traceback" not in tekst


def test_a_real_error_is_logged_once_with_its_traceback(logregels, lezer):
    client = Client(raise_request_exception=False)
    client.force_login(lezer)
    assert client.get("/kapot/").status_code == 500
    tekst = logregels.getvalue()
    assert tekst.count("Internal Server Error: /kapot/") == 1, tekst
    assert tekst.count("Traceback") == 1
    assert "RuntimeError: echte fout" in tekst


def test_a_user_name_longer_than_any_user_is_a_failed_log_in_not_an_error(client):
    response = client.post(reverse("login"), {"username": "x" * 5000, "password": "fout"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "x" * 150

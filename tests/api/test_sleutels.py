"""Personal API keys: the page, hashed storage, expiry, revocation, scope, throttling."""

import datetime
import hashlib

import pytest
import time_machine
from django.utils import timezone

from api.models import ApiSleutel
from tests.programmas.factories import InitiatiefFactory


def test_a_user_creates_a_key_sees_it_once_and_only_its_hash_is_stored(client_voor, pm):
    client = client_voor(pm)
    response = client.post(
        "/accounts/api-sleutels/", {"naam": "Script", "bereik": "lezen", "geldig_dagen": "30"}
    )
    assert response.status_code == 200
    geheim = response.context["geheim"]
    sleutel = ApiSleutel.objects.get(gebruiker=pm)
    assert sleutel.sleutel_hash == hashlib.sha256(geheim.encode()).hexdigest()
    assert geheim not in {sleutel.sleutel_hash, sleutel.prefix, sleutel.naam}
    assert geheim.encode() in response.content
    assert (sleutel.verloopt_op - timezone.now()).days in (29, 30)
    # Afterwards the page lists the key, never its secret.
    lijst = client.get("/accounts/api-sleutels/")
    assert b"Script" in lijst.content and geheim.encode() not in lijst.content


def test_the_page_is_linked_from_the_user_menu(client_voor, pm):
    assert b'href="/accounts/api-sleutels/"' in client_voor(pm).get("/acties/").content


def test_keys_expire_after_the_configured_default(settings, pm):
    settings.API_SLEUTEL_GELDIG_DAGEN = 7
    sleutel, _ = ApiSleutel.aanmaken(gebruiker=pm, naam="x", bereik="lezen")
    assert round((sleutel.verloopt_op - timezone.now()).total_seconds() / 86400) == 7


def test_a_revoked_key_is_refused(api, client_voor, pm):
    client = api(pm)
    assert client.get("/api/v1/initiatieven/").status_code == 200
    sleutel = ApiSleutel.objects.get(gebruiker=pm)
    response = client_voor(pm).post(f"/accounts/api-sleutels/{sleutel.pk}/intrekken/")
    assert response.status_code == 302
    geweigerd = client.get("/api/v1/initiatieven/")
    assert geweigerd.status_code == 401
    assert "ingetrokken" in geweigerd.json()["detail"]


def test_nobody_revokes_anothers_key(client_voor, pm, pm2):
    sleutel, _ = ApiSleutel.aanmaken(gebruiker=pm, naam="x", bereik="lezen")
    assert (
        client_voor(pm2).post(f"/accounts/api-sleutels/{sleutel.pk}/intrekken/").status_code == 404
    )
    sleutel.refresh_from_db()
    assert sleutel.ingetrokken_op is None


def test_an_expired_key_is_refused(api, pm):
    client = api(pm)
    assert client.get("/api/v1/initiatieven/").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=91)):
        assert client.get("/api/v1/initiatieven/").status_code == 401


def test_a_key_of_a_deactivated_user_is_refused(api, pm):
    client = api(pm)
    pm.is_active = False
    pm.save()
    assert client.get("/api/v1/initiatieven/").status_code == 401


def test_an_unknown_or_malformed_key_is_a_401_problem(db):
    from rest_framework.test import APIClient

    for header in ("Bearer onzin", "Bearer", "Bearer a b", "Bearer \u00e9"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get("/api/v1/initiatieven/")
        assert response.status_code == 401, header
        assert response["Content-Type"] == "application/problem+json"


def test_a_key_works_without_a_session_and_records_its_use(api, pm):
    InitiatiefFactory()
    client = api(pm)
    assert client.get("/api/v1/initiatieven/").status_code == 200
    assert "sessionid" not in client.cookies
    assert ApiSleutel.objects.get(gebruiker=pm).laatst_gebruikt_op is not None


def test_each_key_has_its_own_rate_limit(api, pm, settings):
    settings.API_SLEUTEL_LIMIET = "3/min"
    eerste, tweede = api(pm), api(pm)
    for _ in range(3):
        assert eerste.get("/api/v1/initiatieven/").status_code == 200
    te_veel = eerste.get("/api/v1/initiatieven/")
    assert te_veel.status_code == 429
    assert te_veel["Content-Type"] == "application/problem+json"
    assert "Retry-After" in te_veel
    assert tweede.get("/api/v1/initiatieven/").status_code == 200


@pytest.mark.parametrize("bereik", ["lezen", "schrijven"])
def test_both_scopes_read(api, pm, bereik):
    assert api(pm, bereik=bereik).get("/api/v1/risicos/").status_code == 200

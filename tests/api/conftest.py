import pytest
from rest_framework.test import APIClient

from api.models import ApiSleutel, Bereik


@pytest.fixture(autouse=True)
def _schone_limieten():
    # Throttling counts in the cache; a test must not inherit another test's requests.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """`api(user)` -> a client with a fresh read-write key of `user`; `api()` anonymous."""

    def maak(user=None, bereik=Bereik.SCHRIJVEN):
        client = APIClient()
        if user is not None:
            _, geheim = ApiSleutel.aanmaken(gebruiker=user, naam="test", bereik=bereik)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {geheim}")
        return client

    return maak


def if_match(versie):
    return {"HTTP_IF_MATCH": f'"{versie}"'}

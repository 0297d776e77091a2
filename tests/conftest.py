import pytest

from douane_portfolio import rollen
from tests.factories import UserFactory


@pytest.fixture
def beheerder(db):
    return UserFactory(username="beheerder", rol=rollen.BEHEERDER)


@pytest.fixture
def pm(db, beheerder):
    """A programme manager (the owner in most tests)."""
    return UserFactory(username="pm", rol=rollen.PROGRAMMAMANAGER, manager=beheerder)


@pytest.fixture
def pm2(db, beheerder):
    """Another programme manager: a colleague who owns other things."""
    return UserFactory(username="pm2", rol=rollen.PROGRAMMAMANAGER, manager=beheerder)


@pytest.fixture
def risicofunctionaris(db):
    return UserFactory(username="risicofunctionaris", rol=rollen.RISICOFUNCTIONARIS)


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", rol=rollen.AUDITOR)


@pytest.fixture
def lezer(db):
    return UserFactory(username="lezer", rol=rollen.LEZER)


@pytest.fixture
def buitenstaander(db):
    """Logged in, but without any role."""
    return UserFactory(username="buitenstaander")


@pytest.fixture
def client_voor(client):
    """Log a user in on the test client: `client_voor(user)`."""

    def inloggen(user):
        client.force_login(user)
        return client

    return inloggen


@pytest.fixture(autouse=True)
def _snelle_wachtwoorden(settings):
    # Real hashing costs ~0.3 s per user; what is tested here is not the hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _zonder_tweede_factor(settings):
    # Most tests log in with force_login and are about something else; the tests in
    # tests/inloggen/ switch the second factor back on and test the real enforcement.
    settings.MFA_VERPLICHT = "uit"


@pytest.fixture(autouse=True)
def _lege_cache():
    # The report's outline is cached per state of the data; ids and frozen clocks repeat
    # between tests, so no test may see another's entry.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()

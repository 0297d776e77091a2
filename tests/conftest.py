import os
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from douane_portfolio import rollen
from douane_portfolio.backup import sqlite_kopie
from tests.factories import UserFactory

# One definition for tests/inloggen/ and tests/browser/test_sso.py: a fixture bound in two
# places is two session fixtures, and each started its own provider process.
from tests.inloggen.provider import claims, idp, sso  # noqa: F401

# What makes a test touch the test database (pytest-django's own test, plus the module-wide
# data sets that unblock it themselves).
_DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's order (plain, then transactional database tests, then the
    rest): the tests without a database first. They are the slow subprocess tests
    (backup, production settings, configuration); at the end of the run one xdist worker
    would finish them alone while the other waits. Neither database phase is touched."""
    items.sort(
        key=lambda item: (
            item.get_closest_marker("django_db") is not None
            or not _DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))
        )
    )


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


@pytest.fixture
def peildatum_vandaag(db):
    """The counters' peildatum at today, as the reminders' run leaves it after midnight.
    A test database flushed by an earlier transactional test has none, and then the
    first list request of a test moves it (a day's first request), with its own queries."""
    from django.utils import timezone

    from douane_portfolio import tellers

    tellers.peildatum_zetten(timezone.localdate())


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


BASE_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def gemigreerde_sqlite(tmp_path_factory):
    """A fresh SQLite database migrated by `manage.py migrate` in a production environment,
    made once per run: the tests that need an installation of their own copy it (with
    `backup.sqlite_kopie`) instead of each spending a full migrate (20-70 s) on the same
    result.
    pytest-xdist workers share it through the run's common temp folder and a lock. Without
    xdist that folder is the run's own base, not its parent: the parent is shared by every
    run on the machine, and a template migrated by another checkout stayed behind there."""
    basis = tmp_path_factory.getbasetemp()
    gedeeld = basis.parent if os.environ.get("PYTEST_XDIST_WORKER") else basis
    sjabloon = gedeeld / "gemigreerd.sqlite3"
    with FileLock(str(gedeeld / "gemigreerd.lock")):
        if not sjabloon.exists():
            werk = gedeeld / "gemigreerd-werk"
            werk.mkdir(exist_ok=True)
            omgeving = {
                k: v
                for k, v in os.environ.items()
                if k not in {"DEBUG", "DEMO_TOEGESTAAN", "MEDIA_ROOT", "SQLITE_TEST_NAME"}
            }
            omgeving.update(
                DEBUG="0",
                SECRET_KEY="p" * 50,
                ALLOWED_HOSTS="portfolio.douane.example",
                VAR_DIR=str(werk),
                DATABASE_URL=f"sqlite:///{werk / 'db.sqlite3'}",
                CELERY_BROKER_URL="filesystem://",
                CACHE_URL="locmem://",
            )
            proces = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                cwd=BASE_DIR,
                env=omgeving,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert proces.returncode == 0, proces.stdout + proces.stderr
            sqlite_kopie(werk / "db.sqlite3", sjabloon.with_suffix(".tmp"))
            sjabloon.with_suffix(".tmp").rename(sjabloon)
    return sjabloon

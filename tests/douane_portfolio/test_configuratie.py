"""Settings come from the environment; the defaults are the embedded set-up."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

TOON = """
import json, django
django.setup()
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "broker": s.CELERY_BROKER_URL, "transport": s.CELERY_BROKER_TRANSPORT_OPTIONS,
    "email": s.EMAIL_BACKEND, "mail_dir": str(s.EMAIL_FILE_PATH),
    "tz": s.TIME_ZONE, "taal": s.LANGUAGE_CODE, "debug": s.DEBUG,
    "hosts": s.ALLOWED_HOSTS, "hsts": s.SECURE_HSTS_SECONDS,
    "cookie_secure": s.SESSION_COOKIE_SECURE, "sessie": s.SESSION_COOKIE_AGE,
    "cache": s.CACHES["default"]["BACKEND"], "cache_plek": s.CACHES["default"].get("LOCATION"),
}))
"""


def instellingen(tmp_path, **env):
    omgeving = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "CACHE_URL",
            "DEBUG",
            "SECRET_KEY",
            "EMAIL_BACKEND",
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "STATIC_MANIFEST",
        }
    }
    omgeving.update(
        {"DJANGO_SETTINGS_MODULE": "douane_portfolio.settings", "VAR_DIR": str(tmp_path)}
    )
    omgeving.update(env)
    proces = subprocess.run(
        [sys.executable, "-c", TOON], cwd=BASE_DIR, env=omgeving, capture_output=True, text=True
    )
    return proces


def test_defaults_are_the_embedded_setup(tmp_path):
    proces = instellingen(tmp_path, DEBUG="1")
    assert proces.returncode == 0, proces.stderr
    s = json.loads(proces.stdout.strip().splitlines()[-1])
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"] == str(tmp_path / "db.sqlite3")
    assert s["broker"] == "filesystem://"
    assert s["transport"]["data_folder_in"].startswith(str(tmp_path))
    assert (tmp_path / "broker" / "queue").is_dir()
    assert s["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert s["mail_dir"] == str(tmp_path / "mail")
    assert (s["tz"], s["taal"]) == ("Europe/Amsterdam", "nl")
    assert s["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_database_and_broker_come_from_the_environment(tmp_path):
    proces = instellingen(
        tmp_path,
        DEBUG="1",
        DATABASE_URL="postgres://portfolio@db.example:5432/portfolio",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/3",
    )
    assert proces.returncode == 0, proces.stderr
    s = json.loads(proces.stdout.strip().splitlines()[-1])
    assert s["engine"] == "django.db.backends.postgresql"
    assert (s["name"], s["host"]) == ("portfolio", "db.example")
    assert s["broker"] == "redis://127.0.0.1:6379/3"
    # No file-system folders; only Redis's redelivery of a dead worker's task (Herinneringen).
    assert s["transport"] == {"visibility_timeout": 1560}


def test_it_refuses_to_start_without_secret_key_when_debug_is_off(tmp_path):
    proces = instellingen(tmp_path, DEBUG="0")
    assert proces.returncode != 0
    assert "SECRET_KEY is verplicht" in proces.stderr


def test_production_defaults_are_strict(tmp_path):
    proces = instellingen(
        tmp_path,
        DEBUG="0",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="portfolio.douane.example",
        DATABASE_URL="postgres://portfolio@db.example:5432/portfolio",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/3",
        CACHE_URL="redis://127.0.0.1:6379/4",
    )
    assert proces.returncode == 0, proces.stderr
    s = json.loads(proces.stdout.strip().splitlines()[-1])
    assert s["debug"] is False
    assert s["hosts"] == ["portfolio.douane.example"]
    assert s["hsts"] >= 31536000
    assert s["cookie_secure"] is True
    assert s["email"] == "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize("minuten", ["30"])
def test_session_timeout_is_configurable(tmp_path, minuten):
    proces = instellingen(tmp_path, DEBUG="1", SESSION_TIMEOUT_MINUTES=minuten)
    s = json.loads(proces.stdout.strip().splitlines()[-1])
    assert s["sessie"] == 30 * 60


PRODUCTIE = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 50,
    "ALLOWED_HOSTS": "portfolio.douane.example",
    "DATABASE_URL": "postgres://portfolio@db.example:5432/portfolio",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3",
}


def test_the_cache_comes_from_the_environment(tmp_path):
    proces = instellingen(tmp_path, **PRODUCTIE, CACHE_URL="redis://cache.example:6379/1")
    assert proces.returncode == 0, proces.stderr
    s = json.loads(proces.stdout.strip().splitlines()[-1])
    assert s["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert s["cache_plek"] == "redis://cache.example:6379/1"


def test_production_refuses_to_start_without_naming_a_cache(tmp_path):
    proces = instellingen(tmp_path, **PRODUCTIE)
    assert proces.returncode != 0
    assert "CACHE_URL is verplicht wanneer DEBUG uit staat" in proces.stderr


def test_an_unknown_cache_url_is_refused(tmp_path):
    proces = instellingen(tmp_path, DEBUG="1", CACHE_URL="memcached://cache.example:11211")
    assert proces.returncode != 0
    assert "wordt niet ondersteund" in proces.stderr


def test_a_process_local_cache_in_production_is_a_deploy_warning(tmp_path):
    omgeving = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}
    }
    omgeving.update(PRODUCTIE, CACHE_URL="locmem://", VAR_DIR=str(tmp_path))
    omgeving["DATABASE_URL"] = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    proces = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "caches"],
        cwd=BASE_DIR,
        env=omgeving,
        capture_output=True,
        text=True,
    )
    assert "douane_portfolio.W001" in proces.stderr + proces.stdout
    omgeving["CACHE_URL"] = "redis://127.0.0.1:6379/3"
    proces = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "caches"],
        cwd=BASE_DIR,
        env=omgeving,
        capture_output=True,
        text=True,
    )
    assert proces.returncode == 0, proces.stderr
    assert "W001" not in proces.stderr + proces.stdout

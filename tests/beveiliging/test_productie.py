"""Fail closed in production: no silent development fallbacks with DEBUG off."""

import os
import subprocess
import sys
from pathlib import Path

from douane_portfolio.backup import sqlite_kopie

BASE_DIR = Path(__file__).resolve().parents[2]
ONTWIKKEL_VARIABELEN = {
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "DEBUG",
    "SECRET_KEY",
    "DEMO_TOEGESTAAN",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
}


def manage(tmp_path, *args, **env):
    omgeving = {k: v for k, v in os.environ.items() if k not in ONTWIKKEL_VARIABELEN}
    omgeving.update({"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": ""})
    omgeving.pop("DJANGO_SETTINGS_MODULE")
    omgeving.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=omgeving,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTIE = {"DEBUG": "0", "SECRET_KEY": "p" * 50, "ALLOWED_HOSTS": "portfolio.douane.example"}


def test_it_refuses_to_start_without_database_url(tmp_path):
    proces = manage(tmp_path, "check", **PRODUCTIE, CELERY_BROKER_URL="redis://127.0.0.1:6379/2")
    assert proces.returncode != 0
    assert "DATABASE_URL is verplicht wanneer DEBUG uit staat" in proces.stderr
    assert not (tmp_path / "db.sqlite3").exists()


def test_it_refuses_to_start_without_broker_url(tmp_path):
    proces = manage(
        tmp_path, "check", **PRODUCTIE, DATABASE_URL=f"sqlite:///{tmp_path / 'p.sqlite3'}"
    )
    assert proces.returncode != 0
    assert "CELERY_BROKER_URL is verplicht wanneer DEBUG uit staat" in proces.stderr
    assert not (tmp_path / "broker").exists()


def test_manage_without_secret_key_does_not_switch_to_development(tmp_path):
    proces = manage(tmp_path, "check")
    assert proces.returncode != 0
    assert "SECRET_KEY is verplicht" in proces.stderr
    assert "DEBUG=1" in proces.stderr


def test_development_is_explicit_and_keeps_working(tmp_path):
    proces = manage(tmp_path, "check", DEBUG="1")
    assert proces.returncode == 0, proces.stderr


def productie_met_database(tmp_path, **extra):
    return {
        **PRODUCTIE,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "CELERY_BROKER_URL": "filesystem://",
        **extra,
    }


def gemigreerd(tmp_path, gemigreerde_sqlite):
    """A production database on which `manage.py migrate` ran (with this file's production
    environment: tests/conftest.py, made once per run)."""
    sqlite_kopie(gemigreerde_sqlite, tmp_path / "prod.sqlite3")
    return productie_met_database(tmp_path)


def test_laad_demo_refuses_with_debug_off(tmp_path, gemigreerde_sqlite):
    omgeving = gemigreerd(tmp_path, gemigreerde_sqlite)
    proces = manage(tmp_path, "laad_demo", **omgeving)
    assert proces.returncode != 0
    assert "laad_demo weigert" in proces.stderr
    gebruikers = manage(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from douane_portfolio.models import User; print(User.objects.count())",
        **omgeving,
    )
    assert gebruikers.stdout.strip() == "0", gebruikers.stderr


def test_laad_demo_runs_in_a_declared_demo_environment(tmp_path, gemigreerde_sqlite):
    omgeving = gemigreerd(tmp_path, gemigreerde_sqlite)
    proces = manage(tmp_path, "laad_demo", "--ik-weet-het-demo", **omgeving)
    assert proces.returncode == 0, proces.stderr
    assert "Demogegevens geladen" in proces.stdout


def test_hsts_subdomains_and_preload_are_opt_in(tmp_path):
    toon = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    standaard = manage(
        tmp_path, "shell", "--no-imports", "-c", toon, **productie_met_database(tmp_path)
    )
    assert standaard.stdout.split() == ["31536000", "False", "False"], standaard.stderr
    gekozen = manage(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        toon,
        **productie_met_database(
            tmp_path, SECURE_HSTS_INCLUDE_SUBDOMAINS="1", SECURE_HSTS_PRELOAD="1"
        ),
    )
    assert gekozen.stdout.split() == ["31536000", "True", "True"], gekozen.stderr

"""`manage.py verstuur_herinneringen [--dry-run]`, and the beat schedule in settings."""

import io
import os
import runpy

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from douane_portfolio import settings as instellingen
from douane_portfolio.models import Herinnering
from tests.herinneringen.conftest import DAG, VANDAAG, moment
from tests.programmas.factories import InitiatiefFactory, MijlpaalFactory


def commando(*args):
    uit = io.StringIO()
    with time_machine.travel(moment(VANDAAG), tick=False):
        call_command("verstuur_herinneringen", *args, stdout=uit, stderr=io.StringIO())
    return uit.getvalue()


@pytest.fixture
def te_laat(pm):
    return MijlpaalFactory(
        initiatief=InitiatiefFactory(eigenaar=pm),
        omschrijving="Ombouw naar het nieuwe dataplatform",
        deadline=VANDAAG - 20 * DAG,
    )


@pytest.mark.django_db
def test_the_dry_run_prints_what_it_would_send_and_sends_nothing(te_laat, pm):
    uit = commando("--dry-run")
    assert "Proefdraai voor 27 november 2026" in uit
    assert f"E-mail aan {pm} <pm@douane.example>: 1 punt(en)" in uit
    assert "te laat   mijlpaal: Ombouw naar het nieuwe dataplatform" in uit
    assert "(deadline 7-11-2026, 20 dagen te laat)" in uit
    assert "escalatie mijlpaal: Ombouw naar het nieuwe dataplatform" in uit
    assert f"[eigenaar: {pm}]" in uit
    assert "Totaal: 2 e-mail(s), 2 nieuwe herinnering(en)." in uit
    assert mail.outbox == [] and not Herinnering.objects.exists()


@pytest.mark.django_db
def test_the_command_sends_as_the_task_does_and_only_once(te_laat, pm):
    uit = commando()
    assert "Onderwerp: Douane Portfolio: 1 te laat" in uit
    assert "Onderwerp: Douane Portfolio: 1 geëscaleerd" in uit
    assert "Totaal: 2 e-mail(s) verstuurd, 2 nieuwe herinnering(en)." in uit
    assert len(mail.outbox) == 2
    assert "Totaal: 0 e-mail(s) verstuurd, 0 nieuwe herinnering(en)." in commando()
    assert len(mail.outbox) == 2


def test_beat_runs_the_sweep_daily_at_seven_and_lets_a_stale_run_expire():
    if os.environ.get("HERINNERINGEN_SCHEMA"):
        pytest.skip("HERINNERINGEN_SCHEMA is set in this environment.")
    taak = settings.CELERY_BEAT_SCHEDULE["herinneringen-versturen"]
    assert taak["task"] == "douane_portfolio.tasks.herinneringen_versturen"
    assert taak["schedule"] == crontab(minute="0", hour="7")
    assert settings.CELERY_TIMEZONE == "Europe/Amsterdam"
    assert 0 < taak["options"]["expires"] < 24 * 60 * 60


@pytest.mark.parametrize(
    "waarde, tussenpoos",
    [
        ("0 7 * * *", 24 * 60 * 60),
        ("30 6,18 * * 1-5", 12 * 60 * 60),
        ("*/15 * * * *", 15 * 60),
        ("300", 300),
    ],
)
def test_the_schedule_is_a_crontab_or_seconds_and_expires_below_its_interval(waarde, tussenpoos):
    assert instellingen.kortste_tussenpoos(instellingen.beat_schema(waarde)) == tussenpoos


@pytest.mark.parametrize(
    "waarde, schema, expires",
    [("30 6 * * 1-5", "<crontab: 30 6 * * 1-5", 77760), ("120", "120.0", 108)],
)
def test_the_schedule_comes_from_the_environment(monkeypatch, tmp_path, waarde, schema, expires):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("HERINNERINGEN_SCHEMA", waarde)
    # The settings module run afresh, as a new process would read it.
    beat = runpy.run_path(instellingen.__file__)["CELERY_BEAT_SCHEDULE"]
    taak = beat["herinneringen-versturen"]
    assert str(taak["schedule"]).startswith(schema)
    assert taak["options"]["expires"] == expires


def test_the_schedule_can_be_switched_off(monkeypatch, tmp_path):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("HERINNERINGEN_SCHEMA", "uit")
    assert runpy.run_path(instellingen.__file__)["CELERY_BEAT_SCHEDULE"] == {}

"""`manage.py verstuur_herinneringen [--dry-run]`, and the beat schedule in settings."""

import io
import os
import runpy

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command

from douane_portfolio import settings as instellingen
from herinneringen import tasks
from herinneringen.models import Herinnering
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
    assert (
        "Totaal: 2 nieuwe herinnering(en) vastgelegd, 2 e-mail(s) verstuurd, 0 mislukt; "
        "0 e-mail(s) wachten op een volgende poging." in uit
    )
    assert len(mail.outbox) == 2
    assert "Totaal: 0 nieuwe herinnering(en) vastgelegd, 0 e-mail(s) verstuurd" in commando()
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_command_exits_non_zero_when_mails_fail_and_says_when_they_are_tried_again(
    te_laat, pm, monkeypatch
):
    def weigeren(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", weigeren)
    uit = io.StringIO()
    with time_machine.travel(moment(VANDAAG), tick=False), pytest.raises(CommandError) as fout:
        call_command("verstuur_herinneringen", stdout=uit, stderr=io.StringIO())
    assert fout.value.returncode == 1
    assert "2 e-mail(s) mislukt in deze run" in str(fout.value)
    assert "Fout (poging 1): [Errno 111] Connection refused" in uit.getvalue()
    assert "Volgende poging: 27 november 2026 07:05" in uit.getvalue()
    assert "0 e-mail(s) verstuurd, 2 mislukt; 2 e-mail(s) wachten" in uit.getvalue()


@pytest.mark.django_db
def test_a_run_before_seven_belongs_to_the_day_before(pm):
    MijlpaalFactory(initiatief=InitiatiefFactory(eigenaar=pm), deadline=VANDAAG + 14 * DAG)
    uit = io.StringIO()
    with time_machine.travel(moment(VANDAAG, 6, 59), tick=False):
        call_command("verstuur_herinneringen", stdout=uit)
    # On the 26th the deadline was 15 days away: nothing due, nobody mailed at night.
    assert "Herinneringen voor 26 november 2026." in uit.getvalue()
    assert mail.outbox == []
    assert "Herinneringen voor 27 november 2026." in commando()
    assert len(mail.outbox) == 1


def test_beat_runs_the_sweep_every_quarter_hour_and_lets_a_stale_run_expire():
    if os.environ.get("HERINNERINGEN_SCHEMA"):
        pytest.skip("HERINNERINGEN_SCHEMA is set in this environment.")
    taak = settings.CELERY_BEAT_SCHEDULE["herinneringen-versturen"]
    assert taak["task"] == "douane_portfolio.tasks.herinneringen_versturen"
    assert taak["schedule"] == crontab(minute="*/15")
    assert settings.CELERY_TIMEZONE == "Europe/Amsterdam"
    assert settings.HERINNERINGEN_VANAF == "07:00"
    assert taak["options"]["expires"] == 15 * 60 * 0.9


def test_a_task_of_a_dead_worker_comes_back_well_within_kombus_default_hour(monkeypatch, tmp_path):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/5")
    for naam in ("EMAIL_TIMEOUT", "HERINNERINGEN_RUN_SECONDEN"):
        monkeypatch.delenv(naam, raising=False)
    instellingen_ = runpy.run_path(instellingen.__file__)
    zichtbaar = instellingen_["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"]
    # Longer than the task may run (so a living task is not handed out twice) ...
    assert instellingen_["HERINNERINGEN_TAAK_SECONDEN"] == 600 + 20 * 30 + 60
    assert zichtbaar > instellingen_["HERINNERINGEN_TAAK_SECONDEN"]
    assert zichtbaar > max(instellingen_["HERINNERINGEN_TAAK_HERPROBEREN"])
    # ... and well below the hour kombu would wait.
    assert zichtbaar <= 30 * 60
    assert instellingen_["CELERY_TASK_ACKS_LATE"]
    assert instellingen_["CELERY_TASK_REJECT_ON_WORKER_LOST"]


def test_the_task_is_limited_to_that_duration_and_retried_within_the_hour():
    taak = tasks.herinneringen_versturen
    assert taak.time_limit == settings.HERINNERINGEN_TAAK_SECONDEN
    assert taak.autoretry_for == (Exception,)
    assert taak.max_retries == 3 and taak.retry_backoff == 300 and not taak.retry_jitter
    assert sum(settings.HERINNERINGEN_TAAK_HERPROBEREN) < 60 * 60


def test_a_claim_shorter_than_a_slow_send_fails_the_system_check(settings):
    from herinneringen.services import instellingen_controleren

    assert instellingen_controleren() == []
    settings.EMAIL_TIMEOUT = 60
    settings.HERINNERINGEN_CLAIM_MINUTEN = 15
    [fout] = instellingen_controleren()
    assert fout.id == "herinneringen.E001"
    settings.EMAIL_TIMEOUT = 30
    settings.HERINNERINGEN_VANAF = "7 uur"
    assert [f.id for f in instellingen_controleren()] == ["herinneringen.E002"]


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
    # Other entries (the report's pages with a shared cache) do not depend on it.
    assert (
        "herinneringen-versturen"
        not in runpy.run_path(instellingen.__file__)["CELERY_BEAT_SCHEDULE"]
    )


@pytest.mark.django_db
def test_the_task_is_not_logged_as_succeeded_when_mails_fail_but_retried(
    te_laat, monkeypatch, caplog
):
    def weigeren(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", weigeren)
    with time_machine.travel(moment(VANDAAG), tick=False):
        # Eagerly, Celery runs the retry at once (at the same frozen moment, when
        # nothing is due yet); on a worker it waits 5 minutes.
        tasks.herinneringen_versturen.apply()
    [eerste, *_] = [r for r in caplog.records if r.name == "celery.app.trace"]
    assert eerste.getMessage().endswith(
        "retry: Retry in 300s: HerinneringenMislukt('2 herinneringsmail(s) niet verstuurd; "
        "2 wachten op een volgende poging.')"
    )

    monkeypatch.undo()
    with time_machine.travel(moment(VANDAAG, 7, 15), tick=False):
        assert tasks.herinneringen_versturen.apply().state == "SUCCESS"
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_lost_run_is_made_up_by_the_next_quarter_hour(te_laat):
    # Nothing ran at 07:00 (the broker was down); the 07:15 run sends the day's reminders.
    with time_machine.travel(moment(VANDAAG, 7, 15), tick=False):
        tasks.herinneringen_versturen.apply()
    assert sorted(m.to[0] for m in mail.outbox) == ["beheerder@douane.example", "pm@douane.example"]

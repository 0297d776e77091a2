"""Helpers for the reminder tests: any kind of action, a sweep at a given moment."""

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from douane_portfolio.acties import actie_modellen
from herinneringen.services import herinneringen_versturen

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
VANDAAG = datetime.date(2026, 11, 27)  # a Friday
DAG = datetime.timedelta(days=1)

# Every kind of action the installed apps define. A new kind joins these tests by
# providing tests/<app>/factories.py:<Model>Factory(eigenaar=..., deadline=...).
ACTIE_MODELLEN = actie_modellen()


def label(model):
    return model._meta.label


def actie_factory(model):
    naam = f"tests.{model._meta.app_label}.factories"
    try:
        return getattr(importlib.import_module(naam), f"{model.__name__}Factory")
    except (ImportError, AttributeError):
        pytest.fail(f"{model._meta.label} is een soort actie; maak {naam}.{model.__name__}Factory.")


def maak_actie(model, *, eigenaar, deadline, **velden):
    return actie_factory(model)(eigenaar=eigenaar, deadline=deadline, **velden)


def moment(dag, uur=7, minuut=0):
    return datetime.datetime.combine(dag, datetime.time(uur, minuut), tzinfo=AMSTERDAM)


def sweep(wanneer, **kwargs):
    """Run the sweep as the beat would at `wanneer` (a day: 07:00); return the new mails."""
    if not isinstance(wanneer, datetime.datetime):
        wanneer = moment(wanneer)
    voor = len(mail.outbox)
    with time_machine.travel(wanneer, tick=False):
        herinneringen_versturen(**kwargs)
    return mail.outbox[voor:]


def ontvangers(mails):
    return sorted(adres for m in mails for adres in m.to)

"""A save in the admin that PostgreSQL aborts for a deadlock runs again as a whole, once."""

import logging

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.urls import reverse

from programmas.models import Thema
from tests.factories import UserFactory
from tests.programmas.factories import ThemaFactory
from tests.tegenligger import tegenligger

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no concurrent writers; deadlocks are tested on PostgreSQL.",
    ),
]


def test_a_deadlock_in_an_admin_save_runs_the_whole_save_again_once(client, caplog):
    """The change form writes the theme and then its history row; another session holds
    the history table and then asks for the theme's row."""
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    thema = ThemaFactory(naam="Grenzen", volgorde=1)
    client.force_login(root)
    caplog.set_level(logging.WARNING, logger="douane_portfolio.transacties")

    with tegenligger(
        ("LOCK TABLE programmas_historicalthema IN SHARE MODE", []),
        ("UPDATE programmas_thema SET doel = %s WHERE id = %s", ["Van een ander", thema.pk]),
    ) as tegen:
        response = client.post(
            reverse("admin:programmas_thema_change", args=[thema.pk]),
            {"naam": "Grenzen en handel", "paragraaf": "2.1", "doel": "", "volgorde": 1},
        )
    assert tegen["gekruist"]
    assert response.status_code == 302
    herhaald = [r for r in caplog.records if r.name == "douane_portfolio.transacties"]
    assert len(herhaald) == 1 and "40P01" in herhaald[0].getMessage()
    thema.refresh_from_db()
    assert (thema.naam, thema.paragraaf) == ("Grenzen en handel", "2.1")
    assert thema.history.count() == 2  # made, and changed once
    assert LogEntry.objects.filter(object_id=str(thema.pk)).count() == 1
    assert Thema.objects.count() == 1

"""A Beheerder's decision on a mail that PostgreSQL aborts for a deadlock runs again, once."""

import logging

import pytest
from django.db import connection

from herinneringen.models import Verzending, VerzendingStatus
from herinneringen.services import verzending_annuleren
from tests.tegenligger import tegenligger

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no concurrent writers; deadlocks are tested on PostgreSQL.",
    ),
]


def test_a_deadlock_in_cancelling_a_mail_runs_the_decision_again_once(beheerder, pm, caplog):
    """The service locks the mail, writes it and then its history row; another session
    holds the history table and then asks for the mail's row."""
    verzending = Verzending.objects.create(
        ontvanger=pm, adres=pm.email, message_id="<1@x>", status=VerzendingStatus.MISLUKT
    )
    caplog.set_level(logging.WARNING, logger="douane_portfolio.transacties")
    with tegenligger(
        ("LOCK TABLE douane_portfolio_historicalverzending IN SHARE MODE", []),
        (
            "UPDATE douane_portfolio_verzending SET fout = %s WHERE id = %s",
            ["Ander", verzending.pk],
        ),
    ) as tegen:
        verzending_annuleren(verzending=verzending, door=beheerder, reden="Adres bestaat niet")
    assert tegen["gekruist"]
    herhaald = [r for r in caplog.records if r.name == "douane_portfolio.transacties"]
    assert len(herhaald) == 1 and "40P01" in herhaald[0].getMessage()
    verzending.refresh_from_db()
    assert verzending.status == VerzendingStatus.GEANNULEERD
    assert verzending.fout == "Ander"  # the other session's change stays
    [geannuleerd] = verzending.history.filter(history_change_reason="Adres bestaat niet")
    assert geannuleerd.history_user == beheerder

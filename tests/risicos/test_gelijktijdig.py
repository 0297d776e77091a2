"""Two adoptions of one dialogue at the same moment, on a real database with row locks."""

import threading

import pytest
from django.db import connection, connections

from risicos import services
from risicos.models import DialoogStatus, Scorewijziging
from tests.risicos.factories import (
    DialoogrisicoFactory,
    RisicodialoogFactory,
    RisicoFactory,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no concurrent writers; the row lock is tested on PostgreSQL.",
    ),
]


def test_of_two_simultaneous_adoptions_exactly_one_applies_the_scores(risicofunctionaris):
    risico = RisicoFactory(gescoord=True)
    dialoog = RisicodialoogFactory(status=DialoogStatus.GEHOUDEN)
    DialoogrisicoFactory(dialoog=dialoog, risico=risico, netto_kans=1, netto_impact=2)

    start = threading.Barrier(2)
    uitkomsten = []

    def vaststellen():
        try:
            start.wait()
            services.dialoog_vaststellen(dialoog=dialoog, door=risicofunctionaris)
            uitkomsten.append("vastgesteld")
        except services.DialoogFout:
            uitkomsten.append("geweigerd")
        finally:
            connections.close_all()

    draden = [threading.Thread(target=vaststellen) for _ in range(2)]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join()

    assert sorted(uitkomsten) == ["geweigerd", "vastgesteld"]
    assert Scorewijziging.objects.filter(dialoog=dialoog).count() == 1

"""Two submissions of one create form at the same moment, on a real database."""

import threading
import uuid

import pytest
from django.db import connection, connections

from audits.models import Auditrapport
from douane_portfolio.eenmalig import AlAangemaakt, eenmalig_aanmaken
from douane_portfolio.models import Aanmaaktoken

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no concurrent writers; the unique token is tested on PostgreSQL.",
    ),
]


def test_of_two_simultaneous_submits_with_one_token_exactly_one_creates(auditor):
    token = uuid.uuid4()
    start = threading.Barrier(2)
    uitkomsten = []

    def versturen(titel):
        try:
            start.wait()
            eenmalig_aanmaken(
                token,
                door=auditor,
                maak=lambda: Auditrapport.objects.create(instantie="adr", titel=titel),
            )
            uitkomsten.append("aangemaakt")
        except AlAangemaakt as fout:
            uitkomsten.append(("al", fout.object.pk))
        finally:
            connections.close_all()

    draden = [threading.Thread(target=versturen, args=(t,)) for t in ("Eerste", "Tweede")]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join()

    rapport = Auditrapport.objects.get()
    assert sorted(uitkomsten, key=str) == [("al", rapport.pk), "aangemaakt"]
    assert Aanmaaktoken.objects.get(token=token).object == rapport

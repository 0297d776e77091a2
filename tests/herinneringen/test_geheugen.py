"""What a batch holds in memory: each owner once and by name only, and the composed
mails written in parts when they are large, whole and the same as sent."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from herinneringen import services
from herinneringen.models import HerinneringSoort, Verzending
from tests.herinneringen.conftest import ACTIE_MODELLEN, DAG, VANDAAG, maak_actie, sweep

pytestmark = pytest.mark.django_db


def _te_laat(*eigenaren, aantal=2):
    for eigenaar in eigenaren:
        for model in ACTIE_MODELLEN:
            for _ in range(aantal):
                maak_actie(model, eigenaar=eigenaar, deadline=VANDAAG - 20 * DAG)


def _opgeslagen(queries):
    """The UPDATEs that store composed mails."""
    return [
        q
        for q in queries
        if q["sql"].startswith('UPDATE "douane_portfolio_verzending" SET "onderwerp" =')
    ]


@pytest.mark.parametrize("per_update, updates", [(services.OPSLAAN_PER_UPDATE, 1), (1, 3)])
def test_composed_mails_are_stored_in_parts_when_large_and_whole(
    beheerder, pm, pm2, monkeypatch, per_update, updates
):
    monkeypatch.setattr(services, "OPSLAAN_PER_UPDATE", per_update)
    _te_laat(pm, pm2)
    with CaptureQueriesContext(connection) as queries:
        mails = sweep(VANDAAG)
    assert len(mails) == 3  # pm, pm2 and, escalated, beheerder
    assert len(_opgeslagen(queries)) == updates
    for bericht in mails:
        verzending = Verzending.objects.get(adres=bericht.to[0])
        assert verzending.onderwerp == bericht.subject
        assert verzending.tekst == bericht.body
        assert verzending.html == bericht.alternatives[0][0]


def test_a_digest_reads_each_owner_once_and_by_name_only(beheerder, pm, pm2):
    _te_laat(pm, pm2)
    sweep(VANDAAG)
    escalatie = Verzending.objects.get(ontvanger=beheerder)
    [(herinneringen, aantallen)] = services.inhoud_van([escalatie]).values()
    assert aantallen[HerinneringSoort.ESCALATIE] == 2 * 2 * len(ACTIE_MODELLEN)
    eigenaren = {id(h.eigenaar) for h in herinneringen}
    assert len(eigenaren) == 2  # one object per owner, shared by their reminders
    for h in herinneringen:
        assert str(h.eigenaar) in (str(pm), str(pm2))
        assert "password" in h.eigenaar.get_deferred_fields()

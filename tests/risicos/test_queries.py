"""The register and the heat map do the same number of queries for 5 and for 500 risks."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import Auditrapport, Bevinding
from douane_portfolio import rollen
from risicos.models import Beheersmaatregel, DialoogStatus, Risico
from tests.factories import UserFactory
from tests.risicos.factories import RisicodialoogFactory

pytestmark = pytest.mark.django_db

SCORES = [(5, 4, 3, 2), (2, 2, 1, 1), (None, None, None, None), (4, 5, 4, 5), (None, None, 2, 2)]
VELDEN = ("bruto_kans", "bruto_impact", "netto_kans", "netto_impact")


def _risicos_maken(aantal, eigenaars):
    """`aantal` more risks with varied scores, owners, appetite and measures, in bulk."""
    begin = Risico.objects.count()
    risicos = Risico.objects.bulk_create(
        Risico(
            titel=f"Risico {begin + n:04d}",
            categorie="extern" if n % 2 else "intern",
            eigenaar=eigenaars[n % len(eigenaars)],
            toprisico=n % 7 == 0,
            risicobereidheid=8 if n % 3 else None,
            **dict(zip(VELDEN, scores, strict=True)),
        )
        for n, scores in zip(range(aantal), itertools.cycle(SCORES), strict=False)
    )
    for status in ("open", "afgerond"):
        maatregel = Beheersmaatregel.objects.create(
            omschrijving=f"Maatregel {begin} {status}",
            eigenaar=eigenaars[0],
            deadline="2030-01-01",
            status=status,
        )
        maatregel.risicos.add(*risicos)


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        if response.streaming:  # an export queries while it streams
            response.getvalue()
    assert response.status_code == 200
    return len(queries)


REGISTER = reverse("risicos:register")


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (reverse("risicos:register"), {}),
        (reverse("risicos:register"), {"sort": "-maatregelen", "boven_risicobereidheid": "nee"}),
        (reverse("risicos:register"), {"_export": "csv"}),
        (reverse("risicos:heatmap"), {}),
        (reverse("risicos:heatmap"), {"categorie": "extern", "toprisico": "nee"}),
    ],
)
def test_query_count_does_not_grow_with_the_number_of_risks(client_voor, url, params):
    eigenaars = UserFactory.create_batch(4, rol=rollen.RISICOFUNCTIONARIS)
    client = client_voor(eigenaars[0])

    _risicos_maken(5, eigenaars)
    client.get(url, params)  # warm up: session, content types
    bij_5 = _queries(client, url, params)

    _risicos_maken(495, eigenaars)
    assert Risico.objects.count() == 500
    bij_500 = _queries(client, url, params)

    assert bij_5 == bij_500


def test_the_count_of_open_findings_does_not_grow_with_the_number_of_risks(client_voor):
    eigenaars = UserFactory.create_batch(2, rol=rollen.AUDITOR)
    rapport = Auditrapport.objects.create(instantie="adr", titel="Rapport")
    koppeling = Bevinding.risicos.through

    def met_bevindingen(aantal):
        _risicos_maken(aantal, eigenaars)
        risicos = list(Risico.objects.filter(bevindingen__isnull=True))
        bevindingen = Bevinding.objects.bulk_create(
            Bevinding(
                rapport=rapport,
                titel=f"Bevinding bij {r.titel} ({status})",
                soort="onzekerheid",
                domein="grote geldstroom",
                eigenaar=eigenaars[0],
                status=status,
            )
            for r in risicos
            for status in ("open", "opgelost")
        )
        koppeling.objects.bulk_create(
            koppeling(bevinding=b, risico=r)
            for b, r in zip(bevindingen, [r for r in risicos for _ in range(2)], strict=True)
        )

    client = client_voor(eigenaars[0])
    met_bevindingen(5)
    client.get(REGISTER)  # warm up: session, content types
    bij_5 = _queries(client, REGISTER, {"sort": "-open_bevindingen"})
    met_bevindingen(495)
    bij_500 = _queries(client, REGISTER, {"sort": "-open_bevindingen"})

    assert bij_5 == bij_500
    tellingen = Risico.objects.met_open_bevindingen(eigenaars[0]).values_list(
        "open_bevindingen", flat=True
    )
    assert set(tellingen) == {1}


@pytest.mark.parametrize("naam", ["risicos:dialoog", "risicos:dialoog_verslag"])
def test_an_adopted_dialogue_costs_no_query_more_than_a_planned_one(client_voor, naam):
    """Who adopted a dialogue is shown in its header: read with the dialogue, not by a
    query of its own (the detail page ran 11 at scale 1.0)."""
    voorzitter = UserFactory(rol=rollen.RISICOFUNCTIONARIS)
    gepland = RisicodialoogFactory(voorzitter=voorzitter)
    vastgesteld = RisicodialoogFactory(
        voorzitter=voorzitter,
        status=DialoogStatus.VASTGESTELD,
        vastgesteld_op=timezone.now(),
        vastgesteld_door=UserFactory(rol=rollen.RISICOFUNCTIONARIS, first_name="Vera"),
    )
    client = client_voor(voorzitter)
    client.get(reverse(naam, args=[gepland.pk]))
    verwacht = _queries(client, reverse(naam, args=[gepland.pk]), {})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(naam, args=[vastgesteld.pk]))
    assert "door Vera" in response.content.decode()
    assert len(queries) == verwacht

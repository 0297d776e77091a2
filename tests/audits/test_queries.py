"""The number of queries of the list pages does not grow with the number of findings."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits import services
from audits.models import (
    Auditrapport,
    Bevinding,
    BevindingStatus,
    Deadlineverschuiving,
    Instantie,
    Soort,
    Vervolgactie,
)
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.risicos.factories import RisicoFactory

pytestmark = pytest.mark.django_db

STATUSSEN = list(BevindingStatus)
SOORTEN = list(Soort)


def _register(aantal, eigenaar, goedkeurder, vanaf=0):
    """`aantal` findings across bodies, types and statuses, each with a late and a
    postponed action; bulk inserts keep this fast (no history needed here)."""
    vandaag = timezone.localdate()
    rapporten = [
        Auditrapport.objects.get_or_create(instantie=i, titel=f"Rapport {i}", jaar=2022)[0]
        for i in Instantie
    ]
    bevindingen = Bevinding.objects.bulk_create(
        Bevinding(
            rapport=rapporten[n % len(rapporten)],
            titel=f"Bevinding {n}",
            soort=SOORTEN[n % len(SOORTEN)],
            domein=f"domein {n % 7}",
            eigenaar=eigenaar,
            status=STATUSSEN[n % len(STATUSSEN)],
            verwacht_opgelost_jaar=2020 + n % 10,
        )
        for n in range(vanaf, vanaf + aantal)
    )
    te_laat = vandaag - datetime.timedelta(days=3)
    acties = Vervolgactie.objects.bulk_create(
        Vervolgactie(
            bevinding=b,
            omschrijving=f"Actie {n}-{k}",
            eigenaar=eigenaar,
            deadline=te_laat if k == 0 else vandaag + datetime.timedelta(days=30),
            oorspronkelijke_deadline=te_laat,
            status="in_uitvoering",
            aantal_verschuivingen=int(k != 0),
        )
        for n, b in enumerate(bevindingen)
        for k in range(2)
    )
    Deadlineverschuiving.objects.bulk_create(
        Deadlineverschuiving(
            actie=a,
            oude_deadline=te_laat,
            nieuwe_deadline=a.deadline,
            reden="Capaciteit",
            goedgekeurd_door=goedkeurder,
            vastgelegd_door=eigenaar,
        )
        for a in acties
        if a.deadline != te_laat
    )


def _queries(client, url, opwarmen=True):
    if opwarmen:
        client.get(url)  # session, content types and other per-process caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        if response.streaming:  # an export queries while it streams
            response.getvalue()
    assert response.status_code == 200
    return len(context), response


URLS = (
    "/audits/",
    "/audits/?status=nog_open&sort=-te_late_acties",
    "/audits/?_export=csv",
    "/audits/opvolging/",
    "/audits/acties/",
    "/audits/acties/?te_laat=ja&sort=-aantal_verschuivingen",
    # The findings' ids as a list up to 200 of them, the join beyond: the same count.
    "/audits/acties/?zoek=Bevinding",
    "/audits/rapporten/",
)


def test_the_number_of_queries_does_not_grow_with_the_findings(client_voor, auditor, pm, beheerder):
    client = client_voor(auditor)
    _register(5, pm, beheerder)
    weinig = {url: _queries(client, url)[0] for url in URLS}

    _register(495, pm, beheerder, vanaf=5)
    assert Bevinding.objects.count() == 500
    veel = {url: _queries(client, url, opwarmen=False)[0] for url in URLS}

    assert weinig == veel

    # The overview shows the first rows of a block and links to the rest.
    response = _queries(client, "/audits/opvolging/", opwarmen=False)[1]
    assert response.context["meer_te_laat"]
    assert len(response.context["te_laat"]) == 25


def test_the_finding_page_does_not_grow_with_its_actions(client_voor, auditor, pm, pm2):
    bevinding = BevindingFactory(eigenaar=pm)

    def acties_erbij(aantal):
        for _ in range(aantal):
            actie = VervolgactieFactory(bevinding=bevinding, eigenaar=pm2)
            services.deadline_verschuiven(
                actie=actie,
                nieuwe_deadline=actie.deadline + datetime.timedelta(days=7),
                reden="Later",
                goedgekeurd_door=pm,
                door=pm2,
            )
            services.bewijsstuk_toevoegen(actie=actie, door=pm2, toelichting="Notulen")
            actie.refresh_from_db()
            actie.status = "afgerond"  # for the timeline's moment and the history page
            actie.save()

    client = client_voor(auditor)
    urls = [
        bevinding.get_absolute_url(),
        reverse("audits:bevinding_geschiedenis", args=[bevinding.pk]),
    ]
    acties_erbij(2)
    weinig = [_queries(client, url)[0] for url in urls]
    acties_erbij(20)
    veel = [_queries(client, url, opwarmen=False)[0] for url in urls]
    assert weinig == veel


def test_the_risk_filter_does_not_grow_with_the_findings(client_voor, auditor, pm, beheerder):
    risico = RisicoFactory()
    koppeling = Bevinding.risicos.through

    def koppel_alle():
        koppeling.objects.bulk_create(
            koppeling(bevinding=b, risico=risico) for b in Bevinding.objects.exclude(risicos=risico)
        )

    client = client_voor(auditor)
    url = f"/audits/?risico={risico.pk}&status=nog_open"
    _register(5, pm, beheerder)
    koppel_alle()
    weinig, response = _queries(client, url)
    assert len(response.context["table"].rows) == 4  # 5 minus the resolved one

    _register(495, pm, beheerder, vanaf=5)
    koppel_alle()
    assert _queries(client, url, opwarmen=False)[0] == weinig

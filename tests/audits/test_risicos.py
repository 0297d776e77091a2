"""Findings linked to risks from the audits side: the form, the finding page, the list
filter and the history of the links."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from audits.models import Bevinding, BevindingStatus
from risicos.models import RisicoStatus
from tests.audits.factories import AuditrapportFactory, BevindingFactory
from tests.programmas.factories import InitiatiefFactory
from tests.risicos.factories import RisicoFactory

pytestmark = pytest.mark.django_db

TEM = "Nederland moet Traditionele Eigen Middelen (TEM) en verdragingsrente nabetalen aan de EU"


@pytest.fixture
def tem(db):
    return RisicoFactory(titel=TEM)


def _velden(bevinding, **anders):
    """The edit form's fields as they stand, with `anders` changed."""
    return {
        "rapport": bevinding.rapport_id,
        "titel": bevinding.titel,
        "soort": bevinding.soort,
        "domein": bevinding.domein,
        "eigenaar": bevinding.eigenaar_id,
        "verwacht_opgelost_jaar": bevinding.verwacht_opgelost_jaar or "",
        "versie": bevinding.versie,
        **anders,
    }


def test_an_auditor_links_a_risk_in_the_finding_form_and_the_history_says_so(
    client_voor, auditor, bevinding, tem
):
    client = client_voor(auditor)
    url = reverse("audits:bevinding_bewerken", args=[bevinding.pk])
    response = client.post(url, _velden(bevinding, risicos=[tem.pk]))

    assert response.status_code == 302
    assert list(bevinding.risicos.all()) == [tem]
    record = bevinding.history.latest()
    assert record.history_user == auditor
    assert [r.risico for r in record.risicos.all()] == [tem]

    geschiedenis_url = reverse("audits:bevinding_geschiedenis", args=[bevinding.pk])
    geschiedenis = client.get(geschiedenis_url).context["geschiedenis"]
    koppeling = geschiedenis[0]
    assert koppeling.door == auditor
    assert [(w.veld, w.oud, w.nieuw) for w in koppeling.wijzigingen] == [("risico's", "—", TEM)]

    # Unlinking is a change too.
    client.post(url, _velden(Bevinding.objects.get(pk=bevinding.pk)))
    assert not bevinding.risicos.exists()
    geschiedenis = client.get(geschiedenis_url).context["geschiedenis"]
    assert [(w.oud, w.nieuw) for w in geschiedenis[0].wijzigingen] == [(TEM, "—")]


def test_a_new_finding_can_be_linked_to_a_risk_right_away(client_voor, auditor, pm, tem):
    response = client_voor(auditor).post(
        reverse("audits:bevinding_nieuw"),
        {
            "rapport": AuditrapportFactory().pk,
            "titel": "Onvolkomenheid grote geldstroom",
            "soort": "onvolkomenheid",
            "domein": "grote geldstroom",
            "eigenaar": pm.pk,
            "risicos": [tem.pk],
        },
    )
    assert response.status_code == 302
    assert list(Bevinding.objects.get().risicos.all()) == [tem]


@pytest.mark.parametrize("wie", ["pm", "lezer"])
def test_only_who_may_edit_the_finding_links_risks(request, client_voor, bevinding, tem, wie):
    # The owner (pm) offers the finding but does not edit it; a reader reads.
    client = client_voor(request.getfixturevalue(wie))
    url = reverse("audits:bevinding_bewerken", args=[bevinding.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, _velden(bevinding, risicos=[tem.pk])).status_code == 403
    assert not bevinding.risicos.exists()
    pagina = client.get(bevinding.get_absolute_url())
    assert not pagina.context["mag_bewerken"]


def test_the_form_offers_active_risks_and_closed_ones_only_when_linked(
    client_voor, auditor, bevinding, tem
):
    gesloten_gekoppeld = RisicoFactory(titel="Oud risico", status=RisicoStatus.GESLOTEN)
    RisicoFactory(titel="Ander oud risico", status=RisicoStatus.GESLOTEN)
    bevinding.risicos.add(gesloten_gekoppeld)

    response = client_voor(auditor).get(reverse("audits:bevinding_bewerken", args=[bevinding.pk]))
    veld = response.context["form"].fields["risicos"]
    assert [veld.label_from_instance(r) for r in veld.queryset] == [
        TEM,
        "Oud risico (gesloten)",
    ]
    # Offered in one query with which are linked: the linked one is selected.
    html = response.content.decode()
    gekozen = f'<option value="{gesloten_gekoppeld.pk}" selected>Oud risico (gesloten)</option>'
    assert gekozen in html
    assert f'<option value="{tem.pk}">{TEM}</option>' in html
    nieuw = client_voor(auditor).get(reverse("audits:bevinding_nieuw"))
    assert list(nieuw.context["form"].fields["risicos"].queryset) == [tem]


def test_the_finding_page_links_to_its_risks(client_voor, lezer, bevinding, tem):
    bevinding.risicos.add(tem)
    html = client_voor(lezer).get(bevinding.get_absolute_url()).content.decode()
    assert f'<a href="{tem.get_absolute_url()}">{TEM}</a>' in html


def test_the_findings_list_filters_on_risk(client_voor, lezer, tem):
    gekoppeld = BevindingFactory(titel="Onzekerheid Accijns")
    opgelost = BevindingFactory(titel="Onzekerheid Diplomaten", status=BevindingStatus.OPGELOST)
    BevindingFactory(titel="Onvolkomenheid inkoopbeheer")
    for b in (gekoppeld, opgelost):
        b.risicos.add(tem)
    RisicoFactory(titel="Risico zonder bevindingen")
    client = client_voor(lezer)

    def titels(query):
        response = client.get(reverse("audits:bevindingen") + query)
        return {row.record.titel for row in response.context["table"].paginated_rows}

    assert titels(f"?risico={tem.pk}") == {"Onzekerheid Accijns", "Onzekerheid Diplomaten"}
    # The register's count links here: the linked findings not yet resolved.
    assert titels(f"?risico={tem.pk}&status=nog_open") == {"Onzekerheid Accijns"}
    assert len(titels("")) == 3
    # The select offers the risks that have findings, not the whole register.
    filters = client.get(reverse("audits:bevindingen")).context["filter"]
    assert list(filters.form.fields["risico"].queryset) == [tem]


def test_old_history_records_get_the_links_they_had_when_tracking_began(bevinding, tem):
    # As if the finding and its initiatives were saved before links had a history.
    initiatief = InitiatiefFactory()
    bevinding.initiatieven.add(initiatief)
    bevinding.save()
    momentopname = apps.get_model("audits", "HistoricalBevinding_initiatieven")
    momentopname.objects.all().delete()

    migratie = importlib.import_module("audits.migrations.0002_bevinding_risicos")
    migratie.initiatieven_in_bestaande_historie(apps, None)

    records = list(bevinding.history.all())
    assert len(records) == 3  # created, linked, saved
    for record in records:
        assert [m.initiatief for m in record.initiatieven.all()] == [initiatief]

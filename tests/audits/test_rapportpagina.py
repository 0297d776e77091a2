"""The audit report page: its findings in workflow order, with counts, and who may edit."""

import pytest
from django.urls import reverse

from audits.models import BevindingStatus
from tests.audits.factories import AuditrapportFactory, BevindingFactory, VervolgactieFactory

pytestmark = pytest.mark.django_db


def test_report_page_lists_its_findings_in_workflow_order(client_voor, auditor, pm):
    rapport = AuditrapportFactory(titel="Verantwoordingsonderzoek Douane 2023")
    opgelost = BevindingFactory(rapport=rapport, titel="Toegang", status=BevindingStatus.OPGELOST)
    open_ = BevindingFactory(rapport=rapport, titel="Inkoopbeheer", eigenaar=pm)
    VervolgactieFactory(bevinding=open_)
    BevindingFactory(titel="Elders")

    response = client_voor(auditor).get(reverse("audits:rapport", args=[rapport.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Verantwoordingsonderzoek Douane 2023" in html
    assert html.index(open_.titel) < html.index(opgelost.titel)
    assert "Elders" not in html
    assert reverse("audits:rapport_bewerken", args=[rapport.pk]) in html


def test_report_page_offers_no_edit_link_to_a_reader(client_voor, lezer):
    rapport = AuditrapportFactory()
    response = client_voor(lezer).get(reverse("audits:rapport", args=[rapport.pk]))
    assert response.status_code == 200
    assert reverse("audits:rapport_bewerken", args=[rapport.pk]) not in response.content.decode()


def test_unknown_report_is_404(client_voor, auditor):
    assert client_voor(auditor).get(reverse("audits:rapport", args=[999999])).status_code == 404

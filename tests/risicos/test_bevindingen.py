"""Audit findings on the risk page and in the register, reached through the reverse
relation (audits points at risicos) and scoped by what audits lets the user read."""

import pytest
import rules
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from audits.models import BevindingStatus, Instantie
from douane_portfolio import rollen
from douane_portfolio.rules import is_lezer
from tests.audits.factories import AuditrapportFactory, BevindingFactory
from tests.risicos.factories import RisicoFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("risicos:register")


@pytest.fixture
def risico(db):
    """The TEM risk with two findings of the grote geldstroom, one of them resolved."""
    risico = RisicoFactory(titel="Nederland moet TEM nabetalen aan de EU")
    ark = AuditrapportFactory(instantie=Instantie.ARK, titel="Verantwoordingsonderzoek 2022")
    adr = AuditrapportFactory(instantie=Instantie.ADR, titel="Onzekerheden grote geldstroom")
    BevindingFactory(
        rapport=ark, titel="Onvolkomenheid grote geldstroom", verwacht_opgelost_jaar=2025
    ).risicos.add(risico)
    BevindingFactory(
        rapport=adr,
        titel="Onzekerheid Diplomaten",
        status=BevindingStatus.OPGELOST,
        verwacht_opgelost_jaar=None,
    ).risicos.add(risico)
    BevindingFactory(titel="Onvolkomenheid inkoopbeheer")
    return risico


@pytest.fixture
def geen_auditlezer(monkeypatch):
    """As if audits let readers of the register read no findings (its scope, not a rule)."""
    monkeypatch.setattr("audits.models.mag_audits_lezen", lambda user: False)


@pytest.fixture
def geen_auditrecht(db):
    """As if the Lezer could not read findings: neither its group nor the rule grants it."""
    Group.objects.get(name=rollen.LEZER).permissions.remove(
        Permission.objects.get(content_type__app_label="audits", codename="view_bevinding")
    )
    oud = rules.permissions.permissions["audits.view_bevinding"]
    rules.set_perm("audits.view_bevinding", ~is_lezer & oud)
    yield
    rules.set_perm("audits.view_bevinding", oud)


def _open_bevindingen(response):
    return {
        row.record.titel: row.record.open_bevindingen
        for row in response.context["table"].paginated_rows
    }


def test_the_risk_page_lists_the_linked_findings_with_links(client_voor, lezer, risico):
    response = client_voor(lezer).get(risico.get_absolute_url())
    html = response.content.decode()

    assert [b.titel for b in response.context["bevindingen"]] == [
        "Onzekerheid Diplomaten",  # ADR before ARK: the findings' own ordering
        "Onvolkomenheid grote geldstroom",
    ]
    geldstroom = response.context["bevindingen"][1]
    assert f'<a href="{geldstroom.get_absolute_url()}">Onvolkomenheid grote geldstroom</a>' in html
    assert "Algemene Rekenkamer" in html and "Auditdienst Rijk" in html
    assert "In uitvoering" in html and "Opgelost" in html
    assert "2025" in html
    assert "Onvolkomenheid inkoopbeheer" not in html


def test_a_risk_without_findings_says_so(client_voor, lezer):
    html = client_voor(lezer).get(RisicoFactory().get_absolute_url()).content.decode()
    assert "Geen gekoppelde auditbevindingen." in html


def test_the_risk_page_shows_no_finding_the_reader_may_not_see_in_audits(
    client_voor, lezer, risico, geen_auditlezer
):
    response = client_voor(lezer).get(risico.get_absolute_url())
    assert response.context["bevindingen"] == []
    assert "grote geldstroom" not in response.content.decode()
    # The register's count is scoped the same way.
    assert _open_bevindingen(client_voor(lezer).get(REGISTER)) == {risico.titel: 0}


def test_without_the_right_to_read_findings_neither_page_mentions_them(
    client_voor, lezer, risico, geen_auditrecht
):
    pagina = client_voor(lezer).get(risico.get_absolute_url())
    assert pagina.context["bevindingen"] is None
    assert "Auditbevindingen" not in pagina.content.decode()
    register = client_voor(lezer).get(REGISTER)
    assert "open_bevindingen" not in [c.name for c in register.context["table"].columns]


def test_the_register_counts_open_findings_and_links_to_them(client_voor, lezer, risico):
    RisicoFactory(titel="Risico zonder bevindingen")
    response = client_voor(lezer).get(REGISTER)

    assert _open_bevindingen(response) == {risico.titel: 1, "Risico zonder bevindingen": 0}
    lijst = reverse("audits:bevindingen") + f"?risico={risico.pk}&amp;status=nog_open"
    assert f'<a href="{lijst}">1</a>' in response.content.decode()

    export = client_voor(lezer).get(REGISTER, {"_export": "csv"}).getvalue().decode()
    assert "Open bevindingen" in export.splitlines()[0]

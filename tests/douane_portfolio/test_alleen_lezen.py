"""Read-only means read-only: who may own something is one rule, and owning gives a
Lezer no write right."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.forms import BevindingForm, NieuweVervolgactieForm, VervolgactieForm
from douane_portfolio import rollen
from douane_portfolio.models import User
from programmas.forms import InitiatiefForm, MijlpaalForm
from risicos.forms import MaatregelForm, RisicoForm, RisicoNieuwForm
from risicos.models import DialoogStatus
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.factories import UserFactory
from tests.programmas.factories import InitiatiefFactory, MijlpaalFactory
from tests.risicos.factories import BeheersmaatregelFactory, RisicodialoogFactory, RisicoFactory

pytestmark = pytest.mark.django_db


def test_owners_are_active_users_with_a_writing_role(pm, lezer, buitenstaander, auditor):
    gestopt = UserFactory(username="gestopt", rol=rollen.PROGRAMMAMANAGER, is_active=False)
    beide = UserFactory(username="beide", rol=rollen.LEZER)
    beide.groups.add(*User.objects.get(pk=pm.pk).groups.all())

    eigenaren = set(User.objects.mogelijke_eigenaren())

    assert {pm, auditor, beide} <= eigenaren
    assert lezer not in eigenaren
    assert buitenstaander not in eigenaren
    assert gestopt not in eigenaren


def test_the_current_owner_stays_a_choice_after_losing_the_role(lezer):
    assert lezer in User.objects.mogelijke_eigenaren(huidige=lezer.pk)
    assert User.objects.mogelijke_eigenaren(huidige=lezer.pk).filter(pk=lezer.pk).count() == 1


@pytest.mark.parametrize(
    "maak_form",
    [
        lambda: InitiatiefForm(),
        lambda: MijlpaalForm(),
        lambda: RisicoForm(),
        lambda: RisicoNieuwForm(),
        lambda: MaatregelForm(),
        lambda: BevindingForm(),
        lambda: NieuweVervolgactieForm(),
        lambda: VervolgactieForm(instance=VervolgactieFactory()),
    ],
    ids=[
        "initiatief",
        "mijlpaal",
        "risico",
        "risico_nieuw",
        "maatregel",
        "bevinding",
        "vervolgactie_nieuw",
        "vervolgactie",
    ],
)
def test_no_owner_field_offers_a_lezer(maak_form, pm, lezer):
    keuzes = set(maak_form().fields["eigenaar"].queryset)
    assert pm in keuzes
    assert lezer not in keuzes


def test_a_dialogue_action_cannot_be_given_to_a_lezer(client_voor, risicofunctionaris, lezer, pm):
    risico = RisicoFactory()
    dialoog = RisicodialoogFactory(risicos=[risico], status=DialoogStatus.GEHOUDEN)
    response = client_voor(risicofunctionaris).get(
        reverse("risicos:dialoog_sessie", args=[dialoog.pk])
    )
    keuzes = dict(response.context["formulieren"][0].fields["actie_eigenaar"].choices)
    assert pm.pk in keuzes
    assert lezer.pk not in keuzes


def test_a_lezer_who_owns_a_milestone_changes_nothing(client_voor, lezer):
    mijlpaal = MijlpaalFactory(eigenaar=lezer)
    url = reverse("programmas:mijlpaal_bewerken", args=[mijlpaal.pk])
    response = client_voor(lezer).post(url, {"status": "afgerond", "versie": mijlpaal.versie})
    assert response.status_code == 403
    mijlpaal.refresh_from_db()
    assert mijlpaal.status == "open"


def test_a_lezer_who_owns_a_measure_changes_nothing(client_voor, lezer):
    maatregel = BeheersmaatregelFactory(eigenaar=lezer)
    url = reverse("risicos:maatregel_status", args=[maatregel.pk])
    response = client_voor(lezer).post(url, {"status": "afgerond", "versie": maatregel.versie})
    assert response.status_code == 403
    maatregel.refresh_from_db()
    assert maatregel.status == "open"


@pytest.mark.parametrize(
    "naam,data",
    [
        ("vervolgactie_bewerken", {"status": "afgerond"}),
        ("bewijs_nieuw", {"toelichting": "Zie bijlage"}),
        ("deadline_verschuiven", {"nieuwe_deadline": "2099-01-01", "reden": "later"}),
    ],
)
def test_a_lezer_who_owns_a_follow_up_action_changes_nothing(client_voor, lezer, naam, data):
    actie = VervolgactieFactory(eigenaar=lezer)
    client = client_voor(lezer)
    response = client.post(reverse(f"audits:{naam}", args=[actie.pk]), {**data, "versie": 1})
    assert response.status_code == 403
    actie.refresh_from_db()
    assert (actie.status, actie.versie) == ("in_uitvoering", 1)
    assert actie.bewijsstukken.count() == 0


def test_a_lezer_who_owns_a_finding_cannot_offer_it_or_add_actions(client_voor, lezer):
    bevinding = BevindingFactory(eigenaar=lezer)
    client = client_voor(lezer)
    for naam, data in [
        ("bevinding_aanbieden", {"toelichting": "Klaar"}),
        (
            "vervolgactie_nieuw",
            {"omschrijving": "x", "eigenaar": lezer.pk, "deadline": "2099-01-01"},
        ),
    ]:
        response = client.post(
            reverse(f"audits:{naam}", args=[bevinding.pk]), {**data, "versie": 1}
        )
        assert response.status_code == 403, naam
    bevinding.refresh_from_db()
    assert bevinding.status == "in_uitvoering"
    assert bevinding.vervolgacties.count() == 0


def test_a_milestone_owner_who_does_not_own_the_initiative_changes_only_the_status(
    client_voor, pm, pm2
):
    mijlpaal = MijlpaalFactory(
        initiatief=InitiatiefFactory(eigenaar=pm), eigenaar=pm2, omschrijving="Aanbesteding"
    )
    url = reverse("programmas:mijlpaal_bewerken", args=[mijlpaal.pk])
    client = client_voor(pm2)
    assert [f.name for f in client.get(url).context["form"].visible_fields()] == ["status"]
    response = client.post(
        url,
        {
            "status": "afgerond",
            "omschrijving": "Iets anders",
            "deadline": "2099-01-01",
            "eigenaar": pm2.pk,
            "versie": mijlpaal.versie,
        },
    )
    assert response.status_code == 302
    mijlpaal.refresh_from_db()
    assert mijlpaal.status == "afgerond"
    assert mijlpaal.omschrijving == "Aanbesteding"
    assert mijlpaal.deadline == datetime.date(2026, 12, 31)


def test_the_initiative_owner_still_plans_the_whole_milestone(client_voor, pm, pm2):
    mijlpaal = MijlpaalFactory(initiatief=InitiatiefFactory(eigenaar=pm), eigenaar=pm2)
    url = reverse("programmas:mijlpaal_bewerken", args=[mijlpaal.pk])
    nieuw = timezone.localdate() + datetime.timedelta(days=60)
    response = client_voor(pm).post(
        url,
        {
            "status": "open",
            "omschrijving": "Nieuw plan",
            "deadline": nieuw.isoformat(),
            "eigenaar": pm2.pk,
            "versie": mijlpaal.versie,
        },
    )
    assert response.status_code == 302
    mijlpaal.refresh_from_db()
    assert (mijlpaal.omschrijving, mijlpaal.deadline) == ("Nieuw plan", nieuw)

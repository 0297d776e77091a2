"""Every edit form carries its version; creating is idempotent and atomic."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

from audits import services as audit_services
from audits.models import Auditrapport, Bevinding, Bewijsstuk, Jaaroordeel, Vervolgactie
from douane_portfolio.forms import VERSIE_ONTBREEKT
from douane_portfolio.models import Aanmaaktoken
from programmas.models import Indicatorwaarde, Initiatief, Mijlpaal
from risicos.models import Beheersmaatregel, DialoogStatus, Risico, Risicodialoog
from tests.audits.factories import AuditrapportFactory, BevindingFactory, VervolgactieFactory
from tests.formulieren import formulierdata
from tests.programmas.factories import (
    IndicatorFactory,
    InitiatiefFactory,
    MijlpaalFactory,
    PeriodeFactory,
    ThemaFactory,
)
from tests.risicos.factories import BeheersmaatregelFactory, RisicodialoogFactory, RisicoFactory

pytestmark = pytest.mark.django_db

LATER = (timezone.localdate() + datetime.timedelta(days=40)).isoformat()


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _jaaroordeel(p):
    return Jaaroordeel.objects.create(
        bevinding=BevindingFactory(eigenaar=p["pm"]),
        jaar=2024,
        oordeel="verbeterd",
        vastgelegd_door=p["auditor"],
    )


def _ter_beoordeling(p):
    bevinding = BevindingFactory(eigenaar=p["pm"])
    return audit_services.bevinding_aanbieden(
        bevinding=bevinding, door=p["pm"], toelichting="Klaar"
    )


def _actie_van_pm2(p):
    return VervolgactieFactory(bevinding=BevindingFactory(eigenaar=p["pm"]), eigenaar=p["pm2"])


# (url name, who edits, the object, what the POST changes, form's context name)
BEWERKEN = [
    ("programmas:initiatief_bewerken", "beheerder", lambda p: InitiatiefFactory(), {}, "form"),
    (
        "programmas:mijlpaal_bewerken",
        "pm",
        lambda p: MijlpaalFactory(initiatief=InitiatiefFactory(eigenaar=p["pm"])),
        {"status": "afgerond"},
        "form",
    ),
    ("risicos:risico_bewerken", "risicofunctionaris", lambda p: RisicoFactory(), {}, "form"),
    (
        "risicos:risico_scoren",
        "risicofunctionaris",
        lambda p: RisicoFactory(gescoord=True),
        {"netto_kans": "2", "reden": "Nieuwe maatregel werkt"},
        "form",
    ),
    (
        "risicos:maatregel_bewerken",
        "risicofunctionaris",
        lambda p: BeheersmaatregelFactory(risicos=[RisicoFactory()]),
        {},
        "form",
    ),
    (
        "risicos:maatregel_status",
        "risicofunctionaris",
        lambda p: BeheersmaatregelFactory(),
        {"status": "afgerond"},
        "form",
    ),
    (
        "risicos:dialoog_bewerken",
        "risicofunctionaris",
        lambda p: RisicodialoogFactory(risicos=[RisicoFactory()]),
        {},
        "form",
    ),
    (
        "risicos:dialoog_sessie",
        "risicofunctionaris",
        lambda p: RisicodialoogFactory(risicos=[RisicoFactory()]),
        {"besluiten": "Besloten"},
        "sessie",
    ),
    ("audits:rapport_bewerken", "auditor", lambda p: AuditrapportFactory(), {}, "form"),
    (
        "audits:bevinding_bewerken",
        "auditor",
        lambda p: BevindingFactory(eigenaar=p["pm"]),
        {},
        "form",
    ),
    (
        "audits:vervolgactie_bewerken",
        "auditor",
        _actie_van_pm2,
        {"status": "afgerond"},
        "form",
    ),
    ("audits:jaaroordeel_bewerken", "auditor", _jaaroordeel, {"oordeel": "opgelost"}, "form"),
    (
        "audits:bevinding_aanbieden",
        "pm",
        lambda p: BevindingFactory(eigenaar=p["pm"]),
        {"toelichting": "Opgelost"},
        "form",
    ),
    ("audits:bevinding_beoordelen", "auditor", _ter_beoordeling, {"oordeel": "akkoord"}, "form"),
    (
        "audits:deadline_verschuiven",
        "pm",
        _actie_van_pm2,
        {"nieuwe_deadline": LATER, "reden": "Leverancier later", "goedgekeurd_door": "{pm}"},
        "form",
    ),
]


@pytest.fixture
def personen(beheerder, pm, pm2, risicofunctionaris, auditor, lezer):
    return {
        "beheerder": beheerder,
        "pm": pm,
        "pm2": pm2,
        "risicofunctionaris": risicofunctionaris,
        "auditor": auditor,
        "lezer": lezer,
    }


def _invullen(wijziging, personen):
    return {
        k: v.format(**{n: u.pk for n, u in personen.items()}) if isinstance(v, str) else v
        for k, v in wijziging.items()
    }


@pytest.mark.parametrize("naam,wie,maak,wijziging,formnaam", BEWERKEN, ids=[c[0] for c in BEWERKEN])
def test_an_edit_post_without_its_version_is_refused_and_changes_nothing(
    client_voor, personen, naam, wie, maak, wijziging, formnaam
):
    obj = maak(personen)
    versie = type(obj).objects.get(pk=obj.pk).versie
    url = reverse(naam, args=[obj.pk])
    client = client_voor(personen[wie])
    form = client.get(url).context[formnaam]
    data = formulierdata(form, **_invullen(wijziging, personen))

    zonder = client.post(url, {k: v for k, v in data.items() if k != "versie"})

    assert zonder.status_code == 200
    assert VERSIE_ONTBREEKT in zonder.context[formnaam].non_field_errors()
    assert type(obj).objects.get(pk=obj.pk).versie == versie

    # The same body with its version is accepted: the refusal was about the version.
    met = client.post(url, data)
    assert met.status_code == 302, met.context and met.context[formnaam].errors
    assert type(obj).objects.get(pk=obj.pk).versie > versie


def test_a_forged_version_is_refused_as_changed_meanwhile(client_voor, pm):
    mijlpaal = MijlpaalFactory(initiatief=InitiatiefFactory(eigenaar=pm))
    url = reverse("programmas:mijlpaal_bewerken", args=[mijlpaal.pk])
    client = client_voor(pm)
    data = formulierdata(client.get(url).context["form"], status="afgerond", versie="abc")
    response = client.post(url, data)
    assert VERSIE_ONTBREEKT in response.context["form"].non_field_errors()
    mijlpaal.refresh_from_db()
    assert mijlpaal.status == "open"


def test_an_indicator_value_entered_meanwhile_is_not_overwritten(client_voor, pm, pm2, beheerder):
    indicator = IndicatorFactory(initiatief=InitiatiefFactory(eigenaar=pm))
    periode = PeriodeFactory()
    url = reverse("programmas:indicatorwaarde_nieuw", args=[indicator.pk, periode.pk])
    client = client_voor(pm)
    assert client.get(url).status_code == 200
    # The portfolio office enters the value while pm's form is open.
    Indicatorwaarde.objects.create(indicator=indicator, periode=periode, realisatie=7)

    response = client.post(url, {"doelstelling": "10", "realisatie": "9", "bandbreedte": "5"})

    assert response.status_code == 200
    assert "intussen gewijzigd" in response.context["form"].non_field_errors()[0]
    assert response.context["form"]["realisatie"].value() == "9"
    assert Indicatorwaarde.objects.get().realisatie == 7


# --- Creating ---------------------------------------------------------------------------


def _nieuw(naam, wie, model, args=lambda p: [], extra=lambda p: {}):
    return pytest.param(naam, wie, model, args, extra, id=naam)


AANMAKEN = [
    _nieuw(
        "programmas:initiatief_nieuw",
        "beheerder",
        Initiatief,
        extra=lambda p: {
            "thema": ThemaFactory().pk,
            "naam": "Nieuw initiatief",
            "eigenaar": p["pm"].pk,
            "volgorde": "99",
            "actief": "on",
        },
    ),
    _nieuw(
        "programmas:mijlpaal_nieuw",
        "pm",
        Mijlpaal,
        args=lambda p: [InitiatiefFactory(eigenaar=p["pm"]).pk],
        extra=lambda p: {"omschrijving": "Go-live", "deadline": LATER, "status": "open"},
    ),
    _nieuw(
        "risicos:risico_nieuw",
        "risicofunctionaris",
        Risico,
        extra=lambda p: {
            "titel": "Nieuw risico",
            "categorie": "intern",
            "eigenaar": p["risicofunctionaris"].pk,
        },
    ),
    _nieuw(
        "risicos:maatregel_nieuw",
        "risicofunctionaris",
        Beheersmaatregel,
        extra=lambda p: {
            "omschrijving": "Extra controle",
            "eigenaar": p["pm"].pk,
            "deadline": LATER,
            "status": "open",
        },
    ),
    _nieuw(
        "risicos:dialoog_nieuw",
        "risicofunctionaris",
        Risicodialoog,
        extra=lambda p: {
            "datum": LATER,
            "voorzitter": p["risicofunctionaris"].pk,
            "risico_keuze": [RisicoFactory().pk],
        },
    ),
    _nieuw(
        "audits:rapport_nieuw",
        "auditor",
        Auditrapport,
        extra=lambda p: {"instantie": "adr", "titel": "Nieuw rapport"},
    ),
    _nieuw(
        "audits:bevinding_nieuw",
        "auditor",
        Bevinding,
        extra=lambda p: {
            "rapport": AuditrapportFactory().pk,
            "titel": "Nieuwe bevinding",
            "soort": "onvolkomenheid",
            "domein": "inkoop",
            "omschrijving": "Zo niet",
            "eigenaar": p["pm"].pk,
            "bron": "ARK",
        },
    ),
    _nieuw(
        "audits:vervolgactie_nieuw",
        "auditor",
        Vervolgactie,
        args=lambda p: [BevindingFactory(eigenaar=p["pm"]).pk],
        extra=lambda p: {"omschrijving": "Doen", "eigenaar": p["pm2"].pk, "deadline": LATER},
    ),
    _nieuw(
        "audits:bewijs_nieuw",
        "auditor",
        Bewijsstuk,
        args=lambda p: [VervolgactieFactory(bevinding=BevindingFactory(eigenaar=p["pm"])).pk],
        extra=lambda p: {"toelichting": "Zie verslag"},
    ),
    _nieuw(
        "audits:jaaroordeel_nieuw",
        "auditor",
        Jaaroordeel,
        args=lambda p: [BevindingFactory(eigenaar=p["pm"]).pk],
        extra=lambda p: {"jaar": "2025", "oordeel": "verbeterd"},
    ),
]


def _formulier(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["form"]


@pytest.mark.parametrize("naam,wie,model,args,extra", AANMAKEN)
def test_a_create_form_posted_twice_with_its_token_makes_one_record(
    client_voor, personen, naam, wie, model, args, extra
):
    url = reverse(naam, args=args(personen))
    client = client_voor(personen[wie])
    data = formulierdata(_formulier(client, url), **extra(personen))
    assert data.get("aanmaaktoken")
    voor = model.objects.count()

    eerste = client.post(url, data)
    assert eerste.status_code == 302, eerste.context and eerste.context["form"].errors
    nieuw = model.objects.exclude(pk__in=[]).order_by("-pk").first()
    tweede = client.post(url, data)

    assert model.objects.count() == voor + 1
    assert tweede.status_code == 302
    assert tweede["Location"] == nieuw.get_absolute_url()
    # A fresh form (a new token) makes a new record, or is refused on its own merits.
    assert _formulier(client, url)["aanmaaktoken"].value() != data["aanmaaktoken"]


@pytest.mark.parametrize("naam,wie,model,args,extra", AANMAKEN)
def test_a_create_that_fails_writing_history_leaves_no_row(
    client_voor, personen, naam, wie, model, args, extra
):
    url = reverse(naam, args=args(personen))
    client = client_voor(personen[wie])
    data = formulierdata(_formulier(client, url), **extra(personen))
    voor = model.objects.count()

    def geschiedenis_faalt(sender, **kwargs):
        raise RuntimeError("geschiedenis niet geschreven")

    pre_create_historical_record.connect(geschiedenis_faalt)
    try:
        with pytest.raises(RuntimeError):
            client.post(url, data)
    finally:
        pre_create_historical_record.disconnect(geschiedenis_faalt)

    assert model.objects.count() == voor
    assert not Aanmaaktoken.objects.filter(token=data["aanmaaktoken"]).exists()
    # The user's retry of the same form then succeeds, once.
    assert client.post(url, data).status_code == 302
    assert model.objects.count() == voor + 1


def test_someone_elses_token_makes_nothing(client_voor, personen):
    url = reverse("audits:rapport_nieuw")
    data = formulierdata(
        _formulier(client_voor(personen["auditor"]), url), instantie="adr", titel="Een"
    )
    assert client_voor(personen["auditor"]).post(url, data).status_code == 302
    response = client_voor(personen["beheerder"]).post(url, {**data, "titel": "Twee"})
    assert response.status_code == 200
    assert "al gebruikt" in response.context["form"].non_field_errors()[0]
    assert Auditrapport.objects.count() == 1


def test_a_resubmitted_session_adds_its_dialogue_action_once(client_voor, risicofunctionaris, pm):
    risico = RisicoFactory()
    dialoog = RisicodialoogFactory(risicos=[risico], status=DialoogStatus.GEHOUDEN)
    url = reverse("risicos:dialoog_sessie", args=[dialoog.pk])
    client = client_voor(risicofunctionaris)
    response = client.get(url)
    punt = response.context["formulieren"][0]
    data = {
        **formulierdata(response.context["sessie"]),
        **formulierdata(punt),
        f"{punt.prefix}-actie_omschrijving": "Extra toezicht",
        f"{punt.prefix}-actie_eigenaar": str(pm.pk),
        f"{punt.prefix}-actie_deadline": LATER,
    }
    assert client.post(url, data).status_code == 302
    tweede = client.post(url, data)
    assert tweede.status_code == 200
    assert "intussen gewijzigd" in tweede.context["sessie"].non_field_errors()[0]
    assert Beheersmaatregel.objects.filter(dialoog=dialoog).count() == 1

"""The access matrix: every named URL (the admin aside, it has its own tests), GET and
POST with a valid body, for every persona; a refused request changes nothing.

A URL added to the project without a row here fails `test_every_named_url_is_in_the_matrix`.
"""

import copy
import datetime
import uuid

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from api.models import AgendaSleutel, ApiSleutel, Bereik
from audits import services as audit_services
from audits.models import BevindingStatus, Jaaroordeel
from douane_portfolio import rollen
from herinneringen.models import Bezorging, HerinneringSoort, Verzending, VerzendingStatus
from importeren.models import Importbestand, ImportStatus
from programmas.models import Indicatorwaarde, Periodesoort, PeriodeStatus
from risicos.models import DialoogStatus
from tests.audits.factories import AuditrapportFactory, BevindingFactory, VervolgactieFactory
from tests.factories import UserFactory
from tests.programmas.factories import (
    IndicatorFactory,
    InitiatiefFactory,
    MijlpaalFactory,
    PeriodeFactory,
    ThemaFactory,
)
from tests.risicos.factories import BeheersmaatregelFactory, RisicodialoogFactory, RisicoFactory

PERSONAS = (
    "anoniem",
    "geen_rol",
    "lezer",
    "lezer_eigenaar",  # a Lezer made owner of the milestone, the measure and the action
    "eigenaar",  # programme manager owning the initiative and the findings
    "collega",  # programme manager owning nothing here
    "risicofunctionaris",
    "auditor",
    "beheerder",
)
DOMEIN_APPS = (
    "douane_portfolio",
    "herinneringen",
    "programmas",
    "risicos",
    "audits",
    "rapportage",
    "api",
    "importeren",
)
LATER = (timezone.localdate() + datetime.timedelta(days=40)).isoformat()
NOG_LATER = (timezone.localdate() + datetime.timedelta(days=80)).isoformat()
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


# --- One data set for the whole module ---------------------------------------------------


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, media):
    settings.MEDIA_ROOT = media


def _maak_gegevens():
    p = {
        "geen_rol": UserFactory(username="m_geen_rol"),
        "lezer": UserFactory(username="m_lezer", rol=rollen.LEZER),
        "lezer_eigenaar": UserFactory(username="m_lezer_eigenaar", rol=rollen.LEZER),
        "eigenaar": UserFactory(username="m_eigenaar", rol=rollen.PROGRAMMAMANAGER),
        "collega": UserFactory(username="m_collega", rol=rollen.PROGRAMMAMANAGER),
        "risicofunctionaris": UserFactory(username="m_rf", rol=rollen.RISICOFUNCTIONARIS),
        "auditor": UserFactory(username="m_auditor", rol=rollen.AUDITOR),
        "beheerder": UserFactory(username="m_beheerder", rol=rollen.BEHEERDER),
    }
    g = dict(p)
    g["thema"] = ThemaFactory(naam="Matrix")
    g["initiatief"] = InitiatiefFactory(eigenaar=p["eigenaar"], thema=g["thema"])
    g["periode"] = PeriodeFactory(jaar=2026, soort=Periodesoort.T3, status=PeriodeStatus.OPEN)
    g["gesloten"] = PeriodeFactory(jaar=2026, soort=Periodesoort.T2, status=PeriodeStatus.GESLOTEN)
    g["gepland"] = PeriodeFactory(jaar=2027, soort=Periodesoort.T1, status=PeriodeStatus.GEPLAND)
    PeriodeFactory(jaar=2026, soort=Periodesoort.JAAR, status=PeriodeStatus.GESLOTEN)
    g["mijlpaal"] = MijlpaalFactory(initiatief=g["initiatief"], eigenaar=p["lezer_eigenaar"])
    g["indicator"] = IndicatorFactory(initiatief=g["initiatief"])
    g["indicator_leeg"] = IndicatorFactory(initiatief=g["initiatief"])
    g["waarde"] = Indicatorwaarde.objects.create(
        indicator=g["indicator"], periode=g["periode"], doelstelling=10, realisatie=8
    )
    g["risico"] = RisicoFactory(eigenaar=p["risicofunctionaris"], gescoord=True)
    g["maatregel"] = BeheersmaatregelFactory(eigenaar=p["lezer_eigenaar"], risicos=[g["risico"]])
    g["dialoog"] = RisicodialoogFactory(voorzitter=p["risicofunctionaris"], risicos=[g["risico"]])
    g["dialoog_gehouden"] = RisicodialoogFactory(
        voorzitter=p["risicofunctionaris"], risicos=[g["risico"]], status=DialoogStatus.GEHOUDEN
    )
    g["rapport"] = AuditrapportFactory()
    g["bevinding"] = BevindingFactory(rapport=g["rapport"], eigenaar=p["eigenaar"])
    g["actie"] = VervolgactieFactory(bevinding=g["bevinding"], eigenaar=p["lezer_eigenaar"])
    g["bewijs"] = audit_services.bewijsstuk_toevoegen(
        actie=g["actie"],
        door=p["auditor"],
        toelichting="Verslag",
        bestand=SimpleUploadedFile("verslag.pdf", PDF, content_type="application/pdf"),
    )
    g["jaaroordeel"] = Jaaroordeel.objects.create(
        bevinding=g["bevinding"], jaar=2024, oordeel="verbeterd", vastgelegd_door=p["auditor"]
    )
    # Without open actions, so it can be offered.
    g["aan_te_bieden"] = BevindingFactory(rapport=g["rapport"], eigenaar=p["eigenaar"])
    g["ter_beoordeling"] = audit_services.bevinding_aanbieden(
        bevinding=BevindingFactory(rapport=g["rapport"], eigenaar=p["eigenaar"]),
        door=p["eigenaar"],
        toelichting="Klaar",
    )
    opgelost = audit_services.bevinding_aanbieden(
        bevinding=BevindingFactory(rapport=g["rapport"], eigenaar=p["eigenaar"]),
        door=p["eigenaar"],
        toelichting="Klaar",
    )
    g["opgelost"] = audit_services.bevinding_beoordelen(
        bevinding=opgelost, door=p["auditor"], oordeel="akkoord", toelichting=""
    )
    assert g["opgelost"].status == BevindingStatus.OPGELOST
    g["verzending"] = Verzending.objects.create(
        ontvanger=p["eigenaar"],
        adres="eigenaar@example.org",
        status=VerzendingStatus.MISLUKT,
        message_id="<rechtenmatrix@douane.example>",
        pogingen=3,
        fout="Verbinding geweigerd",
    )
    g["melding"] = Bezorging.objects.get(
        ontvanger=p["eigenaar"], herinnering__soort=HerinneringSoort.MELDING
    )
    g["api_sleutel"], _ = ApiSleutel.aanmaken(
        gebruiker=p["eigenaar"], naam="Power BI", bereik=Bereik.LEZEN
    )
    g["agenda_geheim"] = AgendaSleutel.vernieuwen(p["eigenaar"])
    g["importbestand"] = Importbestand.objects.create(
        naam="risicos.csv",
        soort="risicos",
        status=ImportStatus.MISLUKT,
        door=p["beheerder"],
        resultaat={"fout": "Het bestand is geen CSV."},
    )
    return g


@pytest.fixture(scope="module")
def gegevens(django_db_setup, django_db_blocker, media):
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        g = _maak_gegevens()
        # One logged-in client per persona; each request runs in its own rolled-back
        # transaction, so every request starts from this same state and checksum.
        g["clients"] = {persona: Client() for persona in PERSONAS}
        for persona, client in g["clients"].items():
            if persona != "anoniem":
                client.force_login(g[persona])
        g["controlesom"] = controlesom()
        yield g
        transaction.set_rollback(True)


# --- What each URL is called with -----------------------------------------------------


def _pk(obj):
    return lambda g: {"pk": g[obj].pk}


def _versie(obj, /, **velden):
    """The body of an edit form: `velden` and the version the object has now."""
    return lambda g: {
        **_velden(**velden)(g),
        "versie": type(g[obj]).objects.get(pk=g[obj].pk).versie,
    }


def _velden(**velden):
    return lambda g: {k: v(g) if callable(v) else v for k, v in velden.items()}


def _id(obj):
    return lambda g: g[obj].pk


RAPPORT = {"jaar": 2026}
RAPPORT_PERIODE = {"jaar": 2026, "soort": "t3"}

# url name -> (kwargs, valid POST body)
AANROEP = {
    "home": (None, None),
    "mijn_acties": (None, None),
    "mijn_herinneringen": (None, _velden(herinneringsfrequentie="wekelijks")),
    "mijn_verzending": (_pk("verzending"), None),
    "onverzonden_herinneringen": (None, None),
    "verzending_beslissen": (_pk("verzending"), _velden(actie="annuleren", reden="Vertrokken")),
    "melding_gelezen": (_pk("melding"), None),
    "programmas:portfolio": (None, None),
    "programmas:activiteiten": (None, None),
    "programmas:ronde": (None, None),
    "programmas:periode_nieuw": (
        None,
        _velden(jaar="2027", soort="T2", indiendeadline="2027-09-15"),
    ),
    "programmas:periode_openen": (_pk("gepland"), None),
    "programmas:periode_sluiten": (_pk("periode"), None),
    "programmas:indicatoren": (None, None),
    "programmas:indicatorwaarde_bewerken": (
        _pk("waarde"),
        _versie("waarde", doelstelling="10", realisatie="9", bandbreedte="5"),
    ),
    "programmas:indicatorwaarde_nieuw": (
        lambda g: {"indicator_pk": g["indicator_leeg"].pk, "periode_pk": g["periode"].pk},
        _velden(doelstelling="10", realisatie="9", bandbreedte="5"),
    ),
    "programmas:initiatief_nieuw": (
        None,
        _velden(thema=_id("thema"), naam="Nieuw", eigenaar=_id("eigenaar"), volgorde="77"),
    ),
    "programmas:initiatief": (_pk("initiatief"), None),
    "programmas:initiatief_geschiedenis": (_pk("initiatief"), None),
    "programmas:initiatief_bewerken": (
        _pk("initiatief"),
        _versie(
            "initiatief",
            thema=_id("thema"),
            naam="Hernoemd",
            omschrijving="Nieuw plan",
            eigenaar=_id("eigenaar"),
            volgorde="1",
            actief="on",
        ),
    ),
    "programmas:status_indienen": (
        lambda g: {"pk": g["initiatief"].pk, "periode_pk": g["periode"].pk},
        _velden(status="groen"),
    ),
    "programmas:mijn_rapportage": (
        None,
        lambda g: {"initiatief": g["initiatief"].pk, f"i{g['initiatief'].pk}-status": "groen"},
    ),
    "programmas:mijlpaal_nieuw": (
        _pk("initiatief"),
        _velden(omschrijving="Go-live", eigenaar=_id("eigenaar"), deadline=LATER, status="open"),
    ),
    "programmas:mijlpaal_bewerken": (
        _pk("mijlpaal"),
        _versie(
            "mijlpaal",
            omschrijving="Anders",
            eigenaar=_id("lezer_eigenaar"),
            deadline=LATER,
            status="afgerond",
        ),
    ),
    "risicos:register": (None, None),
    "risicos:risico_nieuw": (
        None,
        _velden(
            titel="Nieuw risico",
            categorie="intern",
            status="actief",
            eigenaar=_id("risicofunctionaris"),
        ),
    ),
    "risicos:risico": (_pk("risico"), None),
    "risicos:risico_geschiedenis": (_pk("risico"), None),
    "risicos:risico_bewerken": (
        _pk("risico"),
        _versie(
            "risico",
            titel="Hernoemd risico",
            categorie="intern",
            status="actief",
            eigenaar=_id("risicofunctionaris"),
        ),
    ),
    "risicos:risico_scoren": (
        _pk("risico"),
        _versie(
            "risico", bruto_kans="4", bruto_impact="4", netto_kans="2", netto_impact="3", reden="x"
        ),
    ),
    "risicos:heatmap": (None, None),
    "risicos:maatregelen": (None, None),
    "risicos:maatregel_nieuw": (
        None,
        _velden(omschrijving="Extra", eigenaar=_id("eigenaar"), deadline=LATER, status="open"),
    ),
    "risicos:maatregel": (_pk("maatregel"), None),
    "risicos:maatregel_bewerken": (
        _pk("maatregel"),
        _versie(
            "maatregel",
            omschrijving="Anders",
            risicos=lambda g: [g["risico"].pk],
            eigenaar=_id("lezer_eigenaar"),
            deadline=LATER,
            status="open",
        ),
    ),
    "risicos:maatregel_status": (_pk("maatregel"), _versie("maatregel", status="afgerond")),
    "risicos:dialogen": (None, None),
    "risicos:dialoog_nieuw": (
        None,
        _velden(
            titel="Dialoog",
            datum=LATER,
            niveau="strategisch",
            voorzitter=_id("risicofunctionaris"),
            risico_keuze=lambda g: [g["risico"].pk],
        ),
    ),
    "risicos:dialoog": (_pk("dialoog"), None),
    "risicos:dialoog_bewerken": (
        _pk("dialoog"),
        _versie(
            "dialoog",
            titel="Dialoog anders",
            datum=LATER,
            niveau="strategisch",
            voorzitter=_id("risicofunctionaris"),
            risico_keuze=lambda g: [g["risico"].pk],
        ),
    ),
    "risicos:dialoog_sessie": (_pk("dialoog"), _versie("dialoog", besluiten="Besloten")),
    "risicos:dialoog_gehouden": (_pk("dialoog"), None),
    "risicos:dialoog_vaststellen": (_pk("dialoog_gehouden"), None),
    "risicos:dialoog_verslag": (_pk("dialoog"), None),
    "audits:bevindingen": (None, None),
    "audits:opvolging": (None, None),
    "audits:acties": (None, None),
    "audits:rapporten": (None, None),
    "audits:rapport_nieuw": (None, _velden(instantie="adr", titel="Nieuw rapport")),
    "audits:rapport": (_pk("rapport"), None),
    "audits:rapport_bewerken": (
        _pk("rapport"),
        _versie("rapport", instantie="ark", titel="Hernoemd rapport"),
    ),
    "audits:bevinding_nieuw": (
        None,
        _velden(
            rapport=_id("rapport"),
            titel="Nieuwe bevinding",
            soort="onvolkomenheid",
            domein="inkoop",
            omschrijving="x",
            eigenaar=_id("eigenaar"),
        ),
    ),
    "audits:bevinding": (_pk("bevinding"), None),
    "audits:bevinding_geschiedenis": (_pk("bevinding"), None),
    "audits:bevinding_bewerken": (
        _pk("bevinding"),
        _versie(
            "bevinding",
            rapport=_id("rapport"),
            titel="Hernoemd",
            soort="onvolkomenheid",
            domein="inkoop",
            omschrijving="x",
            eigenaar=_id("eigenaar"),
        ),
    ),
    "audits:bevinding_aanbieden": (
        _pk("aan_te_bieden"),
        _versie("aan_te_bieden", toelichting="Klaar"),
    ),
    "audits:bevinding_beoordelen": (
        _pk("ter_beoordeling"),
        _versie("ter_beoordeling", oordeel="akkoord"),
    ),
    "audits:bevinding_heropenen": (_pk("opgelost"), _versie("opgelost", reden="Toch niet")),
    "audits:jaaroordeel_nieuw": (_pk("bevinding"), _velden(jaar="2025", oordeel="verbeterd")),
    "audits:vervolgactie_nieuw": (
        _pk("bevinding"),
        _velden(omschrijving="Doen", eigenaar=_id("collega"), deadline=LATER),
    ),
    "audits:jaaroordeel_bewerken": (
        _pk("jaaroordeel"),
        _versie("jaaroordeel", jaar="2024", oordeel="opgelost"),
    ),
    "audits:vervolgactie_bewerken": (
        _pk("actie"),
        _versie("actie", omschrijving="Anders", eigenaar=_id("lezer_eigenaar"), status="afgerond"),
    ),
    "audits:deadline_verschuiven": (
        _pk("actie"),
        _versie(
            "actie", nieuwe_deadline=NOG_LATER, reden="Later", goedgekeurd_door=_id("eigenaar")
        ),
    ),
    "audits:bewijs_nieuw": (_pk("actie"), _velden(toelichting="Meer bewijs")),
    "audits:bewijs_download": (_pk("bewijs"), None),
    "rapportage:index": (None, None),
    "rapportage:vergelijk": (None, None),
    "rapportage:vastleggen": (_pk("gesloten"), None),
    # A file that was never requested: every reader gets the same 404 as a stranger.
    "rapportage:bestand": (lambda g: {"pk": 999999}, None),
    "rapportage:bestand_voortgang": (lambda g: {"pk": 999999}, None),
    "rapportage:jaar": (lambda g: RAPPORT, None),
    "rapportage:jaar_pdf": (lambda g: RAPPORT, None),
    "rapportage:jaar_docx": (lambda g: RAPPORT, None),
    "rapportage:periode": (lambda g: RAPPORT_PERIODE, None),
    "rapportage:periode_pdf": (lambda g: RAPPORT_PERIODE, None),
    "rapportage:periode_docx": (lambda g: RAPPORT_PERIODE, None),
    "login": (None, _velden(username="niemand", password="fout")),
    "logout": (None, None),
    "toegankelijkheid": (None, None),
    "zoeken": (lambda g: {"bron": "risico-eigenaren"}, None),
    "rapportage:hoofdstukken": (
        lambda g: RAPPORT,
        _velden(inleiding="Inleiding.", verhaal_titel="", verhaal="Verhaal."),
    ),
    "rapportage:periode_hoofdstukken": (
        lambda g: RAPPORT_PERIODE,
        _velden(inleiding="Inleiding.", verhaal_titel="", verhaal="Verhaal."),
    ),
    "importeren:index": (None, None),
    "importeren:sjabloon": (lambda g: {"soort": "risicos"}, None),
    "importeren:bestand": (_pk("importbestand"), None),
    "importeren:kolommen": (_pk("importbestand"), None),
    "importeren:importeren": (_pk("importbestand"), None),
    "importeren:voortgang": (_pk("importbestand"), None),
    "api:sleutels": (None, _velden(naam="Excel", bereik="lezen", geldig_dagen="30")),
    "api:intrekken": (_pk("api_sleutel"), None),
    "api:agenda_koppeling": (None, None),
    "api:agenda_feed": (lambda g: {"geheim": g["agenda_geheim"]}, None),
    "login_nood": (None, _velden(username="niemand", password="fout")),
    "sso_starten": (None, None),
    "sso_terug": (None, None),
    "tweestaps": (None, _velden(otp_token="000000")),
    "tweestaps_instellen": (None, _velden(otp_token="000000")),
    "tweestaps_overzicht": (None, None),
    "herstelcodes_vernieuwen": (None, None),
    "password_change": (None, None),
    "password_change_done": (None, None),
}


# --- The matrix -------------------------------------------------------------------------
#
# Per URL: the status of GET and of POST for each persona, in the order of PERSONAS:
#   anoniem geen_rol lezer lezer_eigenaar eigenaar collega risicofunctionaris auditor beheerder
# "L" is the redirect to the log-in page; 302 any other redirect.

# fmt: off
MATRIX = {
    "zoeken": (
        "L 403 200 200 200 200 200 200 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "rapportage:hoofdstukken": (
        "L 403 403 403 403 403 403 403 200",
        "L 403 403 403 403 403 403 403 302",
    ),
    "rapportage:periode_hoofdstukken": (
        "L 403 403 403 403 403 403 403 200",
        "L 403 403 403 403 403 403 403 302",
    ),
    "toegankelijkheid": (
        "200 200 200 200 200 200 200 200 200",
        "405 405 405 405 405 405 405 405 405",
    ),
    "importeren:bestand": (
        "L 404 404 404 404 404 404 404 200",
        "L 404 404 404 404 404 404 404 200",
    ),
    "importeren:importeren": (
        "L 405 405 405 405 405 405 405 405",
        "L 404 404 404 404 404 404 404 302",
    ),
    "importeren:index": (
        "L 403 403 403 403 403 200 200 200",
        "L 403 403 403 403 403 200 200 200",
    ),
    "importeren:kolommen": (
        "L 405 405 405 405 405 405 405 405",
        "L 404 404 404 404 404 404 404 302",
    ),
    "importeren:sjabloon": (
        "L 404 404 404 404 404 200 404 200",
        "L 404 404 404 404 404 200 404 200",
    ),
    "importeren:voortgang": (
        "L 404 404 404 404 404 404 404 200",
        "L 404 404 404 404 404 404 404 200",
    ),
    "api:agenda_feed": (
        "200 200 200 200 200 200 200 200 200",
        "405 405 405 405 405 405 405 405 405",
    ),
    "api:agenda_koppeling": (
        "L 405 405 405 405 405 405 405 405",
        "L 200 200 200 200 200 200 200 200",
    ),
    "api:intrekken": (
        "L 405 405 405 405 405 405 405 405",
        "L 404 404 404 302 404 404 404 404",
    ),
    "api:sleutels": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "audits:acties": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "audits:bevinding": (
        "L 404 200 200 200 200 200 200 200",
        "L 404 405 405 405 405 405 405 405",
    ),
    "audits:bevinding_geschiedenis": (
        "L 404 200 200 200 200 200 200 200",
        "L 404 405 405 405 405 405 405 405",
    ),
    "audits:bevinding_aanbieden": (
        "L 404 403 403 200 403 403 403 200",
        "L 404 403 403 302 403 403 403 302",
    ),
    "audits:bevinding_beoordelen": (
        "L 404 403 403 403 403 403 200 403",
        "L 404 403 403 403 403 403 302 403",
    ),
    "audits:bevinding_bewerken": (
        "L 404 403 403 403 403 403 200 200",
        "L 404 403 403 403 403 403 302 302",
    ),
    "audits:bevinding_heropenen": (
        "L 404 403 403 403 403 403 200 403",
        "L 404 403 403 403 403 403 302 403",
    ),
    "audits:bevinding_nieuw": (
        "L 403 403 403 403 403 403 200 200",
        "L 403 403 403 403 403 403 302 302",
    ),
    "audits:bevindingen": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "audits:bewijs_download": (
        "L 404 404 200 200 404 404 200 200",
        "L 404 404 200 200 404 404 200 200",
    ),
    "audits:bewijs_nieuw": (
        "L 404 403 403 200 403 403 200 200",
        "L 404 403 403 302 403 403 302 302",
    ),
    "audits:deadline_verschuiven": (
        "L 404 403 403 200 403 403 200 200",
        "L 404 403 403 302 403 403 302 302",
    ),
    "audits:jaaroordeel_bewerken": (
        "L 404 403 403 403 403 403 200 200",
        "L 404 403 403 403 403 403 302 302",
    ),
    "audits:jaaroordeel_nieuw": (
        "L 404 403 403 403 403 403 200 200",
        "L 404 403 403 403 403 403 302 302",
    ),
    "audits:opvolging": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 200 200 200 200 200 200 200",
    ),
    "audits:rapport": (
        "L 404 200 200 200 200 200 200 200",
        "L 404 405 405 405 405 405 405 405",
    ),
    "audits:rapport_bewerken": (
        "L 403 403 403 403 403 403 200 200",
        "L 403 403 403 403 403 403 302 302",
    ),
    "audits:rapport_nieuw": (
        "L 403 403 403 403 403 403 200 200",
        "L 403 403 403 403 403 403 302 302",
    ),
    "audits:rapporten": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "audits:vervolgactie_bewerken": (
        "L 404 403 403 200 403 403 200 200",
        "L 404 403 403 302 403 403 302 302",
    ),
    "audits:vervolgactie_nieuw": (
        "L 404 403 403 200 403 403 200 200",
        "L 404 403 403 302 403 403 302 302",
    ),
    "home": (
        "L 200 200 200 200 200 200 200 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "login": (
        "200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200",
    ),
    "herstelcodes_vernieuwen": (
        "L 405 405 405 405 405 405 405 405",
        "L 302 302 302 302 302 302 302 302",
    ),
    "login_nood": (
        "200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200",
    ),
    "sso_starten": (
        "404 404 404 404 404 404 404 404 404",
        "405 405 405 405 405 405 405 405 405",
    ),
    "sso_terug": (
        "404 404 404 404 404 404 404 404 404",
        "405 405 405 405 405 405 405 405 405",
    ),
    "tweestaps": (
        "L 302 302 302 302 302 302 302 302",
        "L 302 302 302 302 302 302 302 302",
    ),
    "tweestaps_instellen": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "tweestaps_overzicht": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "logout": (
        "L 405 405 405 405 405 405 405 405",
        "L L L L L L L L L",
    ),
    "mijn_acties": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "mijn_herinneringen": (
        "L 200 200 200 200 200 200 200 200",
        "L 302 302 302 302 302 302 302 302",
    ),
    # One mail to me, whole; someone else's does not exist for me.
    "mijn_verzending": (
        "L 404 404 404 200 404 404 404 404",
        "L 405 405 405 405 405 405 405 405",
    ),
    "onverzonden_herinneringen": (
        "L 403 403 403 403 403 403 403 200",
        "L 403 403 403 403 403 403 403 200",
    ),
    "verzending_beslissen": (
        "L 405 405 405 405 405 405 405 405",
        "L 403 403 403 403 403 403 403 302",
    ),
    # Only the recipient marks a notification read; to anyone else it does not exist.
    "melding_gelezen": (
        "L 405 405 405 405 405 405 405 405",
        "L 404 404 404 302 404 404 404 404",
    ),
    "password_change": (
        "L 200 200 200 200 200 200 200 200",
        "L 200 200 200 200 200 200 200 200",
    ),
    "password_change_done": (
        "L 200 200 200 200 200 200 200 200",
        "L 405 405 405 405 405 405 405 405",
    ),
    "programmas:activiteiten": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "programmas:indicatoren": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "programmas:indicatorwaarde_bewerken": (
        "L 403 403 403 200 403 403 403 200",
        "L 403 403 403 302 403 403 403 302",
    ),
    "programmas:indicatorwaarde_nieuw": (
        "L 403 403 403 200 403 403 403 200",
        "L 403 403 403 302 403 403 403 302",
    ),
    "programmas:initiatief": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    # The history of a page is for whoever may read the page.
    "programmas:initiatief_geschiedenis": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "programmas:initiatief_bewerken": (
        "L 403 403 403 200 403 403 403 200",
        "L 403 403 403 302 403 403 403 302",
    ),
    "programmas:initiatief_nieuw": (
        "L 403 403 403 403 403 403 403 200",
        "L 403 403 403 403 403 403 403 302",
    ),
    "programmas:mijlpaal_bewerken": (
        "L 403 403 403 200 403 403 403 200",
        "L 403 403 403 302 403 403 403 302",
    ),
    "programmas:mijlpaal_nieuw": (
        "L 403 403 403 200 403 403 403 200",
        "L 403 403 403 302 403 403 403 302",
    ),
    "programmas:periode_nieuw": (
        "L 403 403 403 403 403 403 403 405",
        "L 403 403 403 403 403 403 403 302",
    ),
    "programmas:periode_openen": (
        "L 403 403 403 403 403 403 403 405",
        "L 403 403 403 403 403 403 403 302",
    ),
    "programmas:periode_sluiten": (
        "L 403 403 403 403 403 403 403 405",
        "L 403 403 403 403 403 403 403 302",
    ),
    "programmas:portfolio": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "programmas:ronde": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    # Only one's own initiatives; someone else's (also the office's) is refused.
    "programmas:mijn_rapportage": (
        "L 403 403 403 200 200 403 403 200",
        "L 403 403 403 302 403 403 403 403",
    ),
    "programmas:status_indienen": (
        "L 403 403 403 200 403 403 403 200",
        "L 403 403 403 302 403 403 403 302",
    ),
    "rapportage:index": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "rapportage:jaar": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "rapportage:jaar_docx": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "rapportage:jaar_pdf": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "rapportage:periode": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "rapportage:periode_docx": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "rapportage:periode_pdf": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "rapportage:bestand": (
        "L 403 404 404 404 404 404 404 404",
        "L 403 405 405 405 405 405 405 405",
    ),
    "rapportage:bestand_voortgang": (
        "L 403 404 404 404 404 404 404 404",
        "L 403 405 405 405 405 405 405 405",
    ),
    "rapportage:vastleggen": (
        "L 403 403 403 403 403 403 403 405",
        "L 403 403 403 403 403 403 403 302",
    ),
    "rapportage:vergelijk": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "risicos:dialogen": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "risicos:dialoog": (
        "L 404 200 200 200 200 200 200 200",
        "L 404 200 200 200 200 200 200 200",
    ),
    "risicos:dialoog_bewerken": (
        "L 404 403 403 403 403 200 403 200",
        "L 404 403 403 403 403 302 403 302",
    ),
    "risicos:dialoog_gehouden": (
        "L 405 405 405 405 405 405 405 405",
        "L 404 403 403 403 403 302 403 302",
    ),
    "risicos:dialoog_nieuw": (
        "L 403 403 403 403 403 200 403 200",
        "L 403 403 403 403 403 302 403 302",
    ),
    "risicos:dialoog_sessie": (
        "L 404 403 403 403 403 200 403 200",
        "L 404 403 403 403 403 302 403 302",
    ),
    "risicos:dialoog_vaststellen": (
        "L 404 403 403 403 403 200 403 200",
        "L 404 403 403 403 403 302 403 302",
    ),
    "risicos:dialoog_verslag": (
        "L 404 200 200 200 200 200 200 200",
        "L 404 200 200 200 200 200 200 200",
    ),
    "risicos:heatmap": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 200 200 200 200 200 200 200",
    ),
    "risicos:maatregel": (
        "L 404 200 200 200 200 200 200 200",
        "L 404 200 200 200 200 200 200 200",
    ),
    "risicos:maatregel_bewerken": (
        "L 404 403 403 403 403 200 403 200",
        "L 404 403 403 403 403 302 403 302",
    ),
    "risicos:maatregel_nieuw": (
        "L 403 403 403 403 403 200 403 200",
        "L 403 403 403 403 403 302 403 302",
    ),
    "risicos:maatregel_status": (
        "L 404 403 403 403 403 200 403 200",
        "L 404 403 403 403 403 302 403 302",
    ),
    "risicos:maatregelen": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "risicos:register": (
        "L 403 200 200 200 200 200 200 200",
        "L 403 405 405 405 405 405 405 405",
    ),
    "risicos:risico": (
        "L 404 200 200 200 200 200 200 200",
        "L 404 200 200 200 200 200 200 200",
    ),
    "risicos:risico_geschiedenis": (
        "L 404 200 200 200 200 200 200 200",
        "L 404 405 405 405 405 405 405 405",
    ),
    "risicos:risico_bewerken": (
        "L 404 403 403 403 403 200 403 200",
        "L 404 403 403 403 403 302 403 302",
    ),
    "risicos:risico_nieuw": (
        "L 403 403 403 403 403 200 403 200",
        "L 403 403 403 403 403 302 403 302",
    ),
    "risicos:risico_scoren": (
        "L 404 403 403 403 403 200 403 200",
        "L 404 403 403 403 403 302 403 302",
    ),
}
# fmt: on


# --- Machinery --------------------------------------------------------------------------


def benoemde_urls(patronen=None, namespace=None):
    """Every named URL of the project as "namespace:name" (the admin left out)."""
    for patroon in patronen if patronen is not None else get_resolver().url_patterns:
        if isinstance(patroon, URLResolver):
            if patroon.namespace == "admin":
                continue
            if str(patroon.pattern) == "api/v1/":
                # The REST resources have their own matrix (tests/api/test_schrijven.py)
                # and a schema-driven test; their pages for people are in this one.
                continue
            ns = ":".join(filter(None, [namespace, patroon.namespace])) or None
            yield from benoemde_urls(patroon.url_patterns, ns)
        elif isinstance(patroon, URLPattern) and patroon.name:
            yield f"{namespace}:{patroon.name}" if namespace else patroon.name


def _domeinmodellen():
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in DOMEIN_APPS and m._meta.managed and not m._meta.proxy
    ]


def _controlesom_sql():
    """One query: the row count of every domain table (history tables included: every
    change writes one) and the sum of every version column."""
    delen = []
    for model in _domeinmodellen():
        tabel = connection.ops.quote_name(model._meta.db_table)
        delen.append(f"(SELECT COUNT(*) FROM {tabel})")
        if any(f.attname == "versie" for f in model._meta.concrete_fields):
            delen.append(f"(SELECT COALESCE(SUM(versie), 0) FROM {tabel})")
    return "SELECT " + ", ".join(delen)


def controlesom():
    with connection.cursor() as cursor:
        cursor.execute(_controlesom_sql())
        return cursor.fetchone()


def _code(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return "L"
    return str(response.status_code)


GEWEIGERD = {"L", "400", "403", "404", "405"}


def _verzoek(naam, gegevens, persona):
    """(GET code, POST code) of `persona` on `naam`, each in its own rolled-back
    transaction, asserting that a refused request changed nothing."""
    kwargs_maker, body_maker = AANROEP[naam]
    url = reverse(naam, kwargs=kwargs_maker(gegevens) if kwargs_maker else None)
    codes = []
    client = gegevens["clients"][persona]
    for methode in ("get", "post"):
        with transaction.atomic():
            if methode == "post":
                body = body_maker(gegevens) if body_maker else {}
                body.setdefault("aanmaaktoken", str(uuid.uuid4()))
            else:
                body = None
            koekjes = copy.deepcopy(client.cookies)
            response = getattr(client, methode)(url, body)
            # A log-out (or log-in) replaces the session cookie; the next request of
            # this persona starts logged in as before.
            client.cookies = koekjes
            code = _code(response)
            if code in GEWEIGERD:
                assert controlesom() == gegevens["controlesom"], (
                    f"{persona} {methode.upper()} {url} -> {code} changed the database"
                )
            codes.append(code)
            transaction.set_rollback(True)
    return tuple(codes)


def test_every_named_url_is_in_the_matrix():
    namen = set(benoemde_urls())
    assert namen - set(AANROEP) == set(), "URL zonder aanroep in de rechtenmatrix"
    assert namen - set(MATRIX) == set(), "URL zonder rij in de rechtenmatrix"
    assert set(MATRIX) - namen == set(), "rij in de rechtenmatrix zonder URL"


@pytest.mark.django_db
@pytest.mark.parametrize("naam", sorted(MATRIX))
def test_the_access_matrix(gegevens, naam):
    verwacht_get, verwacht_post = (rij.split() for rij in MATRIX[naam])
    werkelijk = [_verzoek(naam, gegevens, persona) for persona in PERSONAS]
    assert [g for g, _ in werkelijk] == verwacht_get, f"GET {naam}"
    assert [p for _, p in werkelijk] == verwacht_post, f"POST {naam}"

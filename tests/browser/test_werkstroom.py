"""Issue 16's three journeys, done with the keyboard only (Tab, Shift+Tab, Enter, Space,
typing; typing into a closed <select> picks the matching option). Each step checks the
focus is visible, the tab order reaches the submit button, and no element traps it."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from audits.models import BevindingStatus
from douane_portfolio import rollen
from programmas.models import Periodesoort, PeriodeStatus, Status, Statusrapportage
from risicos.models import Risicodialoog
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.browser.toetsenbord import focus, geen_val, met_naam, met_tekst, tab_naar
from tests.factories import UserFactory
from tests.programmas.factories import (
    InitiatiefFactory,
    PeriodeFactory,
    StatusrapportageFactory,
    ThemaFactory,
)
from tests.risicos.factories import RisicoFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_reports_two_initiatives_on_mijn_rapportage(pagina, inloggen):
    pm = UserFactory(
        username="petra", first_name="Petra", last_name="Pm", rol=rollen.PROGRAMMAMANAGER
    )
    t2 = PeriodeFactory(jaar=2026, soort=Periodesoort.T2, status=PeriodeStatus.GESLOTEN)
    t3 = PeriodeFactory(jaar=2026, soort=Periodesoort.T3, status=PeriodeStatus.OPEN)
    thema = ThemaFactory()
    data = InitiatiefFactory(naam="Datamanagement", eigenaar=pm, thema=thema)
    delen = InitiatiefFactory(naam="Douanedata delen", eigenaar=pm, thema=thema)
    StatusrapportageFactory(
        initiatief=data,
        periode=t2,
        status=Status.ORANJE,
        toelichting="Het platform is vertraagd.",
        pad_naar_groen="Gevuld in Q2.",
    )

    inloggen("petra")
    pagina.goto("/programmas/")
    tab_naar(pagina, met_tekst("Mijn rapportage", tag="a"))
    pagina.keyboard.press("Enter")
    pagina.wait_for_url("**/programmas/mijn-rapportage/")
    expect(pagina.get_by_text("0 van 2 ingediend")).to_be_visible()

    # Carry over last period's oranje as a starting point: it fills, it does not save.
    tab_naar(pagina, met_tekst("Overnemen als startpunt"))
    pagina.keyboard.press("Enter")
    pagina.wait_for_url("**overnemen=*")
    assert not Statusrapportage.objects.filter(periode=t3).exists()
    f = tab_naar(pagina, met_naam(f"i{data.pk}-status"))
    assert f["waarde"] == "oranje" and f["checked"]
    f = tab_naar(pagina, met_naam(f"i{data.pk}-toelichting"))
    assert f["waarde"] == "Het platform is vertraagd."
    pagina.keyboard.press("End")
    pagina.keyboard.type(" Stand eind augustus.")
    tab_naar(pagina, met_tekst("Status Datamanagement opslaan", tag="button"))
    pagina.keyboard.press("Enter")
    expect(pagina.get_by_text("1 van 2 ingediend")).to_be_visible()

    # The second initiative: first colour (groen) with Space, then its own submit.
    f = tab_naar(pagina, met_naam(f"i{delen.pk}-status"))
    pagina.keyboard.press("Space")
    assert focus(pagina)["checked"] and f["waarde"] == "groen"
    tab_naar(pagina, met_tekst("Status Douanedata delen opslaan", tag="button"))
    pagina.keyboard.press("Enter")
    expect(pagina.get_by_text("2 van 2 ingediend")).to_be_visible()
    geen_val(pagina)

    rapportages = {r.initiatief_id: r for r in Statusrapportage.objects.filter(periode=t3)}
    assert rapportages[data.pk].status == Status.ORANJE
    assert rapportages[data.pk].toelichting == "Het platform is vertraagd. Stand eind augustus."
    assert rapportages[delen.pk].status == Status.GROEN


def test_a_risk_officer_plans_a_dialogue_and_records_agreed_scores(pagina, inloggen):
    UserFactory(
        username="rita", first_name="Rita", last_name="Risico", rol=rollen.RISICOFUNCTIONARIS
    )
    risico = RisicoFactory(
        titel="Smokkel via kleine havens",
        toprisico=True,
        bruto_kans=4,
        bruto_impact=4,
        netto_kans=3,
        netto_impact=3,
    )

    inloggen("rita")
    pagina.goto("/risicos/dialogen/nieuw/")
    # Title and date are filled in: today, so it can be recorded as held the same day.
    expect(pagina.get_by_label("Datum")).to_have_value(datetime.date.today().isoformat())
    # The chair is a search field: its visible input hands its name to a hidden one.
    tab_naar(pagina, met_tekst("Voorzitter", tag="input"))
    pagina.keyboard.type("Rita")
    tab_naar(pagina, met_tekst("Risicodialoog plannen", tag="button"))
    pagina.keyboard.press("Enter")
    pagina.wait_for_url(re.compile(r"/risicos/dialogen/\d+/$"))
    dialoog = Risicodialoog.objects.get()
    assert dialoog.voorzitter.username == "rita"
    assert dialoog.datum == datetime.date.today()

    tab_naar(pagina, met_tekst("Sessie vastleggen", tag="a"))
    pagina.keyboard.press("Enter")
    pagina.wait_for_url("**/sessie/")
    punt = dialoog.punten.get(risico=risico)
    tab_naar(pagina, met_naam(f"punt-{punt.pk}-netto_kans"))
    pagina.keyboard.type("2")
    tab_naar(pagina, met_naam(f"punt-{punt.pk}-netto_impact"))
    pagina.keyboard.type("3")
    tab_naar(pagina, met_naam(f"punt-{punt.pk}-conclusie"))
    pagina.keyboard.type("Omlaag door extra controles.")
    tab_naar(pagina, lambda f: f["tag"] == "button" and f["tekst"] == "Opslaan")
    pagina.keyboard.press("Enter")
    expect(pagina.get_by_text("De afspraken uit de sessie zijn opgeslagen.")).to_be_visible()
    geen_val(pagina)
    punt.refresh_from_db()
    assert (punt.netto_kans, punt.netto_impact, punt.conclusie) == (
        2,
        3,
        "Omlaag door extra controles.",
    )


def test_the_owner_offers_closing_actions_and_the_auditor_judges(pagina, inloggen):
    eigenaar = UserFactory(
        username="petra", first_name="Petra", last_name="Pm", rol=rollen.PROGRAMMAMANAGER
    )
    UserFactory(username="anton", first_name="Anton", last_name="Auditor", rol=rollen.AUDITOR)
    bevinding = BevindingFactory(eigenaar=eigenaar, titel="Onvolkomenheid inkoopbeheer")
    acties = [
        VervolgactieFactory(bevinding=bevinding, eigenaar=eigenaar, omschrijving=omschrijving)
        for omschrijving in ("Dossiers op orde", "Werkinstructie vernieuwd")
    ]

    inloggen("petra")
    pagina.goto(bevinding.get_absolute_url())
    tab_naar(pagina, met_tekst("Aanbieden ter beoordeling", tag="a"))
    pagina.keyboard.press("Enter")
    pagina.wait_for_url("**/aanbieden/")
    for actie in acties:
        tab_naar(pagina, met_naam(f"afronden_{actie.pk}"))
        pagina.keyboard.press("Space")
        assert focus(pagina)["checked"]
        tab_naar(pagina, met_naam(f"notitie_{actie.pk}"))
        pagina.keyboard.type("Gecontroleerd")
    tab_naar(pagina, met_naam("toelichting"))
    pagina.keyboard.type("Alle inkoopdossiers zijn op orde gebracht.")
    tab_naar(pagina, met_tekst("Aanbieden", tag="button"))
    pagina.keyboard.press("Enter")
    expect(pagina.get_by_text("De bevinding is aangeboden.")).to_be_visible()
    for actie in acties:
        actie.refresh_from_db()
        assert actie.status == "afgerond"
    tab_naar(pagina, met_tekst("Uitloggen", tag="button"))
    pagina.keyboard.press("Enter")
    pagina.wait_for_url("**/accounts/login/**")

    inloggen("anton")
    pagina.goto(bevinding.get_absolute_url())
    tab_naar(pagina, met_tekst("Beoordelen", tag="a"))
    pagina.keyboard.press("Enter")
    pagina.wait_for_url("**/beoordelen/")
    f = tab_naar(pagina, met_naam("oordeel"))
    assert f["waarde"] == "akkoord"
    pagina.keyboard.press("Space")
    tab_naar(pagina, met_tekst("Oordeel vastleggen", tag="button"))
    pagina.keyboard.press("Enter")
    expect(pagina.get_by_text("Akkoord: de bevinding is opgelost.")).to_be_visible()
    geen_val(pagina)
    bevinding.refresh_from_db()
    assert bevinding.status == BevindingStatus.OPGELOST
    # Resolved: no evidence form is offered any more.
    expect(pagina.get_by_role("link", name="Bewijs toevoegen")).to_have_count(0)

"""The screens: the findings list with filters and export, the detail, the forms, the overview."""

import csv
import datetime
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audits import services
from audits.models import Bevinding, BevindingStatus, Instantie, Jaaroordeel, Soort
from douane_portfolio.geschiedenis import bewaar_met_historie
from tests.audits.factories import AuditrapportFactory, BevindingFactory, VervolgactieFactory

pytestmark = pytest.mark.django_db

VANDAAG = timezone.localdate()


@pytest.fixture
def register(pm, pm2, auditor):
    """A few findings: one late and postponed, one whose expected year passed, one solved."""
    ark = AuditrapportFactory(instantie=Instantie.ARK, titel="Verantwoordingsonderzoek 2022")
    adr = AuditrapportFactory(instantie=Instantie.ADR, titel="Onzekerheden grote geldstroom")
    inkoop = BevindingFactory(
        rapport=ark, titel="Onvolkomenheid inkoopbeheer", eigenaar=pm, verwacht_opgelost_jaar=2024
    )
    geldstroom = BevindingFactory(
        rapport=ark,
        titel="Onvolkomenheid grote geldstroom",
        domein="grote geldstroom",
        eigenaar=pm2,
        verwacht_opgelost_jaar=VANDAAG.year + 1,
    )
    BevindingFactory(
        rapport=adr,
        titel="Onzekerheid Diplomaten",
        soort=Soort.ONZEKERHEID,
        domein="grote geldstroom",
        status=BevindingStatus.OPGELOST,
        eigenaar=pm2,
        verwacht_opgelost_jaar=None,
    )
    laat = VervolgactieFactory(
        bevinding=geldstroom,
        omschrijving="Procesbeschrijvingen 14 ketens",
        deadline=VANDAAG + datetime.timedelta(days=5),
    )
    services.deadline_verschuiven(
        actie=laat,
        nieuwe_deadline=VANDAAG + datetime.timedelta(days=9),
        reden="Capaciteit",
        goedgekeurd_door=auditor,
        door=pm2,
    )
    VervolgactieFactory(bevinding=geldstroom, omschrijving="Verbeterplan uitvoeren")
    VervolgactieFactory(bevinding=inkoop, omschrijving="Inkoopdossiers", eigenaar=pm)
    return {"inkoop": inkoop, "geldstroom": geldstroom, "laat": laat}


def test_the_list_shows_body_type_status_and_counts(client_voor, auditor, register):
    with _vandaag(VANDAAG + datetime.timedelta(days=20)):
        response = client_voor(auditor).get("/audits/")
    assert response.status_code == 200
    rijen = {r.record.titel: r for r in response.context["table"].page.object_list}
    geldstroom = rijen["Onvolkomenheid grote geldstroom"].record
    assert (geldstroom.open_acties, geldstroom.te_late_acties, geldstroom.verschuivingen) == (
        2,
        1,
        1,
    )
    html = response.content.decode()
    assert "Verantwoordingsonderzoek 2022" in html
    assert "verstreken" in html  # inkoopbeheer was expected in 2024
    # What is solved sorts last.
    assert list(rijen)[-1] == "Onzekerheid Diplomaten"


class _vandaag:
    """Pretend the date is later, without freezing time for the whole test."""

    def __init__(self, datum):
        import time_machine

        self.reis = time_machine.travel(
            datetime.datetime.combine(datum, datetime.time(12)), tick=False
        )

    def __enter__(self):
        self.reis.start()

    def __exit__(self, *args):
        self.reis.stop()


@pytest.mark.parametrize(
    "query,verwacht",
    [
        ("status=nog_open", {"Onvolkomenheid inkoopbeheer", "Onvolkomenheid grote geldstroom"}),
        ("status=opgelost", {"Onzekerheid Diplomaten"}),
        ("instantie=adr", {"Onzekerheid Diplomaten"}),
        ("soort=onzekerheid", {"Onzekerheid Diplomaten"}),
        ("domein=inkoopbeheer", {"Onvolkomenheid inkoopbeheer"}),
        ("verstreken=ja", {"Onvolkomenheid inkoopbeheer"}),
        ("zoek=geldstroom", {"Onvolkomenheid grote geldstroom", "Onzekerheid Diplomaten"}),
        ("verwacht=2024", {"Onvolkomenheid inkoopbeheer"}),
    ],
)
def test_the_list_filters(client_voor, lezer, register, query, verwacht):
    response = client_voor(lezer).get(f"/audits/?{query}")
    assert {r.record.titel for r in response.context["table"].page.object_list} == verwacht


def test_the_list_filters_on_late_actions(client_voor, lezer, register):
    with _vandaag(VANDAAG + datetime.timedelta(days=20)):
        response = client_voor(lezer).get("/audits/?te_laat=ja")
    assert {r.record.titel for r in response.context["table"].page.object_list} == {
        "Onvolkomenheid grote geldstroom"
    }


def test_the_list_sorts_on_counts(client_voor, lezer, register):
    response = client_voor(lezer).get("/audits/?sort=-open_acties")
    titels = [r.record.titel for r in response.context["table"].page.object_list]
    assert titels[0] == "Onvolkomenheid grote geldstroom"


def test_csv_export_has_the_screen_headers_and_the_filtered_rows(client_voor, lezer, register):
    response = client_voor(lezer).get("/audits/?status=nog_open&_export=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rijen = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rijen[0] == [
        "Instantie",
        "Bevinding",
        "Rapport",
        "Soort",
        "Domein",
        "Status",
        "Verwacht opgelost",
        "Eigenaar",
        "Open acties",
        "Te laat",
        "Uitstel",
    ]
    per_titel = {r[1]: r for r in rijen[1:]}
    assert set(per_titel) == {"Onvolkomenheid inkoopbeheer", "Onvolkomenheid grote geldstroom"}
    geldstroom = per_titel["Onvolkomenheid grote geldstroom"]
    assert geldstroom[0] == "Algemene Rekenkamer"
    assert geldstroom[2] == "Verantwoordingsonderzoek 2022"
    assert geldstroom[5] == "In uitvoering"
    assert geldstroom[8:] == ["2", "0", "1"]
    assert per_titel["Onvolkomenheid inkoopbeheer"][6] == "2024"
    assert "<" not in response.getvalue().decode()


def test_xlsx_export_of_the_actions(client_voor, auditor, register):
    response = client_voor(auditor).get("/audits/acties/?_export=xlsx")
    assert response.status_code == 200
    werkboek = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    rijen = list(werkboek.active.values)
    assert rijen[0][0] == "Actie"
    assert {r[0] for r in rijen[1:]} == {
        "Procesbeschrijvingen 14 ketens",
        "Verbeterplan uitvoeren",
        "Inkoopdossiers",
    }


@pytest.mark.parametrize(
    ("zoek", "verwacht"),
    [
        # The action's own description, any case.
        ("PROCESBESCHRIJVINGEN", {"Procesbeschrijvingen 14 ketens"}),
        # The finding's title: all of its actions, once each.
        ("inkoopbeheer", {"Inkoopdossiers"}),
        ("geldstroom", {"Verbeterplan uitvoeren", "Procesbeschrijvingen 14 ketens"}),
        ("bestaat nergens", set()),
    ],
)
@pytest.mark.parametrize("max_bevindingen", [200, 0], ids=["ids", "join"])
def test_the_actions_search_matches_the_description_or_the_findings_title(
    client_voor, auditor, register, zoek, verwacht, max_bevindingen, monkeypatch
):
    # Few matching findings are searched as a list of ids, many through the join.
    monkeypatch.setattr("audits.filters.ZOEK_BEVINDINGEN_MAX", max_bevindingen)
    response = client_voor(auditor).get("/audits/acties/", {"zoek": zoek})
    rijen = response.context["table"].page.object_list
    assert sorted(r.record.omschrijving for r in rijen) == sorted(verwacht)


def test_the_owner_sees_the_rejection_and_its_reason_on_the_detail(
    client_voor, pm, auditor, bevinding
):
    services.bevinding_aanbieden(bevinding=bevinding, door=pm, toelichting="Klaar.")
    response = client_voor(auditor).post(
        reverse("audits:bevinding_beoordelen", args=[bevinding.pk]),
        {"oordeel": "niet_akkoord", "toelichting": "Steekproef 2024 ontbreekt.", "versie": 2},
    )
    assert response.status_code == 302
    pagina = client_voor(pm).get(bevinding.get_absolute_url()).content.decode()
    assert "Niet akkoord" in pagina
    assert "Steekproef 2024 ontbreekt." in pagina
    assert "In uitvoering" in pagina
    assert reverse("audits:bevinding_aanbieden", args=[bevinding.pk]) in pagina


def test_a_verdict_without_reason_shows_the_error_next_to_the_field(
    client_voor, pm, auditor, bevinding
):
    services.bevinding_aanbieden(bevinding=bevinding, door=pm, toelichting="Klaar.")
    response = client_voor(auditor).post(
        reverse("audits:bevinding_beoordelen", args=[bevinding.pk]),
        {"oordeel": "niet_akkoord", "toelichting": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["toelichting"] == [
        "Geef bij niet akkoord de reden, zodat de eigenaar weet wat er nog moet gebeuren."
    ]


def test_offering_with_open_actions_explains_why_not(client_voor, pm, bevinding, actie):
    response = client_voor(pm).post(
        reverse("audits:bevinding_aanbieden", args=[bevinding.pk]),
        {"toelichting": "Klaar.", "versie": bevinding.versie},
    )
    assert response.status_code == 200
    assert "nog 1 vervolgactie open" in response.context["form"].non_field_errors()[0]


def test_the_edit_form_refuses_to_save_over_a_newer_version(client_voor, auditor, bevinding):
    url = reverse("audits:bevinding_bewerken", args=[bevinding.pk])
    client = client_voor(auditor)
    geopend = client.get(url).context["form"]["versie"].value()

    # Someone else changes the finding in the meantime.
    anders = Bevinding.objects.get(pk=bevinding.pk)
    anders.domein = "inkoop (gewijzigd)"
    from douane_portfolio.locking import bewaar_met_versie

    bewaar_met_versie(anders, anders.versie)

    response = client.post(
        url,
        {
            "rapport": bevinding.rapport_id,
            "titel": "Mijn nieuwe titel",
            "soort": bevinding.soort,
            "domein": "inkoopbeheer",
            "eigenaar": bevinding.eigenaar_id,
            "versie": geopend,
        },
    )
    assert response.status_code == 200
    assert "Dit gegeven is intussen gewijzigd" in response.content.decode()
    assert "Mijn nieuwe titel" in response.content.decode()  # the input is kept
    bevinding.refresh_from_db()
    assert (bevinding.titel, bevinding.domein) == (
        "Onvolkomenheid inkoopbeheer",
        "inkoop (gewijzigd)",
    )


def test_the_deadline_form_refuses_a_stale_version_and_explains_field_errors(
    client_voor, pm2, pm, actie
):
    url = reverse("audits:deadline_verschuiven", args=[actie.pk])
    client = client_voor(pm2)
    response = client.post(url, {"nieuwe_deadline": "", "reden": "", "versie": actie.versie})
    fouten = response.context["form"].errors
    assert fouten["nieuwe_deadline"] == ["Vul de nieuwe deadline in."]
    assert fouten["reden"] == ["Geef de reden van het uitstel."]
    assert fouten["goedgekeurd_door"] == ["Kies wie het uitstel heeft goedgekeurd."]

    geldig = {
        "nieuwe_deadline": (actie.deadline + datetime.timedelta(days=30)).isoformat(),
        "reden": "Wacht op leverancier",
        "goedgekeurd_door": pm.pk,
    }
    response = client.post(url, {**geldig, "versie": actie.versie - 1 or 99})
    assert "Dit gegeven is intussen gewijzigd" in response.content.decode()
    assert response.context["form"]["reden"].value() == "Wacht op leverancier"

    response = client.post(url, {**geldig, "versie": actie.versie})
    assert response.status_code == 302
    actie.refresh_from_db()
    assert actie.deadlineverschuivingen.count() == 1


def test_the_approver_list_leaves_out_the_action_owner(client_voor, pm2, pm, auditor, actie):
    keuzes = client_voor(pm2).get(reverse("audits:deadline_verschuiven", args=[actie.pk]))
    mensen = set(keuzes.context["form"].fields["goedgekeurd_door"].queryset)
    assert pm in mensen and auditor in mensen
    assert pm2 not in mensen


def test_a_second_judgement_for_the_same_year_is_refused_next_to_the_year(
    client_voor, auditor, bevinding
):
    Jaaroordeel.objects.create(
        bevinding=bevinding, jaar=2023, oordeel="niet_verbeterd", vastgelegd_door=auditor
    )
    response = client_voor(auditor).post(
        reverse("audits:jaaroordeel_nieuw", args=[bevinding.pk]),
        {"jaar": 2023, "oordeel": "verbeterd"},
    )
    assert response.context["form"].errors["jaar"] == [
        "Voor 2023 is al een oordeel vastgelegd; pas dat oordeel aan."
    ]
    response = client_voor(auditor).post(
        reverse("audits:jaaroordeel_nieuw", args=[bevinding.pk]),
        {"jaar": 2024, "oordeel": "verbeterd", "toelichting": "ARK: verbeterd"},
    )
    assert response.status_code == 302
    pagina = client_voor(auditor).get(bevinding.get_absolute_url()).content.decode()
    assert 'id="oordeel-2024"' in pagina


def test_an_auditor_records_a_finding(client_voor, auditor, pm):
    rapport = AuditrapportFactory(titel="Verantwoordingsonderzoek 2024")
    response = client_voor(auditor).post(
        reverse("audits:bevinding_nieuw"),
        {
            "rapport": rapport.pk,
            "titel": "Onvolkomenheid  inkoopbeheer",
            "soort": "onvolkomenheid",
            "domein": "  inkoop   beheer ",
            "eigenaar": pm.pk,
            "verwacht_opgelost_op": "2026-06-30",
        },
    )
    assert response.status_code == 302
    b = Bevinding.objects.get()
    assert (b.status, b.domein, b.verwacht_opgelost_jaar) == ("open", "inkoop beheer", 2026)
    assert b.history.get().history_user == auditor


def test_the_expected_year_must_match_the_date(client_voor, auditor, pm):
    rapport = AuditrapportFactory()
    response = client_voor(auditor).post(
        reverse("audits:bevinding_nieuw"),
        {
            "rapport": rapport.pk,
            "titel": "X",
            "soort": "onvolkomenheid",
            "domein": "inkoop",
            "eigenaar": pm.pk,
            "verwacht_opgelost_jaar": 2025,
            "verwacht_opgelost_op": "2026-06-30",
        },
    )
    assert "past niet bij de datum" in response.context["form"].errors["verwacht_opgelost_jaar"][0]


def test_the_timeline_tells_the_story(client_voor, auditor, pm, pm2, bevinding, actie):
    services.deadline_verschuiven(
        actie=actie,
        nieuwe_deadline=actie.deadline + datetime.timedelta(days=14),
        reden="Leverancier te laat",
        goedgekeurd_door=pm,
        door=pm2,
    )
    actie.refresh_from_db()
    actie.status = "afgerond"
    actie.save()
    services.bevinding_aanbieden(bevinding=bevinding, door=pm, toelichting="Alles op orde.")
    services.bevinding_beoordelen(
        bevinding=bevinding, door=auditor, oordeel="niet_akkoord", toelichting="Bewijs mist."
    )
    response = client_voor(auditor).get(bevinding.get_absolute_url())
    titels = [m.titel for m in response.context["tijdlijn"]]
    assert titels[:2] == ["Beoordeeld: niet akkoord", "Aangeboden ter beoordeling"]
    assert any(t.startswith("Deadline verschoven van") for t in titels)
    assert "Vervolgactie toegevoegd" in titels
    assert "Vervolgactie afgerond" in titels
    assert titels[-1] == "Bevinding vastgelegd"
    geschiedenis_url = reverse("audits:bevinding_geschiedenis", args=[bevinding.pk])
    assert geschiedenis_url in response.content.decode()
    geschiedenis = client_voor(auditor).get(geschiedenis_url).context["geschiedenis"]
    assert any(g.reden == "Niet akkoord: Bewijs mist." for g in geschiedenis)


def test_the_timeline_says_who_last_completed_an_action_and_when(
    client_voor, auditor, pm, pm2, bevinding, actie
):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 15, tzinfo=datetime.UTC), tick=False):
        actie.status = "afgerond"
        bewaar_met_historie(actie, door=pm2)
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, 0, tzinfo=datetime.UTC), tick=False):
        actie.status = "open"
        bewaar_met_historie(actie, door=pm)
    with time_machine.travel(
        datetime.datetime(2026, 3, 4, 14, 30, tzinfo=datetime.UTC), tick=False
    ):
        actie.status = "afgerond"
        actie.omschrijving = "Nog eens afgerond"
        bewaar_met_historie(actie, door=pm)
        actie.omschrijving = "Later hernoemd, nog steeds afgerond"
        bewaar_met_historie(actie, door=auditor)

    tijdlijn = client_voor(auditor).get(bevinding.get_absolute_url()).context["tijdlijn"]
    afgerond = [m for m in tijdlijn if m.titel == "Vervolgactie afgerond"]
    assert [(m.moment, m.door, m.alleen_datum) for m in afgerond] == [
        (datetime.datetime(2026, 3, 4, 14, 30, tzinfo=datetime.UTC), pm, False)
    ]
    assert str(afgerond[0].door) == str(pm)


def test_the_finding_page_shows_reviews_links_and_the_history_on_its_own_page(
    client_voor, lezer, auditor, pm, bevinding, actie
):
    from tests.programmas.factories import InitiatiefFactory, ThemaFactory
    from tests.risicos.factories import RisicoFactory

    eerste, tweede = ThemaFactory(volgorde=1), ThemaFactory(volgorde=2)
    laat = InitiatiefFactory(thema=tweede, naam="A later thema")
    vroeg = InitiatiefFactory(thema=eerste, naam="Z eerder thema")
    bevinding.initiatieven.add(laat, vroeg)
    gesloten = RisicoFactory(titel="B gesloten risico", status="gesloten")
    open_risico = RisicoFactory(titel="A open risico")
    bevinding.risicos.add(gesloten, open_risico)
    actie.status = "afgerond"
    actie.save()
    services.bevinding_aanbieden(bevinding=bevinding, door=pm, toelichting="Eerste keer")
    services.bevinding_beoordelen(
        bevinding=bevinding, door=auditor, oordeel="niet_akkoord", toelichting="Bewijs mist."
    )
    services.bevinding_aanbieden(bevinding=bevinding, door=pm, toelichting="Tweede keer")

    response = client_voor(lezer).get(bevinding.get_absolute_url())
    assert [b.aanbieding for b in response.context["beoordelingen"]] == [
        "Eerste keer",
        "Tweede keer",
    ]
    assert response.context["lopende_beoordeling"].aanbieding == "Tweede keer"
    assert response.context["lopende_beoordeling"].aangeboden_door == pm
    assert response.context["initiatieven"] == [vroeg, laat]
    assert response.context["risicos"] == [open_risico, gesloten]
    html = response.content.decode()
    assert f'<a href="{vroeg.get_absolute_url()}">Z eerder thema</a>' in html
    assert 'B gesloten risico</a> <span class="label label-grijs">gesloten</span>' in html
    assert "Bewijs mist." in html

    url = reverse("audits:bevinding_geschiedenis", args=[bevinding.pk])
    assert url in html
    gebeurtenissen = client_voor(lezer).get(url).context["geschiedenis"]
    wijzigingen = {
        (g.object_label, w.veld, w.nieuw, str(g.door))
        for g in gebeurtenissen
        for w in g.wijzigingen
    }
    assert ("Bevinding", "status", "Ter beoordeling", str(pm)) in wijzigingen
    assert ("Bevinding", "status", "In uitvoering", str(auditor)) in wijzigingen
    assert (f"Actie: {actie.omschrijving[:60]}", "status", "Afgerond", "None") in wijzigingen


def test_the_overview_shows_what_needs_attention(client_voor, auditor, pm, register):
    inkoop = register["inkoop"]
    inkoop.vervolgacties.update(status="afgerond", afgerond_op=VANDAAG)
    services.bevinding_aanbieden(bevinding=inkoop, door=pm, toelichting="Klaar.")
    with _vandaag(VANDAAG + datetime.timedelta(days=20)):
        response = client_voor(auditor).get("/audits/opvolging/")
    c = response.context
    assert [b.titel for b in c["ter_beoordeling"]] == ["Onvolkomenheid inkoopbeheer"]
    assert [a.omschrijving for a in c["te_laat"]] == ["Procesbeschrijvingen 14 ketens"]
    assert [b.titel for b in c["verstreken"]] == ["Onvolkomenheid inkoopbeheer"]
    assert [(a.omschrijving, a.aantal_verschuivingen) for a in c["meest_uitgesteld"]] == [
        ("Procesbeschrijvingen 14 ketens", 1)
    ]
    ark = next(r for r in c["matrix"] if r["instantie"] == Instantie.ARK)
    assert ark["totaal"] == 2
    assert c["totaal_open"] == 2


def test_an_action_shows_in_mijn_acties_of_its_owner(actie, client_voor, pm2):
    response = client_voor(pm2).get("/acties/")
    assert actie.omschrijving in response.content.decode()
    assert "Onvolkomenheid inkoopbeheer" in response.content.decode()


def test_the_actions_list_marks_the_overdue_rows_by_the_pages_today(client_voor, lezer, register):
    # Day 20: "Procesbeschrijvingen" (deadline day 9) is overdue, the two others (day 30) not.
    with _vandaag(VANDAAG + datetime.timedelta(days=20)):
        html = client_voor(lezer).get("/audits/acties/").content.decode()
    rijen = [r for r in html.split("<tr")[1:] if "</td>" in r]
    laat = [r for r in rijen if r.startswith(' class="rij-te-laat')]
    assert len(rijen) == 3
    assert len(laat) == 1 and "Procesbeschrijvingen 14 ketens" in laat[0]

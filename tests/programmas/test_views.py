import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmas.models import (
    Indicatorwaarde,
    Initiatief,
    Periodesoort,
    PeriodeStatus,
    Status,
    Statusrapportage,
)
from tests.programmas.factories import (
    IndicatorFactory,
    IndicatorwaardeFactory,
    InitiatiefFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
    ThemaFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def vorige():
    return PeriodeFactory(jaar=2026, soort=Periodesoort.T2, status=PeriodeStatus.GESLOTEN)


@pytest.fixture
def periode(vorige):
    return PeriodeFactory(jaar=2026, soort=Periodesoort.T3, status=PeriodeStatus.OPEN)


@pytest.fixture
def eigen(pm):
    return InitiatiefFactory(eigenaar=pm, naam="Verbetering informatiepositie")


@pytest.fixture
def andermans(pm2):
    return InitiatiefFactory(eigenaar=pm2, naam="Ondermijning")


def status_url(initiatief, periode):
    return reverse("programmas:status_indienen", args=[initiatief.pk, periode.pk])


def test_every_role_reads_the_portfolio_but_an_outsider_does_not(
    client_voor, lezer, auditor, buitenstaander, eigen, periode
):
    for user in (lezer, auditor):
        assert client_voor(user).get(reverse("programmas:portfolio")).status_code == 200
        assert client_voor(user).get(eigen.get_absolute_url()).status_code == 200
    assert client_voor(buitenstaander).get(reverse("programmas:portfolio")).status_code == 403


def test_portfolio_shows_status_word_trend_and_not_reported(
    client_voor, lezer, eigen, andermans, periode, vorige
):
    StatusrapportageFactory(initiatief=eigen, periode=vorige, status=Status.GROEN)
    StatusrapportageFactory(initiatief=eigen, periode=periode, status=Status.ROOD)
    html = client_voor(lezer).get(reverse("programmas:portfolio"), {"periode": periode.pk})
    html = html.content.decode()
    assert "Rood" in html and "slechter" in html
    # Ondermijning has no report: shown as such, never as a colour.
    rij = html[html.index("Ondermijning") :]
    assert "niet gerapporteerd" in rij[: rij.index("</tr>")]


def test_programme_manager_submits_for_own_initiative(client_voor, pm, eigen, periode):
    response = client_voor(pm).post(
        status_url(eigen, periode),
        {"status": "oranje", "toelichting": "Vertraging.", "pad_naar_groen": "Nieuwe planning."},
    )
    assert response.status_code == 302
    r = Statusrapportage.objects.get(initiatief=eigen, periode=periode)
    assert (r.status, r.ingediend_door) == (Status.ORANJE, pm)


def test_others_initiative_is_refused_and_nothing_saved(client_voor, pm, andermans, periode, lezer):
    for user in (pm, lezer):
        client = client_voor(user)
        assert client.get(status_url(andermans, periode)).status_code == 403
        response = client.post(status_url(andermans, periode), {"status": "groen"})
        assert response.status_code == 403
    assert not Statusrapportage.objects.exists()


def test_form_errors_are_dutch_and_next_to_the_field(client_voor, pm, eigen, periode):
    response = client_voor(pm).post(status_url(eigen, periode), {"status": "rood"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Een toelichting is verplicht bij oranje en rood." in html
    assert 'id="id_toelichting_error"' in html
    assert "stappen terug naar groen" in html
    # Screen readers follow aria-describedby: every id it names must be on the page.
    beschreven = re.findall(r'aria-describedby="([^"]+)"', html)
    assert beschreven
    for ids in beschreven:
        for element_id in ids.split():
            assert f'id="{element_id}"' in html, element_id
    response = client_voor(pm).post(status_url(eigen, periode), {})
    assert "Kies een status: groen, oranje of rood." in response.content.decode()
    assert not Statusrapportage.objects.exists()


def test_a_stale_form_is_refused_and_keeps_the_input(client_voor, pm, beheerder, eigen, periode):
    r = StatusrapportageFactory(initiatief=eigen, periode=periode, status=Status.GROEN)
    r.status = Status.ROOD
    r.toelichting = "Door het portfoliobureau aangepast."
    r.versie = 2
    r.save()
    response = client_voor(pm).post(
        status_url(eigen, periode),
        {
            "status": "oranje",
            "toelichting": "Mijn tekst",
            "pad_naar_groen": "Mijn pad",
            "versie": 1,
        },
    )
    html = response.content.decode()
    assert "intussen gewijzigd" in html
    assert "Mijn tekst" in html  # the user's input is still in the form
    r.refresh_from_db()
    assert r.status == Status.ROOD


def test_closed_period_form_is_closed_for_the_manager(client_voor, pm, eigen, vorige):
    response = client_voor(pm).get(status_url(eigen, vorige), follow=True)
    assert "alleen een beheerder" in response.content.decode()


def test_milestones_only_on_own_initiatives(client_voor, pm, eigen, andermans):
    data = {
        "omschrijving": "Dataplatform gevuld",
        "eigenaar": pm.pk,
        "deadline": "2027-03-31",
        "status": "open",
    }
    client = client_voor(pm)
    assert (
        client.post(reverse("programmas:mijlpaal_nieuw", args=[eigen.pk]), data).status_code == 302
    )
    assert eigen.mijlpalen.count() == 1
    assert (
        client.post(reverse("programmas:mijlpaal_nieuw", args=[andermans.pk]), data).status_code
        == 403
    )
    assert andermans.mijlpalen.count() == 0


def test_milestone_form_rejects_bad_date_in_dutch(client_voor, pm, eigen):
    data = {"omschrijving": "x", "eigenaar": pm.pk, "deadline": "31-02-2027", "status": "open"}
    response = client_voor(pm).post(reverse("programmas:mijlpaal_nieuw", args=[eigen.pk]), data)
    assert "Voer een geldige datum in." in response.content.decode()


def test_moving_a_milestone_keeps_its_original_deadline_and_locks_optimistically(
    client_voor, pm, eigen
):
    mijlpaal = MijlpaalFactory(initiatief=eigen, deadline="2026-12-31")
    url = reverse("programmas:mijlpaal_bewerken", args=[mijlpaal.pk])
    data = {
        "omschrijving": mijlpaal.omschrijving,
        "eigenaar": pm.pk,
        "deadline": "2027-02-28",
        "status": "open",
        "versie": 1,
    }
    assert client_voor(pm).post(url, data).status_code == 302
    mijlpaal.refresh_from_db()
    assert str(mijlpaal.oorspronkelijke_deadline) == "2026-12-31"
    assert str(mijlpaal.deadline) == "2027-02-28"
    # The same form, saved again on version 1, is refused.
    data["deadline"] = "2027-06-30"
    response = client_voor(pm).post(url, data)
    assert "intussen gewijzigd" in response.content.decode()
    mijlpaal.refresh_from_db()
    assert str(mijlpaal.deadline) == "2027-02-28"


def test_indicator_value_entry_by_owner_and_refused_for_others(
    client_voor, pm, pm2, eigen, periode
):
    indicator = IndicatorFactory(initiatief=eigen)
    url = reverse("programmas:indicatorwaarde_nieuw", args=[indicator.pk, periode.pk])
    data = {"doelstelling": "10", "realisatie": "9", "bandbreedte": "5", "toelichting": ""}
    assert client_voor(pm2).post(url, data).status_code == 403
    assert client_voor(pm).post(url, data).status_code == 302
    waarde = Indicatorwaarde.objects.get()
    assert waarde.status == "oranje"
    response = client_voor(pm).post(
        reverse("programmas:indicatorwaarde_bewerken", args=[waarde.pk]),
        {"doelstelling": "10", "realisatie": "abc", "bandbreedte": "150", "versie": 1},
    )
    html = response.content.decode()
    assert "Voer een getal in." in html
    assert "tussen 0 en 100" in html


def test_agency_wide_indicators_only_by_the_portfolio_office(client_voor, pm, beheerder, periode):
    indicator = IndicatorFactory(initiatief=None)
    url = reverse("programmas:indicatorwaarde_nieuw", args=[indicator.pk, periode.pk])
    data = {"doelstelling": "10", "realisatie": "10"}
    assert client_voor(pm).post(url, data).status_code == 403
    assert client_voor(beheerder).post(url, data).status_code == 302


def test_round_shows_who_has_not_submitted(client_voor, beheerder, pm, eigen, andermans, periode):
    StatusrapportageFactory(initiatief=eigen, periode=periode)
    html = client_voor(beheerder).get(reverse("programmas:ronde")).content.decode()
    assert "1 van 2 initiatieven hebben gerapporteerd" in html
    nog = html[html.index("Nog niet ingediend") :]
    assert "Ondermijning" in nog and "Verbetering informatiepositie" not in nog


def test_only_beheerder_opens_and_closes_rounds(client_voor, pm, beheerder, periode):
    url = reverse("programmas:periode_sluiten", args=[periode.pk])
    assert client_voor(pm).post(url).status_code == 403
    client_voor(beheerder).post(url)
    periode.refresh_from_db()
    assert periode.status == PeriodeStatus.GESLOTEN


def test_export_has_the_screen_headers_and_the_filtered_rows(
    client_voor, lezer, eigen, andermans, periode
):
    StatusrapportageFactory(initiatief=eigen, periode=periode, status=Status.ROOD, toelichting="x")
    response = client_voor(lezer).get(
        reverse("programmas:portfolio"), {"periode": periode.pk, "status": "rood", "_export": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rijen = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rijen[0] == [
        "Thema",
        "Initiatief",
        "Status",
        # The open round is shown: the last closed period's colours stand beside it.
        "Laatst gesloten: 2026 T2",
        "Trend t.o.v. vorige periode",
        "Eigenaar",
        "Open mijlpalen",
        "Te late mijlpalen",
    ]
    assert [r[1] for r in rijen[1:]] == ["Verbetering informatiepositie"]
    assert rijen[1][2] == "Rood"
    xlsx = client_voor(lezer).get(reverse("programmas:portfolio"), {"_export": "xlsx"})
    assert xlsx.getvalue()[:2] == b"PK"


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _veel_initiatieven(aantal, eigenaar, periode):
    thema = ThemaFactory()
    Initiatief.objects.bulk_create(
        Initiatief(thema=thema, naam=f"Bulk {i}", eigenaar=eigenaar) for i in range(aantal)
    )
    rapportages = [
        Statusrapportage(initiatief=i, periode=periode, status=Status.GROEN)
        for i in Initiatief.objects.filter(thema=thema)
    ]
    Statusrapportage.objects.bulk_create(rapportages)


def test_portfolio_query_count_does_not_grow_with_rows(
    client_voor, lezer, pm, periode, peildatum_vandaag
):
    client = client_voor(lezer)
    url = reverse("programmas:portfolio")
    open_ronde = {"periode": periode.pk}
    _veel_initiatieven(5, pm, periode)
    # Without a choice the last closed period is shown, beside the open round.
    weinig = _queries(client, url)
    weinig_open = _queries(client, url, open_ronde)
    _veel_initiatieven(495, pm, periode)
    assert _queries(client, url) == weinig
    assert _queries(client, url, open_ronde) == weinig_open
    gefilterd = {**open_ronde, "page": 3, "status": "groen", "sort": "-huidige_status"}
    assert _queries(client, url, gefilterd) == weinig_open


def test_indicator_list_query_count_does_not_grow_with_rows(client_voor, pm, periode):
    client = client_voor(pm)
    url = reverse("programmas:indicatoren")

    def maak(aantal):
        for _ in range(aantal):
            IndicatorwaardeFactory(
                indicator=IndicatorFactory(initiatief=InitiatiefFactory(eigenaar=pm)),
                periode=periode,
                doelstelling=10,
                realisatie=9,
            )

    # The default order and the sorts on the copied keys (Indicatorwaarde).
    sorteringen = [{}, {"sort": "indicator"}, {"sort": "-periode"}, {"sort": "groep"}]
    maak(5)
    weinig = [_queries(client, url, params) for params in sorteringen]
    maak(45)
    assert [_queries(client, url, params) for params in sorteringen] == weinig


def test_initiative_page_lists_linked_risks_and_findings(client_voor, lezer, pm):
    from tests.audits.factories import AuditrapportFactory, BevindingFactory
    from tests.risicos.factories import RisicoFactory

    initiatief = InitiatiefFactory(eigenaar=pm)
    b_risico = RisicoFactory(titel="B gekoppeld risico")
    a_risico = RisicoFactory(titel="A gekoppeld risico")
    RisicoFactory(titel="Niet gekoppeld risico")
    for risico in (b_risico, a_risico):
        risico.initiatieven.add(initiatief)
    ark = AuditrapportFactory(instantie="ark")
    adr = AuditrapportFactory(instantie="adr")
    bevindingen = [
        BevindingFactory(rapport=ark, titel="Eerste bij de ARK", eigenaar=pm),
        BevindingFactory(rapport=adr, titel="Tweede bij de ADR", eigenaar=pm),
        BevindingFactory(rapport=adr, titel="Eerste bij de ADR", eigenaar=pm),
    ]
    for bevinding in bevindingen:
        bevinding.initiatieven.add(initiatief)
    response = client_voor(lezer).get(initiatief.get_absolute_url())
    # Each in the order of its own app (risks by title, findings by body and title),
    # with its link.
    assert response.context["risicos"] == [a_risico, b_risico]
    assert response.context["bevindingen"] == [bevindingen[2], bevindingen[1], bevindingen[0]]
    html = response.content.decode()
    assert f'<a href="{a_risico.get_absolute_url()}">A gekoppeld risico</a>' in html
    assert f'<a href="{bevindingen[0].get_absolute_url()}">Eerste bij de ARK</a>' in html
    assert "Niet gekoppeld risico" not in html


def test_initiative_page_shows_each_period_with_its_report_and_who_submitted(
    client_voor, lezer, pm, vorige, periode
):
    initiatief = InitiatiefFactory(eigenaar=pm)
    StatusrapportageFactory(
        initiatief=initiatief, periode=vorige, status=Status.ORANJE, toelichting="Krap"
    )
    # Another initiative's report of the same period stays off this page.
    StatusrapportageFactory(periode=periode, status=Status.ROOD, toelichting="Van een ander")
    response = client_voor(lezer).get(initiatief.get_absolute_url())
    rijen = {p.pk: (r and r.toelichting, t) for p, r, t in response.context["perioderijen"]}
    assert rijen == {periode.pk: (None, None), vorige.pk: ("Krap", None)}
    assert response.context["open_periode"] == periode
    html = response.content.decode()
    assert "Van een ander" not in html


def test_the_history_has_a_page_of_its_own_with_who_changed_what_from_what_to_what(
    client_voor, lezer, pm, periode
):
    from programmas import services

    initiatief = InitiatiefFactory(eigenaar=pm, naam="Oude naam")
    initiatief.naam = "Nieuwe naam"
    services.initiatief_bijwerken(initiatief=initiatief, door=pm, verwachte_versie=None)
    services.statusrapportage_indienen(
        initiatief=initiatief, periode=periode, status=Status.GROEN, door=pm
    )
    rapportage = Statusrapportage.objects.get(initiatief=initiatief, periode=periode)
    services.statusrapportage_indienen(
        initiatief=initiatief,
        periode=periode,
        status=Status.ORANJE,
        toelichting="Leverancier te laat",
        pad_naar_groen="Tweede leverancier",
        door=pm,
        verwachte_versie=rapportage.versie,
    )
    mijlpaal = MijlpaalFactory(initiatief=initiatief, omschrijving="Go-live", eigenaar=pm)
    mijlpaal.status = "afgerond"
    services.mijlpaal_bijwerken(mijlpaal=mijlpaal, door=pm, verwachte_versie=None, reden="Live")
    waarde = IndicatorwaardeFactory(
        indicator=IndicatorFactory(initiatief=initiatief, naam="Doorlooptijd"),
        periode=periode,
        realisatie=1,
    )
    waarde.realisatie = 2
    waarde.save()

    client = client_voor(lezer)
    pagina = client.get(initiatief.get_absolute_url())
    url = reverse("programmas:initiatief_geschiedenis", args=[initiatief.pk])
    assert url in pagina.content.decode()
    assert "Oude naam" not in pagina.content.decode()  # the history moved, the link stays

    response = client.get(url)
    assert response.status_code == 200
    gebeurtenissen = response.context["geschiedenis"]
    wijzigingen = {
        (g.object_label, w.veld, w.oud, w.nieuw, str(g.door), g.reden)
        for g in gebeurtenissen
        for w in g.wijzigingen
    }
    assert ("Initiatief", "naam", "Oude naam", "Nieuwe naam", str(pm), "") in wijzigingen
    assert (f"Status {periode}", "status", "Groen", "Oranje", str(pm), "herzien") in wijzigingen
    assert ("Mijlpaal: Go-live", "status", "Open", "Afgerond", str(pm), "Live") in wijzigingen
    assert (f"Indicator Doorlooptijd ({periode})", "realisatie", "1.00", "2.00") in {
        w[:4] for w in wijzigingen
    }
    momenten = [g.moment for g in gebeurtenissen]
    assert momenten == sorted(momenten, reverse=True)
    html = response.content.decode()
    assert "Alle wijzigingen, nieuwste eerst" in html and "Nieuwe naam" in html


def test_initiative_page_query_count_does_not_grow(client_voor, pm, periode):
    from tests.audits.factories import BevindingFactory
    from tests.risicos.factories import RisicoFactory

    initiatief = InitiatiefFactory(eigenaar=pm)
    client = client_voor(pm)
    urls = [
        initiatief.get_absolute_url(),
        reverse("programmas:initiatief_geschiedenis", args=[initiatief.pk]),
    ]

    jaren = iter(range(2000, 2100))

    def maak(aantal):
        for _ in range(aantal):
            mijlpaal = MijlpaalFactory(initiatief=initiatief)
            mijlpaal.deadline = "2027-06-30"
            mijlpaal.save()  # a history record with a change, for the history page
            waarde = IndicatorwaardeFactory(
                indicator=IndicatorFactory(initiatief=initiatief), periode=periode, realisatie=1
            )
            waarde.realisatie = 2
            waarde.save()
            StatusrapportageFactory(
                initiatief=initiatief,
                periode=PeriodeFactory(jaar=next(jaren), status=PeriodeStatus.GESLOTEN),
            )
            RisicoFactory().initiatieven.add(initiatief)
            BevindingFactory(eigenaar=pm).initiatieven.add(initiatief)

    maak(2)
    weinig = [_queries(client, url) for url in urls]
    maak(20)
    assert [_queries(client, url) for url in urls] == weinig


def test_portfolio_office_adds_an_initiative_and_a_duplicate_name_is_refused(
    client_voor, beheerder, pm
):
    thema = ThemaFactory(naam="Datagedreven organisatie")
    data = {
        "thema": thema.pk,
        "naam": "Nieuw dataplatform",
        "omschrijving": "",
        "eigenaar": pm.pk,
        "volgorde": 5,
        "actief": "on",
    }
    client = client_voor(beheerder)
    assert client.post(reverse("programmas:initiatief_nieuw"), data).status_code == 302
    assert Initiatief.objects.get(naam="Nieuw dataplatform").eigenaar == pm
    response = client.post(reverse("programmas:initiatief_nieuw"), data)
    assert "bestaat al" in response.content.decode()
    assert Initiatief.objects.filter(naam="Nieuw dataplatform").count() == 1


def test_the_owner_edits_only_the_description_others_nothing(client_voor, pm, pm2, lezer, eigen):
    url = reverse("programmas:initiatief_bewerken", args=[eigen.pk])
    assert client_voor(pm2).get(url).status_code == 403
    assert client_voor(lezer).post(url, {"omschrijving": "x", "versie": 1}).status_code == 403
    client = client_voor(pm)
    assert "id_eigenaar" not in client.get(url).content.decode()
    # Even a crafted post cannot move the initiative to another owner.
    response = client.post(url, {"omschrijving": "Nieuwe aanpak", "eigenaar": pm2.pk, "versie": 1})
    assert response.status_code == 302
    eigen.refresh_from_db()
    assert (eigen.omschrijving, eigen.eigenaar) == ("Nieuwe aanpak", pm)
    assert client.post(url, {"omschrijving": "Oud formulier", "versie": 1}).status_code == 200
    eigen.refresh_from_db()
    assert eigen.omschrijving == "Nieuwe aanpak"


def test_only_the_portfolio_office_adds_initiatives(client_voor, pm):
    assert client_voor(pm).get(reverse("programmas:initiatief_nieuw")).status_code == 403

"""Writes through the API: the services' rules, the screens' permission matrix, If-Match."""

import pytest

from douane_portfolio import rollen
from programmas.models import Indicatorwaarde, Statusrapportage
from tests.api.conftest import if_match
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.factories import UserFactory
from tests.programmas.factories import (
    IndicatorFactory,
    IndicatorwaardeFactory,
    InitiatiefFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
)
from tests.risicos.factories import BeheersmaatregelFactory


@pytest.fixture
def periode(db):
    return PeriodeFactory()


@pytest.fixture
def initiatief(pm):
    return InitiatiefFactory(eigenaar=pm)


def _dien_in(client, initiatief, periode, **extra):
    return client.post(
        "/api/v1/statusrapportages/",
        {"initiatief": initiatief.pk, "periode": periode.pk, "status": "groen", **extra},
        format="json",
    )


def test_the_owner_submits_a_status_and_history_says_via_api(api, pm, initiatief, periode):
    response = _dien_in(api(pm), initiatief, periode, toelichting="Op schema")
    assert response.status_code == 201, response.json()
    rapportage = Statusrapportage.objects.get(initiatief=initiatief, periode=periode)
    assert response["ETag"] == f'"{rapportage.versie}"'
    record = rapportage.history.latest()
    assert record.history_user == pm
    assert record.history_change_reason == "ingediend: groen (via API)"


def test_the_service_refuses_rood_without_explanation_as_field_errors(api, pm, initiatief, periode):
    response = _dien_in(api(pm), initiatief, periode, status="rood")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    velden = {f["pointer"] for f in response.json()["errors"]}
    assert velden == {"#/toelichting", "#/pad_naar_groen"}
    assert not Statusrapportage.objects.exists()


def test_a_second_submission_is_a_conflict_not_an_overwrite(api, pm, initiatief, periode):
    StatusrapportageFactory(initiatief=initiatief, periode=periode, status="groen")
    response = _dien_in(
        api(pm), initiatief, periode, status="oranje", toelichting="x", pad_naar_groen="y"
    )
    assert response.status_code == 409
    assert Statusrapportage.objects.get().status == "groen"


def test_revise_needs_if_match_and_refuses_a_stale_one(api, pm, initiatief, periode):
    rapportage = StatusrapportageFactory(initiatief=initiatief, periode=periode, status="groen")
    client = api(pm)
    url = f"/api/v1/statusrapportages/{rapportage.pk}/"
    nieuw = {"status": "oranje", "toelichting": "Vertraging", "pad_naar_groen": "Q1 klaar"}

    zonder = client.put(url, nieuw, format="json")
    assert zonder.status_code == 428
    assert zonder.json()["title"] == "Versie vereist"

    verouderd = client.put(url, nieuw, format="json", **if_match(rapportage.versie + 1))
    assert verouderd.status_code == 412
    rapportage.refresh_from_db()
    assert (rapportage.status, rapportage.versie) == ("groen", 1)

    goed = client.put(url, nieuw, format="json", **if_match(rapportage.versie))
    assert goed.status_code == 200, goed.json()
    assert goed["ETag"] == '"2"'
    rapportage.refresh_from_db()
    assert rapportage.status == "oranje"
    assert rapportage.history.latest().history_change_reason == "herzien (via API)"

    # The same ETag again: someone (here: we) changed it meanwhile.
    again = client.put(url, {"status": "groen"}, format="json", **if_match(1))
    assert again.status_code == 412
    rapportage.refresh_from_db()
    assert rapportage.status == "oranje"


def test_indicator_value_recorded_and_changed_through_the_service(api, beheerder, periode):
    indicator = IndicatorFactory()
    client = api(beheerder)
    nieuw = client.post(
        "/api/v1/indicatorwaarden/",
        {
            "indicator": indicator.pk,
            "periode": periode.pk,
            "doelstelling": "100",
            "realisatie": "95",
        },
        format="json",
    )
    assert nieuw.status_code == 201, nieuw.json()
    assert nieuw.json()["status"] == "rood"  # no band: 95 of 100 misses
    waarde = Indicatorwaarde.objects.get()
    gewijzigd = client.put(
        f"/api/v1/indicatorwaarden/{waarde.pk}/",
        {"doelstelling": "100", "realisatie": "95", "bandbreedte": "10"},
        format="json",
        **if_match(waarde.versie),
    )
    assert gewijzigd.status_code == 200, gewijzigd.json()
    assert gewijzigd.json()["status"] == "groen"
    assert waarde.history.latest().history_change_reason == "bijgewerkt (via API)"


def test_a_band_out_of_range_is_a_400_not_a_500(api, beheerder, periode):
    response = api(beheerder).post(
        "/api/v1/indicatorwaarden/",
        {"indicator": IndicatorFactory().pk, "periode": periode.pk, "bandbreedte": "400"},
        format="json",
    )
    assert response.status_code == 400


def test_the_owner_of_an_action_updates_its_status_of_every_kind(api, pm2):
    client = api(pm2)
    for url, actie in (
        ("mijlpalen", MijlpaalFactory(eigenaar=pm2)),
        ("maatregelen", BeheersmaatregelFactory(eigenaar=pm2)),
        ("vervolgacties", VervolgactieFactory(eigenaar=pm2)),
    ):
        response = client.patch(
            f"/api/v1/{url}/{actie.pk}/",
            {"status": "afgerond", "toelichting": "Klaar"},
            format="json",
            **if_match(actie.versie),
        )
        assert response.status_code == 200, (url, response.json())
        actie.refresh_from_db()
        assert actie.status == "afgerond" and actie.afgerond_op is not None
        record = actie.history.latest()
        assert record.history_user == pm2
        assert record.history_change_reason.endswith("(via API)")


def test_an_action_owner_may_not_drop_a_follow_up_action_as_on_the_screen(api, pm, pm2):
    actie = VervolgactieFactory(eigenaar=pm2, bevinding=BevindingFactory(eigenaar=pm))
    response = api(pm2).patch(
        f"/api/v1/vervolgacties/{actie.pk}/",
        {"status": "vervallen"},
        format="json",
        **if_match(actie.versie),
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "#/status"
    # The finding's owner manages it and may.
    response = api(pm).patch(
        f"/api/v1/vervolgacties/{actie.pk}/",
        {"status": "vervallen"},
        format="json",
        **if_match(actie.versie),
    )
    assert response.status_code == 200, response.json()


def test_offering_a_finding_for_review(api, pm):
    bevinding = BevindingFactory(eigenaar=pm)
    url = f"/api/v1/bevindingen/{bevinding.pk}/aanbieden/"
    client = api(pm)
    assert client.post(url, {"toelichting": "Opgelost"}, format="json").status_code == 428
    response = client.post(
        url, {"toelichting": "Opgelost"}, format="json", **if_match(bevinding.versie)
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ter_beoordeling"
    assert response["ETag"] == f'"{bevinding.versie + 1}"'


def test_a_write_reads_the_counters_peildatum_once(api, pm):
    """The object is found in the scope and read back in it for the answer: the
    peildatum of the counters is made today's once per request, not twice."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from douane_portfolio.models import Tellerdatum

    bevinding = BevindingFactory(eigenaar=pm)
    client = api(pm)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/v1/bevindingen/{bevinding.pk}/aanbieden/",
            {"toelichting": "Opgelost"},
            format="json",
            **if_match(bevinding.versie),
        )
    assert response.status_code == 200, response.json()
    tabel = f'FROM "{Tellerdatum._meta.db_table}"'
    assert len([q for q in queries if tabel in q["sql"]]) == 1


def test_offering_with_open_actions_is_refused_with_the_services_message(api, pm):
    bevinding = BevindingFactory(eigenaar=pm)
    VervolgactieFactory(bevinding=bevinding)
    response = api(pm).post(
        f"/api/v1/bevindingen/{bevinding.pk}/aanbieden/",
        {"toelichting": "Opgelost"},
        format="json",
        **if_match(bevinding.versie),
    )
    assert response.status_code == 400
    assert "vervolgactie" in response.json()["detail"]


# --- The screens' permission matrix, asked of the API ---------------------------------


@pytest.fixture
def personen(db, beheerder):
    return {
        "eigenaar": UserFactory(username="m-eigenaar", rol=rollen.PROGRAMMAMANAGER),
        "collega": UserFactory(username="m-collega", rol=rollen.PROGRAMMAMANAGER),
        "lezer": UserFactory(username="m-lezer", rol=rollen.LEZER),
        "auditor": UserFactory(username="m-auditor", rol=rollen.AUDITOR),
        "risicofunctionaris": UserFactory(username="m-rf", rol=rollen.RISICOFUNCTIONARIS),
        "zonder rol": UserFactory(username="m-niemand"),
        "beheerder": beheerder,
    }


def _schrijfpogingen(eigenaar):
    """(name, url, method, body, object) of a write on something `eigenaar` owns."""
    periode = PeriodeFactory()
    rapportage = StatusrapportageFactory(
        initiatief=InitiatiefFactory(eigenaar=eigenaar), periode=periode
    )
    waarde = IndicatorwaardeFactory(
        indicator=IndicatorFactory(initiatief=rapportage.initiatief), periode=periode
    )
    bevinding = BevindingFactory(eigenaar=eigenaar)
    return [
        (
            "status herzien",
            f"/api/v1/statusrapportages/{rapportage.pk}/",
            "put",
            {"status": "groen", "toelichting": "ok"},
            rapportage,
        ),
        (
            "waarde wijzigen",
            f"/api/v1/indicatorwaarden/{waarde.pk}/",
            "put",
            {"realisatie": "1"},
            waarde,
        ),
        (
            "mijlpaal",
            f"/api/v1/mijlpalen/{MijlpaalFactory(eigenaar=eigenaar).pk}/",
            "patch",
            {"status": "in_uitvoering"},
            None,
        ),
        (
            "maatregel",
            f"/api/v1/maatregelen/{BeheersmaatregelFactory(eigenaar=eigenaar).pk}/",
            "patch",
            {"status": "in_uitvoering"},
            None,
        ),
        (
            "vervolgactie",
            f"/api/v1/vervolgacties/{VervolgactieFactory(eigenaar=eigenaar).pk}/",
            "patch",
            {"status": "open"},
            None,
        ),
        (
            "aanbieden",
            f"/api/v1/bevindingen/{bevinding.pk}/aanbieden/",
            "post",
            {"toelichting": "Klaar"},
            bevinding,
        ),
    ]


# Who may write what (the screens' rules); everyone else with a role gets 403.
MAG = {
    "eigenaar": {
        "status herzien",
        "waarde wijzigen",
        "mijlpaal",
        "maatregel",
        "vervolgactie",
        "aanbieden",
    },
    "beheerder": {
        "status herzien",
        "waarde wijzigen",
        "mijlpaal",
        "maatregel",
        "vervolgactie",
        "aanbieden",
    },
    "auditor": {"vervolgactie"},
    "risicofunctionaris": {"maatregel"},
    "collega": set(),
    "lezer": set(),
}


@pytest.mark.parametrize("wie", [*MAG, "zonder rol"])
def test_the_permission_matrix_of_the_screens_holds_for_the_api(api, personen, wie):
    eigenaar = personen["eigenaar"]
    client = api(personen[wie])
    for naam, url, methode, body, _ in _schrijfpogingen(eigenaar):
        response = getattr(client, methode)(url, body, format="json", **if_match(1))
        if wie == "zonder rol":
            verwacht = 404  # may not even read it: the API does not confirm it exists
        elif naam in MAG[wie]:
            verwacht = 200
        else:
            verwacht = 403
        assert response.status_code == verwacht, (wie, naam, response.json())
        if verwacht != 200:
            assert response["Content-Type"] == "application/problem+json"


def test_the_permission_matrix_agrees_with_the_rules_the_screens_ask(personen):
    # The same predicates the screens use: the matrix above is not an API-only opinion.
    eigenaar, collega = personen["eigenaar"], personen["collega"]
    initiatief = InitiatiefFactory(eigenaar=eigenaar)
    assert eigenaar.has_perm("programmas.rapporteer_status", initiatief)
    assert not collega.has_perm("programmas.rapporteer_status", initiatief)
    assert not personen["lezer"].has_perm("programmas.rapporteer_status", initiatief)


def test_a_read_only_key_cannot_write(api, pm, initiatief, periode):
    response = _dien_in(api(pm, bereik="lezen"), initiatief, periode)
    assert response.status_code == 403
    assert response.json()["detail"] == "Deze API-sleutel mag alleen lezen."
    assert not Statusrapportage.objects.exists()


def test_session_writes_need_the_csrf_token(pm, initiatief, periode):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(pm)
    response = _dien_in(client, initiatief, periode)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Statusrapportage.objects.exists()


def test_a_stale_etag_on_an_action_changes_nothing(api, pm2):
    actie = MijlpaalFactory(eigenaar=pm2)
    client = api(pm2)
    url = f"/api/v1/mijlpalen/{actie.pk}/"
    eerste = client.patch(url, {"status": "in_uitvoering"}, format="json", **if_match(1))
    assert eerste.status_code == 200 and eerste["ETag"] == '"2"'
    tweede = client.patch(url, {"status": "afgerond"}, format="json", **if_match(1))
    assert tweede.status_code == 412
    assert tweede["Content-Type"] == "application/problem+json"
    actie.refresh_from_db()
    assert (actie.status, actie.versie) == ("in_uitvoering", 2)
    assert actie.history.count() == 2  # created, and the one accepted change

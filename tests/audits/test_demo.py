"""The demo data are the findings of the Jaarrapportage Douane 2023, exactly as written."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command

from audits.models import (
    Auditrapport,
    Beoordeling,
    Bevinding,
    BevindingStatus,
    Instantie,
    Jaaroordeel,
    Soort,
    Vervolgactie,
)
from programmas.models import Initiatief, Thema
from risicos.models import Risico
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

THEMA = "Verbetering interne beheersing Grote geldstroom (Douane)"


@pytest.fixture
def initiatieven():
    """The two initiatives of §3.4, as the portfolio demo would load them."""
    thema = Thema.objects.create(naam=THEMA, paragraaf="3.4", volgorde=4)
    eigenaar = UserFactory(username="eigenaar-initiatieven")
    return [
        Initiatief.objects.create(thema=thema, naam=naam, eigenaar=eigenaar)
        for naam in ("Verbeteren Beheersing Grote Geldstroom", "Verbeteren scriptbeheer")
    ]


def _laad():
    uitvoer = io.StringIO()
    call_command("laad_demo", stdout=uitvoer)
    return uitvoer.getvalue()


def _tellingen():
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_app_config("audits").get_models()
    }


def test_the_findings_of_the_report(initiatieven):
    _laad()
    b = {x.titel: x for x in Bevinding.objects.select_related("rapport", "eigenaar")}

    vo = Auditrapport.objects.get(titel="Verantwoordingsonderzoek 2022")
    assert (vo.instantie, vo.jaar, vo.datum) == (Instantie.ARK, 2022, None)

    inkoop = b["Onvolkomenheid inkoopbeheer"]
    geldstroom = b["Onvolkomenheid grote geldstroom"]
    for bevinding, jaar in ((inkoop, 2024), (geldstroom, 2025)):
        assert bevinding.rapport == vo
        assert bevinding.soort == Soort.ONVOLKOMENHEID
        assert bevinding.status == BevindingStatus.IN_UITVOERING
        assert (bevinding.verwacht_opgelost_jaar, bevinding.verwacht_opgelost_op) == (jaar, None)

    toegang = b["Tekortkoming logische toegangsbeveiliging"]
    assert (toegang.soort, toegang.status) == (Soort.TEKORTKOMING, BevindingStatus.OPGELOST)
    # §4.2 does not say which body found it: no body is made up.
    assert toegang.rapport.instantie == Instantie.OVERIG
    assert toegang.rapport.jaar is None

    onzekerheden = {
        "Onzekerheid Diplomaten": BevindingStatus.OPGELOST,
        "Onzekerheid Accijns": BevindingStatus.IN_UITVOERING,
        "Onzekerheid Verkeersbegeleidingstarief": BevindingStatus.IN_UITVOERING,
    }
    for titel, status in onzekerheden.items():
        assert b[titel].rapport.instantie == Instantie.ADR
        assert (b[titel].soort, b[titel].status) == (Soort.ONZEKERHEID, status)
        # The report expects a reduction in 2024, not a resolution: no year filled in.
        assert b[titel].verwacht_opgelost_jaar is None
    for titel in ("Onzekerheid Accijns", "Onzekerheid Verkeersbegeleidingstarief"):
        assert [a.deadline for a in b[titel].vervolgacties.all()] == [datetime.date(2024, 12, 31)]

    wpg = b["Tekortkomingen Wet politiegegevens"]
    assert (wpg.rapport.instantie, wpg.rapport.jaar) == (Instantie.ADR, 2021)
    assert "Q4 2023" in wpg.omschrijving and "hercontrole" in wpg.omschrijving
    assert wpg.vervolgacties.count() == 2

    scriptbeheer = geldstroom.vervolgacties.get(omschrijving__contains="scriptbeheer")
    assert scriptbeheer.deadline == datetime.date(2024, 12, 31)
    assert "datafixes" in scriptbeheer.omschrijving
    assert geldstroom.vervolgacties.filter(omschrijving__contains="14 procesketens").exists()

    assert set(geldstroom.initiatieven.all()) == set(initiatieven)
    assert set(b["Onzekerheid Accijns"].initiatieven.values_list("naam", flat=True)) == {
        "Verbeteren Beheersing Grote Geldstroom"
    }


def test_owners_are_demo_users_and_nothing_is_invented():
    _laad()
    demo = {"programmamanager", "programmamanager2", "auditor"}
    assert set(Bevinding.objects.values_list("eigenaar__username", flat=True)) <= demo
    assert set(Vervolgactie.objects.values_list("eigenaar__username", flat=True)) <= demo
    # The report gives no yearly judgements and no verdicts: none are loaded.
    assert not Jaaroordeel.objects.exists()
    assert not Beoordeling.objects.exists()
    # Every row says where it comes from.
    assert not Bevinding.objects.filter(bron="").exists()
    assert not Vervolgactie.objects.filter(bron="").exists()


def test_the_demo_is_idempotent_also_without_the_initiatives(monkeypatch):
    # As if the programme data were not loaded: the links are skipped, and said so.
    import programmas.demo

    monkeypatch.setattr(programmas.demo, "laad", lambda **kwargs: None)
    uitvoer = _laad()
    assert "niet gekoppeld" in uitvoer
    eerste = _tellingen()
    assert eerste["audits.Bevinding"] == 7
    _laad()
    assert _tellingen() == eerste


def test_the_grote_geldstroom_findings_are_linked_to_the_tem_risk_once():
    _laad()
    tem = Risico.objects.get(titel__startswith="Nederland moet Traditionele Eigen Middelen")
    # §3.4: the verbeterplan addresses the ADR's onzekerheden and the ARK's onvolkomenheid;
    # chapter 4: that plan is the measure under the TEM risk. Nothing else is linked.
    assert set(tem.bevindingen.values_list("titel", flat=True)) == {
        "Onvolkomenheid grote geldstroom",
        "Onzekerheid Diplomaten",
        "Onzekerheid Accijns",
        "Onzekerheid Verkeersbegeleidingstarief",
    }
    assert Bevinding.risicos.through.objects.count() == 4
    record = tem.bevindingen.get(titel="Onzekerheid Accijns").history.latest()
    assert "§3.4" in record.history_change_reason
    assert "hoofdstuk 4" in record.history_change_reason

    eerste = _tellingen()
    _laad()
    # No new links and no new history records (the link snapshots included).
    assert _tellingen() == eerste
    assert Bevinding.risicos.through.objects.count() == 4


def test_without_the_risk_register_the_links_wait_for_a_later_run(monkeypatch):
    import risicos.demo

    monkeypatch.setattr(risicos.demo, "laad", lambda **kwargs: None)
    uitvoer = _laad()
    assert "Risico's niet gevonden, bevindingen (nog) niet gekoppeld: Nederland moet" in uitvoer
    assert not Bevinding.risicos.through.objects.exists()

    monkeypatch.undo()
    _laad()
    assert Bevinding.risicos.through.objects.count() == 4

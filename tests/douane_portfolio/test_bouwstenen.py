"""The shared building blocks: actions, optimistic locking, history, lists, Mijn acties."""

import datetime
import threading

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from douane_portfolio.acties import actie_modellen, open_acties_van
from douane_portfolio.geschiedenis import geschiedenis_van
from douane_portfolio.locking import VerouderdeVersie, bewaar_met_versie
from douane_portfolio.models import ActieStatus
from programmas.models import Initiatief, Mijlpaal
from tests.programmas.factories import InitiatiefFactory, MijlpaalFactory, ThemaFactory

pytestmark = pytest.mark.django_db

VANDAAG = datetime.date(2026, 11, 27)


@pytest.fixture
def initiatief(pm):
    return InitiatiefFactory(eigenaar=pm)


@time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0), tick=False)
def test_action_queryset_open_overdue_and_due_soon(initiatief):
    te_laat = MijlpaalFactory(initiatief=initiatief, deadline=VANDAAG - datetime.timedelta(days=1))
    vandaag = MijlpaalFactory(initiatief=initiatief, deadline=VANDAAG)
    over_14 = MijlpaalFactory(initiatief=initiatief, deadline=VANDAAG + datetime.timedelta(days=14))
    later = MijlpaalFactory(initiatief=initiatief, deadline=VANDAAG + datetime.timedelta(days=15))
    klaar = MijlpaalFactory(
        initiatief=initiatief,
        deadline=VANDAAG - datetime.timedelta(days=9),
        status=ActieStatus.AFGEROND,
    )
    assert set(Mijlpaal.objects.open()) == {te_laat, vandaag, over_14, later}
    assert list(Mijlpaal.objects.te_laat()) == [te_laat]
    assert set(Mijlpaal.objects.binnenkort()) == {vandaag, over_14}
    assert te_laat.dagen_te_laat() == 1 and klaar.dagen_te_laat() == 0
    assert klaar.afgerond_op == VANDAAG


def test_moving_a_deadline_keeps_the_original(initiatief):
    mijlpaal = MijlpaalFactory(initiatief=initiatief, deadline=datetime.date(2026, 12, 31))
    mijlpaal.deadline = datetime.date(2027, 3, 31)
    mijlpaal.save()
    mijlpaal.refresh_from_db()
    assert mijlpaal.oorspronkelijke_deadline == datetime.date(2026, 12, 31)
    assert mijlpaal.deadline_verschoven


def test_database_holds_afgerond_op_and_status_together(initiatief):
    mijlpaal = MijlpaalFactory(initiatief=initiatief)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mijlpaal.objects.filter(pk=mijlpaal.pk).update(status=ActieStatus.AFGEROND)


def test_every_action_model_is_found_and_indexed_for_the_sweep():
    modellen = actie_modellen()
    assert Mijlpaal in modellen
    for model in modellen:
        velden = [tuple(index.fields) for index in model._meta.indexes]
        assert ("status", "deadline") in velden, model


def test_a_save_over_a_newer_version_is_refused(initiatief):
    eerste = Initiatief.objects.get(pk=initiatief.pk)
    tweede = Initiatief.objects.get(pk=initiatief.pk)
    eerste.omschrijving = "van de eerste"
    bewaar_met_versie(eerste, 1)
    tweede.omschrijving = "van de tweede"
    with pytest.raises(VerouderdeVersie):
        bewaar_met_versie(tweede, 1)
    initiatief.refresh_from_db()
    assert (initiatief.omschrijving, initiatief.versie) == ("van de eerste", 2)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_one_version_let_exactly_one_win(pm):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers itself; the race is a PostgreSQL matter.")
    initiatief = InitiatiefFactory(eigenaar=pm)
    start = threading.Barrier(2)
    uitkomst = []

    def opslaan(tekst):
        from django.db import connections

        obj = Initiatief.objects.get(pk=initiatief.pk)
        obj.omschrijving = tekst
        start.wait()
        try:
            bewaar_met_versie(obj, 1)
            uitkomst.append("ok")
        except VerouderdeVersie:
            uitkomst.append("verouderd")
        finally:
            connections.close_all()

    draden = [threading.Thread(target=opslaan, args=(t,)) for t in ("a", "b")]
    for d in draden:
        d.start()
    for d in draden:
        d.join()
    assert sorted(uitkomst) == ["ok", "verouderd"]
    assert Initiatief.objects.get(pk=initiatief.pk).versie == 2


def test_history_tells_who_changed_what_from_what_to_what(initiatief, pm2):
    initiatief.eigenaar = pm2
    initiatief.omschrijving = "Nieuwe omschrijving"
    initiatief._history_user = pm2
    initiatief._change_reason = "overdracht"
    initiatief.save()
    laatste = geschiedenis_van(initiatief)[0]
    assert laatste.door == pm2 and laatste.reden == "overdracht"
    wijzigingen = {w.veld: (w.oud, w.nieuw) for w in laatste.wijzigingen}
    assert wijzigingen["eigenaar"] == (str(initiatief.history.earliest().eigenaar), str(pm2))
    assert wijzigingen["omschrijving"] == ("—", "Nieuwe omschrijving")
    assert "versie" not in wijzigingen


def test_history_of_an_edit_through_the_web_records_the_user(client_voor, pm, initiatief):
    mijlpaal = MijlpaalFactory(initiatief=initiatief)
    client_voor(pm).post(
        reverse("programmas:mijlpaal_bewerken", args=[mijlpaal.pk]),
        {
            "omschrijving": "Aangepast",
            "eigenaar": pm.pk,
            "deadline": "2027-01-31",
            "status": "in_uitvoering",
            "versie": 1,
        },
    )
    laatste = geschiedenis_van(mijlpaal)[0]
    assert laatste.door == pm
    assert {w.veld for w in laatste.wijzigingen} == {"omschrijving", "deadline", "status"}


@time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0), tick=False)
def test_mijn_acties_lists_own_open_actions_overdue_first(client_voor, pm, pm2, initiatief):
    later = MijlpaalFactory(initiatief=initiatief, deadline=VANDAAG + datetime.timedelta(days=30))
    te_laat = MijlpaalFactory(initiatief=initiatief, deadline=VANDAAG - datetime.timedelta(days=3))
    MijlpaalFactory(initiatief=initiatief, status=ActieStatus.AFGEROND)
    MijlpaalFactory(initiatief=InitiatiefFactory(eigenaar=pm2))
    assert open_acties_van(pm) == [te_laat, later]
    html = client_voor(pm).get(reverse("mijn_acties")).content.decode()
    assert html.index(te_laat.omschrijving) < html.index(later.omschrijving)
    assert "te laat" in html


@pytest.mark.parametrize("url", ["mijn_acties", "home"])
def test_mijn_acties_and_home_query_count_does_not_grow(client_voor, pm, url):
    client = client_voor(pm)
    thema = ThemaFactory()

    def maak(aantal):
        initiatief = Initiatief.objects.create(thema=thema, naam=f"I{aantal}", eigenaar=pm)
        Mijlpaal.objects.bulk_create(
            Mijlpaal(
                initiatief=initiatief,
                omschrijving=f"m{i}",
                eigenaar=pm,
                deadline=VANDAAG,
                oorspronkelijke_deadline=VANDAAG,
            )
            for i in range(aantal)
        )

    def tel():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url)).status_code == 200
        return len(ctx.captured_queries)

    maak(3)
    # The day's first dashboard moves the counters' peildatum (a missing date row after
    # a transactional test's flush, too): a one-off, not growth.
    tel()
    weinig = tel()
    maak(297)
    assert tel() == weinig

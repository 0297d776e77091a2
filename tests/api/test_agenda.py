"""The personal calendar feed: a secret URL, exactly the person's open deadlines."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from api.models import AgendaSleutel
from douane_portfolio.models import ActieStatus
from tests.audits.factories import VervolgactieFactory
from tests.programmas.factories import (
    InitiatiefFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
)
from tests.risicos.factories import BeheersmaatregelFactory, RisicodialoogFactory


def _feed(client, geheim):
    response = client.get(reverse("api:agenda_feed", args=[geheim]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}


@pytest.fixture
def deadlines(pm, pm2):
    """pm's open deadlines of every kind, and things that must stay out of the feed."""
    periode = PeriodeFactory(indiendeadline=datetime.date(2027, 1, 15))
    te_rapporteren = InitiatiefFactory(eigenaar=pm)
    StatusrapportageFactory(initiatief=InitiatiefFactory(eigenaar=pm), periode=periode)
    InitiatiefFactory(eigenaar=pm, actief=False)
    dialoog = RisicodialoogFactory(datum=datetime.date(2027, 2, 1))
    dialoog.deelnemers.add(pm)
    gehouden = RisicodialoogFactory(status="gehouden")
    gehouden.deelnemers.add(pm)
    open_ = {
        "mijlpaal": MijlpaalFactory(eigenaar=pm, deadline=datetime.date(2027, 3, 1)),
        "maatregel": BeheersmaatregelFactory(eigenaar=pm),
        "vervolgactie": VervolgactieFactory(eigenaar=pm),
    }
    MijlpaalFactory(eigenaar=pm, status=ActieStatus.AFGEROND)
    BeheersmaatregelFactory(eigenaar=pm2)
    return {"periode": periode, "initiatief": te_rapporteren, "dialoog": dialoog, **open_}


def test_the_feed_holds_exactly_the_persons_open_deadlines(client, pm, deadlines):
    geheim = AgendaSleutel.vernieuwen(pm)
    events = _feed(client, geheim)
    periode, initiatief = deadlines["periode"], deadlines["initiatief"]
    assert set(events) == {
        f"programmas-mijlpaal-{deadlines['mijlpaal'].pk}@douane-portfolio",
        f"risicos-beheersmaatregel-{deadlines['maatregel'].pk}@douane-portfolio",
        f"audits-vervolgactie-{deadlines['vervolgactie'].pk}@douane-portfolio",
        f"statusrapportage-{initiatief.pk}-{periode.pk}@douane-portfolio",
        f"risicos-risicodialoog-{deadlines['dialoog'].pk}@douane-portfolio",
    }
    mijlpaal = events[f"programmas-mijlpaal-{deadlines['mijlpaal'].pk}@douane-portfolio"]
    assert mijlpaal["DTSTART"].dt == datetime.date(2027, 3, 1)
    status = events[f"statusrapportage-{initiatief.pk}-{periode.pk}@douane-portfolio"]
    assert status["DTSTART"].dt == datetime.date(2027, 1, 15)


def test_a_moved_deadline_keeps_its_uid_and_a_finished_one_disappears(client, pm, deadlines):
    geheim = AgendaSleutel.vernieuwen(pm)
    mijlpaal = deadlines["mijlpaal"]
    uid = f"programmas-mijlpaal-{mijlpaal.pk}@douane-portfolio"
    voor = _feed(client, geheim)[uid]
    mijlpaal.deadline = datetime.date(2027, 4, 1)
    mijlpaal.versie += 1
    mijlpaal.save()
    na = _feed(client, geheim)[uid]
    assert na["DTSTART"].dt == datetime.date(2027, 4, 1)
    assert na["SEQUENCE"] > voor["SEQUENCE"]
    mijlpaal.status = ActieStatus.AFGEROND
    mijlpaal.save()
    assert uid not in _feed(client, geheim)


def test_the_feed_needs_no_session_and_a_revoked_or_renewed_link_stops(client, pm, deadlines):
    oud = AgendaSleutel.vernieuwen(pm)
    assert "_auth_user_id" not in client.session
    nieuw = AgendaSleutel.vernieuwen(pm)
    assert client.get(reverse("api:agenda_feed", args=[oud])).status_code == 404
    assert client.get(reverse("api:agenda_feed", args=[nieuw])).status_code == 200
    AgendaSleutel.intrekken(pm)
    assert client.get(reverse("api:agenda_feed", args=[nieuw])).status_code == 404
    assert client.get(reverse("api:agenda_feed", args=["geraden"])).status_code == 404


def test_the_link_is_made_and_revoked_on_the_key_page(client_voor, pm, deadlines):
    client = client_voor(pm)
    response = client.post("/accounts/agenda/", {"actie": "vernieuwen"})
    url = response.context["agenda_url"]
    client.logout()
    assert client.get(url).status_code == 200
    client.force_login(pm)
    client.post("/accounts/agenda/", {"actie": "intrekken"})
    client.logout()
    assert client.get(url).status_code == 404

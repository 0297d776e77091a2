"""A person's deadlines as an iCalendar feed, for Outlook, Google and Apple calendars.

Each event's UID names the object, never the date, so a moved deadline moves in the
calendar and a finished one disappears (it is no longer in the feed). The object's
version is the SEQUENCE, so clients take the newest copy.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar, Event

from douane_portfolio.acties import open_acties_van
from programmas.models import Initiatief, Rapportageperiode
from risicos.models import DialoogStatus, Risicodialoog

DOMEIN = "douane-portfolio"


def uid(*delen):
    return "-".join(str(d) for d in delen) + f"@{DOMEIN}"


def _dag(event, datum):
    event.add("dtstart", datum)
    event.add("dtend", datum + datetime.timedelta(days=1))
    # A deadline is not a meeting: it must not block the person's free/busy time.
    event.add("transp", "TRANSPARENT")


def _event(*, uid_, datum, titel, omschrijving="", pad="", sequence=0, nu):
    event = Event()
    event.add("uid", uid_)
    event.add("dtstamp", nu)
    event.add("sequence", sequence)
    event.add("summary", titel)
    if omschrijving:
        event.add("description", omschrijving)
    if pad:
        event.add("url", settings.SITE_URL + pad)
    _dag(event, datum)
    return event


def deadlines_van(user):
    """[(uid, date, title, description, path, sequence)] of `user`'s open deadlines."""
    items = []
    for actie in open_acties_van(user):
        meta = actie._meta
        items.append(
            (
                uid(meta.app_label, meta.model_name, actie.pk),
                actie.deadline,
                f"{str(actie.soort()).capitalize()}: {actie}",
                actie.context,
                actie.get_absolute_url(),
                actie.versie,
            )
        )
    periode = Rapportageperiode.objects.open().first()
    if (
        periode is not None
        and periode.indiendeadline
        and user.has_perm("programmas.add_statusrapportage")
    ):
        nog_te_doen = (
            Initiatief.objects.actief().van(user).zonder_rapportage_in(periode).order_by("pk")
        )
        for initiatief in nog_te_doen:
            items.append(
                (
                    uid("statusrapportage", initiatief.pk, periode.pk),
                    periode.indiendeadline,
                    f"Status indienen: {initiatief} ({periode})",
                    "De rapportageronde sluit; dien de status van dit initiatief in.",
                    initiatief.get_absolute_url(),
                    periode.versie,
                )
            )
    dialogen = (
        Risicodialoog.objects.filter(Q(deelnemers=user) | Q(voorzitter=user))
        .filter(status=DialoogStatus.GEPLAND)
        .distinct()
        .order_by("datum", "pk")
    )
    for dialoog in dialogen:
        items.append(
            (
                uid("risicos", "risicodialoog", dialoog.pk),
                dialoog.datum,
                f"Risicodialoog: {dialoog}",
                dialoog.get_niveau_display(),
                dialoog.get_absolute_url(),
                dialoog.versie,
            )
        )
    return items


def agenda_van(user):
    """The feed as bytes."""
    nu = timezone.now()
    cal = Calendar()
    cal.add("prodid", "-//Douane//Portfolio//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Deadlines Douane Portfolio – {user}")
    # Calendar clients poll; an hour is what Outlook and Google take at best anyway.
    cal.add("x-published-ttl", "PT1H")
    for uid_, datum, titel, omschrijving, pad, sequence in deadlines_van(user):
        cal.add_component(
            _event(
                uid_=uid_,
                datum=datum,
                titel=titel,
                omschrijving=omschrijving,
                pad=pad,
                sequence=sequence,
                nu=nu,
            )
        )
    return cal.to_ical()

"""Reminders: owners hear of due and overdue actions, exactly once, with escalation.

The rules, for every subject with an owner and a deadline (each kind of `Actie`, found
through Django's app registry, and what apps add through `herinnering_bronnen` in their
AppConfig, such as a missing status report):

- before the deadline, a reminder HERINNERINGEN_VOORAF days ahead (14 and 3);
- after it, one the day after and then one a week while it stays open;
- HERINNERINGEN_ESCALATIE_NA days overdue (14), once per deadline, to the person above
  the owner (`Actie.escalatie_kandidaten()`) or else to its role (`Actie.escalatie_rol`).

Each reminder belongs to a period ("2026-12-31/3d", "2026-12-31/week-2", "2026-12-31");
a run sends the period due today, so a day without a run is caught up the next day and a
moved deadline starts afresh. Everything for one person in one run goes out as one mail.

Exactly once. Three tables and three steps:

1. Vastleggen (record). In one transaction the run inserts a `Herinnering` per reminder
   due (INSERT ... ON CONFLICT DO NOTHING against the unique constraint on action, kind
   and period) and a `Bezorging` (delivery, without `verzending`) per recipient of the
   rows it inserted itself. A second run, a second worker or a second beat inserts nothing:
   the database, not timing, refuses the duplicate.
2. Claimen (claim). Per person, in one transaction: create a `Verzending` (status bezig,
   geclaimd_op now), `UPDATE bezorging SET verzending = it WHERE ontvanger = person AND
   verzending IS NULL`, and render the mail into the `Verzending`. Only one worker can
   move a delivery off NULL; a worker that moved none rolls back and moves on.
3. Versturen (send), after that commit; then status verzonden. On an error: mislukt.

A crash after a claim leaves a `Verzending` bezig (or mislukt). Once its claim is older
than HERINNERINGEN_CLAIM_MINUTEN, a later run takes it over with a conditional UPDATE and
sends the same stored mail again, with the same Message-ID, up to MAX_POGINGEN times. So
no reminder is lost for good, and two workers never send one. The one gap no database can
close is a crash between the mail server accepting a mail and our UPDATE to verzonden:
that mail goes out twice, and mail clients that know its Message-ID show it once.
"""

import functools
import logging
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from .acties import actie_modellen
from .models import (
    Bezorging,
    Herinnering,
    Herinneringsfrequentie,
    HerinneringSoort,
    Verzending,
    VerzendingStatus,
)

logger = logging.getLogger(__name__)

MAX_POGINGEN = 5
WEEKDAGEN = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]


@dataclass
class Onderwerp:
    """What a reminder is about: an action, or anything else with an owner and a deadline."""

    content_type_id: int
    object_id: int
    soortnaam: str
    omschrijving: str
    context: str
    deadline: date
    pad: str
    eigenaar: object
    escalatie_kandidaten: list
    escalatie_rol: str
    # Prefix of the period for subjects that come back, such as a report per round.
    reeks: str = ""


@dataclass
class Gepland:
    """A reminder due today and not yet in the ledger, with the people it goes to."""

    onderwerp: Onderwerp
    soort: str
    periode: str
    ontvangers: list
    datum: date

    @property
    def sleutel(self):
        o = self.onderwerp
        return (o.content_type_id, o.object_id, self.soort, self.periode)

    def herinnering(self, run):
        o = self.onderwerp
        return Herinnering(
            content_type_id=o.content_type_id,
            object_id=o.object_id,
            soort=self.soort,
            periode=self.periode,
            datum=self.datum,
            deadline=o.deadline,
            soortnaam=o.soortnaam,
            omschrijving=o.omschrijving,
            context=o.context[:300],
            url=settings.SITE_URL + o.pad,
            eigenaar=o.eigenaar,
            run=run,
        )


@dataclass
class Uitslag:
    """What a run sent (or, in a dry run, would send)."""

    geplande: list = field(default_factory=list)
    verzendingen: list = field(default_factory=list)
    achtergebleven: int = 0


def herinneringen_versturen(*, op=None, proefdraai=False):
    """The sweep: record the reminders due on `op` and send every open one, per person.

    With `proefdraai` nothing is written or sent; the result says what would be.
    """
    op = op or timezone.localdate()
    geplande = herinneringen_bepalen(op=op)
    if proefdraai:
        open_ = Bezorging.objects.filter(verzending__isnull=True).count()
        return Uitslag(geplande=geplande, achtergebleven=open_)
    herinneringen_vastleggen(geplande, op=op)
    uitslag = Uitslag(geplande=geplande)
    uitslag.verzendingen = herinneringen_bezorgen()
    logger.info(
        "Herinneringen %s: %d nieuw, %d e-mails verstuurd.",
        op,
        len(geplande),
        sum(v.status == VerzendingStatus.VERZONDEN for v in uitslag.verzendingen),
    )
    return uitslag


# --- Which reminders are due ---------------------------------------------------------


def verschuldigd(deadline, op, *, reeks=""):
    """(kind, period) of each reminder due on `op` for `deadline`.

    Only today's period of each kind: a reminder missed on its day goes out the next
    run, and one overtaken by the next (the 3-day one, the next week) is skipped.
    """
    prefix = f"{reeks}/" if reeks else ""
    dagen = (op - deadline).days
    if dagen <= 0:
        drempels = [d for d in settings.HERINNERINGEN_VOORAF if d >= -dagen]
        if drempels:
            yield HerinneringSoort.BINNENKORT, f"{prefix}{deadline}/{min(drempels)}d"
        return
    yield HerinneringSoort.TE_LAAT, f"{prefix}{deadline}/week-{(dagen - 1) // 7 + 1}"
    if dagen >= settings.HERINNERINGEN_ESCALATIE_NA:
        yield HerinneringSoort.ESCALATIE, f"{prefix}{deadline}"


def onderwerpen(tot):
    """Every open subject with a deadline up to `tot`: one query per kind of action,
    plus what each app's `herinnering_bronnen` add."""
    modellen = actie_modellen()
    soorten = ContentType.objects.get_for_models(*modellen)
    for model in modellen:
        qs = (
            model.objects.open()
            .filter(deadline__lte=tot)
            .select_related(
                "eigenaar__manager",
                *model.context_select_related,
                *model.escalatie_select_related,
            )
            .prefetch_related(*model.context_prefetch_related)
            .order_by()
        )
        for actie in qs:
            yield Onderwerp(
                content_type_id=soorten[model].pk,
                object_id=actie.pk,
                soortnaam=str(model._meta.verbose_name),
                omschrijving=str(actie),
                context=str(actie.context or ""),
                deadline=actie.deadline,
                pad=actie.get_absolute_url(),
                eigenaar=actie.eigenaar,
                escalatie_kandidaten=actie.escalatie_kandidaten(),
                escalatie_rol=model.escalatie_rol,
            )
    for config in apps.get_app_configs():
        for pad in getattr(config, "herinnering_bronnen", ()):
            yield from import_string(pad)(tot)


def _bereikbaar(user, behalve=None):
    return (
        user is not None
        and user.is_active
        and bool(user.email)
        and (behalve is None or user.pk != behalve.pk)
    )


def ontvangers(onderwerp, soort, rolhouders):
    eigenaar = onderwerp.eigenaar
    if soort != HerinneringSoort.ESCALATIE:
        return [eigenaar] if _bereikbaar(eigenaar) else []
    for kandidaat in onderwerp.escalatie_kandidaten:
        if _bereikbaar(kandidaat, behalve=eigenaar):
            return [kandidaat]
    return [u for u in rolhouders(onderwerp.escalatie_rol) if u.pk != eigenaar.pk]


def herinneringen_bepalen(*, op):
    """The reminders due on `op` that the ledger does not hold yet."""
    tot = op + timedelta(days=max(settings.HERINNERINGEN_VOORAF, default=0))
    weekoverzicht = op.isoweekday() == settings.HERINNERINGEN_WEEKDAG

    @functools.cache
    def rolhouders(rol):
        """Active holders of a role, read once per run."""
        gebruikers = get_user_model().objects.filter(is_active=True, groups__name=rol)
        return list(gebruikers.exclude(email="").order_by("pk"))

    kandidaten = []
    for onderwerp in onderwerpen(tot):
        for soort, periode in verschuldigd(onderwerp.deadline, op, reeks=onderwerp.reeks):
            if (
                soort == HerinneringSoort.BINNENKORT
                and onderwerp.eigenaar.herinneringsfrequentie == Herinneringsfrequentie.WEKELIJKS
                and not weekoverzicht
            ):
                continue
            naar = ontvangers(onderwerp, soort, rolhouders)
            if not naar:
                logger.warning(
                    "Herinnering %s over %s %s heeft geen ontvanger (actief, met e-mailadres).",
                    soort,
                    onderwerp.soortnaam,
                    onderwerp.object_id,
                )
                continue
            kandidaten.append(Gepland(onderwerp, soort, periode, naar, op))
    bekend = _in_grootboek(kandidaten)
    return [g for g in kandidaten if g.sleutel not in bekend]


def _in_grootboek(geplande):
    """Keys of these reminders already in the ledger, in a few queries whatever their number."""
    soorten = {g.onderwerp.content_type_id for g in geplande}
    periodes = sorted({g.periode for g in geplande})
    bekend = set()
    # Deadlines cluster, so there are far fewer periods than actions; batches keep
    # SQLite under its limit of query parameters.
    for i in range(0, len(periodes), 500):
        deel = periodes[i : i + 500]
        bekend.update(
            Herinnering.objects.filter(content_type_id__in=soorten, periode__in=deel)
            .order_by()
            .values_list("content_type_id", "object_id", "soort", "periode")
        )
    return bekend


# --- Recording, claiming, sending ----------------------------------------------------


@transaction.atomic
def herinneringen_vastleggen(geplande, *, op):
    """Insert the ledger rows and, for the rows this run inserted, their deliveries."""
    if not geplande:
        return []
    run = uuid.uuid4()
    Herinnering.objects.bulk_create(
        [g.herinnering(run) for g in geplande], ignore_conflicts=True, batch_size=500
    )
    # Rows a rival run inserted first are its to deliver; ours carry our run id.
    eigen = {h.sleutel: h for h in Herinnering.objects.filter(run=run)}
    Bezorging.objects.bulk_create(
        [
            Bezorging(herinnering=eigen[g.sleutel], ontvanger=ontvanger)
            for g in geplande
            if g.sleutel in eigen
            for ontvanger in g.ontvangers
        ],
        batch_size=500,
    )
    return list(eigen.values())


def herinneringen_bezorgen():
    """Send what earlier runs left behind, then one mail per person with open deliveries."""
    verzendingen = []
    for verzending in _achtergebleven_overnemen():
        verzendingen.append(_versturen(verzending))
    open_ = Bezorging.objects.filter(verzending__isnull=True).values("ontvanger")
    personen = get_user_model().objects.filter(pk__in=open_).order_by("pk")
    for persoon in personen:
        verzending = _claimen(persoon)
        if verzending is not None:
            verzendingen.append(_versturen(verzending))
    return verzendingen


def _achtergebleven_overnemen():
    """Mails whose worker crashed or failed: take over those whose claim has expired."""
    nu = timezone.now()
    grens = nu - timedelta(minutes=settings.HERINNERINGEN_CLAIM_MINUTEN)
    achtergebleven = Verzending.objects.filter(
        status__in=[VerzendingStatus.BEZIG, VerzendingStatus.MISLUKT],
        geclaimd_op__lt=grens,
        pogingen__lt=MAX_POGINGEN,
    ).select_related("ontvanger")
    overgenomen = []
    for verzending in achtergebleven:
        # Conditional: of two runs that find it, only one moves geclaimd_op on.
        genomen = Verzending.objects.filter(
            pk=verzending.pk, status=verzending.status, geclaimd_op=verzending.geclaimd_op
        ).update(status=VerzendingStatus.BEZIG, geclaimd_op=nu, pogingen=F("pogingen") + 1)
        if genomen:
            logger.warning("Herinneringsmail %s wordt opnieuw verstuurd.", verzending.pk)
            verzending.herinneringen = list(
                Herinnering.objects.filter(bezorgingen__verzending=verzending)
            )
            overgenomen.append(verzending)
    return overgenomen


def _claimen(persoon):
    """Claim every open delivery of `persoon` into one new, rendered Verzending."""
    with transaction.atomic():
        verzending = Verzending.objects.create(
            ontvanger=persoon,
            adres=persoon.email,
            geclaimd_op=timezone.now(),
            message_id=make_msgid("herinnering", domain=_domein()),
        )
        geclaimd = Bezorging.objects.filter(ontvanger=persoon, verzending__isnull=True).update(
            verzending=verzending
        )
        if not geclaimd:
            # Another worker claimed them between our query and this update.
            transaction.set_rollback(True)
            return None
        herinneringen = list(
            Herinnering.objects.filter(bezorgingen__verzending=verzending).select_related(
                "eigenaar"
            )
        )
        verzending.onderwerp, verzending.tekst, verzending.html = mail_opstellen(
            persoon, herinneringen
        )
        verzending.save(update_fields=["onderwerp", "tekst", "html"])
    verzending.herinneringen = herinneringen
    return verzending


def _versturen(verzending):
    bericht = EmailMultiAlternatives(
        verzending.onderwerp,
        verzending.tekst,
        to=[verzending.adres],
        headers={"Message-ID": verzending.message_id},
    )
    bericht.attach_alternative(verzending.html, "text/html")
    try:
        bericht.send()
    except Exception as fout:
        logger.exception("Herinneringsmail %s aan %s mislukt.", verzending.pk, verzending.adres)
        verzending.status, verzending.fout = VerzendingStatus.MISLUKT, str(fout)[:2000]
        Verzending.objects.filter(pk=verzending.pk).update(
            status=verzending.status, fout=verzending.fout
        )
        return verzending
    verzending.status, verzending.verzonden_op = VerzendingStatus.VERZONDEN, timezone.now()
    Verzending.objects.filter(pk=verzending.pk).update(
        status=verzending.status, verzonden_op=verzending.verzonden_op, fout=""
    )
    return verzending


def _domein():
    return urlsplit(settings.SITE_URL).hostname or "localhost"


# --- The mail -------------------------------------------------------------------------


def indelen(herinneringen):
    """(te laat, binnenkort, escalaties per eigenaar) in reading order."""
    te_laat = sorted(
        (h for h in herinneringen if h.soort == HerinneringSoort.TE_LAAT),
        key=lambda h: (h.deadline, h.omschrijving),
    )
    binnenkort = sorted(
        (h for h in herinneringen if h.soort == HerinneringSoort.BINNENKORT),
        key=lambda h: (h.deadline, h.omschrijving),
    )
    per_eigenaar = defaultdict(list)
    for h in herinneringen:
        if h.soort == HerinneringSoort.ESCALATIE:
            per_eigenaar[str(h.eigenaar or "onbekend")].append(h)
    escalaties = [
        (eigenaar, sorted(lijst, key=lambda h: (h.deadline, h.omschrijving)))
        for eigenaar, lijst in sorted(per_eigenaar.items())
    ]
    return te_laat, binnenkort, escalaties


def mail_opstellen(persoon, herinneringen):
    """(subject, text, HTML) of the digest for `persoon`."""
    te_laat, binnenkort, escalaties = indelen(herinneringen)
    aantal_escalaties = sum(len(lijst) for _, lijst in escalaties)
    context = {
        "ontvanger": persoon,
        "te_laat": te_laat,
        "binnenkort": binnenkort,
        "escalaties": escalaties,
        "aantal_escalaties": aantal_escalaties,
        "escalatie_na": settings.HERINNERINGEN_ESCALATIE_NA,
        "wekelijks": persoon.herinneringsfrequentie == Herinneringsfrequentie.WEKELIJKS,
        "weekdag": WEEKDAGEN[(settings.HERINNERINGEN_WEEKDAG - 1) % 7],
        "voorkeur_url": settings.SITE_URL + reverse("mijn_herinneringen"),
    }
    # A worker has no request, so no active language: the mail is Dutch regardless.
    with translation.override(settings.LANGUAGE_CODE):
        onderwerp = render_to_string("emails/herinneringen-onderwerp.txt", context)
        tekst = render_to_string("emails/herinneringen-tekst.txt", context)
        html = render_to_string("emails/herinneringen.html", context)
    # Template tags leave blank lines behind; a plain-text mail reads better without.
    tekst = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", tekst)).strip() + "\n"
    return " ".join(onderwerp.split()), tekst, html

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

Exactly once. Three tables and four steps:

1. Vastleggen (record). In one transaction the run inserts a `Herinnering` per reminder
   due (INSERT ... ON CONFLICT DO NOTHING against the unique constraint on action, kind
   and period) and a `Bezorging` (delivery, without `verzending`) per recipient of the
   rows it inserted itself. A second run, a second worker or a second beat inserts nothing:
   the database, not timing, refuses the duplicate.

   Then the sweep splits the people with work (open deliveries, or a mail due) into batches
   of HERINNERINGEN_PER_TAAK and hands each to a Celery task (without a worker: runs it
   inline), which does steps 2 to 4 for its people; a batch run twice does them once.

2. Opstellen (compose). For the whole batch, in one transaction: create a `Verzending`
   (status wacht, due now) per person, move each person's open deliveries into theirs in
   one `UPDATE bezorging SET verzending = CASE ontvanger ... WHERE verzending IS NULL`,
   read what each digest shows in one query, and store the rendered mails. Only one run
   moves a delivery off NULL; a run that finds a person's deliveries taken by a rival
   rolls back and starts again without them.
3. Claimen (claim): one conditional UPDATE sets a new fencing token (`claim`) on those
   of the batch's mails that are due (waiting, or failed and past `volgende_poging`, or
   held by a claim older than HERINNERINGEN_CLAIM_MINUTEN). Of two runs only one
   changes a row. The run renews its claim on the mails it has not sent yet whenever
   the next send could otherwise outlast it.
4. Versturen (send), over one connection to the mail server; each outcome is recorded
   right after its send, only on a row that still carries the token: verzonden, or
   mislukt with the next attempt after a backoff (5, 10, 20 … minutes, at most 4 hours).

Nothing is given up: a failing mail is retried until it is sent or a Beheerder cancels
it; from HERINNERINGEN_WAARSCHUWEN_NA attempts the Beheerder is warned. Two gaps remain,
both stated in the README: a crash between the mail server accepting a mail and our
UPDATE to verzonden (that one mail goes again, with the same Message-ID), and a single
send that outlasts the claim (the system check below keeps the claim far longer).
"""

import contextlib
import functools
import logging
import re
import time
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
from django.core import checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection, send_mail
from django.db import DatabaseError, connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Concat, RowNumber
from django.db.models.lookups import LessThanOrEqual
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from douane_portfolio.acties import Onderwerp, actie_modellen
from douane_portfolio.models import Herinneringsfrequentie
from douane_portfolio.rules import is_beheerder
from douane_portfolio.transacties import opnieuw_bij_conflict, schrijftransactie

from .models import Bezorging, Herinnering, HerinneringSoort, Verzending, VerzendingStatus

logger = logging.getLogger(__name__)

MAX_WACHTTIJD = timedelta(hours=4)
WEEKDAGEN = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]


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
    """What a run did (or, in a dry run, would do): counts of what happened."""

    op: date
    geplande: list = field(default_factory=list)  # dry run only: what would be recorded
    gepland: int = 0  # reminders found due and not yet in the ledger
    vastgelegd: int = 0  # ledger rows this run inserted
    opgesteld: int = 0  # new mails this run composed
    verzendingen: list = field(default_factory=list)  # mails this run claimed and tried
    wachtend: int = 0  # unsent mails after the run, to be retried
    achtergebleven: int = 0  # dry run: deliveries recorded earlier, not yet in a mail
    delen: int = 0  # batches of recipients this run sent or queued

    @property
    def verzonden(self):
        return [v for v in self.verzendingen if v.status == VerzendingStatus.VERZONDEN]

    @property
    def mislukt(self):
        return [v for v in self.verzendingen if v.status != VerzendingStatus.VERZONDEN]


class HerinneringenMislukt(Exception):
    """Some mails of a run could not be sent; they wait for their next attempt."""


def herinneringsdag(nu=None):
    """The reminder day at `nu`: it begins at HERINNERINGEN_VANAF, local time, so runs
    in the night still belong to the day before and mail nobody at midnight."""
    uur, minuut = (int(deel) for deel in settings.HERINNERINGEN_VANAF.split(":"))
    return (timezone.localtime(nu) - timedelta(hours=uur, minutes=minuut)).date()


def herinneringen_versturen(*, op=None, proefdraai=False, inplannen=None):
    """The sweep: record the reminders due on `op`, then compose and send every mail that
    is due, in batches of HERINNERINGEN_PER_TAAK recipients.

    `inplannen(ontvangers)` hands a batch to a worker (the Celery task queues one task
    per batch); without it each batch runs here, one after the other, so the management
    command and an eager task send the same mails. Idempotent, so it runs every quarter
    of an hour: a lost run or batch is made up by the next. With `proefdraai` nothing is
    written or sent; the result says what would be.
    """
    op = op or herinneringsdag()
    if proefdraai:
        open_ = Bezorging.objects.filter(verzending__isnull=True).count()
        with zonder_jit():
            geplande = herinneringen_bepalen(op=op)
        return Uitslag(op=op, geplande=geplande, achtergebleven=open_)
    uitslag = Uitslag(op=op)
    # Batch by batch: each is recorded (and committed) before the next is read.
    with zonder_jit():
        for deel in geplande_delen(op=op):
            uitslag.gepland += len(deel)
            uitslag.vastgelegd += len(herinneringen_vastleggen(deel, op=op))
    for ontvangers in ontvangers_aan_de_beurt():
        uitslag.delen += 1
        if inplannen is not None:
            # After commit: a caller's transaction must not hide the batch from its worker.
            transaction.on_commit(functools.partial(inplannen, ontvangers))
            continue
        deel = herinneringen_deel_versturen(ontvangers=ontvangers)
        uitslag.opgesteld += deel.opgesteld
        uitslag.verzendingen += deel.verzendingen
    if inplannen is not None:
        logger.info(
            "Herinneringen %s: %d vastgelegd; %d deel/delen ingepland.",
            op,
            uitslag.vastgelegd,
            uitslag.delen,
        )
        return uitslag
    uitslag.wachtend = Verzending.objects.onverzonden().count()
    logger.log(
        logging.WARNING if uitslag.mislukt else logging.INFO,
        "Herinneringen %s: %d vastgelegd, %d e-mail(s) opgesteld, %d geclaimd, "
        "%d verstuurd, %d mislukt; %d wachten op een volgende poging.",
        op,
        uitslag.vastgelegd,
        uitslag.opgesteld,
        len(uitslag.verzendingen),
        len(uitslag.verzonden),
        len(uitslag.mislukt),
        uitslag.wachtend,
    )
    return uitslag


def ontvangers_aan_de_beurt(nu=None):
    """Ids of the people with deliveries not yet in a mail or a mail due for an attempt,
    in lists of HERINNERINGEN_PER_TAAK: one batch (task) each. Only ids are held."""
    nu = nu or timezone.now()
    open_ = Bezorging.objects.filter(verzending__isnull=True).values("ontvanger")
    te_versturen = Verzending.objects.aan_de_beurt(nu).values("ontvanger")
    ids = (
        get_user_model()
        .objects.filter(Q(pk__in=open_) | Q(pk__in=te_versturen))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    deel = []
    for pk in ids.iterator(chunk_size=2000):
        deel.append(pk)
        if len(deel) >= settings.HERINNERINGEN_PER_TAAK:
            yield deel
            deel = []
    if deel:
        yield deel


def herinneringen_deel_versturen(*, ontvangers):
    """One batch of the sweep: compose the new mail of each of `ontvangers` and send
    their mails that are due. Safe to run twice (a redelivered task, a rival sweep's
    batch): composing moves a delivery off NULL once, and claiming fences each send."""
    uitslag = Uitslag(op=None)
    with zonder_jit():
        uitslag.opgesteld = herinneringen_opstellen(ontvangers=ontvangers)
        uitslag.verzendingen = herinneringen_bezorgen(ontvangers=ontvangers)
    return uitslag


@contextlib.contextmanager
def zonder_jit():
    """PostgreSQL's JIT compiler off for this connection while the sweep runs: the
    anti-joins' estimated cost sets it off, and it then spends seconds compiling to
    save milliseconds (scale 0.1: 15 s for the three of them instead of 0.5 s)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        # In a transaction that failed, its rollback undoes the SET all the same.
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET jit")


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


class DatumTekst(Func):
    """A date as Python's `str(date)` writes it ('2026-12-03'), as periods begin."""

    # Through timestamp, not timestamptz: the session's time zone has no say.
    template = "to_char((%(expressions)s)::timestamp, 'YYYY-MM-DD')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite keeps a date as exactly that text.
        return compiler.compile(self.source_expressions[0])


class DagenTussen(Func):
    """Whole days from the first date to the second (second minus first)."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        (van, van_params), (tot, tot_params) = self._delen(compiler)
        return f"(({tot})::date - ({van})::date)", [*tot_params, *van_params]

    def as_sqlite(self, compiler, connection, **extra_context):
        (van, van_params), (tot, tot_params) = self._delen(compiler)
        return f"CAST(julianday({tot}) - julianday({van}) AS INTEGER)", [*tot_params, *van_params]

    def _delen(self, compiler):
        return [compiler.compile(e) for e in self.source_expressions]


def _periode(soort, op, deadline):
    """SQL for the period of `soort` due on `op` for the date `deadline` (an
    expression): what `verschuldigd` writes, so that the ledger is asked for one key."""
    datum = DatumTekst(deadline)
    if soort == HerinneringSoort.ESCALATIE:
        return datum
    if soort == HerinneringSoort.TE_LAAT:
        week = (DagenTussen(deadline, Value(op)) - 1) / 7 + 1
        return Concat(datum, Value("/week-"), Cast(week, CharField()))
    nog = DagenTussen(Value(op), deadline)
    drempel = Case(
        *(
            When(LessThanOrEqual(nog, dagen), then=Value(f"/{dagen}d"))
            for dagen in sorted(settings.HERINNERINGEN_VOORAF)
        )
    )
    return Concat(datum, drempel)


def in_grootboek(soort_id, object_id, soort, op, deadline):
    """The ledger row of the reminder of `soort` due on `op` about the action with this
    content type, id and deadline (the last two may be expressions): one key."""
    return Herinnering.objects.filter(
        content_type_id=soort_id,
        object_id=object_id,
        soort=soort,
        periode=_periode(soort, op, deadline),
    )


def _open_niet_vastgelegd(model, soort_id, op, tot):
    """The open actions of `model` with a reminder due on `op` (deadline up to `tot`)
    that the ledger lacks, as querysets of ids: NOT EXISTS against the ledger's unique
    key, with the period computed from each row's deadline, so one index probe per
    action and kind whatever the size of the ledger, and nothing of the ledger is loaded.

    Two of them, the overdue and the upcoming: the overdue (most open actions) need
    only id and deadline, which the partial index on open actions holds, so a sweep
    with nothing to send reads that index and not the table (an OR with the upcoming,
    which need the owner's preference, made PostgreSQL read every open row from disk).
    Each row carries its deadline and a `heeft_<soort>` per kind that it asked about.
    """
    te_laat = Q(deadline__lt=op)
    delen = [
        (
            model.objects.open().filter(te_laat),
            {
                HerinneringSoort.TE_LAAT: Q(),
                HerinneringSoort.ESCALATIE: Q(
                    deadline__lte=op - timedelta(days=settings.HERINNERINGEN_ESCALATIE_NA)
                ),
            },
        )
    ]
    if settings.HERINNERINGEN_VOORAF:
        binnenkort = model.objects.open().filter(deadline__gte=op, deadline__lte=tot)
        if op.isoweekday() != settings.HERINNERINGEN_WEEKDAG:
            # Owners who take these weekly get them on HERINNERINGEN_WEEKDAG only.
            binnenkort = binnenkort.exclude(
                eigenaar__herinneringsfrequentie=Herinneringsfrequentie.WEKELIJKS
            )
        # Never true here (the rows end at `tot`), but an OR keeps the NOT EXISTS a probe
        # per row: alone, PostgreSQL makes it an anti-join, and with the ledger's
        # statistics from before a large first run (one row) a nested loop that compares
        # every upcoming action with every such reminder.
        delen.append((binnenkort, {HerinneringSoort.BINNENKORT: Q(), None: Q(deadline__gt=tot)}))
    for qs, due in delen:
        wie = Q()
        for soort, wanneer in due.items():
            if soort is None:
                wie |= wanneer
                continue
            vastgelegd = in_grootboek(soort_id, OuterRef("pk"), soort, op, OuterRef("deadline"))
            qs = qs.annotate(**{f"heeft_{soort}": Exists(vastgelegd)})
            wie |= wanneer & Q(**{f"heeft_{soort}": False})
        soorten = [soort for soort in due if soort is not None]
        velden = ("pk", "deadline", *(f"heeft_{soort}" for soort in soorten))
        yield qs.filter(wie).order_by().values_list(*velden), soorten


def niet_vastgelegd(op, tot):
    """(model, queryset, kinds) for each kind of action and part (overdue, upcoming):
    rows of (id, deadline, heeft_<soort> for each of the kinds) of its open actions with
    a reminder due on `op` (deadline up to `tot`) that the ledger lacks. The sweep's
    whole database work of finding what is due: two queries per kind of action."""
    modellen = actie_modellen()
    soorten = ContentType.objects.get_for_models(*modellen)
    for model in modellen:
        for qs, soortnamen in _open_niet_vastgelegd(model, soorten[model].pk, op, tot):
            yield model, qs, soortnamen


def onderwerpen(op, tot):
    """(kinds missing from the ledger, subject) for every open subject with a reminder
    due on `op` (deadline up to `tot`) that the ledger lacks: a few queries per kind of
    action, whatever their number, read in batches (the ids first, then per batch the
    actions with what the mail shows). What each app's `herinnering_bronnen` add comes
    with None: the ledger is still to be asked."""
    soorten = ContentType.objects.get_for_models(*actie_modellen())
    for model, qs, soortnamen in niet_vastgelegd(op, tot):
        volledig = (
            model.objects.open()
            .select_related(
                "eigenaar__manager",
                *model.context_select_related,
                *model.escalatie_select_related,
            )
            .prefetch_related(*model.context_prefetch_related)
        )
        for stuk in _in_stukken(qs.iterator(chunk_size=settings.HERINNERINGEN_BATCH)):
            acties = volledig.in_bulk([rij[0] for rij in stuk])
            for pk, deadline, *heeft in stuk:
                actie = acties.get(pk)
                if actie is None or actie.deadline != deadline:
                    # Closed or moved since the ledger was asked: the next run sees it.
                    continue
                ontbrekend = {soort for soort, h in zip(soortnamen, heeft, strict=True) if not h}
                yield (
                    ontbrekend,
                    Onderwerp(
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
                    ),
                )
    # What the apps add is small (a report per initiative); the ledger is asked later.
    for config in apps.get_app_configs():
        for pad in getattr(config, "herinnering_bronnen", ()):
            for onderwerp in import_string(pad)(tot):
                yield None, onderwerp


def _in_stukken(rijen):
    stuk = []
    for rij in rijen:
        stuk.append(rij)
        if len(stuk) >= settings.HERINNERINGEN_BATCH:
            yield stuk
            stuk = []
    if stuk:
        yield stuk


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
    """The reminders due on `op` that the ledger does not hold yet, as a list."""
    return [g for deel in geplande_delen(op=op) for g in deel]


def geplande_delen(*, op):
    """The reminders due on `op` that the ledger does not hold yet, in batches of about
    HERINNERINGEN_BATCH, so the sweep never holds all of them at once."""
    tot = op + timedelta(days=max(settings.HERINNERINGEN_VOORAF, default=0))
    weekoverzicht = op.isoweekday() == settings.HERINNERINGEN_WEEKDAG

    @functools.cache
    def rolhouders(rol):
        """Active holders of a role, read once per run."""
        gebruikers = get_user_model().objects.filter(is_active=True, groups__name=rol)
        return list(gebruikers.exclude(email="").order_by("pk"))

    kandidaten, onbekend = [], []
    for ontbrekend, onderwerp in onderwerpen(op, tot):
        for soort, periode in verschuldigd(onderwerp.deadline, op, reeks=onderwerp.reeks):
            if ontbrekend is not None and soort not in ontbrekend:
                continue
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
            gepland = Gepland(onderwerp, soort, periode, naar, op)
            (kandidaten if ontbrekend is not None else onbekend).append(gepland)
        if len(onbekend) >= settings.HERINNERINGEN_BATCH:
            # Asked batch by batch too: an app may add a subject per initiative.
            bekend = _in_grootboek(onbekend)
            kandidaten += [g for g in onbekend if g.sleutel not in bekend]
            onbekend = []
        if len(kandidaten) >= settings.HERINNERINGEN_BATCH:
            yield kandidaten
            kandidaten = []
    if onbekend:
        bekend = _in_grootboek(onbekend)
        kandidaten += [g for g in onbekend if g.sleutel not in bekend]
    if kandidaten:
        yield kandidaten


def _in_grootboek(geplande):
    """Keys of these reminders already in the ledger, in a few queries whatever their number."""
    soorten = {g.onderwerp.content_type_id for g in geplande}
    periodes = sorted({g.periode for g in geplande})
    bekend = set()
    # Subjects of the apps' sources share a few periods (one round); batches keep
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


@schrijftransactie
def herinneringen_vastleggen(geplande, *, op):
    """Insert the ledger rows of one batch and, for the rows this run inserted, their
    deliveries; returns the rows inserted."""
    if not geplande:
        return []
    # One id per batch, so each batch finds back only its own rows.
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


def herinneringen_opstellen(*, ontvangers):
    """One new, rendered mail for each of `ontvangers` (a list of ids) with deliveries
    not yet in a mail; returns how many. Six queries for the batch, whatever its size."""
    while True:
        opgesteld = _opstellen(ontvangers)
        if opgesteld is not None:
            return opgesteld


@opnieuw_bij_conflict
def _opstellen(ontvangers):
    """One try of `herinneringen_opstellen`; None when a rival run took some of the
    deliveries first, so that nothing was written and the caller tries again."""
    open_ = Bezorging.objects.filter(ontvanger__in=ontvangers, verzending__isnull=True)
    personen = {p.pk: p for p in get_user_model().objects.filter(pk__in=open_.values("ontvanger"))}
    if not personen:
        return 0
    nu = timezone.now()
    with transaction.atomic():
        verzendingen = Verzending.objects.bulk_create(
            Verzending(
                ontvanger=persoon,
                adres=persoon.email,
                volgende_poging=nu,
                message_id=make_msgid("herinnering", domain=_domein()),
            )
            for persoon in personen.values()
        )
        # Only one run moves a delivery off NULL: where a rival's UPDATE got there
        # first, ours waits for it to commit and then skips those rows.
        Bezorging.objects.filter(ontvanger__in=personen, verzending__isnull=True).update(
            verzending=Case(*(When(ontvanger=v.ontvanger_id, then=v.pk) for v in verzendingen))
        )
        inhoud = inhoud_van(verzendingen)
        if len(inhoud) < len(verzendingen):
            # Those people's mails were composed by the rival: start again without them.
            transaction.set_rollback(True)
            return None
        deel, omvang = [], 0
        for verzending in verzendingen:
            # Popped: each mail's reminders are let go once it is written.
            verzending.onderwerp, verzending.tekst, verzending.html = mail_opstellen(
                personen[verzending.ontvanger_id], *inhoud.pop(verzending.pk)
            )
            deel.append(verzending)
            omvang += len(verzending.tekst) + len(verzending.html)
            if omvang >= OPSLAAN_PER_UPDATE:
                _opslaan(deel)
                deel, omvang = [], 0
        _opslaan(deel)
        Verzending.history.bulk_history_create(verzendingen)
    return len(verzendingen)


# Mail text per UPDATE, in characters. The statement holds several copies of what it
# writes (the quoted values, the query, the driver's buffer): one UPDATE for a batch of
# 100 large digests was the peak of the whole sweep. Small mails still go in one.
OPSLAAN_PER_UPDATE = 1_000_000


def _opslaan(verzendingen):
    """Store these composed mails in one UPDATE, then let go of their bodies here."""
    if not verzendingen:
        return
    Verzending.objects.bulk_update(verzendingen, ["onderwerp", "tekst", "html"])
    for verzending in verzendingen:
        verzending.tekst = verzending.html = ""


def herinneringen_bezorgen(*, ontvangers):
    """Claim the due mails of `ontvangers` (a list of ids) in one UPDATE and send them
    over one connection to the mail server; returns the mails this run tried.

    Each outcome is recorded right after its send (two queries), only where the row
    still carries this run's claim: a worker that dies sends again at most the one mail
    it was sending, the price of exactly-once is two queries a mail. Mails left when
    HERINNERINGEN_RUN_SECONDEN is up are released.
    """
    begin = time.monotonic()
    claim = _claimen(Verzending.objects.filter(ontvanger__in=ontvangers))
    if claim is None:
        return []
    verbinding = get_connection()
    try:
        for verzending in list(claim.te_versturen):
            if time.monotonic() - begin > settings.HERINNERINGEN_RUN_SECONDEN:
                logger.warning("Herinneringen: tijd op; de rest gaat met de volgende run mee.")
                break
            if claim.bijna_verlopen():
                claim.verlengen()
            if verzending in claim.te_versturen:
                claim.versturen(verzending, verbinding)
                claim.vastleggen()
    finally:
        with contextlib.suppress(Exception):
            verbinding.close()
        claim.afsluiten()
    for verzending in claim.alle_geprobeerd:
        # Sent or stored: the run's result needs no copy of the body.
        verzending.tekst = verzending.html = ""
    return claim.alle_geprobeerd


class Claim:
    """The mails one run took in one UPDATE, fenced by a token of its own.

    Each row carries the token while the run holds it; a run that finds its claim
    expired takes the row with a new token, and from then on the first run can record
    nothing about it. The token is the run's, not the mail's: what matters is that no
    other run holds it.
    """

    def __init__(self, token, moment, verzendingen):
        self.token = token
        self.genomen_op = moment  # monotonic: when taken or last renewed
        self.te_versturen = verzendingen  # taken, not yet tried
        self.geprobeerd = []  # tried, outcome not yet recorded
        self.alle_geprobeerd = []

    def versturen(self, verzending, verbinding):
        """Send one of our mails; `vastleggen` records its outcome."""
        self.te_versturen.remove(verzending)
        _versturen(verzending, verbinding)
        self.geprobeerd.append(verzending)

    def bijna_verlopen(self):
        """Whether the next send could outlast the claim (the longest send is
        SMTP_ANTWOORDEN_PER_MAIL answers of EMAIL_TIMEOUT each, see the check below)."""
        langste = SMTP_ANTWOORDEN_PER_MAIL * (settings.EMAIL_TIMEOUT or 0)
        over = settings.HERINNERINGEN_CLAIM_MINUTEN * 60 - (time.monotonic() - self.genomen_op)
        return over < langste

    def verlengen(self):
        """Record what was tried so far, then renew the claim on the rest."""
        self.vastleggen()
        van_ons = _claim_verlengen(self.te_versturen, token=self.token)
        self.te_versturen = [v for v in self.te_versturen if v.pk in van_ons]
        self.genomen_op = time.monotonic()

    def vastleggen(self):
        """Record the outcome of the mails tried since the last time, in one UPDATE."""
        geprobeerd = self.geprobeerd
        if not geprobeerd:
            return
        alarmen = _uitkomsten_vastleggen(geprobeerd, token=self.token)
        # Only now, after the commit: a write run again must find the same list.
        self.geprobeerd = []
        self.alle_geprobeerd += geprobeerd
        for verzending in alarmen:
            _alarm_versturen(verzending)

    def afsluiten(self):
        """Record the outcomes; hand back the mails left untried, as they were."""
        self.vastleggen()
        if self.te_versturen:
            _teruggeven(self.te_versturen, token=self.token)
            self.te_versturen = []


# The claim's writes take only their list and the token, and change the Claim only after
# they returned: a write that PostgreSQL aborts (a deadlock) runs again from the same input.


def _van_ons(verzendingen, token):
    """The pks of `verzendingen` that still carry `token`, locked until commit."""
    return set(
        Verzending.objects.select_for_update()
        .filter(pk__in=[v.pk for v in verzendingen], claim=token)
        .values_list("pk", flat=True)
    )


@schrijftransactie
def _claim_verlengen(verzendingen, *, token):
    van_ons = _van_ons(verzendingen, token)
    Verzending.objects.filter(pk__in=van_ons).update(geclaimd_op=timezone.now())
    return van_ons


@schrijftransactie
def _uitkomsten_vastleggen(geprobeerd, *, token):
    """Store the outcome of the mails of `geprobeerd` that still carry `token`; returns
    those whose failure the Beheerder is to hear of (sent by the caller, after commit)."""
    van_ons = _van_ons(geprobeerd, token)
    for verzending in geprobeerd:
        verzending.claim = None
    Verzending.objects.bulk_update(
        [v for v in geprobeerd if v.pk in van_ons],
        ["status", "verzonden_op", "fout", "volgende_poging", "claim"],
    )
    alarmen = []
    for verzending in geprobeerd:
        if verzending.pk not in van_ons:
            if verzending.status == VerzendingStatus.VERZONDEN:
                # Only when a send outlasted the claim (see the check below).
                logger.error(
                    "Herinneringsmail %s is verstuurd, maar een andere run had haar "
                    "intussen overgenomen: mogelijk dubbel verstuurd.",
                    verzending.pk,
                )
        elif (
            verzending.status == VerzendingStatus.MISLUKT
            and verzending.pogingen == settings.HERINNERINGEN_WAARSCHUWEN_NA
        ):
            alarmen.append(verzending)
    return alarmen


@schrijftransactie
def _teruggeven(verzendingen, *, token):
    """Release the mails of `verzendingen` still held with `token`, untried."""
    Verzending.objects.filter(pk__in=[v.pk for v in verzendingen], claim=token).update(
        status=Case(
            When(fout="", then=Value(VerzendingStatus.WACHT)),
            default=Value(VerzendingStatus.MISLUKT),
        ),
        claim=None,
        geclaimd_op=None,
        pogingen=F("pogingen") - 1,
    )


def _claimen(kandidaten):
    """Take those of `kandidaten` (mails) that are still due, with a new fencing token,
    in one UPDATE: of two runs, only one changes a row. None when there are none."""
    nu, token = timezone.now(), uuid.uuid4()
    genomen = kandidaten.aan_de_beurt(nu).update(
        status=VerzendingStatus.BEZIG, claim=token, geclaimd_op=nu, pogingen=F("pogingen") + 1
    )
    if not genomen:
        return None
    verzendingen = list(
        Verzending.objects.filter(status=VerzendingStatus.BEZIG, claim=token)
        .select_related("ontvanger")
        .order_by("pk")
    )
    for verzending in verzendingen:
        if verzending.pogingen > 1:
            logger.warning(
                "Herinneringsmail %s wordt opnieuw verstuurd (poging %d).",
                verzending.pk,
                verzending.pogingen,
            )
    return Claim(token, time.monotonic(), verzendingen)


def wachttijd(pogingen):
    """Backoff after the `pogingen`-th failed attempt: 5, 10, 20 … minutes, at most 4 hours."""
    minuten = settings.HERINNERINGEN_HERPROBEER_MINUTEN * 2 ** min(pogingen - 1, 16)
    return min(timedelta(minutes=minuten), MAX_WACHTTIJD)


def _versturen(verzending, verbinding):
    """Hand `verzending` to the mail server over `verbinding` (kept open between mails)
    and note the outcome on it; the caller records it."""
    bericht = EmailMultiAlternatives(
        verzending.onderwerp,
        verzending.tekst,
        to=[verzending.adres],
        headers={"Message-ID": verzending.message_id},
        connection=verbinding,
    )
    bericht.attach_alternative(verzending.html, "text/html")
    try:
        verbinding.open()  # once per batch: a no-op while the connection is open
        verbinding.send_messages([bericht])
    except Exception as fout:
        logger.exception("Herinneringsmail %s aan %s mislukt.", verzending.pk, verzending.adres)
        # The next mail starts on a fresh connection: this one may be broken.
        with contextlib.suppress(Exception):
            verbinding.close()
        verzending.status, verzending.fout = VerzendingStatus.MISLUKT, str(fout)[:2000]
        verzending.volgende_poging = timezone.now() + wachttijd(verzending.pogingen)
        return
    verzending.status, verzending.verzonden_op = VerzendingStatus.VERZONDEN, timezone.now()
    verzending.fout, verzending.volgende_poging = "", None


def _alarm_versturen(verzending):
    """Tell HERINNERINGEN_ALARM_ADRES (if set) that a mail keeps failing; best effort,
    the dashboard and the page of unsent mails show it regardless."""
    if not settings.HERINNERINGEN_ALARM_ADRES:
        return
    context = {
        "verzending": verzending,
        "url": settings.SITE_URL + reverse("onverzonden_herinneringen"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        onderwerp = render_to_string(
            "herinneringen/emails/herinnering-alarm-onderwerp.txt", context
        )
        tekst = render_to_string("herinneringen/emails/herinnering-alarm-tekst.txt", context)
    try:
        send_mail(" ".join(onderwerp.split()), tekst, None, [settings.HERINNERINGEN_ALARM_ADRES])
    except Exception:
        logger.exception("Alarmmail over herinneringsmail %s mislukt.", verzending.pk)


# --- A person decides ------------------------------------------------------------------


def _beslissen(verzending, *, door, reden, van, **velden):
    """Apply a Beheerder's decision to a mail no worker holds, with history."""
    if not is_beheerder(door):
        raise PermissionDenied("Alleen een beheerder beslist over herinneringsmails.")
    verlopen = timezone.now() - timedelta(minutes=settings.HERINNERINGEN_CLAIM_MINUTEN)
    # Locked, so a run cannot claim it between our check and our write.
    verzending = Verzending.objects.select_for_update().get(pk=verzending.pk)
    vrij = verzending.status in van or (
        verzending.status == VerzendingStatus.BEZIG and verzending.geclaimd_op < verlopen
    )
    if not vrij:
        raise ValidationError(
            f"Deze e-mail is {verzending.get_status_display().lower()}; er valt niets te beslissen."
        )
    for naam, waarde in velden.items():
        setattr(verzending, naam, waarde)
    verzending.claim = None
    verzending._history_user = door
    verzending._change_reason = reden[:100]
    verzending.save(update_fields=[*velden, "claim"])
    return verzending


@schrijftransactie
def verzending_opnieuw_versturen(*, verzending, door, reden=""):
    """Make a failed or cancelled mail due now; the next run (or the task queued after
    commit) sends it."""
    return _beslissen(
        verzending,
        door=door,
        reden=reden.strip() or "opnieuw versturen",
        van=(VerzendingStatus.WACHT, VerzendingStatus.MISLUKT, VerzendingStatus.GEANNULEERD),
        status=VerzendingStatus.WACHT,
        volgende_poging=timezone.now(),
    )


@schrijftransactie
def verzending_annuleren(*, verzending, door, reden):
    """Stop retrying a mail; the reason goes into its history."""
    if not reden.strip():
        raise ValidationError("Geef een reden waarom deze e-mail niet meer verstuurd wordt.")
    return _beslissen(
        verzending,
        door=door,
        reden=reden.strip(),
        van=(VerzendingStatus.WACHT, VerzendingStatus.MISLUKT),
        status=VerzendingStatus.GEANNULEERD,
        volgende_poging=None,
    )


# --- Settings -------------------------------------------------------------------------

# One send is a handful of SMTP commands, each answered within EMAIL_TIMEOUT.
SMTP_ANTWOORDEN_PER_MAIL = 20


def instellingen_controleren(app_configs=None, **kwargs):
    """System check: a claim must outlast the longest single send, else a slow mail
    server could let a second run take over a mail that is still being sent."""
    fouten = []
    if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", settings.HERINNERINGEN_VANAF):
        fouten.append(
            checks.Error(
                f"HERINNERINGEN_VANAF ({settings.HERINNERINGEN_VANAF!r}) is geen tijd als 07:00.",
                id="herinneringen.E002",
            )
        )
    timeout = settings.EMAIL_TIMEOUT
    claim = settings.HERINNERINGEN_CLAIM_MINUTEN * 60
    if timeout is None or claim < SMTP_ANTWOORDEN_PER_MAIL * timeout:
        fouten.append(
            checks.Error(
                f"HERINNERINGEN_CLAIM_MINUTEN ({settings.HERINNERINGEN_CLAIM_MINUTEN}) is te "
                f"kort voor EMAIL_TIMEOUT ({timeout} s).",
                hint=f"Zet EMAIL_TIMEOUT en houd de claim minstens "
                f"{SMTP_ANTWOORDEN_PER_MAIL} x EMAIL_TIMEOUT.",
                id="herinneringen.E001",
            )
        )
    return fouten


def _domein():
    return urlsplit(settings.SITE_URL).hostname or "localhost"


# --- The mail -------------------------------------------------------------------------


def inhoud_van(verzendingen, per_deel=None):
    """{mail pk: (the reminders its digest shows, the number per kind)} of
    `verzendingen`, in one query for all of them.

    The most urgent `per_deel` (HERINNERINGEN_PER_DEEL) of each kind, oldest deadline
    first, so a digest stays readable and small however many actions are due; the
    counts say how many more the application shows. Mails without deliveries are absent.
    """
    per_deel = per_deel or settings.HERINNERINGEN_PER_DEEL
    per_mail_en_soort = [F("verzending_id"), F("herinnering__soort")]
    rijen = (
        Bezorging.objects.filter(verzending__in=verzendingen)
        .select_related("herinnering")
        .annotate(
            rang=Window(
                RowNumber(),
                partition_by=per_mail_en_soort,
                order_by=["herinnering__deadline", "herinnering__omschrijving", "herinnering"],
            ),
            aantal=Window(Count("pk"), partition_by=per_mail_en_soort),
        )
        .filter(rang__lte=per_deel)
        .order_by("rang")
    )
    inhoud = defaultdict(lambda: ([], {}))
    # Row by row, so that only the reminders stay, not every delivery besides them.
    for bezorging in rijen.iterator(chunk_size=2000):
        herinneringen, aantallen = inhoud[bezorging.verzending_id]
        herinneringen.append(bezorging.herinnering)
        aantallen[bezorging.herinnering.soort] = bezorging.aantal
    _eigenaren_zetten([h for herinneringen, _ in inhoud.values() for h in herinneringen])
    return dict(inhoud)


def _eigenaren_zetten(herinneringen):
    """Give each reminder its owner, whom a digest names by name only: one light user
    per person, shared by all their reminders, in one query. Not a full user per row
    (select_related): a batch of 100 mails lists thousands of reminders of a few owners."""
    ids = {h.eigenaar_id for h in herinneringen if h.eigenaar_id is not None}
    if not ids:
        return
    eigenaren = get_user_model().objects.only("username", "first_name", "last_name").in_bulk(ids)
    for h in herinneringen:
        if h.eigenaar_id in eigenaren:
            h.eigenaar = eigenaren[h.eigenaar_id]


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


def mail_opstellen(persoon, herinneringen, aantallen=None):
    """(subject, text, HTML) of the digest for `persoon`: `herinneringen` as listed,
    `aantallen` the total per kind where the list holds only the most urgent."""
    te_laat, binnenkort, escalaties = indelen(herinneringen)
    meldingen = sorted(
        (h for h in herinneringen if h.soort == HerinneringSoort.MELDING),
        key=lambda h: (h.aangemaakt_op, h.pk),
    )
    aantallen = aantallen or {}
    aantal_meldingen = max(aantallen.get(HerinneringSoort.MELDING, 0), len(meldingen))
    getoond_escalaties = sum(len(lijst) for _, lijst in escalaties)
    aantal = {
        "te_laat": max(aantallen.get(HerinneringSoort.TE_LAAT, 0), len(te_laat)),
        "binnenkort": max(aantallen.get(HerinneringSoort.BINNENKORT, 0), len(binnenkort)),
        "escalaties": max(aantallen.get(HerinneringSoort.ESCALATIE, 0), getoond_escalaties),
    }
    delen = []
    if aantal_meldingen == 1:
        delen.append(meldingen[0].omschrijving)
    elif aantal_meldingen:
        delen.append(f"{aantal_meldingen} meldingen")
    if aantal["te_laat"]:
        delen.append(f"{aantal['te_laat']} te laat")
    if aantal["binnenkort"] == 1:
        delen.append("1 deadline nadert")
    elif aantal["binnenkort"]:
        delen.append(f"{aantal['binnenkort']} deadlines naderen")
    if aantal["escalaties"]:
        delen.append(f"{aantal['escalaties']} geëscaleerd")
    context = {
        "ontvanger": persoon,
        "delen": delen,
        "meldingen": meldingen,
        "aantal_meldingen": aantal_meldingen,
        "meer_meldingen": aantal_meldingen - len(meldingen),
        "te_laat": te_laat,
        "binnenkort": binnenkort,
        "escalaties": escalaties,
        "aantal_te_laat": aantal["te_laat"],
        "aantal_binnenkort": aantal["binnenkort"],
        "aantal_escalaties": aantal["escalaties"],
        "meer_te_laat": aantal["te_laat"] - len(te_laat),
        "meer_binnenkort": aantal["binnenkort"] - len(binnenkort),
        "meer_escalaties": aantal["escalaties"] - getoond_escalaties,
        "acties_url": settings.SITE_URL + reverse("mijn_acties"),
        "escalatie_na": settings.HERINNERINGEN_ESCALATIE_NA,
        "wekelijks": persoon.herinneringsfrequentie == Herinneringsfrequentie.WEKELIJKS,
        "weekdag": WEEKDAGEN[(settings.HERINNERINGEN_WEEKDAG - 1) % 7],
        "voorkeur_url": settings.SITE_URL + reverse("mijn_herinneringen"),
    }
    # A worker has no request, so no active language: the mail is Dutch regardless.
    with translation.override(settings.LANGUAGE_CODE):
        onderwerp = render_to_string("herinneringen/emails/herinneringen-onderwerp.txt", context)
        tekst = render_to_string("herinneringen/emails/herinneringen-tekst.txt", context)
        html = render_to_string("herinneringen/emails/herinneringen.html", context)
    # Template tags leave blank lines behind; a plain-text mail reads better without.
    tekst = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", tekst)).strip() + "\n"
    return " ".join(onderwerp.split()), tekst, html

"""PDF and Word files of a report, and its pages on screen: made once per state of the
data, by a worker when the portfolio is large, and kept until the data changes.

The state of the data is a key: for a closed period the moment its snapshot was taken,
for an open one the newest history entry of every model the report reads (every change
that matters goes to history) and today's date (the report says "stand per ..."),
together with the outline's SCHEMA_VERSIE. The report's pages on screen are cached under
the same key (paginas.py).
"""

import functools
import hashlib
import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q, Value
from django.utils import timezone

from douane_portfolio.transacties import schrijftransactie
from programmas.models import Initiatief

from . import docx, pdf, services
from .models import BestandStatus, Rapportbestand, Rapportsnapshot
from .opzet import SCHEMA_VERSIE

APPS = ("programmas", "risicos", "audits", "rapportage", "douane_portfolio")
MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
MAKERS = {"pdf": pdf.maak_pdf, "docx": docx.maak_docx}
# The report's pages on screen (paginas.py) share the record, its claim and its progress;
# what they make goes to the cache, not to a file.
SCHERM = "html"
STAPPEN = 3  # the outline, the layout, writing the file
# A worker that took a file and then vanished (killed, redeployed): another may retake it.
VERLATEN_NA = timezone.timedelta(minutes=30)
# Queued and not taken for this long: its message may be lost; it is sent again.
NIET_GENOMEN_NA = timezone.timedelta(minutes=10)
# A worker's build overtaken while it runs makes the newest state instead (`stap`), at
# most this many times in a row: then it finishes what it has, so that edits that never
# stop for as long as a build takes still give readers a newer report now and then.
HOOGSTENS_INGEHAALD = 3


def _historische_modellen():
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if any(veld.name == "history_date" for veld in model._meta.fields):
                yield model


@functools.cache
def _stand_sql(vendor):
    delen = [
        model.objects.order_by()
        .annotate(g=Value(i))
        .values("g")
        .annotate(d=Max("history_date"), n=Max("history_id"))
        for i, model in enumerate(_historische_modellen())
    ]
    return delen[0].union(*delen[1:], all=True).query.sql_with_params()


def stand_van_de_gegevens():
    """The newest history entry of each model: one UNION ALL of one-row aggregates, each
    an index-only scan backwards. Every page of the report asks it, so the SQL of some
    twenty unions is compiled once per process, not per request."""
    sql, params = _stand_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted((g, str(d), n) for g, d, n in cursor.fetchall())


def _snapshot(periode):
    # Without its frozen data and outline (megabytes for a large portfolio): the key
    # needs only when it was taken.
    return Rapportsnapshot.objects.filter(periode=periode).defer("gegevens", "opzet").first()


_ONBEKEND = object()


def sleutel(periode, snapshot=_ONBEKEND, stand=None):
    """`stand`: stand_van_de_gegevens() when the caller already has it (several periods)."""
    if snapshot is _ONBEKEND:
        snapshot = _snapshot(periode)
    if snapshot is not None:
        deel = f"snapshot {snapshot.pk} {snapshot.vastgelegd_op.isoformat()}"
    else:
        stand = stand_van_de_gegevens() if stand is None else stand
        deel = f"live {timezone.localdate()} {stand}"
    tekst = f"{SCHEMA_VERSIE} {periode.pk} {deel}"
    return hashlib.sha256(tekst.encode()).hexdigest()[:40]


def opzet(periode):
    """(outline, snapshot or None): frozen for a closed period, else built from the data.
    Not cached whole: the screen caches its pages (paginas.py), the files themselves."""
    return services.opzet_voor(periode)


def pad(rapportbestand):
    return Path(settings.MEDIA_ROOT) / rapportbestand.bestand


def klaar(periode, formaat, stand):
    """The finished file for this state of the data, if it is still there."""
    rapportbestand = Rapportbestand.objects.filter(
        periode=periode, formaat=formaat, sleutel=stand, status=BestandStatus.KLAAR
    ).first()
    if rapportbestand is not None and pad(rapportbestand).is_file():
        return rapportbestand
    return None


def is_klein(periode):
    """Small enough to make during the request (settings.RAPPORT_DIRECT_TOT initiatives)."""
    return Initiatief.objects.filter(actief=True).count() <= settings.RAPPORT_DIRECT_TOT


def aanvragen(periode, formaat, stand, opnieuw_als=(BestandStatus.MISLUKT, BestandStatus.KLAAR)):
    """The file record for this state; a new one, or one in a status of `opnieuw_als`
    (failed, or made but its file gone), is queued for a worker, and one whose build was
    lost is sent again (`vergeten_opnieuw_sturen`)."""
    from .tasks import rapportbestand_maken

    try:
        with transaction.atomic():
            rapportbestand, nieuw = Rapportbestand.objects.get_or_create(
                periode=periode, formaat=formaat, sleutel=stand
            )
    except IntegrityError:  # two requests at once: the other one queued it
        return Rapportbestand.objects.get(periode=periode, formaat=formaat, sleutel=stand)
    if nieuw:
        pk = rapportbestand.pk
        transaction.on_commit(lambda: rapportbestand_maken.delay(pk))
    elif rapportbestand.status in (*opnieuw_als, BestandStatus.VERVANGEN):
        # Superseded, and now current again (history pruned): as good as never made.
        opnieuw_aanvragen(rapportbestand, (*opnieuw_als, BestandStatus.VERVANGEN))
    else:
        vergeten_opnieuw_sturen(rapportbestand)
    return rapportbestand


def opnieuw_aanvragen(rapportbestand, als):
    """Queue the record again if it is in a status of `als`: of two requests at once,
    one does."""
    from .tasks import rapportbestand_maken

    nu = timezone.now()
    if Rapportbestand.objects.filter(pk=rapportbestand.pk, status__in=als).update(
        status=BestandStatus.WACHTRIJ, stap=0, fout="", bijgewerkt_op=nu
    ):
        rapportbestand.status, rapportbestand.stap, rapportbestand.fout = (
            BestandStatus.WACHTRIJ,
            0,
            "",
        )
        rapportbestand.bijgewerkt_op = nu
        pk = rapportbestand.pk
        transaction.on_commit(lambda: rapportbestand_maken.delay(pk))
    else:  # another request or a worker moved it on meanwhile
        rapportbestand.refresh_from_db()
    return rapportbestand


def vergeten_opnieuw_sturen(rapportbestand, nu=None):
    """Send a build again that would otherwise stay "bezig" forever: its worker died
    (no progress for VERLATEN_NA), or it was never taken (queued for NIET_GENOMEN_NA:
    its message may be lost with a broker that restarted). True if this call did; of
    several requests and beats at once only the first to see it does. A second message
    is harmless: one worker claims the record."""
    from .tasks import rapportbestand_maken

    nu = nu or timezone.now()
    b = rapportbestand
    if b.status == BestandStatus.BEZIG and b.bijgewerkt_op < nu - VERLATEN_NA:
        velden = {"status": BestandStatus.WACHTRIJ, "stap": 0}
    elif b.status == BestandStatus.WACHTRIJ and b.bijgewerkt_op < nu - NIET_GENOMEN_NA:
        velden = {}
    else:
        return False
    if not Rapportbestand.objects.filter(
        pk=b.pk, status=b.status, bijgewerkt_op=b.bijgewerkt_op
    ).update(bijgewerkt_op=nu, **velden):
        return False
    for naam, waarde in {**velden, "bijgewerkt_op": nu}.items():
        setattr(b, naam, waarde)
    pk = b.pk
    transaction.on_commit(lambda: rapportbestand_maken.delay(pk))
    return True


def _nemen(pk, nu):
    """Move a queued (or abandoned) record to "bezig": of two workers, one does."""
    return (
        Rapportbestand.objects.filter(pk=pk)
        .filter(
            Q(status=BestandStatus.WACHTRIJ)
            | Q(status=BestandStatus.BEZIG, bijgewerkt_op__lt=nu - VERLATEN_NA)
        )
        .update(status=BestandStatus.BEZIG, stap=0, stappen=STAPPEN, bijgewerkt_op=nu)
    )


def claim(pk):
    """Take a queued build for this worker; None if another has it or it is done.

    A build whose state of the data was superseded while it waited is not made: it
    would show newer data under the old key, and nobody asks for the old state any
    more. It is marked "vervangen" and this worker makes the current state instead
    (its readers are sent there), unless that one is made, failed or taken already.
    Never a build skipped for good: whatever the worker takes is the newest state."""
    nu = timezone.now()
    if not _nemen(pk, nu):
        return None
    rapportbestand = Rapportbestand.objects.select_related("periode").get(pk=pk)
    stand = sleutel(rapportbestand.periode)
    if stand == rapportbestand.sleutel:
        return rapportbestand
    return _in_plaats_van(rapportbestand, stand, nu)


def _in_plaats_van(oud, stand, nu):
    """The build of `stand` for this worker, once `oud` is marked superseded."""
    periode = oud.periode
    nieuw, gemaakt = _vervangen(oud, stand, nu)
    if not gemaakt and not _nemen(nieuw.pk, nu):
        return None  # made, being made, or failed (retried when a reader asks)
    nieuw.refresh_from_db()
    nieuw.periode = periode
    return nieuw


@schrijftransactie
def _vervangen(oud, stand, nu):
    """Mark `oud` superseded; (the record of `stand`, whether this call made it)."""
    Rapportbestand.objects.filter(pk=oud.pk).update(
        status=BestandStatus.VERVANGEN, stap=0, bijgewerkt_op=nu
    )
    # get_or_create: a request may create it at the same moment (and queue it).
    return Rapportbestand.objects.get_or_create(
        periode=oud.periode,
        formaat=oud.formaat,
        sleutel=stand,
        defaults={"status": BestandStatus.BEZIG, "stappen": STAPPEN},
    )


class Ingehaald(Exception):  # noqa: N818 - not an error: the build stops on purpose
    """The state of the data a running build makes is no longer the current one."""

    def __init__(self, stand):
        super().__init__(stand)
        self.stand = stand


def stap(rapportbestand, n, *, bewaakt=False):
    """Record the progress. `bewaakt` (a worker's build): then Ingehaald when the data
    changed since the build began. Nothing is stored yet at a step, so a build stopped
    there leaves no result that is old as soon as it is there."""
    Rapportbestand.objects.filter(pk=rapportbestand.pk).update(
        stap=n, stappen=STAPPEN, bijgewerkt_op=timezone.now()
    )
    if bewaakt:
        stand = sleutel(rapportbestand.periode)
        if stand != rapportbestand.sleutel:
            raise Ingehaald(stand)


def ingehaald(rapportbestand, stand):
    """A running build overtaken by `stand`: as one overtaken while it waited (`claim`),
    marked "vervangen" (its readers are sent on to the newest state), and the build of
    `stand` for this worker, or None when that one is made, taken or failed already."""
    return _in_plaats_van(rapportbestand, stand, timezone.now())


def maken(rapportbestand, *, bewaakt=False):
    """Build the outline, lay it out and write the file; the record says how far it is.
    `bewaakt`: see `stap`."""
    try:
        rapport = opzet(rapportbestand.periode)[0]
        stap(rapportbestand, 1, bewaakt=bewaakt)
        inhoud = MAKERS[rapportbestand.formaat](rapport)
        stap(rapportbestand, 2, bewaakt=bewaakt)
        b = rapportbestand
        relatief = f"rapporten/{b.periode_id}-{b.sleutel}.{b.formaat}"
        doel = Path(settings.MEDIA_ROOT) / relatief
        doel.parent.mkdir(parents=True, exist_ok=True)
        tijdelijk = doel.with_suffix(f".{os.getpid()}.tmp")
        tijdelijk.write_bytes(inhoud)
        os.replace(tijdelijk, doel)
    except Ingehaald:
        raise
    except Exception as fout:
        mislukt(rapportbestand, fout)
        raise
    return gemaakt(rapportbestand, bestand=relatief)


def mislukt(rapportbestand, fout):
    Rapportbestand.objects.filter(pk=rapportbestand.pk).update(
        status=BestandStatus.MISLUKT, fout=f"{type(fout).__name__}: {fout}"[:2000]
    )


def gemaakt(rapportbestand, bestand=""):
    Rapportbestand.objects.filter(pk=rapportbestand.pk).update(
        status=BestandStatus.KLAAR, stap=STAPPEN, stappen=STAPPEN, bestand=bestand
    )
    rapportbestand.refresh_from_db()
    return rapportbestand


def direct_maken(periode, formaat, stand):
    """For a small portfolio: made within the request, and kept like a worker's file."""
    rapportbestand = aanvragen_zonder_taak(periode, formaat, stand)
    return maken(rapportbestand)


def aanvragen_zonder_taak(periode, formaat, stand):
    rapportbestand, _ = Rapportbestand.objects.get_or_create(
        periode=periode, formaat=formaat, sleutel=stand
    )
    Rapportbestand.objects.filter(pk=rapportbestand.pk).update(status=BestandStatus.BEZIG)
    rapportbestand.refresh_from_db()
    return rapportbestand

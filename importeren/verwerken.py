"""Run a stored file through its kind: a preview (everything written, then rolled back)
or the import (one transaction: all rows or none).

The preview executes the very writes of the import, so it reports exactly what the
services, `full_clean()` and the database constraints would refuse.
"""

import datetime
import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from douane_portfolio.locking import VerouderdeVersie
from douane_portfolio.transacties import is_conflict, opnieuw_bij_conflict

from . import lezen
from .kolommen import GENEGEERD
from .models import Importbestand, ImportStatus
from .soorten import SOORTEN, RijFout
from .waarden import tekst

logger = logging.getLogger(__name__)

# Rows shown on the preview page; the counts and every problem are always complete.
MAX_GETOONDE_RIJEN = 500
VOORTGANG_ELKE = 50


class _Terugdraaien(Exception):
    pass


def voortgang_pad(pk):
    # Live progress lives beside the upload, not in the database: the rows written so
    # far are inside one open transaction, which on SQLite would lock out any other writer.
    return Path(settings.MEDIA_ROOT) / "importen" / f"{pk}.voortgang"


def voortgang_schrijven(pk, verwerkt, totaal):
    pad = voortgang_pad(pk)
    pad.parent.mkdir(parents=True, exist_ok=True)
    tijdelijk = pad.with_suffix(".tmp")
    tijdelijk.write_text(f"{verwerkt} {totaal}")
    os.replace(tijdelijk, pad)


def voortgang_lezen(importbestand):
    """(verwerkt, totaal); may refresh `importbestand` when its run just ended."""
    if importbestand.is_bezig:
        try:
            verwerkt, totaal = voortgang_pad(importbestand.pk).read_text().split()
            return int(verwerkt), int(totaal)
        except (OSError, ValueError):
            # The worker may have finished between our read of the row and of the file
            # (it removes the file): the row then holds the end state, not our stale 0.
            importbestand.refresh_from_db(fields=["status", "verwerkt", "totaal"])
    return importbestand.verwerkt, importbestand.totaal


def reden(importbestand):
    # simple-history's reason is a CharField(100) in programmas and risicos.
    gebruiker = importbestand.door.username
    naam = importbestand.naam
    # Room is left for the reason a service records itself (see soorten._stempel).
    if len(naam) > 30:
        naam = "…" + naam[-29:]
    return f"geïmporteerd uit {naam} door {gebruiker}"[:100]


def _meldingen(fout, soort, kop_van):
    """[{"kolom", "melding"}] from what a row raised."""
    if isinstance(fout, RijFout):
        paren = fout.fouten.items()
    elif isinstance(fout, VerouderdeVersie):
        paren = [("", "Dit record is tijdens het importeren door iemand anders gewijzigd.")]
    elif isinstance(fout, PermissionDenied):
        paren = [("", str(fout) or "U mag dit niet importeren.")]
    elif isinstance(fout, ValidationError) and hasattr(fout, "error_dict"):
        paren = [(veld, " ".join(berichten)) for veld, berichten in fout.message_dict.items()]
    elif isinstance(fout, ValidationError):
        paren = [("", " ".join(fout.messages))]
    else:
        paren = [("", "De database weigerde deze rij.")]
    uit = []
    for veld, melding in paren:
        veld = soort.veldnamen.get(veld, veld)
        if veld == NON_FIELD_ERRORS:
            veld = ""
        kolom = soort.kolom(veld)
        uit.append(
            {"kolom": kop_van.get(veld) or (kolom.kop if kolom else veld), "melding": str(melding)}
        )
    return uit


@opnieuw_bij_conflict
def verwerk(importbestand, *, opslaan, voortgang=None):
    """Preview or import `importbestand`; returns and stores the result."""
    soort = SOORTEN[importbestand.soort]
    try:
        if not importbestand.bestand:
            raise OSError
        with importbestand.bestand.open("rb") as f:
            koppen, rijen = lezen.lees(f, importbestand.naam)
    except lezen.Onleesbaar as fout:
        return {"bestandsfouten": [str(fout)], "rijen": [], "fouten": 1}
    except OSError:
        melding = "Het bestand is niet meer bewaard; upload het opnieuw."
        return {"bestandsfouten": [melding], "rijen": [], "fouten": 1}

    kolommen = importbestand.kolommen
    kop_van = {veld: koppen[i] for i, veld in enumerate(kolommen) if veld and veld != GENEGEERD}
    resultaat = {
        "rijen": [],
        "nieuw": 0,
        "gewijzigd": 0,
        "ongewijzigd": 0,
        "fouten": 0,
        "bestandsfouten": [],
        "totaal": len(rijen),
    }
    if not soort.mag(importbestand.door):
        resultaat["bestandsfouten"].append(f"U mag geen {soort.label.lower()} importeren.")
    sleutelkolom = soort.sleutelvelden[-1]
    for veld in soort.sleutelvelden:
        if veld not in kolommen:
            resultaat["bestandsfouten"].append(
                f"Geen kolom voor '{soort.kolom(veld).kop}'; wijs die hieronder toe."
            )
    if resultaat["bestandsfouten"]:
        resultaat["fouten"] = len(resultaat["bestandsfouten"])
        return resultaat

    door, waarom = importbestand.door, reden(importbestand)
    gezien = {}
    try:
        with transaction.atomic():
            ctx = soort.context()
            for nummer, rij in enumerate(rijen, start=2):
                waarden = {
                    veld: rij[i] for i, veld in enumerate(kolommen) if veld and veld != GENEGEERD
                }
                sleutel = soort.sleutel_van(waarden)
                uitkomst = {
                    "rij": nummer,
                    "sleutel": " / ".join(
                        filter(None, (tekst(waarden.get(v)) for v in soort.sleutelvelden))
                    ),
                }
                if sleutel in gezien:
                    uitkomst["fouten"] = [
                        {
                            "kolom": kop_van.get(sleutelkolom, ""),
                            "melding": f"Staat al in rij {gezien[sleutel]} van dit bestand.",
                        }
                    ]
                else:
                    gezien[sleutel] = nummer
                    try:
                        with transaction.atomic():
                            uitkomst["actie"] = soort.verwerk(
                                waarden, door=door, reden=waarom, ctx=ctx
                            )
                    except (
                        RijFout,
                        ValidationError,
                        PermissionDenied,
                        VerouderdeVersie,
                        DatabaseError,
                    ) as fout:
                        if isinstance(fout, DatabaseError) and is_conflict(fout):
                            # Not this row's fault: the whole import runs again.
                            raise
                        uitkomst["fouten"] = _meldingen(fout, soort, kop_van)
                if uitkomst.get("fouten"):
                    resultaat["fouten"] += 1
                else:
                    resultaat[uitkomst["actie"]] += 1
                if uitkomst.get("fouten") or len(resultaat["rijen"]) < MAX_GETOONDE_RIJEN:
                    resultaat["rijen"].append(uitkomst)
                if voortgang and (nummer - 1) % VOORTGANG_ELKE == 0:
                    voortgang(nummer - 1, len(rijen))
            if resultaat["fouten"] or not opslaan:
                raise _Terugdraaien
    except _Terugdraaien:
        pass
    if voortgang:
        voortgang(len(rijen), len(rijen))
    return resultaat


def uitvoeren(importbestand, *, voortgang=None):
    """Preview or import as `importbestand.opslaan` says, and record the outcome."""
    resultaat = verwerk(importbestand, opslaan=importbestand.opslaan, voortgang=voortgang)
    geimporteerd = importbestand.opslaan and not resultaat["fouten"]
    importbestand.resultaat = resultaat
    importbestand.totaal = resultaat.get("totaal", 0)
    importbestand.verwerkt = importbestand.totaal
    importbestand.status = ImportStatus.GEIMPORTEERD if geimporteerd else ImportStatus.GECONTROLEERD
    importbestand.opslaan = geimporteerd
    if geimporteerd:
        resultaat["geimporteerd_op"] = timezone.now().isoformat()
        # The upload itself is not kept once imported; the result and the history are.
        importbestand.bestand.delete(save=False)
    importbestand.save()
    voortgang_pad(importbestand.pk).unlink(missing_ok=True)
    return importbestand


# A file "bezig" for this long belongs to a worker that died (its transaction rolled
# back); a redelivered task may take it over.
VERLATEN_NA = datetime.timedelta(minutes=30)


def claim(pk):
    """Take a queued file for this worker; None if another has it or it is not queued."""
    nu = timezone.now()
    bijgewerkt = (
        Importbestand.objects.filter(pk=pk)
        .filter(
            Q(status=ImportStatus.WACHTRIJ)
            | Q(status=ImportStatus.BEZIG, bijgewerkt_op__lt=nu - VERLATEN_NA)
        )
        .update(status=ImportStatus.BEZIG, bijgewerkt_op=nu)
    )
    return Importbestand.objects.select_related("door").get(pk=pk) if bijgewerkt else None


def opruimen(*, ouder_dan=datetime.timedelta(days=1)):
    """Delete the files of uploads never imported; their results stay."""
    oud = (
        Importbestand.objects.filter(aangemaakt_op__lt=timezone.now() - ouder_dan)
        .exclude(bestand="")
        .exclude(status__in=[ImportStatus.WACHTRIJ, ImportStatus.BEZIG])
    )
    for importbestand in oud:
        importbestand.bestand.delete(save=True)

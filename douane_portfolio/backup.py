"""Backup, restore and the move from SQLite to PostgreSQL (README, "Backup, herstel en
verhuizen").

An archive is a folder with the database (a pg_dump in custom format, or a SQLite copy
made with the online backup API), the uploaded files under `media/`, and `manifest.json`:
rows per table, a fingerprint of every table's contents (history included), a sha256 of
every file and the migrations applied. A restore is checked against that manifest.

A SQLite archive restored into PostgreSQL is copied row by row in raw SQL: no model is
saved, so no signal fires and django-simple-history records nothing new.
"""

import datetime
import decimal
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tomllib
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import FileField
from django.utils import timezone

FORMAAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
BATCH = 1000


class BackupFout(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


# --- Connections -------------------------------------------------------------------


@contextmanager
def tijdelijke_database(instellingen, alias):
    """A connection alias for a database that the settings do not name: the SQLite file
    in an archive, or the target of a move."""
    if alias in connections.settings:
        raise BackupFout(f"Databasealias {alias!r} bestaat al.")
    geconfigureerd = connections.configure_settings(
        {DEFAULT_DB_ALIAS: {}, alias: dict(instellingen)}
    )[alias]
    connections.settings[alias] = geconfigureerd
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def sqlite_instellingen(pad):
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(pad)}


def soort(alias):
    vendor = connections[alias].vendor
    if vendor not in DUMP:
        raise BackupFout(f"Databasesoort {vendor!r} wordt niet ondersteund.")
    return vendor


def tabellen(alias):
    verbinding = connections[alias]
    with verbinding.cursor() as cursor:
        return sorted(verbinding.introspection.table_names(cursor))


def _pg_omgeving(alias):
    """libpq environment for pg_dump/pg_restore, so no password is on a command line."""
    instellingen = connections[alias].settings_dict
    omgeving = dict(os.environ)
    for sleutel, variabele in [
        ("NAME", "PGDATABASE"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ]:
        if instellingen.get(sleutel):
            omgeving[variabele] = str(instellingen[sleutel])
    sslmode = instellingen.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        omgeving["PGSSLMODE"] = sslmode
    return omgeving


def _draai(opdracht, omgeving):
    if shutil.which(opdracht[0]) is None:
        raise BackupFout(f"{opdracht[0]} is niet gevonden; installeer de PostgreSQL-client.")
    uitkomst = subprocess.run(opdracht, env=omgeving, capture_output=True, text=True)
    if uitkomst.returncode != 0:
        raise BackupFout(f"{opdracht[0]} faalde: {uitkomst.stderr.strip()}")


# --- What a manifest records ---------------------------------------------------------


def modellen():
    """Every table Django manages, m2m and history tables included, plus django_migrations."""
    gezien = set()
    resultaat = []
    for model in [*apps.get_models(include_auto_created=True), MigrationRecorder.Migration]:
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in gezien:
            continue
        gezien.add(meta.db_table)
        resultaat.append(model)
    return resultaat


def is_historie(model):
    return hasattr(model, "instance_type")


def tellingen(alias):
    verbinding = connections[alias]
    quote = verbinding.ops.quote_name
    resultaat = {}
    with verbinding.cursor() as cursor:
        for tabel in tabellen(alias):
            # Table names come from the database's own catalogue, quoted; no user input.
            cursor.execute(f"SELECT COUNT(*) FROM {quote(tabel)}")  # nosec B608
            resultaat[tabel] = cursor.fetchone()[0]
    return resultaat


def _normaal(waarde):
    # The same row must give the same text on SQLite and PostgreSQL: datetimes in UTC,
    # decimals without trailing zeros, JSON with sorted keys (jsonb reorders them).
    if isinstance(waarde, datetime.datetime):
        if timezone.is_aware(waarde):
            waarde = waarde.astimezone(datetime.UTC)
        return waarde.isoformat()
    if isinstance(waarde, datetime.date | datetime.time):
        return waarde.isoformat()
    if isinstance(waarde, datetime.timedelta):
        return str(waarde)
    if isinstance(waarde, decimal.Decimal):
        return str(waarde.normalize())
    if isinstance(waarde, float):
        return repr(waarde)
    if isinstance(waarde, uuid.UUID):
        return str(waarde)
    if isinstance(waarde, bytes | memoryview):
        return bytes(waarde).hex()
    if isinstance(waarde, dict | list):
        return json.dumps(waarde, sort_keys=True, default=str)
    return waarde


def vingerafdrukken(alias):
    """A sha256 per table over all rows in primary-key order, read through the models so
    that it does not depend on the database engine."""
    resultaat = {}
    for model in modellen():
        # A generated column is derived from the others: compared through its inputs.
        velden = [veld.attname for veld in model._meta.concrete_fields if not veld.generated]
        som = hashlib.sha256()
        rijen = model._base_manager.using(alias).order_by("pk").values_list(*velden)
        for rij in rijen.iterator(chunk_size=BATCH):
            som.update(json.dumps([_normaal(w) for w in rij], default=str).encode())
            som.update(b"\n")
        resultaat[model._meta.db_table] = som.hexdigest()
    return resultaat


def migraties(alias):
    recorder = MigrationRecorder(connections[alias])
    return sorted(f"{app}.{naam}" for app, naam in recorder.applied_migrations())


def migraties_in_code():
    return sorted(f"{app}.{naam}" for app, naam in MigrationLoader(None).graph.nodes)


def verwezen_bestanden(alias):
    """File names that rows of the domain models point at (history keeps old names)."""
    namen = set()
    for model in apps.get_models():
        if is_historie(model):
            continue
        for veld in model._meta.concrete_fields:
            if isinstance(veld, FileField):
                waarden = (
                    model._base_manager.using(alias)
                    .exclude(**{veld.attname: ""})
                    .exclude(**{f"{veld.attname}__isnull": True})
                    .values_list(veld.attname, flat=True)
                )
                namen.update(waarden)
    return sorted(namen)


def sha256(pad):
    som = hashlib.sha256()
    with open(pad, "rb") as bestand:
        for blok in iter(lambda: bestand.read(1024 * 1024), b""):
            som.update(blok)
    return som.hexdigest()


def bestanden_in(map_):
    map_ = Path(map_)
    if not map_.is_dir():
        return {}
    return {
        pad.relative_to(map_).as_posix(): {"sha256": sha256(pad), "bytes": pad.stat().st_size}
        for pad in sorted(map_.rglob("*"))
        if pad.is_file()
    }


def app_versie():
    with open(settings.BASE_DIR / "pyproject.toml", "rb") as bestand:
        return tomllib.load(bestand)["project"]["version"]


def _database_toestand(alias):
    toegepast = migraties(alias)
    # Contents are read through the models, which only fit a database on this code's
    # migrations; a backup taken before `migrate` of a new release has counts only.
    bij_code = toegepast == migraties_in_code()
    return {
        "migraties": toegepast,
        "tabellen": tellingen(alias),
        "vingerafdrukken": vingerafdrukken(alias) if bij_code else {},
        "verwezen_bestanden": verwezen_bestanden(alias) if bij_code else [],
    }


# --- Backup --------------------------------------------------------------------------


def maak_backup(uit, *, alias=DEFAULT_DB_ALIAS, media_root=None, met_bestanden=True):
    """Write an archive folder under `uit`; returns its path and the manifest."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    engine = soort(alias)
    if met_bestanden and Path(uit).resolve().is_relative_to(media_root.resolve()):
        raise BackupFout("De backupmap mag niet in MEDIA_ROOT liggen.")
    archief = Path(uit) / f"backup-{timezone.now():%Y%m%d-%H%M%S-%f}"
    # Built under another name and renamed when complete: a crash leaves no folder that
    # looks like a finished backup.
    bezig = archief.with_name(archief.name + ".bezig")
    bezig.mkdir(parents=True)
    try:
        manifest = _vul_archief(bezig, alias, engine, media_root, met_bestanden)
    except BaseException:
        shutil.rmtree(bezig, ignore_errors=True)
        raise
    bezig.rename(archief)
    return archief, manifest


def _vul_archief(archief, alias, engine, media_root, met_bestanden):
    dump = archief / DUMP[engine]
    if engine == "postgresql":
        toestand = _pg_dump(alias, dump)
    else:
        sqlite_kopie(connections[alias].settings_dict["NAME"], dump)
        with tijdelijke_database(sqlite_instellingen(dump), "backup_kopie") as kopie:
            toestand = _database_toestand(kopie)
    # Files come after the database snapshot: a file uploaded meanwhile is extra, never
    # missing (the app writes a file before its row).
    if met_bestanden and media_root.is_dir():
        shutil.copytree(media_root, archief / MEDIA)
    (archief / MEDIA).mkdir(exist_ok=True)
    manifest = {
        "formaat": FORMAAT,
        "gemaakt_op": timezone.now().isoformat(),
        "app_versie": app_versie(),
        "database": {"soort": engine, "bestand": dump.name, "sha256": sha256(dump)},
        **toestand,
        "historietabellen": sorted(m._meta.db_table for m in modellen() if is_historie(m)),
        "bestanden": bestanden_in(archief / MEDIA),
    }
    (archief / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def sqlite_kopie(bron, doel):
    """SQLite's online backup API: a consistent copy, WAL included, while others write."""
    # Without WAL a writer blocks readers for a moment; wait as long as the app does.
    van = sqlite3.connect(bron, timeout=20)
    naar = sqlite3.connect(doel, timeout=20)
    try:
        with naar:
            van.backup(naar)
    finally:
        naar.close()
        van.close()


def _pg_dump(alias, dump):
    """pg_dump of the snapshot in which the manifest's counts are taken, so both agree
    even while the application writes."""
    verbinding = connections[alias]
    with transaction.atomic(using=alias), verbinding.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _draai(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
            _pg_omgeving(alias),
        )
        return _database_toestand(alias)


# --- Checking an archive and a database ---------------------------------------------------


def lees_manifest(archief):
    pad = Path(archief) / MANIFEST
    if not pad.is_file():
        raise BackupFout(f"{pad} ontbreekt: dit is geen backup-archief.")
    manifest = json.loads(pad.read_text())
    if manifest.get("formaat") != FORMAAT:
        raise BackupFout(f"Onbekend archiefformaat {manifest.get('formaat')!r}.")
    return manifest


def controleer_archief(archief, manifest):
    """Differences between the archive's own files and its manifest (damage, truncation)."""
    archief = Path(archief)
    afwijkingen = []
    dump = archief / manifest["database"]["bestand"]
    if not dump.is_file():
        afwijkingen.append(f"databasebestand {dump.name} ontbreekt in het archief")
    elif sha256(dump) != manifest["database"]["sha256"]:
        afwijkingen.append(f"databasebestand {dump.name} is beschadigd (sha256 wijkt af)")
    afwijkingen += _vergelijk_bestanden(manifest["bestanden"], bestanden_in(archief / MEDIA))
    return afwijkingen


def _vergelijk_bestanden(verwacht, aanwezig):
    afwijkingen = []
    for naam, gegevens in sorted(verwacht.items()):
        if naam not in aanwezig:
            afwijkingen.append(f"bestand {naam} ontbreekt")
        elif aanwezig[naam]["sha256"] != gegevens["sha256"]:
            afwijkingen.append(f"bestand {naam} wijkt af (sha256)")
    return afwijkingen


def controleer(manifest, *, alias=DEFAULT_DB_ALIAS, media_root=None):
    """Differences between a database + media folder and a manifest; empty when equal."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    afwijkingen = []
    toestand = _database_toestand(alias)
    if toestand["migraties"] != manifest["migraties"]:
        afwijkingen.append("de toegepaste migraties wijken af van de backup")
    verwacht, gevonden = manifest["tabellen"], toestand["tabellen"]
    for tabel in sorted(verwacht.keys() | gevonden.keys()):
        if tabel not in gevonden:
            afwijkingen.append(f"tabel {tabel} ontbreekt")
        elif tabel not in verwacht:
            afwijkingen.append(f"tabel {tabel} staat niet in de backup")
        elif verwacht[tabel] != gevonden[tabel]:
            afwijkingen.append(
                f"tabel {tabel}: {gevonden[tabel]} rijen, de backup had er {verwacht[tabel]}"
            )
    if manifest["vingerafdrukken"] and not toestand["vingerafdrukken"]:
        afwijkingen.append("de inhoud is niet te vergelijken: migreer eerst de database")
    for tabel, som in sorted(manifest["vingerafdrukken"].items()):
        if toestand["vingerafdrukken"] and toestand["vingerafdrukken"].get(tabel) != som:
            afwijkingen.append(f"tabel {tabel}: de inhoud wijkt af van de backup")
    aanwezig = bestanden_in(media_root)
    afwijkingen += _vergelijk_bestanden(manifest["bestanden"], aanwezig)
    for naam in toestand["verwezen_bestanden"]:
        if naam not in aanwezig:
            afwijkingen.append(f"bestand {naam} ontbreekt, maar een rij verwijst ernaar")
    return afwijkingen


# --- Restore -----------------------------------------------------------------------------


def herstel_backup(
    archief, *, alias=DEFAULT_DB_ALIAS, media_root=None, forceren=False, met_bestanden=True
):
    """Restore an archive into an empty database and media folder (or empty them first
    when `forceren`); returns the differences found by the check afterwards.

    Without `met_bestanden` the media folder is left alone (a move on one machine)."""
    archief = Path(archief)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    manifest = lees_manifest(archief)
    beschadigd = controleer_archief(archief, manifest)
    if beschadigd:
        raise BackupFout("Het archief is niet heel: " + "; ".join(beschadigd))
    van, naar = manifest["database"]["soort"], soort(alias)
    if (van, naar) == ("postgresql", "sqlite"):
        raise BackupFout("Een PostgreSQL-backup kan alleen in PostgreSQL worden hersteld.")
    if van != naar and manifest["migraties"] != migraties_in_code():
        raise BackupFout(
            "De backup hoort bij een andere versie van de applicatie (andere migraties); "
            "verhuis met dezelfde versie als waarmee de backup gemaakt is."
        )

    bestaande_tabellen = tabellen(alias)
    bestaande_bestanden = bestanden_in(media_root) if met_bestanden else {}
    if (bestaande_tabellen or bestaande_bestanden) and not forceren:
        raise BackupFout(
            f"De database ({len(bestaande_tabellen)} tabellen) of de mediamap "
            f"({len(bestaande_bestanden)} bestanden) is niet leeg; herstellen wist alles. "
            "Gebruik --force als dat de bedoeling is."
        )
    _leeg_database(alias, bestaande_tabellen)
    if met_bestanden:
        _leeg_map(media_root)

    dump = archief / manifest["database"]["bestand"]
    if van != naar:
        with tijdelijke_database(sqlite_instellingen(dump), "backup_bron") as bron:
            verhuis_rijen(bron=bron, doel=alias)
    elif naar == "postgresql":
        connections[alias].close()
        _draai(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connections[alias].settings_dict['NAME']}",
                str(dump),
            ],
            _pg_omgeving(alias),
        )
    else:
        connections[alias].close()
        sqlite_kopie(dump, connections[alias].settings_dict["NAME"])

    if met_bestanden:
        media_root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(archief / MEDIA, media_root, dirs_exist_ok=True)
    return controleer(manifest, alias=alias, media_root=media_root)


def _leeg_database(alias, namen):
    if not namen:
        return
    verbinding = connections[alias]
    quote = verbinding.ops.quote_name
    with verbinding.cursor() as cursor:
        if verbinding.vendor == "postgresql":
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(map(quote, namen))} CASCADE")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for naam in namen:
                cursor.execute(f"DROP TABLE IF EXISTS {quote(naam)}")
            cursor.execute("PRAGMA foreign_keys = ON")


def _leeg_map(map_):
    if not map_.is_dir():
        return
    for pad in map_.iterdir():
        if pad.is_dir() and not pad.is_symlink():
            shutil.rmtree(pad)
        else:
            pad.unlink()


def verhuis_rijen(*, bron, doel):
    """Give the empty database `doel` the schema of this code and exactly the rows of
    `bron`, primary keys included, without saving a model (so no history is added)."""
    call_command("migrate", database=doel, interactive=False, verbosity=0)
    verbinding = connections[doel]
    alle = modellen()
    namen = [model._meta.db_table for model in alle]
    tabel = None
    try:
        with transaction.atomic(using=doel), verbinding.cursor() as cursor:
            # migrate filled content types, permissions and groups; the source's own rows
            # (with their ids) replace them. PostgreSQL checks the foreign keys, which
            # Django creates DEFERRABLE INITIALLY DEFERRED, at commit, so the order of
            # the tables does not matter.
            for sql in verbinding.ops.sql_flush(no_style(), namen, allow_cascade=True):
                cursor.execute(sql)
            # Rows with counter columns the triggers keep (a risk's measures, a finding's
            # actions, a report's findings) after the rows they count, and the counter
            # tables (douane_portfolio.tellers, the heat map) last: the triggers counted the
            # copied rows into them already (or would count them twice); the source's own
            # rows replace that.
            for model in sorted(alle, key=_kopieervolgorde):
                tabel = model._meta.db_table
                if _kopieervolgorde(model) == TELLERTABEL:
                    model._base_manager.using(doel).all().delete()
                _kopieer_tabel(model, bron=bron, doel=doel, cursor=cursor)
            tabel = None
            for sql in verbinding.ops.sequence_reset_sql(no_style(), alle):
                cursor.execute(sql)
    except DatabaseError as fout:
        # SQLite does not enforce lengths or types that PostgreSQL does.
        waar = f"tabel {tabel}" if tabel else "de foreign keys"
        raise BackupFout(
            f"Overzetten mislukt bij {waar}: {fout}. Er is niets overgezet; de doeldatabase "
            "heeft alleen wat migrate aanmaakt (opnieuw proberen met --force)."
        )


TELLERTABEL = 99


def _kopieervolgorde(model):
    """0: ordinary rows; then rows with counter columns kept by triggers
    (`tellerkolommen`), each after the rows it counts (`bron_tabellen`: a report after its
    findings, which come after their actions); last the counter tables
    (`door_triggers_gevuld`), whose triggers count the inserts of all of these."""
    if getattr(model, "door_triggers_gevuld", False):
        return TELLERTABEL
    if not getattr(model, "tellerkolommen", ()):
        return 0
    bronnen = [m for m in apps.get_models() if m._meta.db_table in model.bron_tabellen]
    return 1 + max((_kopieervolgorde(m) for m in bronnen), default=0)


def _kopieer_tabel(model, *, bron, doel, cursor):
    # The target database computes generated columns itself (and refuses a value).
    velden = [veld for veld in model._meta.concrete_fields if not veld.generated]
    verbinding = connections[doel]
    quote = verbinding.ops.quote_name
    # Identifiers from the model's own metadata, quoted; the values go as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # nosec B608
        quote(model._meta.db_table),
        ", ".join(quote(veld.column) for veld in velden),
        ", ".join(["%s"] * len(velden)),
    )
    rijen = (
        model._base_manager.using(bron)
        .order_by("pk")
        .values_list(*[veld.attname for veld in velden])
        .iterator(chunk_size=BATCH)
    )
    partij = []
    for rij in rijen:
        partij.append(
            [
                veld.get_db_prep_save(waarde, connection=verbinding)
                for veld, waarde in zip(velden, rij, strict=True)
            ]
        )
        if len(partij) == BATCH:
            cursor.executemany(sql, partij)
            partij = []
    if partij:
        cursor.executemany(sql, partij)

"""Backup, restore and the SQLite -> PostgreSQL move, run as an operator runs them: the
management commands as processes of their own against an embedded installation
(SQLite + uploaded evidence) built once for this module with the demo data, which
carries history, many-to-many history included.

The comparisons here read the databases and folders directly, not through the manifest.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import pytest
from django.contrib.auth.models import Group
from django.db import connections

from douane_portfolio import backup
from programmas.models import Indicatorwaarde
from risicos.models import Risico

BASE_DIR = Path(__file__).resolve().parents[2]
# One xdist worker runs the whole module (`--dist loadgroup`, Makefile): the installation and
# its move to PostgreSQL are built once, not on each worker that gets one of its tests.
pytestmark = pytest.mark.xdist_group("backup")

BEWIJS = """
from django.core.files.base import ContentFile
from audits.models import Vervolgactie
from audits.services import bewijsstuk_toevoegen
from douane_portfolio.models import User

actie = Vervolgactie.objects.filter(bevinding__status="in_uitvoering").order_by("pk").first()
door = User.objects.get(username="beheerder")
for naam, inhoud in [("notulen.pdf", b"%PDF-1.4 notulen"), ("lijst.csv", b"dossier;status")]:
    bewijsstuk_toevoegen(
        actie=actie, door=door, toelichting="Bewijs " + naam, bestand=ContentFile(inhoud, naam)
    )
"""


def omgeving(var_dir, database_url=None):
    """The environment of a manage.py process on its own installation folder."""
    env = {**os.environ, "VAR_DIR": str(var_dir)}
    env["DATABASE_URL"] = database_url or f"sqlite:///{var_dir / 'db.sqlite3'}"
    # The file broker keeps its folders under VAR_DIR: each installation its own.
    env["CELERY_BROKER_URL"] = "filesystem://"
    for naam in ("MEDIA_ROOT", "SQLITE_TEST_NAME"):
        env.pop(naam, None)
    return env


def manage(env, *args, ok=True):
    uitkomst = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    if ok:
        assert uitkomst.returncode == 0, uitkomst.stdout + uitkomst.stderr
    return uitkomst


def archief_in(map_):
    (archief,) = Path(map_).glob("backup-*")
    return archief


def bestanden(map_):
    return {
        pad.relative_to(map_).as_posix(): hashlib.sha256(pad.read_bytes()).hexdigest()
        for pad in Path(map_).rglob("*")
        if pad.is_file()
    }


def sqlite_inhoud(pad):
    """Every table with all its rows, straight from the file."""
    with sqlite3.connect(pad) as db:
        namen = [
            rij[0]
            for rij in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {naam: db.execute(f'SELECT * FROM "{naam}" ORDER BY 1').fetchall() for naam in namen}


@pytest.fixture(scope="module")
def installatie(tmp_path_factory, gemigreerde_sqlite):
    """An embedded installation with demo data, its history and two evidence files."""
    var_dir = tmp_path_factory.mktemp("ingebouwd")
    env = omgeving(var_dir)
    # What `manage.py migrate` makes (tests/conftest.py runs it once per run).
    backup.sqlite_kopie(gemigreerde_sqlite, var_dir / "db.sqlite3")
    manage(env, "laad_demo")
    manage(env, "shell", "-c", BEWIJS)
    assert len(bestanden(var_dir / "media")) == 2
    return var_dir


@pytest.fixture(scope="module")
def archief(installatie, tmp_path_factory):
    """A backup of the installation, made with `maak_backup`."""
    map_ = tmp_path_factory.mktemp("backups")
    manage(omgeving(installatie), "maak_backup", "--uit", str(map_))
    return archief_in(map_)


def test_sqlite_backup_and_restore_give_the_same_rows_history_and_files(
    installatie, archief, tmp_path
):
    doel = tmp_path / "hersteld"
    doel.mkdir()
    uitkomst = manage(omgeving(doel), "herstel_backup", str(archief))

    assert "komen overeen" in uitkomst.stdout
    voor, na = sqlite_inhoud(installatie / "db.sqlite3"), sqlite_inhoud(doel / "db.sqlite3")
    assert {t: len(r) for t, r in na.items()} == {t: len(r) for t, r in voor.items()}
    assert na == voor
    assert len(na["audits_historicalbevinding_initiatieven"]) > 0
    assert bestanden(doel / "media") == bestanden(installatie / "media")


def test_sqlite_backup_takes_committed_rows_from_the_wal_and_skips_uncommitted_ones(
    installatie, tmp_path
):
    # A second connection keeps the database open, so the committed row stays in the WAL
    # file (a copy of db.sqlite3 alone would miss it) and an open write transaction holds
    # the write lock during the backup.
    db = sqlite3.connect(installatie / "db.sqlite3", isolation_level=None)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.execute("INSERT INTO auth_group (name) VALUES ('Vastgelegd')")
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO auth_group (name) VALUES ('Niet vastgelegd')")

        manage(omgeving(installatie), "maak_backup", "--uit", str(tmp_path))

        db.execute("ROLLBACK")
    finally:
        db.execute("DELETE FROM auth_group WHERE name = 'Vastgelegd'")
        db.close()
    with sqlite3.connect(archief_in(tmp_path) / "database.sqlite3") as kopie:
        namen = {rij[0] for rij in kopie.execute("SELECT name FROM auth_group")}
    assert "Vastgelegd" in namen
    assert "Niet vastgelegd" not in namen


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(installatie, archief, tmp_path):
    doel = tmp_path / "bezet"
    doel.mkdir()
    with sqlite3.connect(doel / "db.sqlite3") as db:
        db.execute("CREATE TABLE eigen (x)")
        db.execute("INSERT INTO eigen VALUES (1)")
    (doel / "media").mkdir()
    (doel / "media" / "ander.txt").write_text("blijft staan zonder --force")

    geweigerd = manage(omgeving(doel), "herstel_backup", str(archief), ok=False)

    assert geweigerd.returncode != 0
    assert "--force" in geweigerd.stderr
    assert sqlite_inhoud(doel / "db.sqlite3") == {"eigen": [(1,)]}
    assert bestanden(doel / "media").keys() == {"ander.txt"}

    manage(omgeving(doel), "herstel_backup", str(archief), "--force")

    assert sqlite_inhoud(doel / "db.sqlite3") == sqlite_inhoud(installatie / "db.sqlite3")
    assert bestanden(doel / "media") == bestanden(installatie / "media")


def test_check_finds_a_missing_evidence_file_and_a_changed_history_row(archief, tmp_path):
    doel = tmp_path / "hersteld"
    doel.mkdir()
    manage(omgeving(doel), "herstel_backup", str(archief))
    verloren = sorted(bestanden(doel / "media"))[0]
    (doel / "media" / verloren).unlink()
    with sqlite3.connect(doel / "db.sqlite3") as db:
        db.execute(
            "UPDATE programmas_historicalthema SET history_change_reason = 'vervalst' "
            "WHERE history_id = (SELECT MIN(history_id) FROM programmas_historicalthema)"
        )

    uitkomst = manage(omgeving(doel), "controleer_backup", str(archief), ok=False)

    assert uitkomst.returncode != 0
    assert f"bestand {verloren} ontbreekt" in uitkomst.stderr
    assert "programmas_historicalthema: de inhoud wijkt af" in uitkomst.stderr


# --- PostgreSQL ----------------------------------------------------------------------


def postgres_url():
    """The server of DATABASE_URL when that is PostgreSQL (CI), else TEST_POSTGRES_URL or
    a local default; new databases are named after its database name."""
    url = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/douane"
    return url


def met_naam(url, naam):
    delen = urlsplit(url)
    return urlunsplit(delen._replace(path=f"/{naam}"))


@pytest.fixture(scope="module")
def postgres():
    """Creates throw-away databases on the PostgreSQL server and drops them afterwards."""
    psycopg = pytest.importorskip("psycopg")
    basis = postgres_url()
    try:
        beheer = psycopg.connect(met_naam(basis, "postgres"), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as fout:
        if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
            raise  # the suite itself runs on PostgreSQL: it must be there
        pytest.skip(f"Geen PostgreSQL bereikbaar op {basis} ({fout}); zet TEST_POSTGRES_URL.")
    gemaakt = []

    def nieuwe_database(soort):
        naam = f"{urlsplit(basis).path.strip('/')}_{soort}_{uuid.uuid4().hex[:8]}"
        beheer.execute(f'CREATE DATABASE "{naam}"')
        gemaakt.append(naam)
        return met_naam(basis, naam)

    yield nieuwe_database
    for naam in gemaakt:
        beheer.execute(f'DROP DATABASE IF EXISTS "{naam}" WITH (FORCE)')
    beheer.close()


@pytest.fixture(scope="module")
def verhuisd(installatie, postgres):
    """The installation moved to a new PostgreSQL database; (url, moment of the move)."""
    url = postgres("verhuis")
    moment = datetime.datetime.now(datetime.UTC)
    uitkomst = manage(omgeving(installatie), "verhuis_database", "--naar", url)
    assert "Verhuisd" in uitkomst.stdout
    return url, moment


@pytest.fixture
def databases(django_db_blocker):
    """Open several databases by URL in this process, to read them through the models."""
    geopend = []
    with django_db_blocker.unblock():

        def openen(url):
            alias = f"vergelijk_{len(geopend)}"
            context = backup.tijdelijke_database(dj_database_url.parse(url), alias)
            context.__enter__()
            geopend.append(context)
            return alias

        yield openen
        for context in reversed(geopend):
            context.__exit__(None, None, None)


def triggers(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname || ' ' || t.tgname FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
        )
        return {rij[0] for rij in cursor.fetchall()}


def rijen(model, alias):
    return list(model._base_manager.using(alias).order_by("pk").values_list())


def test_moving_sqlite_to_postgresql_keeps_every_history_row_and_adds_none(
    installatie, verhuisd, databases
):
    url, moment = verhuisd
    bron = databases(f"sqlite:///{installatie / 'db.sqlite3'}")
    doel = databases(url)

    for model in backup.modellen():
        tabel = model._meta.db_table
        assert model._base_manager.using(doel).count() == model._base_manager.using(bron).count(), (
            tabel
        )
        if backup.is_historie(model) or model in (Risico, Indicatorwaarde):
            # history_date, history_user, history_type, the change reason, every field;
            # the risks' measure counters as the source had them, not counted twice;
            # the values' copied sort keys (set again by triggers while copied).
            assert rijen(model, doel) == rijen(model, bron), tabel
    assert Risico.objects.using(bron).filter(maatregelen_totaal__gt=0).exists()
    assert Indicatorwaarde.objects.using(bron).exclude(indicator_groep="").exists()
    historie = [
        m for m in backup.modellen() if backup.is_historie(m) and hasattr(m, "history_date")
    ]
    laatste = max(
        m._base_manager.using(doel)
        .order_by("-history_date")
        .values_list("history_date", flat=True)
        .first()
        or datetime.datetime.min.replace(tzinfo=datetime.UTC)
        for m in historie
    )
    assert laatste < moment
    # The sequences continue after the copied ids.
    nieuw = Group.objects.using(doel).create(name="Na de verhuizing")
    assert nieuw.pk > max(Group.objects.using(bron).values_list("pk", flat=True))


def test_postgresql_backup_and_restore_give_the_same_rows_history_and_files(
    installatie, verhuisd, postgres, databases, tmp_path
):
    bron_url, _ = verhuisd
    manage(omgeving(installatie, bron_url), "maak_backup", "--uit", str(tmp_path / "backups"))
    archief = archief_in(tmp_path / "backups")
    assert (archief / "database.dump").read_bytes().startswith(b"PGDMP")

    doel_url = postgres("herstel")
    doel_map = tmp_path / "hersteld"
    doel_map.mkdir()
    manage(omgeving(doel_map, doel_url), "herstel_backup", str(archief))

    bron, doel = databases(bron_url), databases(doel_url)
    assert backup.tabellen(doel) == backup.tabellen(bron)
    for model in backup.modellen():
        assert rijen(model, doel) == rijen(model, bron), model._meta.db_table
    # The triggers that keep counters and copies came along.
    assert triggers(doel) == triggers(bron)
    assert "programmas_indicatorwaarde sortering_in_bij" in triggers(doel)
    assert bestanden(doel_map / "media") == bestanden(installatie / "media")


def test_a_move_that_postgresql_refuses_stops_with_the_table_and_copies_nothing(
    archief, postgres, databases, tmp_path
):
    # SQLite stores a name longer than its column allows; PostgreSQL refuses it.
    kapot = tmp_path / "archief"
    shutil.copytree(archief, kapot)
    with sqlite3.connect(kapot / "database.sqlite3") as db:
        db.execute("UPDATE programmas_thema SET naam = ? WHERE id = 1", ["x" * 300])
    manifest = json.loads((kapot / "manifest.json").read_text())
    manifest["database"]["sha256"] = backup.sha256(kapot / "database.sqlite3")
    (kapot / "manifest.json").write_text(json.dumps(manifest))
    doel_url = postgres("verhuis")
    doel_map = tmp_path / "doel"
    doel_map.mkdir()

    uitkomst = manage(omgeving(doel_map, doel_url), "herstel_backup", str(kapot), ok=False)

    assert uitkomst.returncode != 0
    assert "Overzetten mislukt bij tabel programmas_thema" in uitkomst.stderr
    # Only what migrate itself creates (content types, permissions, groups) is there.
    doel = databases(doel_url)
    gevuld = {
        model._meta.db_table
        for model in backup.modellen()
        if model._base_manager.using(doel).exists()
    }
    assert gevuld == {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "auth_group",
        "auth_group_permissions",
        # The counters' peildatum (douane_portfolio 0009).
        "douane_portfolio_tellerdatum",
        # The heat map's 36 cells, at 0 (risicos 0008).
        "risicos_heatmapteller",
    }

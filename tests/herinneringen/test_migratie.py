"""The move of the reminder models from the hub to their own app keeps every row, the
permissions and the groups that hold them (migrations herinneringen 0001 and
douane_portfolio 0007), on a database that already holds reminders."""

import datetime
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

VOOR = [("douane_portfolio", "0006_verzending_claim_backoff_historie"), ("herinneringen", None)]
NA = [("douane_portfolio", "0007_herinneringen_naar_eigen_app"), ("herinneringen", "0001_initial")]


def _migreer(doel):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(doel)
    executor.loader.build_graph()
    return executor.loader.project_state([n for n in doel if n[1]]).apps


@pytest.fixture
def terug_naar_nu():
    yield
    # Leave the schema as the rest of the suite expects it.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_it_keeps_rows_content_types_and_permissions(terug_naar_nu):
    oud = _migreer(VOOR)
    ContentType = oud.get_model("contenttypes", "ContentType")
    Permission = oud.get_model("auth", "Permission")
    Group = oud.get_model("auth", "Group")
    User = oud.get_model("douane_portfolio", "User")
    # What post_migrate made for the old layout on a database that ran it.
    ContentType.objects.filter(app_label="herinneringen").delete()
    soorten = {
        m: ContentType.objects.get_or_create(app_label="douane_portfolio", model=m)[0]
        for m in ("herinnering", "verzending", "bezorging", "historicalverzending")
    }
    zien, _ = Permission.objects.get_or_create(
        content_type=soorten["verzending"],
        codename="view_verzending",
        defaults={"name": "Can view verzending"},
    )
    beheerder, _ = Group.objects.get_or_create(name="Beheerder")
    beheerder.permissions.add(zien)

    ontvanger = User.objects.create(username="m_ontvanger", email="o@example.org")
    actie_soort = ContentType.objects.get_or_create(app_label="programmas", model="mijlpaal")[0]
    Herinnering = oud.get_model("douane_portfolio", "Herinnering")
    Verzending = oud.get_model("douane_portfolio", "Verzending")
    Bezorging = oud.get_model("douane_portfolio", "Bezorging")
    herinnering = Herinnering.objects.create(
        content_type=actie_soort,
        object_id=7,
        soort="te_laat",
        periode="2026-11-01/week-1",
        datum=datetime.date(2026, 11, 2),
        deadline=datetime.date(2026, 11, 1),
        soortnaam="mijlpaal",
        omschrijving="Plan opleveren",
        url="https://portfolio.example/x",
        eigenaar=ontvanger,
        run=uuid.uuid4(),
    )
    verzending = Verzending.objects.create(
        ontvanger=ontvanger, adres="o@example.org", message_id="<1@x>", status="mislukt"
    )
    Bezorging.objects.create(herinnering=herinnering, ontvanger=ontvanger, verzending=verzending)

    nieuw = _migreer(NA)
    NieuweHerinnering = nieuw.get_model("herinneringen", "Herinnering")
    NieuweBezorging = nieuw.get_model("herinneringen", "Bezorging")
    assert NieuweHerinnering.objects.get().omschrijving == "Plan opleveren"
    bezorging = NieuweBezorging.objects.select_related("verzending").get()
    assert bezorging.verzending.status == "mislukt"
    assert bezorging.herinnering_id == herinnering.pk

    ContentType = nieuw.get_model("contenttypes", "ContentType")
    Group = nieuw.get_model("auth", "Group")
    assert not ContentType.objects.filter(app_label="douane_portfolio", model="verzending")
    verzending_soort = ContentType.objects.get(app_label="herinneringen", model="verzending")
    assert verzending_soort.pk == soorten["verzending"].pk
    assert set(
        Group.objects.get(name="Beheerder").permissions.values_list(
            "content_type__app_label", "codename"
        )
    ) >= {("herinneringen", "view_verzending")}


@pytest.mark.django_db(transaction=True)
def test_a_database_that_already_has_the_new_content_types_merges_them(terug_naar_nu):
    oud = _migreer(VOOR)
    ContentType = oud.get_model("contenttypes", "ContentType")
    Permission = oud.get_model("auth", "Permission")
    Group = oud.get_model("auth", "Group")
    # Both the old and the new content type exist, each with its permission.
    oude_ct = ContentType.objects.get_or_create(app_label="douane_portfolio", model="verzending")[0]
    nieuwe_ct = ContentType.objects.get_or_create(app_label="herinneringen", model="verzending")[0]
    oud_recht = Permission.objects.get_or_create(
        content_type=oude_ct, codename="view_verzending", defaults={"name": "x"}
    )[0]
    Permission.objects.get_or_create(
        content_type=nieuwe_ct, codename="view_verzending", defaults={"name": "x"}
    )
    groep = Group.objects.create(name="m_kantoor")
    groep.permissions.add(oud_recht)

    nieuw = _migreer(NA)
    Group = nieuw.get_model("auth", "Group")
    ContentType = nieuw.get_model("contenttypes", "ContentType")
    assert not ContentType.objects.filter(app_label="douane_portfolio", model="verzending")
    assert list(
        Group.objects.get(name="m_kantoor").permissions.values_list(
            "content_type__app_label", "codename"
        )
    ) == [("herinneringen", "view_verzending")]

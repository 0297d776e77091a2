"""The per-risk measure counters (`maatregelen_totaal`, `maatregelen_gereed`) stay equal
to a recount through every path that links, unlinks, moves, changes or deletes a
measure: they are kept by database triggers (migration 0005), so each path is written
here the way the application (or an operator) writes it."""

import datetime
import importlib

import pytest
from django.db import connection, transaction
from django.urls import reverse

from douane_portfolio.models import ActieStatus
from risicos import services
from risicos.models import Beheersmaatregel, Risico
from tests.api.conftest import api, if_match  # noqa: F401 (fixture)
from tests.importeren.conftest import csv_bestand, importeren, uploaden  # noqa: F401 (fixtures)
from tests.risicos.factories import (
    BeheersmaatregelFactory,
    RisicodialoogFactory,
    RisicoFactory,
)

pytestmark = pytest.mark.django_db

Koppeling = Beheersmaatregel.risicos.through
DEADLINE = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()


def telling(risico):
    """(gereed, totaal) as stored on the risk row."""
    rij = Risico.objects.values_list("maatregelen_gereed", "maatregelen_totaal").get(pk=risico.pk)
    return tuple(rij)


def herteld(risico):
    """(gereed, totaal) counted from the links, as the register used to."""
    statussen = list(
        Koppeling.objects.filter(risico=risico).values_list("beheersmaatregel__status", flat=True)
    )
    return (
        sum(s == ActieStatus.AFGEROND for s in statussen),
        sum(s != ActieStatus.VERVALLEN for s in statussen),
    )


def klopt(*risicos):
    for risico in risicos:
        assert telling(risico) == herteld(risico), risico


@pytest.fixture
def risicos():
    return [RisicoFactory(titel=t) for t in ("Alfa", "Bravo", "Charlie")]


def test_the_screens_create_move_and_report_a_measure(client_voor, risicofunctionaris, pm, risicos):
    a, b, c = risicos
    client = client_voor(risicofunctionaris)
    response = client.post(
        reverse("risicos:maatregel_nieuw"),
        {
            "omschrijving": "Pentest",
            "risicos": [a.pk, b.pk],
            "eigenaar": pm.pk,
            "deadline": DEADLINE,
            "status": "open",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    maatregel = Beheersmaatregel.objects.get(omschrijving="Pentest")
    assert [telling(r) for r in risicos] == [(0, 1), (0, 1), (0, 0)]

    response = client.post(
        reverse("risicos:maatregel_bewerken", args=[maatregel.pk]),
        {
            "omschrijving": "Pentest",
            "risicos": [b.pk, c.pk],
            "eigenaar": pm.pk,
            "deadline": DEADLINE,
            "status": "open",
            "versie": maatregel.versie,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert [telling(r) for r in risicos] == [(0, 0), (0, 1), (0, 1)]

    status_url = reverse("risicos:maatregel_status", args=[maatregel.pk])
    maatregel.refresh_from_db()
    client = client_voor(pm)
    assert client.post(status_url, {"status": "afgerond", "versie": maatregel.versie}).status_code
    assert [telling(r) for r in risicos] == [(0, 0), (1, 1), (1, 1)]
    maatregel.refresh_from_db()
    client.post(status_url, {"status": "vervallen", "versie": maatregel.versie})
    maatregel.refresh_from_db()
    assert maatregel.status == "vervallen"
    assert [telling(r) for r in risicos] == [(0, 0), (0, 0), (0, 0)]
    klopt(*risicos)


def test_a_measure_agreed_in_a_dialogue_session_counts(client_voor, risicofunctionaris, pm):
    risico = RisicoFactory(titel="Besproken")
    dialoog = RisicodialoogFactory(risicos=[risico])
    punt = dialoog.punten.get()
    prefix = f"punt-{punt.pk}-"
    response = client_voor(risicofunctionaris).post(
        reverse("risicos:dialoog_sessie", args=[dialoog.pk]),
        {
            "besluiten": "",
            "versie": dialoog.versie,
            prefix + "netto_kans": "",
            prefix + "netto_impact": "",
            prefix + "conclusie": "",
            prefix + "actie_omschrijving": "Analyse",
            prefix + "actie_eigenaar": pm.pk,
            prefix + "actie_deadline": DEADLINE,
        },
    )
    assert response.status_code == 302
    assert telling(risico) == (0, 1)


def test_the_api_reports_a_status(api, pm2):  # noqa: F811
    risico = RisicoFactory()
    maatregel = BeheersmaatregelFactory(eigenaar=pm2, risicos=[risico])
    assert telling(risico) == (0, 1)
    response = api(pm2).patch(
        f"/api/v1/maatregelen/{maatregel.pk}/",
        {"status": "afgerond"},
        format="json",
        **if_match(maatregel.versie),
    )
    assert response.status_code == 200, response.json()
    assert telling(risico) == (1, 1)


def test_the_import_creates_and_relinks_measures(
    uploaden,  # noqa: F811
    importeren,  # noqa: F811
    risicofunctionaris,
    pm,
):
    cyber, personeel = RisicoFactory(titel="Cyberaanval"), RisicoFactory(titel="Personeelstekort")
    rijen = [
        ["Maatregel", "Risico's", "Eigenaar", "Deadline", "Status"],
        ["Pentest", "Cyberaanval; Personeelstekort", "pm", DEADLINE, "Open"],
        ["Werving", "Personeelstekort", "pm", DEADLINE, "Afgerond"],
    ]
    _, bestand = uploaden(risicofunctionaris, "maatregelen", csv_bestand(rijen))
    importeren(bestand)
    assert (telling(cyber), telling(personeel)) == ((0, 1), (1, 2))

    rijen[1][1] = "Cyberaanval"
    rijen[2][4] = "Vervallen"
    _, tweede = uploaden(risicofunctionaris, "maatregelen", csv_bestand(rijen))
    importeren(tweede)
    assert (telling(cyber), telling(personeel)) == ((0, 1), (0, 0))


def test_the_admin_moves_a_measure(client_voor, pm):
    from tests.factories import UserFactory

    a, b = RisicoFactory(), RisicoFactory()
    maatregel = BeheersmaatregelFactory(eigenaar=pm, risicos=[a], status="afgerond")
    client = client_voor(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:risicos_beheersmaatregel_change", args=[maatregel.pk])
    response = client.post(
        url,
        {
            "omschrijving": maatregel.omschrijving,
            "eigenaar": pm.pk,
            "deadline": maatregel.deadline.isoformat(),
            "status": "afgerond",
            "risicos": [b.pk],
            "dialoog": "",
            "bron": "",
        },
    )
    assert response.status_code == 302 and "/change/" not in response["Location"]
    assert (telling(a), telling(b)) == ((0, 0), (1, 1))
    # The admin deletes no measure (its history stays); `delete()` is tested below.


def test_bulk_writes_and_querysets_keep_the_counters(risicos):
    a, b, c = risicos
    maatregelen = [BeheersmaatregelFactory(status=s) for s in ("open", "afgerond", "vervallen")]
    Koppeling.objects.bulk_create(
        [Koppeling(beheersmaatregel=m, risico=r) for m in maatregelen for r in (a, b)]
    )
    assert telling(a) == (1, 2)
    vandaag = datetime.date.today()
    Beheersmaatregel.objects.filter(status="vervallen").update(
        status="afgerond", afgerond_op=vandaag
    )
    assert telling(a) == (2, 3)
    Beheersmaatregel.objects.update(status="in_uitvoering", afgerond_op=None)
    assert telling(b) == (0, 3)
    Koppeling.objects.filter(risico=a).update(risico=c)  # moved in the database
    assert (telling(a), telling(c)) == ((0, 0), (0, 3))
    b.maatregelen.remove(maatregelen[0])
    c.maatregelen.clear()
    assert (telling(b), telling(c)) == ((0, 2), (0, 0))
    maatregelen[1].risicos.set([a, c])
    Beheersmaatregel.objects.filter(pk=maatregelen[2].pk).delete()
    klopt(a, b, c)
    assert (telling(a), telling(b), telling(c)) == ((0, 1), (0, 0), (0, 1))


def test_a_measure_deleted_before_its_links_is_uncounted_once(risicos):
    """Raw SQL may delete the measure first (the link's foreign key is checked at
    commit); the measure's own trigger then takes it off, and the links' delete after
    it finds no measure and takes nothing off twice."""
    a, b, _ = risicos
    maatregel = BeheersmaatregelFactory(risicos=[a, b], status="afgerond")
    BeheersmaatregelFactory(risicos=[a])
    tabel, koppeling = Beheersmaatregel._meta.db_table, Koppeling._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {tabel} WHERE id = %s", [maatregel.pk])
        assert (telling(a), telling(b)) == ((0, 1), (0, 0))
        cursor.execute(f"DELETE FROM {koppeling} WHERE beheersmaatregel_id = %s", [maatregel.pk])
    assert (telling(a), telling(b)) == ((0, 1), (0, 0))
    klopt(a, b)


def test_a_stale_risk_saved_after_a_measure_changed_keeps_the_counts(
    client_voor, risicofunctionaris
):
    risico = RisicoFactory(titel="Oud")
    geladen = Risico.objects.get(pk=risico.pk)
    BeheersmaatregelFactory(risicos=[risico], status="afgerond")
    geladen.omschrijving = "Bijgewerkt"
    geladen.save()
    assert telling(risico) == (1, 1)
    services.risico_bijwerken(
        risico=geladen, door=risicofunctionaris, verwachte_versie=geladen.versie
    )
    assert telling(risico) == (1, 1)
    assert Risico.objects.get(pk=risico.pk).omschrijving == "Bijgewerkt"


def test_the_migration_counts_what_was_there(risicos):
    a, b, _ = risicos
    BeheersmaatregelFactory(risicos=[a, b], status="afgerond")
    BeheersmaatregelFactory(risicos=[a], status="vervallen")
    BeheersmaatregelFactory(risicos=[a])
    Risico.objects.update(maatregelen_totaal=9, maatregelen_gereed=0)
    migratie = importlib.import_module("risicos.migrations.0005_maatregeltellers")
    with connection.cursor() as cursor:
        cursor.execute(migratie.TELLEN)
    assert (telling(a), telling(b)) == ((1, 2), (1, 1))


def test_the_database_refuses_more_done_than_counted():
    from django.db import IntegrityError

    risico = RisicoFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Risico.objects.filter(pk=risico.pk).update(maatregelen_gereed=1)


def test_the_register_shows_and_sorts_by_the_counters(client_voor, beheerder):
    veel, weinig = RisicoFactory(titel="Veel"), RisicoFactory(titel="Weinig")
    for status in ("afgerond", "afgerond", "open"):
        BeheersmaatregelFactory(risicos=[veel], status=status)
    BeheersmaatregelFactory(risicos=[weinig], status="afgerond")
    client = client_voor(beheerder)
    html = client.get(reverse("risicos:register"), {"sort": "-maatregelen"}).content.decode()
    assert "2/3 gereed" in html and "1/1 gereed" in html
    assert html.index("Veel") < html.index("Weinig")
    html = client.get(reverse("risicos:register"), {"sort": "maatregelen"}).content.decode()
    assert html.index("Weinig") < html.index("Veel")


def test_the_triggers_spell_the_statuses_as_the_model_does():
    migratie = importlib.import_module("risicos.migrations.0005_maatregeltellers")
    for waarde in (ActieStatus.VERVALLEN, ActieStatus.AFGEROND):
        assert f"'{waarde}'" in migratie.TELLEN
        assert all(f"'{waarde}'" in sql for sql in migratie.SQLITE[:2])
    # And the PostgreSQL functions that lock in key order (0009).
    volgorde = importlib.import_module(
        "risicos.migrations.0009_maatregeltellers_in_sleutelvolgorde"
    )
    functies = [sql for sql in volgorde.POSTGRESQL if "CREATE OR REPLACE FUNCTION" in sql]
    assert len(functies) == 2
    for waarde in (ActieStatus.VERVALLEN, ActieStatus.AFGEROND):
        assert all(f"'{waarde}'" in sql for sql in functies)

"""The postponement counter on a follow-up action (issue 13) equals the number of rows in
the ledger Deadlineverschuiving, through every way a deadline can move or be refused:
the service, the screen, the API, the import, the admin, the scale data and the
migration that filled the counter from the ledger."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db.models import Count, F
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiSleutel, Bereik
from audits import services
from audits.models import Deadlineverschuiving, Vervolgactie
from tests.importeren.conftest import csv_bestand

pytestmark = pytest.mark.django_db


def afwijkend():
    """Actions whose counter differs from their rows in the ledger."""
    return list(
        Vervolgactie.objects.annotate(n=Count("deadlineverschuivingen"))
        .exclude(aantal_verschuivingen=F("n"))
        .values_list("pk", "aantal_verschuivingen", "n")
    )


def _uitstel(actie, dagen, door, goedgekeurd_door):
    actie.refresh_from_db()
    return services.deadline_verschuiven(
        actie=actie,
        nieuwe_deadline=actie.deadline + datetime.timedelta(days=dagen),
        reden="Leverancier levert later.",
        goedgekeurd_door=goedgekeurd_door,
        door=door,
    )


def test_the_service_counts_each_postponement_and_nothing_it_refuses(actie, pm, pm2, lezer):
    _uitstel(actie, 30, door=pm2, goedgekeurd_door=pm)
    _uitstel(actie, 7, door=pm2, goedgekeurd_door=pm)
    with pytest.raises(ValidationError):
        _uitstel(actie, 0, door=pm2, goedgekeurd_door=pm)  # not later
    with pytest.raises(ValidationError):
        _uitstel(actie, 7, door=pm2, goedgekeurd_door=pm2)  # own approval
    with pytest.raises(services.GeenToestemming):
        _uitstel(actie, 7, door=lezer, goedgekeurd_door=pm)
    actie.refresh_from_db()
    assert actie.aantal_verschuivingen == 2
    assert afwijkend() == []


def test_the_counter_stays_out_of_the_history(actie, pm, pm2):
    _uitstel(actie, 30, door=pm2, goedgekeurd_door=pm)
    record = actie.history.latest()
    assert not hasattr(record, "aantal_verschuivingen")
    assert record.history_change_reason.startswith("Uitstel, goedgekeurd door")


def test_the_screen_counts_through_the_service(client_voor, actie, pm, pm2):
    url = reverse("audits:deadline_verschuiven", args=[actie.pk])
    client = client_voor(pm2)
    for dagen in (30, 60):
        actie.refresh_from_db()
        nieuw = actie.deadline + datetime.timedelta(days=dagen)
        response = client.post(
            url,
            {
                "nieuwe_deadline": nieuw.isoformat(),
                "reden": "Wacht op leverancier",
                "goedgekeurd_door": pm.pk,
                "versie": actie.versie,
            },
        )
        assert response.status_code == 302
    # A stale form (an old version) writes nothing.
    response = client.post(
        url,
        {
            "nieuwe_deadline": "2099-01-01",
            "reden": "Nog later",
            "goedgekeurd_door": pm.pk,
            "versie": actie.versie,
        },
    )
    assert response.status_code == 200
    actie.refresh_from_db()
    assert actie.aantal_verschuivingen == 2
    assert afwijkend() == []


def test_the_api_moves_no_deadline_so_counts_nothing(actie, pm2):
    _, geheim = ApiSleutel.aanmaken(gebruiker=pm2, naam="test", bereik=Bereik.SCHRIJVEN)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {geheim}")
    oud = actie.deadline
    response = client.patch(
        f"/api/v1/vervolgacties/{actie.pk}/",
        {"status": "in_uitvoering", "deadline": "2099-01-01", "aantal_verschuivingen": 9},
        format="json",
        HTTP_IF_MATCH=f'"{actie.versie}"',
    )
    assert response.status_code == 200, response.json()
    actie.refresh_from_db()
    assert (actie.status, actie.deadline, actie.aantal_verschuivingen) == ("in_uitvoering", oud, 0)
    assert afwijkend() == []


def test_the_import_refuses_a_new_deadline_and_counts_nothing(client_voor, actie, auditor):
    rijen = [
        ["Bevinding", "Actie", "Deadline"],
        [actie.bevinding.titel, actie.omschrijving, "2099-01-01"],
    ]
    client_voor(auditor).post(
        "/importeren/", {"soort": "vervolgacties", "bestand": csv_bestand(rijen)}
    )
    from importeren.models import Importbestand

    importbestand = Importbestand.objects.get(door=auditor)
    assert "Deadline verschuiven" in importbestand.resultaat["rijen"][0]["fouten"][0]["melding"]
    actie.refresh_from_db()
    assert actie.aantal_verschuivingen == 0 and not Deadlineverschuiving.objects.exists()


def test_the_admin_writes_no_postponement_and_no_counter(client_voor, actie, beheerder, pm, pm2):
    _uitstel(actie, 30, door=pm2, goedgekeurd_door=pm)
    beheerder.is_staff = True  # the portfolio office, in the admin
    beheerder.save()
    client = client_voor(beheerder)
    assert client.get(reverse("admin:audits_deadlineverschuiving_add")).status_code == 403
    verschuiving = Deadlineverschuiving.objects.get()
    wijzig = reverse("admin:audits_deadlineverschuiving_change", args=[verschuiving.pk])
    assert client.post(wijzig, {"nieuwe_deadline": "2099-01-01"}).status_code == 403
    verwijder = reverse("admin:audits_deadlineverschuiving_delete", args=[verschuiving.pk])
    assert client.post(verwijder, {"post": "yes"}).status_code == 403
    # The action's own admin form has neither the deadline nor the counter to edit.
    formulier = client.get(reverse("admin:audits_vervolgactie_change", args=[actie.pk]))
    velden = formulier.context["adminform"].form.fields
    assert "deadline" not in velden and "aantal_verschuivingen" not in velden
    assert afwijkend() == []


def test_the_migration_fills_the_counter_from_the_ledger(actie, pm, pm2):
    _uitstel(actie, 30, door=pm2, goedgekeurd_door=pm)
    _uitstel(actie, 30, door=pm2, goedgekeurd_door=pm)
    Vervolgactie.objects.update(aantal_verschuivingen=0)  # as before the migration
    assert afwijkend() == [(actie.pk, 0, 2)]

    migratie = importlib.import_module("audits.migrations.0006_aantal_verschuivingen")
    migratie.tellen(django_apps, None)
    assert afwijkend() == []

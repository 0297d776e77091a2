"""The per-risk count of open audit findings (`risicos_risico.bevindingen_open`) stays
equal to a recount through every path that links, unlinks, resolves, reopens or deletes
a finding: database triggers keep it (audits 0016), so each path is written here the
way the application (or an operator) writes it."""

import importlib

import pytest
from django.db import connection, transaction
from django.urls import reverse

from audits import services
from audits.models import NOG_NIET_OPGELOST, Bevinding, BevindingStatus, Verdict
from risicos.models import Risico
from tests.audits.factories import BevindingFactory
from tests.risicos.factories import RisicoFactory
from tests.tegelijk import tegelijk

pytestmark = pytest.mark.django_db

Koppeling = Bevinding.risicos.through
MIGRATIE = importlib.import_module("audits.migrations.0016_risicotellers")


def telling(risico):
    return Risico.objects.values_list("bevindingen_open", flat=True).get(pk=risico.pk)


def herteld(risico):
    return Koppeling.objects.filter(risico=risico, bevinding__status__in=NOG_NIET_OPGELOST).count()


def klopt(*risicos):
    for risico in risicos:
        assert telling(risico) == herteld(risico), risico


@pytest.fixture
def risicos():
    return [RisicoFactory(titel=t) for t in ("Alfa", "Bravo", "Charlie")]


def test_the_verdicts_resolve_and_reopen_a_finding(risicos, auditor, pm):
    a, b, _ = risicos
    bevinding = BevindingFactory(eigenaar=pm, status=BevindingStatus.IN_UITVOERING)
    bevinding.risicos.set([a, b])
    assert (telling(a), telling(b)) == (1, 1)
    services.bevinding_aanbieden(
        bevinding=bevinding, door=bevinding.eigenaar, toelichting="Bewijs in de map"
    )
    assert telling(a) == 1  # ter beoordeling is still open
    services.bevinding_beoordelen(
        bevinding=bevinding, door=auditor, oordeel=Verdict.AKKOORD, toelichting="Gezien"
    )
    assert (telling(a), telling(b)) == (0, 0)
    services.bevinding_heropenen(bevinding=bevinding, door=auditor, reden="Toch niet")
    assert (telling(a), telling(b)) == (1, 1)


def test_the_edit_form_moves_a_finding_to_other_risks(client_voor, auditor, risicos):
    a, b, c = risicos
    bevinding = BevindingFactory()
    bevinding.risicos.set([a])
    client = client_voor(auditor)
    url = reverse("audits:bevinding_bewerken", args=[bevinding.pk])
    formulier = client.get(url).context["form"]
    data = {
        naam: waarde
        for naam, waarde in formulier.initial.items()
        if waarde is not None and naam != "risicos"
    }
    data.update(
        rapport=bevinding.rapport_id,
        eigenaar=bevinding.eigenaar_id,
        risicos=[b.pk, c.pk],
        versie=bevinding.versie,
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert [telling(r) for r in risicos] == [0, 1, 1]


def test_bulk_writes_and_querysets_keep_the_counter(risicos):
    a, b, c = risicos
    bevindingen = [
        BevindingFactory(status=s)
        for s in (BevindingStatus.OPEN, BevindingStatus.TER_BEOORDELING, BevindingStatus.OPGELOST)
    ]
    Koppeling.objects.bulk_create(
        [Koppeling(bevinding=f, risico=r) for f in bevindingen for r in (a, b)]
    )
    assert (telling(a), telling(b), telling(c)) == (2, 2, 0)
    Bevinding.objects.filter(status=BevindingStatus.OPGELOST).update(status=BevindingStatus.OPEN)
    assert telling(a) == 3
    # A change among open statuses moves nothing; to resolved takes off.
    Bevinding.objects.update(status=BevindingStatus.IN_UITVOERING)
    assert telling(b) == 3
    Bevinding.objects.filter(pk=bevindingen[0].pk).update(status=BevindingStatus.OPGELOST)
    assert (telling(a), telling(b)) == (2, 2)
    Koppeling.objects.filter(risico=a).update(risico=c)  # moved in the database
    assert (telling(a), telling(c)) == (0, 2)
    # From the finding's side: the reverse side trips django-simple-history (#1048).
    bevindingen[1].risicos.remove(b)
    Koppeling.objects.filter(risico=c).delete()
    assert (telling(b), telling(c)) == (1, 0)
    bevindingen[2].risicos.set([a, c])
    Bevinding.objects.filter(pk=bevindingen[2].pk).delete()
    klopt(a, b, c)
    assert (telling(a), telling(b), telling(c)) == (0, 0, 0)


def test_a_finding_deleted_before_its_links_is_uncounted_once(risicos):
    """Raw SQL may delete the finding first (the link's foreign key is checked at
    commit); the finding's own trigger takes it off, the links' delete after it finds no
    finding and takes nothing off twice."""
    a, b, _ = risicos
    bevinding = BevindingFactory()
    bevinding.risicos.set([a, b])
    BevindingFactory().risicos.set([a])
    tabel, koppeling = Bevinding._meta.db_table, Koppeling._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # The history rows point at nothing in the database; the finding alone goes.
        cursor.execute(f"DELETE FROM {tabel} WHERE id = %s", [bevinding.pk])  # noqa: S608
        assert (telling(a), telling(b)) == (1, 0)
        cursor.execute(f"DELETE FROM {koppeling} WHERE bevinding_id = %s", [bevinding.pk])  # noqa: S608
    assert (telling(a), telling(b)) == (1, 0)
    klopt(a, b)


def test_a_stale_risk_saved_after_a_finding_changed_keeps_the_count(risicos):
    a = risicos[0]
    geladen = Risico.objects.get(pk=a.pk)
    BevindingFactory().risicos.set([a])
    geladen.omschrijving = "Bijgewerkt"
    geladen.save()
    assert telling(a) == 1


def test_the_migration_counts_what_was_there(risicos):
    a, b, _ = risicos
    BevindingFactory().risicos.set([a, b])
    BevindingFactory(status=BevindingStatus.OPGELOST).risicos.set([a])
    Risico.objects.update(bevindingen_open=7)
    with connection.cursor() as cursor:
        cursor.execute(MIGRATIE.TELLEN)
    assert (telling(a), telling(b), telling(risicos[2])) == (1, 1, 0)


def test_the_triggers_spell_the_statuses_as_the_model_does():
    gespeld = "(" + ", ".join(f"'{s}'" for s in NOG_NIET_OPGELOST) + ")"
    assert gespeld == MIGRATIE.OPEN
    assert str(BevindingStatus.OPGELOST) not in MIGRATIE.OPEN


def test_the_register_shows_and_sorts_by_the_counter(client_voor, auditor):
    veel, weinig, geen = (RisicoFactory(titel=t) for t in ("Veel", "Weinig", "Geen"))
    for _ in range(3):
        BevindingFactory().risicos.set([veel])
    BevindingFactory().risicos.set([weinig])
    BevindingFactory(status=BevindingStatus.OPGELOST).risicos.set([weinig, geen])
    client = client_voor(auditor)
    register = reverse("risicos:register")
    response = client.get(register, {"sort": "-open_bevindingen"})
    rijen = [(r.record.titel, r.record.open_bevindingen) for r in response.context["table"].rows]
    assert rijen == [("Veel", 3), ("Weinig", 1), ("Geen", 0)]
    response = client.get(register, {"sort": "open_bevindingen"})
    assert [r.record.titel for r in response.context["table"].rows] == ["Geen", "Weinig", "Veel"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="gelijktijdig op PostgreSQL")
def test_findings_linked_and_resolved_at_the_same_moment_are_all_counted():
    """Four transactions at once on one risk: two link a new finding, one resolves a
    linked finding, one unlinks another. The triggers add and take off under the risk's
    row lock (findings FOR SHARE first), so the counter ends equal to a recount."""
    risico = RisicoFactory()
    lopend, weg = BevindingFactory(), BevindingFactory()
    lopend.risicos.set([risico])
    weg.risicos.set([risico])
    nieuw = [BevindingFactory() for _ in range(2)]
    werk = [
        lambda: nieuw[0].risicos.add(risico),
        lambda: nieuw[1].risicos.add(risico),
        lambda: Bevinding.objects.filter(pk=lopend.pk).update(status=BevindingStatus.OPGELOST),
        lambda: weg.risicos.remove(risico),
    ]
    fouten = tegelijk(*werk)

    assert not fouten, fouten
    assert telling(risico) == herteld(risico) == 2

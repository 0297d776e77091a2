"""The per-finding counters of open, overdue and postponed actions (`acties_open`,
`acties_te_laat`, `acties_uitstel`) stay equal to a recount through every path that
adds, closes, moves, postpones or deletes an action, and "overdue" follows the
peildatum: database triggers keep them (audits 0017), so each path is written here the
way the application (or an operator) writes it."""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from audits import services
from audits.models import Bevinding, Vervolgactie
from douane_portfolio import tellers
from douane_portfolio.models import OPEN_STATUSSEN, ActieStatus, Tellerdatum
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.tegelijk import tegelijk

pytestmark = pytest.mark.django_db

MIGRATIE = importlib.import_module("audits.migrations.0017_actietellers")


def telling(bevinding):
    """(open, postponements) as stored on the finding."""
    return tuple(
        Bevinding.objects.values_list("acties_open", "acties_uitstel").get(pk=bevinding.pk)
    )


def te_laat(bevinding):
    return Bevinding.objects.values_list("acties_te_laat", flat=True).get(pk=bevinding.pk)


def herteld(bevinding):
    acties = Vervolgactie.objects.filter(bevinding=bevinding)
    uitstel = acties.aggregate(s=Sum("aantal_verschuivingen"))["s"] or 0
    return (acties.filter(status__in=OPEN_STATUSSEN).count(), uitstel)


def vandaag():
    return timezone.localdate()


def dagen(n):
    return vandaag() + datetime.timedelta(days=n)


def klopt(*bevindingen):
    for bevinding in bevindingen:
        assert telling(bevinding) == herteld(bevinding), bevinding


def test_the_services_add_postpone_and_close_actions(pm, auditor):
    bevinding = BevindingFactory(eigenaar=pm)
    morgen = timezone.localdate() + datetime.timedelta(days=1)
    acties = [
        services.vervolgactie_toevoegen(
            bevinding=bevinding, omschrijving=f"Stap {n}", eigenaar=pm, deadline=morgen, door=pm
        )
        for n in range(2)
    ]
    assert telling(bevinding) == (2, 0)
    services.deadline_verschuiven(
        actie=acties[0],
        nieuwe_deadline=morgen + datetime.timedelta(days=30),
        reden="Leverancier later",
        goedgekeurd_door=auditor,
        door=pm,
    )
    assert telling(bevinding) == (2, 1)
    services.bevinding_aanbieden(
        bevinding=bevinding,
        door=pm,
        toelichting="Alles gedaan",
        afronden=[(acties[0], "Klaar"), (acties[1], "Klaar")],
    )
    assert telling(bevinding) == (0, 1)
    klopt(bevinding)


def test_the_list_shows_the_counters(client_voor, auditor):
    bevinding = BevindingFactory()
    VervolgactieFactory(bevinding=bevinding, aantal_verschuivingen=2, deadline=dagen(-1))
    VervolgactieFactory(bevinding=bevinding, status=ActieStatus.AFGEROND)
    response = client_voor(auditor).get(reverse("audits:bevindingen"))
    rij = next(r.record for r in response.context["table"].rows if r.record.pk == bevinding.pk)
    assert (rij.open_acties, rij.te_late_acties, rij.verschuivingen) == (1, 1, 2)


def test_overdue_follows_the_peildatum_and_every_write():
    """Counted against the peildatum; the list moves it to today first. Moving it adds the
    open actions due in between (or takes them, going back); writes count against it."""
    bevinding = BevindingFactory()
    tellers.peildatum_zetten(vandaag())
    gisteren = VervolgactieFactory(bevinding=bevinding, deadline=dagen(-1))
    morgen = VervolgactieFactory(bevinding=bevinding, deadline=dagen(1))
    VervolgactieFactory(bevinding=bevinding, deadline=dagen(-5), status="vervallen")
    assert te_laat(bevinding) == 1
    tellers.peildatum_zetten(dagen(3))
    assert te_laat(bevinding) == 2
    tellers.peildatum_zetten(dagen(-2))
    assert te_laat(bevinding) == 0
    tellers.peildatum_zetten(vandaag())
    Vervolgactie.objects.filter(pk=morgen.pk).update(deadline=dagen(-3))
    assert te_laat(bevinding) == 2
    Vervolgactie.objects.filter(pk=gisteren.pk).update(status="afgerond", afgerond_op=vandaag())
    assert te_laat(bevinding) == 1
    # Without a peildatum nothing counts as overdue; back at today, it all counts again.
    Tellerdatum.objects.all().delete()
    assert te_laat(bevinding) == 0
    tellers.peildatum_op(vandaag())
    assert te_laat(bevinding) == 1
    assert tellers.verschillen(vandaag()) == []


def test_bulk_writes_and_querysets_keep_the_counters():
    a, b = BevindingFactory(), BevindingFactory()
    Vervolgactie.objects.bulk_create(
        [
            Vervolgactie(
                bevinding=a,
                omschrijving=f"Actie {n}",
                eigenaar=a.eigenaar,
                deadline=timezone.localdate(),
                oorspronkelijke_deadline=timezone.localdate(),
                status=status,
                afgerond_op=timezone.localdate() if status == "afgerond" else None,
                aantal_verschuivingen=n,
            )
            for n, status in enumerate(("open", "in_uitvoering", "afgerond", "vervallen"))
        ]
    )
    assert telling(a) == (2, 6)
    # A change within the open statuses or of a deadline changes no count.
    Vervolgactie.objects.filter(status="open").update(status="in_uitvoering")
    Vervolgactie.objects.update(deadline=timezone.localdate() + datetime.timedelta(days=3))
    assert telling(a) == (2, 6)
    Vervolgactie.objects.filter(status="afgerond").update(status="open", afgerond_op=None)
    assert telling(a) == (3, 6)
    Vervolgactie.objects.filter(aantal_verschuivingen__gte=2).update(bevinding=b)
    assert (telling(a), telling(b)) == ((2, 1), (1, 5))
    Vervolgactie.objects.filter(bevinding=b, status="vervallen").delete()
    klopt(a, b)
    assert telling(b) == (1, 2)


def test_a_stale_finding_saved_after_an_action_changed_keeps_the_counts():
    bevinding = BevindingFactory()
    geladen = Bevinding.objects.get(pk=bevinding.pk)
    VervolgactieFactory(bevinding=bevinding, aantal_verschuivingen=1)
    geladen.omschrijving = "Bijgewerkt"
    geladen.save()
    assert telling(bevinding) == (1, 1)
    assert Bevinding.objects.get(pk=bevinding.pk).omschrijving == "Bijgewerkt"


def test_the_migration_counts_what_was_there():
    bevinding = BevindingFactory()
    VervolgactieFactory(bevinding=bevinding, aantal_verschuivingen=2)
    VervolgactieFactory(bevinding=bevinding, status="vervallen", aantal_verschuivingen=1)
    Bevinding.objects.update(acties_open=9, acties_uitstel=0)
    with connection.cursor() as cursor:
        cursor.execute(MIGRATIE.TELLEN)
    assert telling(bevinding) == (1, 3)


def test_the_triggers_spell_the_statuses_as_the_model_does():
    gespeld = "(" + ", ".join(f"'{s}'" for s in OPEN_STATUSSEN) + ")"
    assert gespeld == MIGRATIE.OPEN


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="gelijktijdig op PostgreSQL")
def test_actions_written_at_the_same_moment_are_all_counted():
    """Four transactions at once on one finding: two add an action, one closes one, one
    postpones another. The triggers add and take off under the finding's row lock."""
    bevinding = BevindingFactory()
    sluiten, uitstellen = (
        VervolgactieFactory(bevinding=bevinding),
        VervolgactieFactory(bevinding=bevinding),
    )
    werk = [
        lambda: VervolgactieFactory(bevinding=bevinding),
        lambda: VervolgactieFactory(bevinding=bevinding),
        lambda: Vervolgactie.objects.filter(pk=sluiten.pk).update(
            status="afgerond", afgerond_op=timezone.localdate()
        ),
        lambda: Vervolgactie.objects.filter(pk=uitstellen.pk).update(aantal_verschuivingen=1),
    ]
    fouten = tegelijk(*werk)

    assert not fouten, fouten
    assert telling(bevinding) == herteld(bevinding) == (3, 1)

"""The counters the database keeps for the dashboard and the follow-up page (issue 13),
and the columns it copies from other rows (the indicator values' sort keys).

`Actieteller` holds per kind of action and owner the open actions and those with a
deadline before the peildatum (`Tellerdatum`); `Bevindingteller` the findings per body,
kind and status. Triggers keep both (migration douane_portfolio 0009). Overdue depends on
today, so before the counts are read the peildatum is moved to today: `peildatum_zetten`
adds (or, going back, takes) the open actions due in between, a day's worth of deadlines.
"""

import datetime

from django.apps import apps
from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery

from .acties import actie_modellen
from .models import OPEN_STATUSSEN, Actieteller, Bevindingteller, Tellerdatum, aantal
from .transacties import schrijftransactie

# What a missing peildatum row (after a flush) counts as, in the triggers too.
GEEN_DATUM = datetime.date(1, 1, 1)


def soort_van(model):
    """The kind of action as its triggers name it."""
    return model._meta.db_table


@schrijftransactie
def peildatum_zetten(op):
    """Make the counters count "overdue" against `op`; False when they already do.

    The date moves first, by a compare-and-set that takes the row's lock (writers of
    actions hold it FOR SHARE until they commit); then each counter gets the open actions
    whose deadline lies between the old date and `op`, read after that lock, so no write
    is counted against the wrong date. Concurrent callers: one moves, the other finds
    the date moved."""
    if not _verzet(op):
        if Tellerdatum.objects.filter(pk=1).exists():
            return False
        Tellerdatum.objects.bulk_create(
            [Tellerdatum(pk=1, datum=GEEN_DATUM)], ignore_conflicts=True
        )
        if not _verzet(op):
            return False
    vorige = Tellerdatum.objects.values_list("vorige", flat=True).get(pk=1)
    van, tot, teken = (vorige, op, 1) if vorige < op else (op, vorige, -1)
    teller = Actieteller._meta.db_table
    with connection.cursor() as cursor:
        for model in actie_modellen():
            tabel = model._meta.db_table
            # Table names from the models' metadata; the values go as parameters.
            cursor.execute(
                f"UPDATE {teller} SET te_laat = te_laat + %s * s.n FROM ("  # nosec B608
                f"SELECT eigenaar_id, count(*) AS n FROM {tabel} "
                f"WHERE status IN ({', '.join(['%s'] * len(OPEN_STATUSSEN))}) "
                "AND deadline >= %s AND deadline < %s "
                f"GROUP BY eigenaar_id) s WHERE {teller}.soort = %s "
                f"AND {teller}.eigenaar_id = s.eigenaar_id",
                [teken, *OPEN_STATUSSEN, van, tot, tabel],
            )
        for model in kolomteller_modellen():
            for kolom, (kind, sleutel) in getattr(model, "te_laat_kolommen", {}).items():
                _te_laat_verzetten(
                    cursor, model._meta.db_table, kolom, kind, sleutel, van, tot, teken
                )
    return True


def _te_laat_verzetten(cursor, ouder, kolom, kind, sleutel, van, tot, teken):
    """Add (or take) to the overdue column `kolom` of each row of `ouder` its open
    children in `kind` due in [van, tot): the rows locked in id order first, as their
    triggers lock them (douane_portfolio.tellerkolommen)."""
    # Table and column names from the models' metadata; the values go as parameters.
    delta = (
        f"SELECT {sleutel} AS ouder, count(*) AS n FROM {kind} "  # nosec B608
        f"WHERE status IN ({', '.join(['%s'] * len(OPEN_STATUSSEN))}) "
        f"AND deadline >= %s AND deadline < %s GROUP BY {sleutel}"
    )
    params = [*OPEN_STATUSSEN, van, tot]
    if connection.vendor == "postgresql":
        cursor.execute(
            f"SELECT 1 FROM {ouder} WHERE id IN (SELECT ouder FROM ({delta}) d) "  # nosec B608
            "ORDER BY id FOR NO KEY UPDATE",
            params,
        )
    cursor.execute(
        f"UPDATE {ouder} SET {kolom} = {kolom} + %s * d.n FROM ({delta}) d "  # nosec B608
        f"WHERE {ouder}.id = d.ouder",
        [teken, *params],
    )


def _verzet(op):
    return Tellerdatum.objects.filter(pk=1).exclude(datum=op).update(vorige=F("datum"), datum=op)


def peildatum():
    rij = Tellerdatum.objects.filter(pk=1).values_list("datum", flat=True).first()
    return rij or GEEN_DATUM


def peildatum_op(op, gelezen=None):
    """Make the counters count "overdue" against `op` before a list sorts or shows them:
    one read when they already do (none with `gelezen`, the peildatum read along with
    another query), else move it (the first request of a day, if the reminders' run
    after midnight did not)."""
    if (peildatum() if gelezen is None else gelezen) != op:
        peildatum_zetten(op)


# --- Checking and repairing ---------------------------------------------------------


def actietellingen_opnieuw(op):
    """{(kind, owner): (open, overdue against `op`)} counted from the actions themselves:
    what the counters must say once the peildatum is `op`."""
    uitkomst = {}
    for model in actie_modellen():
        for r in (
            model._base_manager.filter(status__in=OPEN_STATUSSEN)
            .order_by()
            .values("eigenaar")
            .annotate(n=aantal(), l=aantal(Q(deadline__lt=op)))
        ):
            uitkomst[(soort_van(model), r["eigenaar"])] = (r["n"], r["l"])
    return uitkomst


def actietellingen():
    """The counters as stored, without the rows at zero."""
    return {
        (r.soort, r.eigenaar_id): (r.open, r.te_laat)
        for r in Actieteller.objects.exclude(open=0, te_laat=0)
    }


def bevindingtellingen_opnieuw():
    # By table name, as the triggers read the findings: the hub imports no app.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.instantie, b.soort, b.status, count(*) FROM audits_bevinding b "
            "JOIN audits_auditrapport r ON r.id = b.rapport_id "
            "GROUP BY r.instantie, b.soort, b.status"
        )
        return {(i, s, st): n for i, s, st, n in cursor.fetchall()}


def bevindingtellingen():
    return {
        (r.instantie, r.soort, r.status): r.aantal
        for r in Bevindingteller.objects.exclude(aantal=0)
    }


def app_tellers():
    """The apps' own counters kept by triggers (the heat map in risicos, the status per
    theme in programmas): models with `sleutelvelden`, an `aantal`, the `bron_tabellen`
    their triggers read and a classmethod `opnieuw_geteld()` giving {key: n}. Found in
    the app registry: the hub imports no app."""
    return [
        m
        for m in apps.get_models()
        if getattr(m, "door_triggers_gevuld", False) and getattr(m, "sleutelvelden", None)
    ]


def app_tellingen(model):
    """The counter `model` as stored, without the rows at zero."""
    return {
        tuple(rij[:-1]): rij[-1]
        for rij in model._base_manager.exclude(aantal=0).values_list(*model.sleutelvelden, "aantal")
    }


def gekopieerde_modellen():
    """Models with columns the database copies from rows they refer to, by triggers
    (`door_triggers_gekopieerd`: {copy: source path}, such as the indicator values'
    sort keys); found in the app registry like `app_tellers`."""
    return [m for m in apps.get_models() if getattr(m, "door_triggers_gekopieerd", None)]


def kopie_verschillen(model):
    """[((table, pk, copy), stored, source)] for each copy that differs from its source."""
    velden = model.door_triggers_gekopieerd
    gelijk = Q()
    for kopie, bron in velden.items():
        gelijk &= Q(**{kopie: F(bron)})
    verschil = []
    rijen = model._base_manager.exclude(gelijk).order_by("pk")
    for rij in rijen.values("pk", *velden, *velden.values()):
        for kopie, bron in velden.items():
            if rij[kopie] != rij[bron]:
                verschil.append(((model._meta.db_table, rij["pk"], kopie), rij[kopie], rij[bron]))
    return verschil


def _kopieen_herstellen(model):
    waarden = {}
    for kopie, bron in model.door_triggers_gekopieerd.items():
        relatie, veld = bron.split("__", 1)
        fk = model._meta.get_field(relatie)
        waarden[kopie] = Subquery(
            fk.related_model._base_manager.filter(pk=OuterRef(fk.attname)).values(veld)[:1]
        )
    model._base_manager.update(**waarden)


def _bron_tabellen(model):
    return [
        model._meta.get_field(bron.split("__", 1)[0]).related_model._meta.db_table
        for bron in model.door_triggers_gekopieerd.values()
    ]


def kolomteller_modellen():
    """Models whose rows carry counter columns kept by triggers (`tellerkolommen`: a
    risk's measures and open findings, a finding's actions, an initiative's open
    milestones), with `tellerkolommen_herteld(op)` ({column: an expression recounting it
    per row}), the `bron_tabellen` their triggers read and, for the columns that count
    overdue, `te_laat_kolommen`; from the app registry."""
    return [m for m in apps.get_models() if getattr(m, "tellerkolommen", ())]


def door_triggers_bijgewerkt():
    """Models whose existing rows the counting triggers update: the counter tables
    (`door_triggers_gevuld`) and the rows with counter columns (`tellerkolommen`)."""
    gevuld = [m for m in apps.get_models() if getattr(m, "door_triggers_gevuld", False)]
    return gevuld + kolomteller_modellen()


def kolomteller_verschillen(model, op):
    """[((table, pk, column), stored, recounted)] for each counter column that is off,
    with the peildatum at `op`."""
    herteld = model.tellerkolommen_herteld(op)
    namen = {kolom: f"herteld_{kolom}" for kolom in herteld}
    anders = Q()
    for kolom, naam in namen.items():
        anders |= ~Q(**{kolom: F(naam)})
    rijen = (
        model._base_manager.annotate(**{namen[k]: v for k, v in herteld.items()})
        .filter(anders)
        .order_by("pk")
        .values("pk", *herteld, *namen.values())
    )
    return [
        ((model._meta.db_table, rij["pk"], kolom), rij[kolom], rij[naam])
        for rij in rijen
        for kolom, naam in namen.items()
        if rij[kolom] != rij[naam]
    ]


def verschillen(op):
    """What the counters (and the copied columns) say differently from a recount, after
    moving the peildatum to `op`: empty when they are right."""
    peildatum_zetten(op)
    verschil = []
    for opgeslagen, opnieuw in (
        (actietellingen(), actietellingen_opnieuw(op)),
        (bevindingtellingen(), bevindingtellingen_opnieuw()),
        *((app_tellingen(m), m.opnieuw_geteld()) for m in app_tellers()),
    ):
        for sleutel in sorted(set(opgeslagen) | set(opnieuw), key=str):
            if opgeslagen.get(sleutel) != opnieuw.get(sleutel):
                verschil.append((sleutel, opgeslagen.get(sleutel), opnieuw.get(sleutel)))
    for model in gekopieerde_modellen():
        verschil += kopie_verschillen(model)
    for model in kolomteller_modellen():
        verschil += kolomteller_verschillen(model, op)
    return verschil


@schrijftransactie
def herstellen(op):
    """Recount everything (after triggers were off, e.g. `session_replication_role =
    replica`), the counter columns on rows too, under locks that keep writers out
    meanwhile."""
    if connection.vendor == "postgresql":
        tabellen = [m._meta.db_table for m in actie_modellen()]
        tabellen += ["audits_bevinding", "audits_auditrapport"]
        # What the apps' counters count (the risks, the initiatives and their reports).
        for model in app_tellers():
            tabellen += [t for t in model.bron_tabellen if t not in tabellen]
        for model in gekopieerde_modellen():
            bronnen = [model._meta.db_table, *_bron_tabellen(model)]
            tabellen += [t for t in bronnen if t not in tabellen]
        for model in kolomteller_modellen():
            bronnen = [model._meta.db_table, *model.bron_tabellen]
            tabellen += [t for t in bronnen if t not in tabellen]
        with connection.cursor() as cursor:
            # Table names from the models' metadata.
            cursor.execute(f"LOCK TABLE {', '.join(tabellen)} IN SHARE MODE")  # nosec B608
    Actieteller.objects.all().delete()
    Bevindingteller.objects.all().delete()
    Tellerdatum.objects.all().delete()
    Tellerdatum.objects.create(pk=1, datum=op)
    Actieteller.objects.bulk_create(
        Actieteller(soort=soort, eigenaar_id=eigenaar, open=n, te_laat=laat)
        for (soort, eigenaar), (n, laat) in actietellingen_opnieuw(op).items()
    )
    Bevindingteller.objects.bulk_create(
        Bevindingteller(instantie=i, soort=s, status=st, aantal=n)
        for (i, s, st), n in bevindingtellingen_opnieuw().items()
    )
    for model in app_tellers():
        model._base_manager.all().delete()
        model._base_manager.bulk_create(
            model(**dict(zip(model.sleutelvelden, sleutel, strict=True)), aantal=n)
            for sleutel, n in model.opnieuw_geteld().items()
        )
    for model in gekopieerde_modellen():
        _kopieen_herstellen(model)
    for model in kolomteller_modellen():
        model._base_manager.update(**model.tellerkolommen_herteld(op))

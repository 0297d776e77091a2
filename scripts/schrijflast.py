"""Write cost under concurrent writers: the counter triggers under load (issue 13).

`benchmark_schaal` times one write at a time. Every change of an action's status also
updates its finding's counters, the report's and the hub's counter table, each under a
row lock held until commit; several writers at once may wait on the same rows. This
runs `--schrijvers` processes that each set random open actions to vervallen and back
through the service a user's form calls (`vervolgactie_bijwerken`: version check,
history, triggers) for `--seconden`, and prints writes per second, p50/p95/max, version
conflicts, transactions run again after a deadlock, and whether the counters still
match a recount afterwards. It writes: run it on a database built by
`genereer_schaaldata` only.

    DATABASE_URL=postgres://…/meetdb .venv/bin/python scripts/schrijflast.py \
        [--schrijvers 1 2 4 8] [--seconden 10] [--acties 2000] [--een-bevinding]

`--een-bevinding` takes the actions of the finding with the most open actions only:
every writer then also waits on that one finding's row.
"""

import argparse
import json
import logging
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

BASIS = Path(__file__).resolve().parent.parent


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "douane_portfolio.settings")
    os.environ.setdefault("SECRET_KEY", "schrijflast-niet-geheim")
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    if str(BASIS) not in sys.path:
        sys.path.insert(0, str(BASIS))
    import django

    django.setup()


class _Teller(logging.Handler):
    def __init__(self):
        super().__init__()
        self.aantal = 0

    def emit(self, record):
        self.aantal += 1


def _schrijver(nummer, acties, gebruiker_id, seconden, uitkomsten):
    _django()
    from audits.models import Vervolgactie
    from audits.services import vervolgactie_bijwerken
    from douane_portfolio.models import ActieStatus, User
    from douane_portfolio.weigeringen import VerouderdeVersie

    opnieuw = _Teller()
    logging.getLogger("douane_portfolio.transacties").addHandler(opnieuw)
    door = User.objects.get(pk=gebruiker_id)
    rnd = random.Random(nummer)  # nosec B311: which action, not a secret
    tijden, conflicten, fouten = [], 0, []
    einde = time.monotonic() + seconden
    while time.monotonic() < einde:
        actie = Vervolgactie.objects.select_related("bevinding").get(pk=rnd.choice(acties))
        # Open <-> vervallen: the finding's open count, the owner's row in the hub's
        # counter table and, for an overdue action, the overdue counts move each time.
        actie.status = (
            ActieStatus.VERVALLEN if actie.status != ActieStatus.VERVALLEN else ActieStatus.OPEN
        )
        begin = time.perf_counter()
        try:
            vervolgactie_bijwerken(
                actie=actie, door=door, verwachte_versie=actie.versie, reden="schrijflast"
            )
        except VerouderdeVersie:
            conflicten += 1
            continue
        except Exception as fout:  # reported, not hidden: the run counts as failed
            fouten.append(repr(fout))
            continue
        tijden.append((time.perf_counter() - begin) * 1000)
    uitkomsten.put((tijden, conflicten, opnieuw.aantal, fouten[:5], len(fouten)))


def _ronde(aantal, acties, gebruiker_id, seconden):
    context = multiprocessing.get_context("spawn")
    uitkomsten = context.Queue()
    processen = [
        context.Process(target=_schrijver, args=(n, acties, gebruiker_id, seconden, uitkomsten))
        for n in range(aantal)
    ]
    for proces in processen:
        proces.start()
    resultaten = [uitkomsten.get() for _ in processen]
    for proces in processen:
        proces.join()
    tijden = sorted(t for r in resultaten for t in r[0])
    return {
        "schrijvers": aantal,
        "schrijfacties": len(tijden),
        "per_seconde": round(len(tijden) / seconden, 1),
        "p50_ms": round(statistics.median(tijden), 1) if tijden else None,
        "p95_ms": round(tijden[int(len(tijden) * 0.95) - 1], 1) if tijden else None,
        "max_ms": round(tijden[-1], 1) if tijden else None,
        "versieconflicten": sum(r[1] for r in resultaten),
        "opnieuw_na_deadlock": sum(r[2] for r in resultaten),
        "fouten": sum(r[4] for r in resultaten),
        "voorbeelden": [f for r in resultaten for f in r[3]][:5],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--schrijvers", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--seconden", type=int, default=10)
    parser.add_argument("--acties", type=int, default=2000)
    parser.add_argument("--een-bevinding", action="store_true")
    parser.add_argument("--uitvoer", default=str(BASIS / "var" / "bench"))
    args = parser.parse_args()

    _django()
    from django.db import connection
    from django.db.models import Count, Q
    from django.utils import timezone

    from audits.models import Bevinding, BevindingStatus, Vervolgactie
    from douane_portfolio import rollen, tellers
    from douane_portfolio.models import ActieStatus, User

    if connection.vendor != "postgresql":
        sys.exit("schrijflast meet op PostgreSQL: zet DATABASE_URL=postgres://...")
    open_acties = Vervolgactie.objects.filter(
        status=ActieStatus.OPEN,
        bevinding__status__in=[BevindingStatus.OPEN, BevindingStatus.IN_UITVOERING],
    )
    if args.een_bevinding:
        bevinding = (
            Bevinding.objects.filter(
                status__in=[BevindingStatus.OPEN, BevindingStatus.IN_UITVOERING]
            )
            .annotate(n=Count("vervolgacties", filter=Q(vervolgacties__in=open_acties)))
            .order_by("-n", "pk")
            .first()
        )
        open_acties = open_acties.filter(bevinding=bevinding)
    acties = list(open_acties.order_by("pk").values_list("pk", flat=True)[: args.acties])
    door = User.objects.filter(groups__name=rollen.BEHEERDER, is_active=True).order_by("pk").first()
    if not acties or door is None:
        sys.exit("Geen open acties of geen beheerder: genereer eerst de schaalgegevens.")
    # The writers count overdue against today, as the screens make it first.
    tellers.peildatum_op(timezone.localdate())
    connection.close()

    rondes = []
    for aantal in args.schrijvers:
        ronde = _ronde(aantal, acties, door.pk, args.seconden)
        rondes.append(ronde)
        print(
            f"{aantal} schrijver(s): {ronde['per_seconde']}/s, p50 {ronde['p50_ms']} ms, "
            f"p95 {ronde['p95_ms']} ms, max {ronde['max_ms']} ms, "
            f"versieconflicten {ronde['versieconflicten']}, "
            f"opnieuw na deadlock {ronde['opnieuw_na_deadlock']}, fouten {ronde['fouten']}",
            flush=True,
        )
    verschillen = tellers.verschillen(timezone.localdate())
    print(
        f"tellers na afloop: {'kloppen' if not verschillen else f'{len(verschillen)} verschillen'}"
    )
    uitvoer = Path(args.uitvoer)
    uitvoer.mkdir(parents=True, exist_ok=True)
    (uitvoer / "schrijflast.json").write_text(
        json.dumps(
            {
                "acties": len(acties),
                "een_bevinding": args.een_bevinding,
                "seconden": args.seconden,
                "rondes": rondes,
                "tellers_kloppen": not verschillen,
            },
            indent=2,
        )
    )
    if verschillen or any(r["fouten"] for r in rondes):
        sys.exit(1)


if __name__ == "__main__":
    main()

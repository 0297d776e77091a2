"""The follow-up page's counts from the counters the database keeps (douane_portfolio.
tellers): at most 80 rows for the matrix, whatever the number of findings."""

import datetime

from django.db.models import CharField, F, Q, Sum, Value
from django.db.models.functions import Cast

from douane_portfolio.models import Actieteller, Bevindingteller, Tellerdatum
from douane_portfolio.tellers import peildatum_zetten, soort_van

from .models import NOG_NIET_OPGELOST, BevindingStatus


def opvolging(op, actiemodel):
    """({(body, kind): (open findings, of which ter beoordeling)}, overdue actions of
    `actiemodel`) from the counters, in one query (two on the first read of a day, which
    moves the peildatum to `op` first)."""
    kolommen = ("t_bron", "t_a", "t_b", "t_n", "t_m")
    cellen = (
        Bevindingteller.objects.filter(status__in=NOG_NIET_OPGELOST, aantal__gt=0)
        .annotate(t_bron=Value(0), t_a=F("instantie"), t_b=F("soort"))
        .values("t_bron", "t_a", "t_b")
        .annotate(
            t_n=Sum("aantal"),
            t_m=Sum("aantal", filter=Q(status=BevindingStatus.TER_BEOORDELING), default=0),
        )
        .values_list(*kolommen)
    )
    te_laat = (
        Actieteller.objects.filter(soort=soort_van(actiemodel))
        .annotate(t_bron=Value(1), t_a=Value(""), t_b=Value(""), t_m=Value(0))
        .values("t_bron", "t_a", "t_b", "t_m")
        .annotate(t_n=Sum("te_laat", default=0))
        .values_list(*kolommen)
    )
    datum = (
        Tellerdatum.objects.filter(pk=1)
        .annotate(
            t_bron=Value(2),
            t_a=Cast("datum", CharField()),
            t_b=Value(""),
            t_n=Value(0),
            t_m=Value(0),
        )
        .values_list(*kolommen)
    )
    for poging in range(2):
        per_cel, aantal_te_laat, stand = {}, 0, None
        for bron, a, b, n, m in cellen.order_by().union(te_laat.order_by(), datum, all=True):
            if bron == 0:
                per_cel[(a, b)] = (n, m)
            elif bron == 1:
                aantal_te_laat = n
            else:
                stand = datetime.date.fromisoformat(a)
        if stand == op or poging:
            break
        peildatum_zetten(op)
    return per_cel, aantal_te_laat

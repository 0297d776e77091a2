"""Numbers for the management dashboard; each block a few aggregate queries."""

from collections import defaultdict
from datetime import date
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from audits.models import BevindingStatus, Instantie, mag_audits_lezen
from douane_portfolio import tellers
from douane_portfolio.acties import actie_modellen
from douane_portfolio.models import Actieteller, Bevindingteller, Tellerdatum
from herinneringen.models import Verzending
from programmas.models import (
    NIET_GERAPPORTEERD,
    Periodesoort,
    PeriodeStatus,
    Rapportageperiode,
    Status,
    Statusrapportage,
    Thema,
)
from risicos import heatmap
from risicos.models import Heatmapteller, Risico

STATUSSEN = [*Status.values, "niet_gerapporteerd"]
STATUS_LABELS = {**dict(Status.choices), "niet_gerapporteerd": NIET_GERAPPORTEERD}
# What User.__str__ needs (get_full_name() or username).
NAAM_VELDEN = ("eigenaar__first_name", "eigenaar__last_name", "eigenaar__username")
NAAM_VELDEN_USER = tuple(veld.split("__")[1] for veld in NAAM_VELDEN)
# Owners in "Te late acties per eigenaar": a ministry has thousands with something late;
# the block names those with the most and says how many there are in all.
EIGENAREN_MAX = 25


def perioden():
    """Every period, newest first, with whether it holds reports: one query (a few a year)."""
    return list(
        Rapportageperiode.objects.annotate(
            met_rapportages=Exists(Statusrapportage.objects.filter(periode=OuterRef("pk")))
        ).order_by("-einddatum", "-begindatum")
    )


def vorige_van(periode, alle):
    """`Rapportageperiode.vorige()` from the list of `perioden()`, without a query."""
    jaar = periode.soort == Periodesoort.JAAR
    for p in alle:
        if p.einddatum < periode.einddatum and (p.soort == Periodesoort.JAAR) == jaar:
            return p
    return None


def te_tonen(alle):
    """(open round, period whose colours the dashboard shows).

    While a round is open the colours are those of the last closed period (issue 16):
    a round that just opened is almost all "niet gerapporteerd", which says nothing about
    the portfolio. Without a closed period, the portfolio's default period.
    """
    open_periode = next((p for p in alle if p.status == PeriodeStatus.OPEN), None)
    # The same rule as `Rapportageperiode.objects.laatst_gesloten()` (the portfolio's),
    # read from the list already loaded: the newest closed round, never a year period.
    gesloten = next(
        (p for p in alle if p.status == PeriodeStatus.GESLOTEN and p.soort != Periodesoort.JAAR),
        None,
    )
    if open_periode is not None and gesloten is not None:
        return open_periode, gesloten
    standaard = next((p for p in alle if p.met_rapportages), None) or open_periode
    return open_periode, standaard or (alle[0] if alle else None)


def overzicht(periode, vorige=None, open_periode=None):
    """Status per theme for `periode` and `vorige`, and the open round's progress.

    One query over the counters the database keeps (programmas.Initiatiefteller and
    Statusteller): per theme with active initiatives their number, and the reports of
    those per status in these (at most three) periods; a few rows per theme, however
    many initiatives and reports. An active initiative without a report in a period is
    "niet gerapporteerd": the number minus the reports, never a colour.
    """
    ids = [p.pk for p in (periode, vorige, open_periode) if p is not None]
    velden = {}
    for sleutel, p in (("nu", periode), ("toen", vorige)):
        for s in Status.values if p is not None else ():
            velden[f"{sleutel}_{s}"] = Sum(
                "r__aantal", filter=Q(r__periode=p, r__status=s), default=0
            )
    if open_periode is not None:
        velden["ingediend"] = Sum("r__aantal", filter=Q(r__periode=open_periode), default=0)
    rijen = list(
        Thema.objects.filter(initiatiefteller__aantal__gt=0)
        .alias(r=FilteredRelation("statustellers", condition=Q(statustellers__periode__in=ids)))
        .values("naam", "volgorde")
        # One counter per theme; Max only because the reports' rows repeat it.
        .annotate(totaal=Max("initiatiefteller__aantal"), **velden)
        .order_by("volgorde")
    )

    def per_status(rij, sleutel):
        tellingen = {s: rij[f"{sleutel}_{s}"] for s in Status.values}
        tellingen["niet_gerapporteerd"] = rij["totaal"] - sum(tellingen.values())
        return tellingen

    themas = []
    for rij in rijen if periode is not None else ():
        nu = per_status(rij, "nu")
        toen = per_status(rij, "toen") if vorige else None
        themas.append(
            {
                "naam": rij["naam"],
                "totaal": rij["totaal"],
                "tellingen": [(s, STATUS_LABELS[s], nu[s]) for s in STATUSSEN],
                "verschil": {s: nu[s] - toen[s] for s in STATUSSEN} if toen else None,
                "balk": _balk(nu, rij["totaal"]),
            }
        )
    status = {"periode": periode, "vorige": vorige, "themas": themas}
    ronde = None
    if open_periode is not None:
        totaal = sum(r["totaal"] for r in rijen)
        ingediend = sum(r["ingediend"] for r in rijen)
        ronde = {
            "periode": open_periode,
            "totaal": totaal,
            "ingediend": ingediend,
            "procent": round(100 * ingediend / totaal) if totaal else 0,
        }
    return status, ronde


def status_en_ronde(alle=None):
    """The dashboard's status block and round progress: two queries in all, or one with
    `alle` (the periods as `perioden()` gives them, read by `tellingen`)."""
    alle = perioden() if alle is None else alle
    open_periode, periode = te_tonen(alle)
    vorige = vorige_van(periode, alle) if periode else None
    return overzicht(periode, vorige, open_periode)


def status_per_thema(periode):
    """[{thema, tellingen {status: n}, verschil {status: +/-n}}] for `periode` vs its previous."""
    if periode is None:
        return {"periode": None, "vorige": None, "themas": []}
    return overzicht(periode, periode.vorige())[0]


def _balk(tellingen, totaal):
    """Segments of a 100%-wide stacked bar: (status, label, n, x%, width%)."""
    segmenten, x = [], 0.0
    for s in STATUSSEN:
        n = tellingen[s]
        if n:
            breedte = 100.0 * n / totaal
            segmenten.append((s, STATUS_LABELS[s], n, round(x, 2), round(breedte, 2)))
            x += breedte
    return segmenten


def _te_laat_delen():
    """The overdue actions from the counters (douane_portfolio.tellers), as parts of the UNION
    in `tellingen`: per kind, the number of owners, and per kind the counts of the
    EIGENAREN_MAX owners with the most (first, last and user name as tie-breakers).
    A few thousand counter rows at most (owners x kinds), whatever the number of actions."""
    laat = Actieteller.objects.filter(te_laat__gt=0).order_by()
    top = (
        laat.values("eigenaar")
        .annotate(t=Sum("te_laat"))
        .order_by("-t", *NAAM_VELDEN, "eigenaar")
        .values("eigenaar")[:EIGENAREN_MAX]
    )
    namen = [Cast(veld, CharField()) for veld in NAAM_VELDEN]
    return [
        _rijen(laat.values("soort").annotate(n=Sum("te_laat")), TE_LAAT_SOORT, F("soort")),
        _deel(laat, EIGENAREN, aantal=Count("eigenaar", distinct=True)),
        _rijen(
            laat.filter(eigenaar__in=top).annotate(n=F("te_laat")),
            TE_LAAT,
            F("soort"),
            Cast("eigenaar", CharField()),
            *namen,
        ),
    ]


def te_late_acties(op=None, geteld=None):
    """Overdue actions per kind and per owner (the EIGENAREN_MAX owners with the most),
    from the counters (or `geteld`, read by `tellingen`)."""
    op = op or timezone.localdate()
    if geteld is None:
        geteld = _lezen(op, _te_laat_delen())
    modellen = list(actie_modellen())
    index = {tellers.soort_van(m): i for i, m in enumerate(modellen)}
    User = get_user_model()
    per_eigenaar, gebruikers = defaultdict(dict), {}
    for r in geteld["te_laat_rijen"]:
        model = modellen[index[r["soort"]]]
        per_eigenaar[r["eigenaar"]][model._meta.verbose_name_plural] = r["n"]
        # Enough of the user to print a name; no second query.
        gebruikers[r["eigenaar"]] = User(
            pk=r["eigenaar"], **{veld.split("__")[1]: r[veld] for veld in NAAM_VELDEN}
        )
    per_soort = [
        {
            "soort": str(model._meta.verbose_name_plural),
            "app": model._meta.app_config.verbose_name,
            "aantal": geteld["te_laat_per_soort"].get(tellers.soort_van(model), 0),
        }
        for model in modellen
    ]
    eigenaren = sorted(
        (
            {
                "eigenaar": gebruikers[pk],
                "per_soort": soorten,
                "totaal": sum(soorten.values()),
            }
            for pk, soorten in per_eigenaar.items()
        ),
        key=lambda r: (-r["totaal"], str(r["eigenaar"]), r["eigenaar"].pk),
    )
    maximum = max([r["aantal"] for r in per_soort] + [1])
    for r in per_soort:
        r["breedte"] = round(100.0 * r["aantal"] / maximum, 2)
    return {
        "per_soort": per_soort,
        "per_eigenaar": eigenaren[:EIGENAREN_MAX],
        "eigenaren": geteld["eigenaren"],
    }


def _te_laat_rij(rij):
    _bron, soort, eigenaar, *namen, n = rij
    return {
        "soort": soort,
        "eigenaar": int(eigenaar),
        "n": n,
        **dict(zip(NAAM_VELDEN, namen, strict=True)),
    }


def ronde_voortgang():
    periode = Rapportageperiode.objects.open().first()
    if periode is None:
        return None
    return overzicht(None, None, periode)[1]


def netto_heatmap(user, geteld=None):
    """The live net heat map of active risks; each cell links to the filtered register.
    `geteld`: (counts, not scored) read already by `tellingen`."""
    register = reverse("risicos:register")
    aantallen, niet_gescoord = geteld or heatmap.netto_tellingen(user)
    return heatmap.kaart(
        aantallen,
        "netto",
        niet_gescoord,
        url=lambda k, i: f"{register}?{urlencode({'netto_kans': k, 'netto_impact': i})}",
    )


def toprisicos_boven_bereidheid(user):
    return list(
        Risico.objects.zichtbaar_voor(user)
        .actief()
        .toprisicos()
        .boven_risicobereidheid()
        .met_scores()
        .select_related("eigenaar")
        .order_by("-score_netto", "titel")
    )


def bevindingen_per_instantie(user, geteld=None):
    """Findings by body (rows) and status (columns), from the counters (douane_portfolio.tellers;
    or `geteld` {(body, status): n} read by `tellingen`)."""
    tellingen = defaultdict(int, geteld or {})
    if geteld is None and mag_audits_lezen(user):
        for r in Bevindingteller.objects.values("instantie", "status").annotate(n=Sum("aantal")):
            tellingen[(r["instantie"], r["status"])] = r["n"]
    statussen = list(BevindingStatus.choices)
    rijen = []
    for instantie, label in Instantie.choices:
        aantallen = [tellingen[(instantie, s)] for s, _ in statussen]
        if any(aantallen):
            rijen.append(
                {
                    "instantie": instantie,
                    "naam": label,
                    "aantallen": aantallen,
                    "totaal": sum(aantallen),
                }
            )
    return {"statussen": statussen, "rijen": rijen}


KOLOMMEN = ("tel_bron", "tel_a", "tel_b", "tel_c", "tel_d", "tel_e")
(
    EIGEN,
    TE_LAAT,
    HEATMAP,
    BEVINDINGEN,
    AANDACHT,
    PERIODEN,
    PEILDATUM,
    TE_LAAT_SOORT,
    EIGENAREN,
) = range(9)


def _rijen(qs, bron, *waarden):
    """Rows of `qs` (annotated with `n`) as a part of the UNION in `tellingen`:
    (bron, five texts, n)."""
    tekst = [
        Cast(w, CharField()) if not isinstance(w, (Value, Cast)) else w
        for w in (*waarden, *[Value("")] * (5 - len(waarden)))
    ]
    return (
        qs.order_by()
        .annotate(**dict(zip(KOLOMMEN, [Value(bron), *tekst], strict=True)))
        .values_list(*KOLOMMEN, "n")
    )


def _deel(qs, bron, *waarden, aantal=None):
    """One aggregate of the UNION in `tellingen`: (bron, five texts, n); `aantal` the
    aggregate (default COUNT(*))."""
    tekst = [
        Cast(w, CharField()) if not isinstance(w, Value) else w
        for w in (*waarden, *[Value("")] * (5 - len(waarden)))
    ]
    return (
        qs.order_by()
        .annotate(**dict(zip(KOLOMMEN, [Value(bron), *tekst], strict=True)))
        .values(*KOLOMMEN)
        # COUNT(*), not COUNT(id): a partial index without the id answers it alone.
        .annotate(n=aantal or Count("*"))
        .values_list(*KOLOMMEN, "n")
    )


def _peildatum_deel():
    return _rijen(Tellerdatum.objects.filter(pk=1).annotate(n=Value(0)), PEILDATUM, F("datum"))


def tellingen(user, op, *, beheer, mag_lezen):
    """Every count of the dashboard in one UNION ALL of small reads (issue 13): the
    user's open and overdue actions per kind and, with `mag_lezen`, the overdue actions
    per kind and owner, from the counters the database keeps (douane_portfolio.tellers); with
    `mag_lezen` also the net heat map (risicos.Heatmapteller), the findings per body and
    status (counters too) and the periods; with `beheer` the reminders that need attention."""
    delen = [
        _rijen(
            Actieteller.objects.filter(eigenaar=user).annotate(n=F("open")),
            EIGEN,
            F("soort"),
            Cast("te_laat", CharField()),
        )
    ]
    if mag_lezen:
        delen.extend(_te_laat_delen())
        delen.append(_perioden_deel())
        # The heat map's counters (risicos.Heatmapteller): at most 36 rows.
        delen.append(
            _rijen(
                Heatmapteller.objects.zichtbaar_voor(user)
                .filter(aantal__gt=0)
                .annotate(n=F("aantal")),
                HEATMAP,
                F("kans"),
                F("impact"),
            )
        )
        if mag_audits_lezen(user):
            delen.append(
                _rijen(
                    Bevindingteller.objects.values("instantie", "status").annotate(n=Sum("aantal")),
                    BEVINDINGEN,
                    F("instantie"),
                    F("status"),
                )
            )
    if beheer:
        delen.append(_deel(Verzending.objects.aandacht_nodig(), AANDACHT))
    return _lezen(op, delen)


def _lezen(op, delen):
    """Run the UNION of `delen` with the counters' peildatum; if that is not `op` (the
    first request of a day), move it (douane_portfolio.tellers) and read again."""
    uitkomst = _uitkomst([_peildatum_deel(), *delen])
    if uitkomst["peildatum"] != op:
        tellers.peildatum_zetten(op)
        uitkomst = _uitkomst([_peildatum_deel(), *delen])
    return uitkomst


def _uitkomst(delen):
    uitkomst = {
        "peildatum": None,
        "open": 0,
        "te_laat": 0,
        "te_laat_rijen": [],
        "te_laat_per_soort": {},
        "eigenaren": 0,
        "heatmap": ({}, 0),
        "bevindingen": {},
        "aandacht": 0,
        "perioden": [],
    }
    heatmaprijen = []
    for rij in delen[0].union(*delen[1:], all=True):
        bron, a, b, c, d, e, n = rij
        if bron == PEILDATUM:
            uitkomst["peildatum"] = date.fromisoformat(a)
        elif bron == EIGEN:
            uitkomst["open"] += n
            uitkomst["te_laat"] += int(b)
        elif bron == TE_LAAT:
            uitkomst["te_laat_rijen"].append(_te_laat_rij(rij))
        elif bron == TE_LAAT_SOORT:
            uitkomst["te_laat_per_soort"][a] = n
        elif bron == EIGENAREN:
            uitkomst["eigenaren"] = n
        elif bron == PERIODEN:
            uitkomst["perioden"].append(_periode(a, b, c, d, e, n))
        elif bron == HEATMAP:
            heatmaprijen.append((a, b, n))
        elif bron == BEVINDINGEN:
            uitkomst["bevindingen"][(a, b)] = n
        elif bron == AANDACHT:
            uitkomst["aandacht"] += n
    uitkomst["heatmap"] = heatmap.uit_tellers(heatmaprijen)
    # As `perioden()` orders them.
    uitkomst["perioden"].sort(key=lambda p: (p.einddatum, p.begindatum), reverse=True)
    return uitkomst


def _perioden_deel():
    """Every period as `perioden()` reads it, as a part of the UNION in `tellingen`: a few
    rows a year, so the dashboard needs no query of its own for them."""
    rapporten = Statusrapportage.objects.filter(periode=OuterRef("pk"))
    return (
        Rapportageperiode.objects.order_by()
        .annotate(
            tel_bron=Value(PERIODEN),
            tel_a=Cast("pk", CharField()),
            tel_b=Cast("jaar", CharField()),
            tel_c=Cast("soort", CharField()),
            tel_d=Cast("status", CharField()),
            tel_e=Cast("indiendeadline", CharField()),
            n=Case(When(Exists(rapporten), then=Value(1)), default=Value(0)),
        )
        .values_list(*KOLOMMEN, "n")
    )


def _periode(pk, jaar, soort, status, indiendeadline, met_rapportages):
    """A Rapportageperiode from its row in `tellingen`, as far as the dashboard shows it."""
    jaar = int(jaar)
    begindatum, einddatum = Rapportageperiode.datums(jaar, soort)
    periode = Rapportageperiode(
        pk=int(pk),
        jaar=jaar,
        soort=soort,
        status=status,
        indiendeadline=date.fromisoformat(indiendeadline) if indiendeadline else None,
        begindatum=begindatum,
        einddatum=einddatum,
    )
    periode._state.adding = False
    periode.met_rapportages = bool(met_rapportages)
    return periode

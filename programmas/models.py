"""Strategic portfolio: themes, initiatives, status per reporting period, milestones, KPIs."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DecimalField,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from douane_portfolio.adressen import adres
from douane_portfolio.models import (
    OPEN_STATUSSEN,
    Actie,
    TellerkolommenMixin,
    VersieModel,
    aantal,
    actie_indexen,
    telling,
)
from douane_portfolio.validators import redelijke_datum


class Status(models.TextChoices):
    GROEN = "groen", "Groen"
    ORANJE = "oranje", "Oranje"
    ROOD = "rood", "Rood"


# The report's meaning of each colour (chapter 3).
STATUS_BETEKENIS = {
    Status.GROEN: "Verloopt zoals gepland in het jaarplan.",
    Status.ORANJE: "Verloopt minder of anders dan gepland was in het jaarplan.",
    Status.ROOD: "Verloopt niet zoals gepland in het jaarplan.",
}
STATUS_RANG = {Status.GROEN: 0, Status.ORANJE: 1, Status.ROOD: 2}
# No report means no colour: the report prints this instead of guessing one.
NIET_GERAPPORTEERD = "niet gerapporteerd"


class Trend(models.TextChoices):
    BETER = "beter", "beter"
    GELIJK = "gelijk", "gelijk"
    SLECHTER = "slechter", "slechter"


def trend(huidig, vorig):
    """Trend of a status against the previous period; None when either is missing."""
    if not huidig or not vorig:
        return None
    verschil = STATUS_RANG[huidig] - STATUS_RANG[vorig]
    if verschil < 0:
        return Trend.BETER
    if verschil > 0:
        return Trend.SLECHTER
    return Trend.GELIJK


class Thema(models.Model):
    naam = models.CharField("naam", max_length=200, unique=True)
    paragraaf = models.CharField("paragraaf", max_length=10, blank=True)
    doel = models.TextField("doel", blank=True)
    volgorde = models.PositiveSmallIntegerField("volgorde", unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "thema"
        verbose_name_plural = "thema's"
        ordering = ["volgorde"]

    def __str__(self):
        return self.naam


class Periodesoort(models.TextChoices):
    T1 = "T1", "1e tertiaal"
    T2 = "T2", "2e tertiaal"
    T3 = "T3", "3e tertiaal"
    JAAR = "JAAR", "Jaar"


# (first month, last month) of each kind of period.
PERIODE_MAANDEN = {
    Periodesoort.T1: (1, 4),
    Periodesoort.T2: (5, 8),
    Periodesoort.T3: (9, 12),
    Periodesoort.JAAR: (1, 12),
}


class PeriodeStatus(models.TextChoices):
    GEPLAND = "gepland", "Gepland"
    OPEN = "open", "Open"
    GESLOTEN = "gesloten", "Gesloten"


class RapportageperiodeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=PeriodeStatus.OPEN)

    def laatst_gesloten(self):
        """The closed tertiary period with the latest end date, or None."""
        return (
            self.filter(status=PeriodeStatus.GESLOTEN)
            .exclude(soort=Periodesoort.JAAR)
            .order_by("-einddatum")
            .first()
        )


class Rapportageperiode(VersieModel):
    jaar = models.PositiveSmallIntegerField("jaar")
    soort = models.CharField("periode", max_length=4, choices=Periodesoort.choices)
    begindatum = models.DateField("begindatum", editable=False)
    einddatum = models.DateField("einddatum (peildatum)", editable=False)
    # Empty only for periods taken over from earlier reports.
    indiendeadline = models.DateField(
        "deadline indienen",
        validators=[redelijke_datum],
        null=True,
        blank=True,
        help_text="Uiterste datum waarop programmamanagers hun status indienen.",
    )
    status = models.CharField(
        "status", max_length=10, choices=PeriodeStatus.choices, default=PeriodeStatus.GEPLAND
    )
    geopend_op = models.DateTimeField("geopend op", null=True, blank=True, editable=False)
    gesloten_op = models.DateTimeField("gesloten op", null=True, blank=True, editable=False)

    objects = RapportageperiodeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "rapportageperiode"
        verbose_name_plural = "rapportageperiodes"
        ordering = ["einddatum", "begindatum"]
        constraints = [
            models.UniqueConstraint(fields=["jaar", "soort"], name="programmas_periode_uniek"),
            # One reporting round at a time: "the open period" is unambiguous.
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="open"), name="programmas_een_open_periode"
            ),
            models.CheckConstraint(
                condition=Q(jaar__gte=2000, jaar__lte=2100), name="programmas_periode_jaar_redelijk"
            ),
        ]

    def __str__(self):
        if self.soort == Periodesoort.JAAR:
            return f"Jaar {self.jaar}"
        return f"{self.jaar} {self.soort}"

    def save(self, *args, **kwargs):
        self.begindatum, self.einddatum = self.datums(self.jaar, self.soort)
        super().save(*args, **kwargs)

    @staticmethod
    def datums(jaar, soort):
        eerste, laatste = PERIODE_MAANDEN[soort]
        begin = datetime.date(jaar, eerste, 1)
        if laatste == 12:
            eind = datetime.date(jaar, 12, 31)
        else:
            eind = datetime.date(jaar, laatste + 1, 1) - datetime.timedelta(days=1)
        return begin, eind

    @property
    def is_open(self):
        return self.status == PeriodeStatus.OPEN

    @property
    def is_gesloten(self):
        return self.status == PeriodeStatus.GESLOTEN

    def vorige(self):
        """The period a trend compares with: the previous year for a year, else the
        previous tertiary period."""
        qs = Rapportageperiode.objects.filter(einddatum__lt=self.einddatum)
        if self.soort == Periodesoort.JAAR:
            qs = qs.filter(soort=Periodesoort.JAAR)
        else:
            qs = qs.exclude(soort=Periodesoort.JAAR)
        return qs.order_by("-einddatum").first()


class InitiatiefQuerySet(models.QuerySet):
    def zichtbaar_voor(self, user):
        # Every role reads the whole portfolio; writing is decided by programmas.rules.
        return self

    def actief(self):
        return self.filter(actief=True)

    def van(self, user):
        return self.filter(eigenaar=user)

    def zonder_rapportage_in(self, periode):
        """Initiatives without a status report in `periode`: "niet gerapporteerd"."""
        if periode is None:
            return self.exclude(rapportages__periode=None)
        return self.filter(PerInitiatief("zonder_rapportage", _pk(periode)))

    def met_rapportage_in(self, periode):
        return self.filter(rapportages__periode=periode)

    def met_status(self, periode, vorige=None):
        """Annotate `huidige_status` (of `periode`) and `vorige_status` (of `vorige`)."""
        return self.met_status_in(periode, "huidige_status").met_status_in(vorige, "vorige_status")

    def activiteitentabel(self, periode, vorige=...):
        """Active initiatives in the report's order with status, trend and the text of
        `periode`: the activity table's rows, for the page and the generated report.
        `vorige`: the period the trend compares with (None: none), if the caller knows it."""
        rapportage = Statusrapportage.objects.filter(initiatief=OuterRef("pk"), periode=periode)
        if vorige is ...:
            vorige = periode.vorige() if periode else None
        return (
            self.actief()
            .select_related("thema", "eigenaar")
            .met_status(periode, vorige)
            .annotate(
                huidige_toelichting=Subquery(rapportage.values("toelichting")[:1]),
                huidig_pad=Subquery(rapportage.values("pad_naar_groen")[:1]),
            )
            .order_by("thema__volgorde", "volgorde", "naam")
        )

    def met_rapportage(self, periode, prefix):
        """Annotate `<prefix>_status`, `_toelichting`, `_pad`, `_versie` and `_op` of the
        report for `periode` (all None without one), in the same query."""
        rapportage = Statusrapportage.objects.filter(initiatief=OuterRef("pk"), periode=periode)
        velden = {
            "status": "status",
            "toelichting": "toelichting",
            "pad": "pad_naar_groen",
            "versie": "versie",
            "op": "ingediend_op",
        }
        if periode is None:
            return self.annotate(
                **{f"{prefix}_{naam}": Value(None, output_field=CharField()) for naam in velden}
            )
        return self.annotate(
            **{
                f"{prefix}_{naam}": Subquery(rapportage.values(veld)[:1])
                for naam, veld in velden.items()
            }
        )

    def met_status_in(self, periode, naam):
        """Annotate `naam` with the colour reported in `periode` (None: not reported)."""
        if periode is None:
            return self.annotate(**{naam: Value(None, output_field=CharField())})
        return self.annotate(**{naam: PerInitiatief("status", _pk(periode))})

    def met_geannoteerde_status(self, naam, status):
        """The rows whose colour annotated as `naam` (by `met_status_in`) is `status`
        (None: not reported), as an EXISTS or NOT EXISTS on the reports' indexes: the
        planner estimates that and walks the page's order, where a comparison of the
        subquery's value made it compute the colour of every initiative (issue 13)."""
        expressie = self.query.annotations.get(naam)
        if isinstance(expressie, PerInitiatief) and expressie.soort == "status":
            periode = expressie.params[0]
            if status is None:
                return self.filter(PerInitiatief("zonder_rapportage", periode))
            return self.filter(PerInitiatief("met_status", periode, status))
        if status is None:
            return self.filter(**{f"{naam}__isnull": True})
        return self.filter(**{naam: status})

    def met_mijlpaaltellingen(self, op=None, uit_tellers=False):
        """Annotate `open_mijlpalen` (the counter the database keeps) and
        `te_late_mijlpalen` (open, deadline before `op`): counted, or with `uit_tellers`
        the counter, which counts against the peildatum (the caller made that `op`:
        douane_portfolio.tellers.peildatum_op)."""
        op = op or timezone.localdate()
        return self.annotate(
            open_mijlpalen=F("mijlpalen_open"),
            te_late_mijlpalen=(
                F("mijlpalen_te_laat")
                if uit_tellers
                else PerInitiatief("te_late_mijlpalen", *_OPEN, op)
            ),
        )


_OPEN = tuple(str(s) for s in OPEN_STATUSSEN)


def _pk(obj):
    return getattr(obj, "pk", obj)


def _per_initiatief_sql():
    """The correlated subqueries of `PerInitiatief`, written once from the models'
    metadata. `{t}` is the outer initiative's table or alias."""
    r = Statusrapportage._meta
    m = Mijlpaal._meta
    ri, rp, rs = (r.get_field(n).column for n in ("initiatief", "periode", "status"))
    mi, ms, md = (m.get_field(n).column for n in ("initiatief", "status", "deadline"))
    pk = Initiatief._meta.pk.column
    # Names from the models' metadata; every value is a parameter.
    mijlpalen = (
        f"SELECT COUNT(*) FROM {m.db_table} pi_m WHERE pi_m.{mi} = {{t}}.{pk} "  # nosec B608
        f"AND pi_m.{ms} IN ({', '.join(['%s'] * len(OPEN_STATUSSEN))})"
    )
    rapportage = (
        f"SELECT {{kolom}} FROM {r.db_table} pi_r "  # nosec B608
        f"WHERE pi_r.{ri} = {{t}}.{pk} AND pi_r.{rp} = %s"
    )
    return {
        # One report per initiative and period (a unique constraint).
        "status": (rapportage.replace("{kolom}", f"pi_r.{rs}") + " LIMIT 1", CharField()),
        "zonder_rapportage": (
            rapportage.replace("{kolom}", "1").join(["NOT EXISTS (", ")"]),
            BooleanField(),
        ),
        "met_status": (
            rapportage.replace("{kolom}", "1").join(["EXISTS (", f" AND pi_r.{rs} = %s)"]),
            BooleanField(),
        ),
        "te_late_mijlpalen": (f"{mijlpalen} AND pi_m.{md} < %s", IntegerField()),
    }


_PER_INITIATIEF_SQL = None


class PerInitiatief(Expression):
    """A value per initiative row from a correlated subquery written as SQL once: the
    portfolio's statuses and milestone counts. Composed with Subquery() these cost more
    CPU on every page (five inner queries to build, resolve and compile) than the
    database takes to run them (issue 13). The outer table is whatever alias the query
    gives the initiatives, so the expression also holds inside a subquery."""

    def __init__(self, soort, *params):
        global _PER_INITIATIEF_SQL
        if _PER_INITIATIEF_SQL is None:
            _PER_INITIATIEF_SQL = _per_initiatief_sql()
        self.sql, uitvoer = _PER_INITIATIEF_SQL[soort]
        super().__init__(output_field=uitvoer)
        self.soort = soort
        self.params = params

    def as_sql(self, compiler, connection):
        tabel = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        params = [
            connection.ops.adapt_datefield_value(p) if isinstance(p, datetime.date) else p
            for p in self.params
        ]
        return f"({self.sql.format(t=tabel)})", params

    def get_group_by_cols(self):
        return [self]


class Initiatief(TellerkolommenMixin, VersieModel):
    thema = models.ForeignKey(
        Thema, verbose_name="thema", on_delete=models.PROTECT, related_name="initiatieven"
    )
    naam = models.CharField("naam", max_length=200)
    omschrijving = models.TextField("omschrijving", blank=True)
    eigenaar = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="eigenaar",
        on_delete=models.PROTECT,
        related_name="initiatieven",
    )
    volgorde = models.PositiveSmallIntegerField("volgorde", default=0)
    actief = models.BooleanField("actief", default=True)
    # Open and overdue milestones, kept by database triggers (migration 0009) on every
    # write of a milestone: the portfolio sorts by them through indexes, not counting.
    mijlpalen_open = models.PositiveIntegerField("open mijlpalen", default=0, editable=False)
    # Overdue against the counters' peildatum (douane_portfolio.tellers), which moves it.
    mijlpalen_te_laat = models.PositiveIntegerField("te late mijlpalen", default=0, editable=False)

    # Never written by Django (TellerkolommenMixin); moving the database copies
    # initiatives after their milestones (douane_portfolio.backup).
    tellerkolommen = ("mijlpalen_open", "mijlpalen_te_laat")
    # What it counts, for douane_portfolio.tellers (verschillen, herstellen).
    bron_tabellen = ("programmas_mijlpaal",)
    # Moved with the peildatum: {column: (child table, its key to the initiative)}.
    te_laat_kolommen = {"mijlpalen_te_laat": ("programmas_mijlpaal", "initiatief_id")}

    objects = InitiatiefQuerySet.as_manager()
    # The counter follows the milestones, whose own history records each change.
    history = HistoricalRecords(excluded_fields=["mijlpalen_open", "mijlpalen_te_laat"])

    class Meta:
        verbose_name = "initiatief"
        verbose_name_plural = "initiatieven"
        ordering = ["thema__volgorde", "volgorde", "naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["thema", "naam"], name="programmas_initiatief_naam_uniek"
            ),
        ]
        indexes = [
            # The portfolio's sorts "Open mijlpalen" and "Te late mijlpalen" (both ways)
            # and their keyset seek.
            models.Index(fields=["mijlpalen_open", "id"], name="initiatief_mp_open"),
            models.Index(fields=["mijlpalen_te_laat", "id"], name="initiatief_mp_laat"),
        ]

    def __str__(self):
        return self.naam

    @classmethod
    def tellerkolommen_herteld(cls, op):
        """The counter columns recounted per initiative, as the triggers keep them with
        the peildatum at `op`."""
        mijlpalen = Mijlpaal.objects.filter(initiatief=OuterRef("pk"))
        return {
            "mijlpalen_open": telling(mijlpalen.open(), "initiatief"),
            "mijlpalen_te_laat": telling(mijlpalen.te_laat(op), "initiatief"),
        }

    def get_absolute_url(self):
        return adres("programmas:initiatief", self.pk)

    @property
    def trend(self):
        """Needs `met_status()` annotations."""
        return trend(getattr(self, "huidige_status", None), getattr(self, "vorige_status", None))


class StatusrapportageQuerySet(models.QuerySet):
    def van_actieve_initiatieven(self):
        return self.filter(initiatief__actief=True)


class Statusrapportage(VersieModel):
    """The status of one initiative in one period. No row means: not reported."""

    initiatief = models.ForeignKey(
        Initiatief, verbose_name="initiatief", on_delete=models.PROTECT, related_name="rapportages"
    )
    periode = models.ForeignKey(
        Rapportageperiode,
        verbose_name="periode",
        on_delete=models.PROTECT,
        related_name="rapportages",
    )
    status = models.CharField("status", max_length=10, choices=Status.choices)
    toelichting = models.TextField("toelichting", blank=True)
    pad_naar_groen = models.TextField(
        "pad naar groen",
        blank=True,
        help_text="De stappen terug naar groen, met wanneer ze klaar zijn.",
    )
    ingediend_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ingediend door",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ingediend_op = models.DateTimeField("ingediend op", null=True, blank=True)
    bron = models.CharField(
        "bron",
        max_length=200,
        blank=True,
        help_text="Voor overgenomen gegevens, bijvoorbeeld 'Jaarrapportage Douane 2023'.",
    )

    objects = StatusrapportageQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "statusrapportage"
        verbose_name_plural = "statusrapportages"
        ordering = ["periode__einddatum", "initiatief__thema__volgorde", "initiatief__volgorde"]
        indexes = [
            # The portfolio's filter on a colour in a period (an EXISTS), and its
            # "niet gerapporteerd" (a NOT EXISTS): the period's reports from the index alone.
            models.Index(
                fields=["periode", "status", "initiatief"], name="rapportage_periode_status"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["initiatief", "periode"], name="programmas_een_rapportage_per_periode"
            ),
            # Oranje and rood always carry an explanation, also when loaded in bulk.
            models.CheckConstraint(
                condition=Q(status="groen") | ~Q(toelichting=""),
                name="programmas_toelichting_bij_oranje_rood",
            ),
        ]

    def __str__(self):
        return f"{self.initiatief} – {self.periode}: {self.get_status_display()}"

    def clean(self):
        if self.status in (Status.ORANJE, Status.ROOD) and not self.toelichting.strip():
            raise ValidationError(
                {"toelichting": "Een toelichting is verplicht bij oranje en rood."}
            )

    def get_absolute_url(self):
        return self.initiatief.get_absolute_url() + f"#periode-{self.periode_id}"


class Mijlpaal(Actie):
    initiatief = models.ForeignKey(
        Initiatief, verbose_name="initiatief", on_delete=models.PROTECT, related_name="mijlpalen"
    )

    history = HistoricalRecords()
    context_select_related = ("initiatief",)
    escalatie_select_related = ("initiatief__eigenaar",)

    class Meta(Actie.Meta):
        verbose_name = "mijlpaal"
        verbose_name_plural = "mijlpalen"
        indexes = [
            models.Index(fields=["status", "deadline"], name="mijlpaal_open_idx"),
            *actie_indexen("mijlpaal"),
            # The open and overdue counts per initiative on the portfolio.
            models.Index(fields=["initiatief", "status", "deadline"], name="mijlpaal_init_st"),
        ]

    @property
    def context(self):
        return self.initiatief.naam

    def get_absolute_url(self):
        return self.initiatief.get_absolute_url() + f"#mijlpaal-{self.pk}"

    def escalatie_kandidaten(self):
        # After the owner's manager: the initiative's programme manager, who answers for
        # its milestones (when someone else owns this one).
        return [*super().escalatie_kandidaten(), self.initiatief.eigenaar]


class Richting(models.TextChoices):
    HOGER = "hoger", "Hoger is beter"
    LAGER = "lager", "Lager is beter"


class Prestatieindicator(VersieModel):
    naam = models.CharField("naam", max_length=200)
    groep = models.CharField(
        "groep",
        max_length=200,
        blank=True,
        help_text="Tabel of onderwerp waaronder de indicator valt, bijvoorbeeld 'Controles'.",
    )
    eenheid = models.CharField("eenheid", max_length=50, blank=True)
    richting = models.CharField(
        "richting", max_length=5, choices=Richting.choices, default=Richting.HOGER
    )
    initiatief = models.ForeignKey(
        Initiatief,
        verbose_name="initiatief",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicatoren",
    )
    volgorde = models.PositiveSmallIntegerField("volgorde", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "prestatie-indicator"
        verbose_name_plural = "prestatie-indicatoren"
        ordering = ["groep", "volgorde", "naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["groep", "naam"], name="programmas_indicator_naam_uniek"
            ),
        ]

    def __str__(self):
        return self.naam

    def get_absolute_url(self):
        if self.initiatief_id:
            return self.initiatief.get_absolute_url() + f"#indicator-{self.pk}"
        return reverse("programmas:indicatoren") + f"?indicator={self.pk}"


class IndicatorStatus(models.TextChoices):
    GROEN = "groen", "Groen"
    ORANJE = "oranje", "Oranje"
    ROOD = "rood", "Rood"
    GEEN_DOEL = "geen_doel", "geen doelstelling"
    NIET_GERAPPORTEERD = "niet_gerapporteerd", "niet gerapporteerd"


def indicator_status(doelstelling, realisatie, bandbreedte, richting):
    """The verdict on one value.

    Groen: realisation reaches the target, or misses it by at most the band (in % of the
    target). Oranje: misses by more than the band but at most twice the band. Rood: misses
    by more than twice the band. With lower-is-better the same holds the other way round.
    """
    if realisatie is None:
        return IndicatorStatus.NIET_GERAPPORTEERD
    if doelstelling is None:
        return IndicatorStatus.GEEN_DOEL
    band = bandbreedte or Decimal(0)
    real = realisatie * 100
    if richting == Richting.LAGER:
        if real <= doelstelling * (100 + band):
            return IndicatorStatus.GROEN
        if real <= doelstelling * (100 + 2 * band):
            return IndicatorStatus.ORANJE
        return IndicatorStatus.ROOD
    if real >= doelstelling * (100 - band):
        return IndicatorStatus.GROEN
    if real >= doelstelling * (100 - 2 * band):
        return IndicatorStatus.ORANJE
    return IndicatorStatus.ROOD


def _status_expressie():
    """`indicator_status()` in SQL, on the value's own columns (the direction is the
    copy `indicator_richting`): the stored column `berekende_status`. Written without
    division: SQLite divides integers as integers."""
    getal = DecimalField(max_digits=30, decimal_places=6)
    band = Coalesce(F("bandbreedte"), Value(Decimal(0)), output_field=getal)
    real = ExpressionWrapper(F("realisatie") * 100, getal)

    def grens(factor):
        return ExpressionWrapper(F("doelstelling") * (100 + factor * band), getal)

    hoger = Q(indicator_richting=Richting.HOGER)
    return Case(
        When(realisatie__isnull=True, then=Value(IndicatorStatus.NIET_GERAPPORTEERD)),
        When(doelstelling__isnull=True, then=Value(IndicatorStatus.GEEN_DOEL)),
        When(hoger & GreaterThanOrEqual(real, grens(-1)), then=Value(IndicatorStatus.GROEN)),
        When(hoger & GreaterThanOrEqual(real, grens(-2)), then=Value(IndicatorStatus.ORANJE)),
        When(hoger, then=Value(IndicatorStatus.ROOD)),
        When(LessThanOrEqual(real, grens(1)), then=Value(IndicatorStatus.GROEN)),
        When(LessThanOrEqual(real, grens(2)), then=Value(IndicatorStatus.ORANJE)),
        default=Value(IndicatorStatus.ROOD),
        output_field=CharField(),
    )


class IndicatorwaardeQuerySet(models.QuerySet):
    def zichtbaar_voor(self, user):
        return self


# The list's sort keys that each value carries a copy of: {copy: its source}.
SORTEERSLEUTELS = {
    "periode_einddatum": "periode__einddatum",
    "periode_begindatum": "periode__begindatum",
    "indicator_groep": "indicator__groep",
    "indicator_volgorde": "indicator__volgorde",
}
# Every copy: the sort keys and the direction the status is computed with.
KOPIEEN = {**SORTEERSLEUTELS, "indicator_richting": "indicator__richting"}
GEEN_SORTEERDATUM = datetime.date(1, 1, 1)


class Indicatorwaarde(VersieModel):
    """Target, realisation and tolerance band of one indicator in one period."""

    indicator = models.ForeignKey(
        Prestatieindicator,
        verbose_name="indicator",
        on_delete=models.PROTECT,
        related_name="waarden",
    )
    periode = models.ForeignKey(
        Rapportageperiode,
        verbose_name="periode",
        on_delete=models.PROTECT,
        related_name="indicatorwaarden",
    )
    doelstelling = models.DecimalField(
        "doelstelling", max_digits=18, decimal_places=2, null=True, blank=True
    )
    realisatie = models.DecimalField(
        "realisatie", max_digits=18, decimal_places=2, null=True, blank=True
    )
    bandbreedte = models.DecimalField(
        "bandbreedte (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Toegestane afwijking van de doelstelling, in procenten.",
    )
    toelichting = models.TextField("toelichting", blank=True)
    # The list's sort keys, copied from the period and the indicator by database
    # triggers (migration 0006) on every write of either side, so one index on this
    # table serves the list's order: no join and sort of every value per page. The
    # defaults only stand until the trigger has run (SQLite: right after the insert).
    periode_einddatum = models.DateField(
        "einddatum periode", editable=False, default=GEEN_SORTEERDATUM
    )
    periode_begindatum = models.DateField(
        "begindatum periode", editable=False, default=GEEN_SORTEERDATUM
    )
    indicator_groep = models.CharField(
        "groep indicator", max_length=200, editable=False, default=""
    )
    indicator_volgorde = models.PositiveSmallIntegerField(
        "volgorde indicator", editable=False, default=0
    )
    # Copied the same way (migration 0007): the status below needs it on the row.
    indicator_richting = models.CharField(
        "richting indicator",
        max_length=5,
        choices=Richting.choices,
        editable=False,
        default=Richting.HOGER,
    )
    # The verdict, computed and stored by the database on every write of the value or
    # its copied direction, so the list filters and sorts on an index instead of
    # computing it for every value (issue 13). `status` is the same rule in Python.
    berekende_status = models.GeneratedField(
        expression=_status_expressie(),
        output_field=models.CharField(max_length=20),
        db_persist=True,
        verbose_name="status",
    )

    objects = IndicatorwaardeQuerySet.as_manager()
    # Copies and the computed status are not the value's own data: no history of them.
    history = HistoricalRecords(excluded_fields=[*KOPIEEN, "berekende_status"])

    # Checked and repaired by douane_portfolio.tellers (verschillen, herstellen).
    door_triggers_gekopieerd = KOPIEEN

    class Meta:
        verbose_name = "indicatorwaarde"
        verbose_name_plural = "indicatorwaarden"
        ordering = ["periode__einddatum", "indicator__groep", "indicator__volgorde"]
        indexes = [
            # The list's default order (newest period first) and its indicator sort.
            models.Index(
                fields=["-periode_einddatum", "indicator_groep", "indicator_volgorde", "id"],
                name="indicatorwaarde_lijst",
            ),
            models.Index(
                fields=["indicator_groep", "indicator_volgorde", "id"],
                name="indicatorwaarde_indicator",
            ),
            # Newest period first by its dates (the primary key still ascending).
            models.Index(
                fields=["-periode_einddatum", "-periode_begindatum", "id"],
                name="indicatorwaarde_periode",
            ),
            # The status filter in the list's default order, and the status sort.
            models.Index(
                fields=[
                    "berekende_status",
                    "-periode_einddatum",
                    "indicator_groep",
                    "indicator_volgorde",
                    "id",
                ],
                name="indicatorwaarde_status",
            ),
            models.Index(fields=["berekende_status", "id"], name="indicatorwaarde_status_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "periode"], name="programmas_een_waarde_per_periode"
            ),
            models.CheckConstraint(
                condition=Q(bandbreedte__isnull=True) | Q(bandbreedte__gte=0, bandbreedte__lte=100),
                name="programmas_bandbreedte_tussen_0_en_100",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} – {self.periode}"

    def get_absolute_url(self):
        return self.indicator.get_absolute_url()

    @property
    def status(self):
        return indicator_status(
            self.doelstelling, self.realisatie, self.bandbreedte, self.indicator.richting
        )

    @property
    def realisatie_percentage(self):
        if self.doelstelling in (None, 0) or self.realisatie is None:
            return None
        return self.realisatie / self.doelstelling * 100


class Initiatiefteller(models.Model):
    """Active initiatives per theme, kept by database triggers on the initiatives
    (migration 0005): the "totaal" of the dashboard's status per theme."""

    door_triggers_gevuld = True
    # Recounted and compared by douane_portfolio.tellers (herstellen, verschillen).
    sleutelvelden = ("thema_id",)
    bron_tabellen = ("programmas_initiatief",)

    # No foreign key constraint: a row left at zero must not keep a theme from being
    # deleted (a theme with initiatives cannot be deleted anyway: PROTECT).
    thema = models.OneToOneField(
        Thema,
        verbose_name="thema",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="initiatiefteller",
    )
    aantal = models.IntegerField("aantal actieve initiatieven")

    class Meta:
        verbose_name = "initiatiefteller"
        verbose_name_plural = "initiatieftellers"
        constraints = [
            models.CheckConstraint(condition=Q(aantal__gte=0), name="initiatiefteller_pos"),
        ]

    def __str__(self):
        return f"{self.thema_id}: {self.aantal}"

    @classmethod
    def opnieuw_geteld(cls):
        return {
            (r["thema"],): r["n"]
            for r in Initiatief._base_manager.filter(actief=True)
            .order_by()
            .values("thema")
            .annotate(n=aantal())
        }


class Statusteller(models.Model):
    """Status reports of active initiatives per period, theme and status, kept by
    database triggers on the reports and the initiatives (migration 0005): the dashboard's
    status per theme reads these few rows per period instead of every report. An active
    initiative without a report in a period is "niet gerapporteerd" there: the theme's
    `Initiatiefteller` minus these counts, never a colour."""

    door_triggers_gevuld = True
    sleutelvelden = ("periode_id", "thema_id", "status")
    bron_tabellen = ("programmas_initiatief", "programmas_statusrapportage")

    periode = models.ForeignKey(
        Rapportageperiode,
        verbose_name="periode",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    thema = models.ForeignKey(
        Thema,
        verbose_name="thema",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="statustellers",
    )
    status = models.CharField("status", max_length=10)
    aantal = models.IntegerField("aantal")

    class Meta:
        verbose_name = "statusteller"
        verbose_name_plural = "statustellers"
        constraints = [
            models.UniqueConstraint(
                fields=["periode", "thema", "status"], name="statusteller_uniek"
            ),
            models.CheckConstraint(condition=Q(aantal__gte=0), name="statusteller_pos"),
        ]

    def __str__(self):
        return f"{self.periode_id} {self.thema_id} {self.status}: {self.aantal}"

    @classmethod
    def opnieuw_geteld(cls):
        return {
            (r["periode"], r["initiatief__thema"], r["status"]): r["n"]
            for r in Statusrapportage._base_manager.filter(initiatief__actief=True)
            .order_by()
            .values("periode", "initiatief__thema", "status")
            .annotate(n=aantal())
        }

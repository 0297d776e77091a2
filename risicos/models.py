"""Risk register: risks with gross and net scores, measures, and risk dialogues.

A score is kans × impact, each on a 1–5 scale; "bruto" is before measures, "netto"
after. A risk may be not yet scored (the annual report gives no scores), so every
score is nullable and every screen says "niet gescoord" rather than inventing one.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Left
from django.utils import formats, timezone
from simple_history.models import HistoricalRecords

from douane_portfolio import rollen
from douane_portfolio.adressen import adres
from douane_portfolio.models import (
    Actie,
    ActieQuerySet,
    ActieStatus,
    TellerkolommenMixin,
    VersieModel,
    aantal,
    actie_indexen,
    telling,
)
from douane_portfolio.rules import heeft_een_rol
from douane_portfolio.validators import redelijke_datum


class Kans(models.IntegerChoices):
    ZEER_KLEIN = 1, "1 – zeer klein"
    KLEIN = 2, "2 – klein"
    GEMIDDELD = 3, "3 – gemiddeld"
    GROOT = 4, "4 – groot"
    ZEER_GROOT = 5, "5 – zeer groot"


class Impact(models.IntegerChoices):
    ZEER_GERING = 1, "1 – zeer gering"
    GERING = 2, "2 – gering"
    GEMIDDELD = 3, "3 – gemiddeld"
    GROOT = 4, "4 – groot"
    ZEER_GROOT = 5, "5 – zeer groot"


SCHAAL = range(1, 6)
MAX_SCORE = 25


class Scoreniveau(models.TextChoices):
    """Bands of kans × impact on the 5×5 map (the colours of the heat map)."""

    LAAG = "laag", "laag (1–4)"
    MIDDEN = "midden", "midden (5–9)"
    HOOG = "hoog", "hoog (10–16)"
    ZEER_HOOG = "zeer_hoog", "zeer hoog (20–25)"


# Highest score of each band, lowest band first.
NIVEAU_GRENZEN = (
    (4, Scoreniveau.LAAG),
    (9, Scoreniveau.MIDDEN),
    (16, Scoreniveau.HOOG),
    (25, Scoreniveau.ZEER_HOOG),
)
NIET_GESCOORD = "niet gescoord"


def score_niveau(score):
    if score is None:
        return None
    for grens, niveau in NIVEAU_GRENZEN:
        if score <= grens:
            return niveau
    raise ValueError(f"Score {score} ligt buiten 1–{MAX_SCORE}.")


def _score_of_nul(soort):
    """COALESCE(kans * impact, 0): the expression of the score indexes (migration 0010)."""
    return Coalesce(F(f"{soort}_kans") * F(f"{soort}_impact"), Value(0))


def niveau_grenzen(niveau):
    """(lowest, highest) score of a band."""
    ondergrens = 1
    for grens, n in NIVEAU_GRENZEN:
        if n == niveau:
            return ondergrens, grens
        ondergrens = grens + 1
    raise ValueError(niveau)


@dataclass(frozen=True)
class Scores:
    bruto_kans: int | None = None
    bruto_impact: int | None = None
    netto_kans: int | None = None
    netto_impact: int | None = None

    @property
    def bruto(self):
        return _product(self.bruto_kans, self.bruto_impact)

    @property
    def netto(self):
        return _product(self.netto_kans, self.netto_impact)


def _product(kans, impact):
    if kans is None or impact is None:
        return None
    return kans * impact


def score_fouten(scores):
    """{field: message} for scores that break the rules; empty when they are fine.

    The one place for the rules, used by the model, the forms and the services:
    kans and impact are given together or not at all, and measures lower a risk,
    so net kans and net impact are never above gross.
    """
    fouten = {}
    for soort in ("bruto", "netto"):
        kans, impact = getattr(scores, f"{soort}_kans"), getattr(scores, f"{soort}_impact")
        if kans is None and impact is not None:
            fouten[f"{soort}_kans"] = f"Vul ook de {soort} kans in, of laat beide leeg."
        elif impact is None and kans is not None:
            fouten[f"{soort}_impact"] = f"Vul ook de {soort} impact in, of laat beide leeg."
    for as_ in ("kans", "impact"):
        bruto, netto = getattr(scores, f"bruto_{as_}"), getattr(scores, f"netto_{as_}")
        if bruto is not None and netto is not None and netto > bruto:
            fouten.setdefault(
                f"netto_{as_}",
                f"De netto {as_} ({netto}) kan niet hoger zijn dan de bruto {as_} ({bruto}): "
                "maatregelen verlagen een risico.",
            )
    return fouten


GEEN_BRUTO_SCORE = (
    "Dit risico heeft nog geen bruto score, dus een afgesproken netto score kan niet "
    "worden getoetst. Scoor eerst het risico (bruto kans en impact) of laat de "
    "afgesproken netto score leeg."
)


def afgesproken_score_fouten(scores):
    """`score_fouten` for a net score agreed in a risk dialogue, which also needs the
    risk's gross score: without it "net never above gross" cannot be checked."""
    fouten = {
        veld: bericht.replace("netto", "afgesproken netto", 1)
        for veld, bericht in score_fouten(scores).items()
    }
    netto = scores.netto_kans is not None or scores.netto_impact is not None
    if netto and scores.bruto_kans is None and scores.bruto_impact is None:
        fouten.setdefault("netto_kans", GEEN_BRUTO_SCORE)
    return fouten


def _score_veld(naam, choices):
    return models.PositiveSmallIntegerField(naam, choices=choices, null=True, blank=True)


def _score_constraints(prefix, naam):
    """Range and both-or-neither checks for one kans/impact pair of fields."""
    kans, impact = f"{prefix}kans", f"{prefix}impact"
    return [
        models.CheckConstraint(
            condition=(
                Q(**{f"{kans}__isnull": True, f"{impact}__isnull": True})
                | Q(
                    # Explicit NOT NULL: a check on NULL is "unknown", which passes.
                    **{
                        f"{kans}__isnull": False,
                        f"{impact}__isnull": False,
                        f"{kans}__gte": 1,
                        f"{kans}__lte": 5,
                        f"{impact}__gte": 1,
                        f"{impact}__lte": 5,
                    }
                )
            ),
            name=f"risicos_{naam}",
        )
    ]


class Categorie(models.TextChoices):
    # The two groups of chapter 4 of the annual report.
    EXTERN = "extern", "Externe ontwikkelingen"
    INTERN = "intern", "Interne organisatie"


class RisicoStatus(models.TextChoices):
    ACTIEF = "actief", "Actief"
    GESLOTEN = "gesloten", "Gesloten"


def leest_het_register(user):
    """Every role reads the whole register; writing is decided in risicos.rules. The
    heat map counters (`Heatmapteller`) count the whole register, so they serve exactly
    the users this lets read it: scope the register per user and they no longer do."""
    return heeft_een_rol(user)


def leeg_als(veld, waarde):
    """`veld` with NULL written as `waarde` (beyond every real value), as the sort
    indexes of migration 0012 hold it: the keyset seek past it is one index range
    (`douane_portfolio.bladeren.nooit_leeg`)."""
    return Coalesce(F(veld), Value(waarde))


# NULL as the largest value: last ascending, first descending, where PostgreSQL put the
# NULLs of these columns before (so the order on screen is the same).
GEEN_HERBEOORDELING = datetime.date.max
GEEN_RISICOBEREIDHEID = MAX_SCORE + 1
# Larger than any id: a measure agreed in no dialogue.
GEEN_DIALOOG = 2**63 - 1
# A measure's description sorts on its first characters: the index entry (a btree's is
# at most 2,704 bytes) and the cursor in the URL then hold at most these.
OMSCHRIJVING_SORTEERLENGTE = 100


def omschrijving_begin():
    # The column is NOT NULL; the COALESCE says so to the keyset (`nooit_leeg`), or its
    # seek would allow for NULLs and filter from the top of the index.
    return Coalesce(Left("omschrijving", OMSCHRIJVING_SORTEERLENGTE), Value(""))


class RisicoQuerySet(models.QuerySet):
    def zichtbaar_voor(self, user):
        return self if leest_het_register(user) else self.none()

    def actief(self):
        return self.filter(status=RisicoStatus.ACTIEF)

    def toprisicos(self, ja=True):
        """The agency's top risks (chapter 4.1); `ja=False` gives the other risks."""
        return self.filter(toprisico=ja)

    def met_scores(self):
        """Annotate `score_bruto` and `score_netto` (NULL when not scored), for SQL
        filtering and sorting; rows use the properties `bruto_score`/`netto_score`."""
        return self.annotate(
            score_bruto=F("bruto_kans") * F("bruto_impact"),
            score_netto=F("netto_kans") * F("netto_impact"),
        )

    def boven_risicobereidheid(self):
        return self.alias(_netto=F("netto_kans") * F("netto_impact")).filter(
            risicobereidheid__isnull=False, _netto__gt=F("risicobereidheid")
        )

    def binnen_risicobereidheid(self):
        """Everything not above appetite: within it, not scored, or no appetite set.

        The exact complement of `boven_risicobereidheid`, on the row itself: as NOT IN
        (risks above appetite) PostgreSQL read the whole table for the subquery first
        (210 ms for 20,000 risks) before the register's index walk could start."""
        return self.alias(_netto=F("netto_kans") * F("netto_impact")).filter(
            Q(risicobereidheid__isnull=True)
            | Q(netto_kans__isnull=True)
            | Q(netto_impact__isnull=True)
            | Q(_netto__lte=F("risicobereidheid"))
        )

    def herbeoordeling_te_laat(self, op=None):
        op = op or timezone.localdate()
        return self.actief().filter(herbeoordeling__lt=op)

    def met_niveau(self, niveau, soort="netto"):
        laag, hoog = niveau_grenzen(niveau)
        # The score as the register sorts it, COALESCE(score, 0) (risicos.tables.
        # score_volgorde): sorted by that score, the band is one range of its index
        # (migration 0010); on the bare product PostgreSQL walked the index from the top
        # and filtered (16-22 ms at scale 1.0). The same rows: every band starts at 1.
        return self.alias(_score=_score_of_nul(soort)).filter(_score__gte=laag, _score__lte=hoog)

    def niet_gescoord(self, soort="netto"):
        # The score's index holds unscored risks as 0, after every scored one: the
        # extra condition (implied by the first) makes them one range of it.
        return self.alias(_score=_score_of_nul(soort)).filter(
            **{f"{soort}_kans__isnull": True}, _score=0
        )

    def met_open_bevindingen(self, user):
        """Annotate `open_bevindingen`: linked audit findings not yet resolved, from the
        counter the database keeps (`bevindingen_open`), for a user who may read them.

        Audits points at risicos, never the reverse; the reverse relation gives its model
        and audits' own scope, without an import. That scope is all or nothing, so one
        counter serves everyone who may read findings.
        """
        bevindingen = self.model._meta.get_field("bevindingen").related_model.objects
        if bevindingen.zichtbaar_voor(user).query.is_empty():
            return self.annotate(open_bevindingen=Value(0, IntegerField()))
        return self.annotate(open_bevindingen=F("bevindingen_open"))


MAATREGELTELLERS = ("maatregelen_totaal", "maatregelen_gereed")
# Every column the database keeps on a risk: Django never writes them back.
TELLERS = (*MAATREGELTELLERS, "bevindingen_open")


class Risico(TellerkolommenMixin, VersieModel):
    titel = models.CharField("titel", max_length=200, unique=True)
    omschrijving = models.TextField("omschrijving", blank=True)
    oorzaak = models.TextField("oorzaak", blank=True)
    gevolg = models.TextField("gevolg", blank=True)
    categorie = models.CharField("categorie", max_length=10, choices=Categorie.choices)
    eigenaar = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="eigenaar",
        on_delete=models.PROTECT,
        related_name="risicos",
    )
    bruto_kans = _score_veld("bruto kans", Kans.choices)
    bruto_impact = _score_veld("bruto impact", Impact.choices)
    netto_kans = _score_veld("netto kans", Kans.choices)
    netto_impact = _score_veld("netto impact", Impact.choices)
    risicobereidheid = models.PositiveSmallIntegerField(
        "risicobereidheid",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "Vul een score van 1 tot en met 25 in (kans × impact)."),
            MaxValueValidator(MAX_SCORE, "Vul een score van 1 tot en met 25 in (kans × impact)."),
        ],
        help_text="De hoogste netto score (kans × impact, 1–25) die nog aanvaardbaar is.",
    )
    toprisico = models.BooleanField("toprisico", default=False)
    status = models.CharField(
        "status", max_length=10, choices=RisicoStatus.choices, default=RisicoStatus.ACTIEF
    )
    herbeoordeling = models.DateField(
        "volgende herbeoordeling",
        validators=[redelijke_datum],
        null=True,
        blank=True,
        help_text="Uiterlijk op deze datum worden de scores opnieuw beoordeeld.",
    )
    initiatieven = models.ManyToManyField(
        "programmas.Initiatief",
        verbose_name="initiatieven",
        related_name="risicos",
        blank=True,
    )
    bron = models.CharField(
        "bron",
        max_length=200,
        blank=True,
        help_text="Voor overgenomen gegevens, bijvoorbeeld 'Jaarrapportage Douane 2023'.",
    )

    # Counts of the measures linked to this risk, kept by database triggers (migration
    # 0005) on every insert, delete or move of a link and every status change of a
    # measure, whatever path writes them: the register shows and sorts by them without
    # counting 500,000 links per page (issue 13). Never written by Django.
    maatregelen_totaal = models.PositiveIntegerField(
        "maatregelen (niet vervallen)", default=0, editable=False
    )
    maatregelen_gereed = models.PositiveIntegerField(
        "maatregelen afgerond", default=0, editable=False
    )

    # Audit findings not yet resolved linked to this risk, kept by audits' triggers
    # (audits 0016) on every link and status change: the register sorts by it through
    # its index instead of counting per risk (80-660 ms at scale 1.0). Risicos reads it
    # without knowing audits; it stays 0 where no finding points here.
    bevindingen_open = models.PositiveIntegerField(
        "open auditbevindingen", default=0, editable=False
    )

    # Never written by Django (TellerkolommenMixin); moving the database copies risks
    # after the links, measures and findings (douane_portfolio.backup).
    tellerkolommen = TELLERS
    # What they count, for douane_portfolio.tellers (verschillen, herstellen).
    bron_tabellen = (
        "risicos_beheersmaatregel_risicos",
        "risicos_beheersmaatregel",
        "audits_bevinding_risicos",
        "audits_bevinding",
    )

    objects = RisicoQuerySet.as_manager()
    # The counters are derived from the measures and findings, whose own history
    # records each change.
    history = HistoricalRecords(excluded_fields=TELLERS)

    class Meta:
        verbose_name = "risico"
        verbose_name_plural = "risico's"
        ordering = ["titel"]
        indexes = [
            # The register's sort "Maatregelen" (both ways) and its keyset seek.
            models.Index(
                fields=["maatregelen_gereed", "maatregelen_totaal", "id"], name="risico_mr_telling"
            ),
            # The register's sort "Open bevindingen" (both ways) and its keyset seek.
            models.Index(fields=["bevindingen_open", "id"], name="risico_bev_open"),
            # The gross heat map (page and report) counts active risks per cell from the
            # index alone, as the net one does with `risico_status_netto` (rapportage 0006):
            # without it, 6,700 pages of the table for 20,000 risks, 26 ms.
            models.Index(
                fields=["status", "bruto_kans", "bruto_impact"], name="risico_status_bruto"
            ),
            # The register's sorts on one column, each with the id (both ways, and the
            # keyset seek of a deep page as one row comparison; see 0012).
            models.Index(fields=["categorie", "id"], name="risico_categorie_id"),
            models.Index(fields=["toprisico", "id"], name="risico_top_id"),
            models.Index(fields=["status", "id"], name="risico_status_id"),
            models.Index(
                leeg_als("herbeoordeling", GEEN_HERBEOORDELING), F("id"), name="risico_herb_id"
            ),
            models.Index(
                leeg_als("risicobereidheid", GEEN_RISICOBEREIDHEID),
                F("id"),
                name="risico_bereid_id",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(maatregelen_gereed__lte=F("maatregelen_totaal")),
                name="risicos_maatregelen_gereed_binnen_totaal",
            ),
            *_score_constraints("bruto_", "bruto_score_geldig"),
            *_score_constraints("netto_", "netto_score_geldig"),
            # Measures lower a risk: net never above gross (when both are scored).
            models.CheckConstraint(
                condition=Q(bruto_kans__isnull=True)
                | Q(netto_kans__isnull=True)
                | Q(netto_kans__lte=F("bruto_kans"), netto_impact__lte=F("bruto_impact")),
                name="risicos_netto_niet_boven_bruto",
            ),
            models.CheckConstraint(
                condition=Q(risicobereidheid__isnull=True)
                | Q(risicobereidheid__gte=1, risicobereidheid__lte=MAX_SCORE),
                name="risicos_risicobereidheid_1_tot_25",
            ),
        ]

    def __str__(self):
        return self.titel

    @classmethod
    def tellerkolommen_herteld(cls, op=None):
        """The counter columns recounted per risk, as the triggers keep them (none
        depends on the peildatum `op`)."""
        maatregelen = cls._meta.get_field("maatregelen").through.objects.filter(
            risico=OuterRef("pk")
        )
        # Audits' findings through the reverse relation: risicos imports no audits.
        bevindingen = cls._meta.get_field("bevindingen")
        open_bevindingen = bevindingen.through.objects.filter(
            risico=OuterRef("pk"),
            bevinding__in=bevindingen.related_model.objects.nog_niet_opgelost(),
        )
        return {
            "maatregelen_totaal": telling(
                maatregelen.exclude(beheersmaatregel__status=ActieStatus.VERVALLEN), "risico"
            ),
            "maatregelen_gereed": telling(
                maatregelen.filter(beheersmaatregel__status=ActieStatus.AFGEROND), "risico"
            ),
            "bevindingen_open": telling(open_bevindingen, "risico"),
        }

    def get_absolute_url(self):
        return adres("risicos:risico", self.pk)

    def clean(self):
        fouten = score_fouten(self.scores)
        if fouten:
            raise ValidationError(fouten)

    @property
    def scores(self):
        return Scores(self.bruto_kans, self.bruto_impact, self.netto_kans, self.netto_impact)

    @property
    def bruto_score(self):
        return self.scores.bruto

    @property
    def netto_score(self):
        return self.scores.netto

    @property
    def is_gescoord(self):
        return self.netto_score is not None

    @property
    def boven_risicobereidheid(self):
        """Net score above appetite; False when either is unknown."""
        if self.netto_score is None or self.risicobereidheid is None:
            return False
        return self.netto_score > self.risicobereidheid

    def herbeoordeling_te_laat(self, op=None):
        op = op or timezone.localdate()
        return (
            self.status == RisicoStatus.ACTIEF
            and self.herbeoordeling is not None
            and self.herbeoordeling < op
        )


class Scorewijziging(models.Model):
    """One change of a risk's scores: who, when, from, to and why.

    Written only by `services.risico_scoren`, never edited. A dialogue changes a risk's
    score at most once; the unique constraint holds that even if two adoptions raced.
    """

    risico = models.ForeignKey(
        Risico, verbose_name="risico", on_delete=models.PROTECT, related_name="scorewijzigingen"
    )
    moment = models.DateTimeField("moment", default=timezone.now)
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="door",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reden = models.TextField("reden")
    dialoog = models.ForeignKey(
        "Risicodialoog",
        verbose_name="risicodialoog",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scorewijzigingen",
    )
    oud_bruto_kans = _score_veld("bruto kans (was)", Kans.choices)
    oud_bruto_impact = _score_veld("bruto impact (was)", Impact.choices)
    oud_netto_kans = _score_veld("netto kans (was)", Kans.choices)
    oud_netto_impact = _score_veld("netto impact (was)", Impact.choices)
    bruto_kans = _score_veld("bruto kans", Kans.choices)
    bruto_impact = _score_veld("bruto impact", Impact.choices)
    netto_kans = _score_veld("netto kans", Kans.choices)
    netto_impact = _score_veld("netto impact", Impact.choices)

    class Meta:
        verbose_name = "scorewijziging"
        verbose_name_plural = "scorewijzigingen"
        ordering = ["moment", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["risico", "dialoog"],
                condition=Q(dialoog__isnull=False),
                name="risicos_een_scorewijziging_per_dialoog",
            ),
            models.CheckConstraint(condition=~Q(reden=""), name="risicos_scorewijziging_reden"),
        ]

    def __str__(self):
        return f"{self.risico}: {self.moment:%Y-%m-%d}"

    @property
    def oud(self):
        return Scores(
            self.oud_bruto_kans, self.oud_bruto_impact, self.oud_netto_kans, self.oud_netto_impact
        )

    @property
    def nieuw(self):
        return Scores(self.bruto_kans, self.bruto_impact, self.netto_kans, self.netto_impact)

    @property
    def bruto_gewijzigd(self):
        return (self.oud.bruto_kans, self.oud.bruto_impact) != (
            self.nieuw.bruto_kans,
            self.nieuw.bruto_impact,
        )

    @property
    def netto_gewijzigd(self):
        return (self.oud.netto_kans, self.oud.netto_impact) != (
            self.nieuw.netto_kans,
            self.nieuw.netto_impact,
        )


class BeheersmaatregelQuerySet(ActieQuerySet):
    def zichtbaar_voor(self, user):
        return self if heeft_een_rol(user) else self.none()

    def _met_risico(self):
        return Exists(self.model.risicos.through.objects.filter(beheersmaatregel=OuterRef("pk")))

    def overkoepelend(self):
        # NOT EXISTS rather than a LEFT JOIN: the list walks its sort index and probes
        # the link table per measure, and no measure appears twice.
        return self.filter(~self._met_risico())

    def bij_een_risico(self):
        return self.filter(self._met_risico())


class Beheersmaatregel(Actie):
    """A measure that lowers one or more risks; with no risk it is an overarching one."""

    risicos = models.ManyToManyField(
        Risico,
        verbose_name="risico's",
        related_name="maatregelen",
        blank=True,
        help_text="Laat leeg voor een overkoepelende maatregel.",
    )
    dialoog = models.ForeignKey(
        "Risicodialoog",
        verbose_name="afgesproken in",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="maatregelen",
    )
    bron = models.CharField("bron", max_length=200, blank=True)

    objects = BeheersmaatregelQuerySet.as_manager()
    history = HistoricalRecords()
    # `context` names the measure's risks (a many-to-many: prefetched, not joined), by
    # title only: a risk's full row carries its long descriptions.
    context_prefetch_related = (
        Prefetch("risicos", queryset=Risico.objects.only("titel").order_by("titel")),
    )
    escalatie_rol = rollen.RISICOFUNCTIONARIS

    class Meta(Actie.Meta):
        verbose_name = "beheersmaatregel"
        verbose_name_plural = "beheersmaatregelen"
        indexes = [
            models.Index(fields=["status", "deadline"], name="maatregel_open_idx"),
            *actie_indexen("maatregel"),
            # The list's sort "Status" (both ways) and its keyset seek.
            models.Index(fields=["status", "id"], name="maatregel_status_id"),
            # The sorts "Afgesproken in" and "Maatregel" (both ways, deep pages; 0012).
            models.Index(leeg_als("dialoog", GEEN_DIALOOG), F("id"), name="maatregel_dlg_id"),
            models.Index(omschrijving_begin(), F("id"), name="maatregel_omschr_id"),
        ]

    def get_absolute_url(self):
        return adres("risicos:maatregel", self.pk)

    @property
    def context(self):
        titels = [r.titel for r in self.risicos.all()]
        return ", ".join(titels) if titels else "Overkoepelende maatregel"


class DialoogNiveau(models.TextChoices):
    STRATEGISCH = "strategisch", "Strategisch"
    TACTISCH = "tactisch", "Tactisch"
    OPERATIONEEL = "operationeel", "Operationeel"


class DialoogStatus(models.TextChoices):
    GEPLAND = "gepland", "Gepland"
    GEHOUDEN = "gehouden", "Gehouden"
    VASTGESTELD = "vastgesteld", "Vastgesteld"


class RisicodialoogQuerySet(models.QuerySet):
    def zichtbaar_voor(self, user):
        return self if heeft_een_rol(user) else self.none()

    def met_aantal_risicos(self):
        punten = (
            Dialoogrisico.objects.filter(dialoog=OuterRef("pk"))
            .order_by()
            .values("dialoog")
            .annotate(c=aantal())
            .values("c")
        )
        return self.annotate(aantal_risicos=Coalesce(Subquery(punten), 0))


class Risicodialoog(VersieModel):
    """A risk dialogue: planned, held, then adopted (vastgesteld), which applies the
    agreed scores to the register once and locks the minutes."""

    titel = models.CharField("titel", max_length=200)
    datum = models.DateField("datum", validators=[redelijke_datum])
    niveau = models.CharField(
        "niveau",
        max_length=15,
        choices=DialoogNiveau.choices,
        default=DialoogNiveau.STRATEGISCH,
    )
    voorzitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="voorzitter",
        # Empty only for dialogues taken over from a source that does not name one.
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deelnemers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="deelnemers",
        related_name="risicodialogen",
        blank=True,
    )
    externe_deelnemers = models.TextField(
        "overige deelnemers",
        blank=True,
        help_text="Deelnemers zonder account, bijvoorbeeld externe stakeholders; één per regel.",
    )
    risicos = models.ManyToManyField(
        Risico, verbose_name="risico's", through="Dialoogrisico", related_name="dialogen"
    )
    besluiten = models.TextField(
        "algemene conclusies en besluiten",
        blank=True,
        help_text="Wat de dialoog over het geheel heeft geconcludeerd of besloten.",
    )
    status = models.CharField(
        "status", max_length=12, choices=DialoogStatus.choices, default=DialoogStatus.GEPLAND
    )
    vastgesteld_op = models.DateTimeField("vastgesteld op", null=True, blank=True, editable=False)
    vastgesteld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="vastgesteld door",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bron = models.CharField("bron", max_length=200, blank=True)

    objects = RisicodialoogQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "risicodialoog"
        verbose_name_plural = "risicodialogen"
        ordering = ["-datum", "-pk"]
        # The list's default sort, walked backward.
        indexes = [models.Index(fields=["datum", "id"], name="dialoog_datum_id")]

    def __str__(self):
        return self.titel

    def get_absolute_url(self):
        return adres("risicos:dialoog", self.pk)

    @property
    def is_vastgesteld(self):
        return self.status == DialoogStatus.VASTGESTELD

    def gesloten_reden(self):
        """Why adopted minutes refuse a change (None until adopted)."""
        if not self.is_vastgesteld:
            return None
        wanneer = ""
        if self.vastgesteld_op:
            wanneer = " op " + formats.date_format(timezone.localtime(self.vastgesteld_op), "j F Y")
        door = f" door {self.vastgesteld_door}" if self.vastgesteld_door_id else ""
        return (
            f"Deze dialoog is vastgesteld{wanneer}{door}; het verslag kan niet meer worden "
            "gewijzigd."
        )

    @property
    def externe_deelnemers_lijst(self):
        return [r.strip() for r in self.externe_deelnemers.splitlines() if r.strip()]


class Dialoogrisico(models.Model):
    """One risk on a dialogue's agenda, with what the session agreed on it."""

    dialoog = models.ForeignKey(
        Risicodialoog, verbose_name="risicodialoog", on_delete=models.CASCADE, related_name="punten"
    )
    risico = models.ForeignKey(
        Risico, verbose_name="risico", on_delete=models.PROTECT, related_name="dialoogpunten"
    )
    volgorde = models.PositiveSmallIntegerField("volgorde", default=0)
    netto_kans = _score_veld("afgesproken netto kans", Kans.choices)
    netto_impact = _score_veld("afgesproken netto impact", Impact.choices)
    conclusie = models.TextField("conclusie of besluit", blank=True)
    # The register's net score just before adoption, so the minutes show "from → to".
    vorige_netto_kans = _score_veld("netto kans vóór vaststelling", Kans.choices)
    vorige_netto_impact = _score_veld("netto impact vóór vaststelling", Impact.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "besproken risico"
        verbose_name_plural = "besproken risico's"
        ordering = ["dialoog", "volgorde", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dialoog", "risico"], name="risicos_risico_eenmaal"),
            *_score_constraints("netto_", "afgesproken_score_geldig"),
            *_score_constraints("vorige_netto_", "vorige_score_geldig"),
        ]

    def __str__(self):
        return f"{self.dialoog}: {self.risico}"

    @property
    def afgesproken_score(self):
        return _product(self.netto_kans, self.netto_impact)

    @property
    def vorige_score(self):
        return _product(self.vorige_netto_kans, self.vorige_netto_impact)

    @property
    def heeft_afgesproken_score(self):
        return self.netto_kans is not None and self.netto_impact is not None


class HeatmaptellerQuerySet(models.QuerySet):
    def zichtbaar_voor(self, user):
        return self if leest_het_register(user) else self.none()


class Heatmapteller(models.Model):
    """Active risks per cell of the net heat map, kept by database triggers on the risks
    (migration 0008), on every path: screens, API, import, admin, bulk and raw SQL, COPY.
    Not scored (netto kans or impact empty) counts as 0 in that coordinate. At most 36
    rows, however many risks: the dashboard reads these instead of grouping the register."""

    door_triggers_gevuld = True
    # Recounted and compared by douane_portfolio.tellers (herstellen, verschillen).
    sleutelvelden = ("kans", "impact")
    bron_tabellen = ("risicos_risico",)

    kans = models.PositiveSmallIntegerField("netto kans (0: niet gescoord)")
    impact = models.PositiveSmallIntegerField("netto impact (0: niet gescoord)")
    aantal = models.IntegerField("aantal")

    objects = HeatmaptellerQuerySet.as_manager()

    class Meta:
        verbose_name = "heatmapteller"
        verbose_name_plural = "heatmaptellers"
        constraints = [
            models.UniqueConstraint(fields=["kans", "impact"], name="heatmapteller_uniek"),
            # A count that drifted fails the write instead of showing a wrong number.
            models.CheckConstraint(condition=Q(aantal__gte=0), name="heatmapteller_pos"),
        ]

    def __str__(self):
        return f"{self.kans}×{self.impact}: {self.aantal}"

    @classmethod
    def opnieuw_geteld(cls):
        """{(kans, impact): n} counted from the risks themselves."""
        return {
            (r["netto_kans"] or 0, r["netto_impact"] or 0): r["n"]
            for r in Risico._base_manager.filter(status=RisicoStatus.ACTIEF)
            .order_by()
            .values("netto_kans", "netto_impact")
            .annotate(n=aantal())
        }

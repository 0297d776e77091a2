"""Audit follow-up: reports of the ADR and the Rekenkamer, their findings, the follow-up
actions with evidence and postponements, the yearly judgements and the auditor's verdicts.

Status changes of a finding go through `audits.services`; forms never set `status`.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Left
from django.utils import formats, timezone
from simple_history.models import HistoricalRecords

from douane_portfolio import rollen
from douane_portfolio.adressen import adres
from douane_portfolio.models import (
    OPEN_STATUSSEN,
    Actie,
    ActieQuerySet,
    TellerkolommenMixin,
    User,
    VersieModel,
    actie_indexen,
    telling,
)
from douane_portfolio.validators import redelijke_datum

from . import bewijs


def _historie(**kwargs):
    # Reasons are the users' own explanations (a rejection, a postponement); the
    # default CharField(100) would cut them off or fail on PostgreSQL.
    return HistoricalRecords(history_change_reason_field=models.TextField(null=True), **kwargs)


def _jaar_redelijk(veld, naam):
    return models.CheckConstraint(
        condition=Q(**{f"{veld}__isnull": True})
        | Q(**{f"{veld}__gte": 2000, f"{veld}__lte": 2100}),
        name=naam,
        violation_error_message="Vul een jaar tussen 2000 en 2100 in.",
    )


def mag_audits_lezen(user):
    """Every role reads the audit follow-up (evidence aside, see rules.py)."""
    return user.is_authenticated and (user.is_superuser or bool(user.rollen))


class ZichtbaarQuerySet(models.QuerySet):
    def zichtbaar_voor(self, user):
        # All or nothing, decided in SQL: no list of permitted ids in Python.
        return self if mag_audits_lezen(user) else self.none()


class Instantie(models.TextChoices):
    ADR = "adr", "Auditdienst Rijk"
    ARK = "ark", "Algemene Rekenkamer"
    INTERN = "intern", "Interne audit"
    OVERIG = "overig", "Overig"


# The expected year when it is unknown, as a sort key: after every year a finding or report
# can have (2000–2100), so unknown sorts last and the keyset seek past it is one range.
JAAR_ONBEKEND = 9999
# The same for the expected date: after every date, so within a year the findings with a
# date come before those with the year alone, as NULLS LAST put them.
DATUM_ONBEKEND = datetime.date(9999, 12, 31)
# A report's year when the source names none, in the reports' default order (newest
# first, unknown last): below every year a report can have (2000–2100).
RAPPORTJAAR_ONBEKEND_AFLOPEND = 0


# Short labels for tables and the overview.
INSTANTIE_KORT = {
    Instantie.ADR: "ADR",
    Instantie.ARK: "ARK",
    Instantie.INTERN: "Intern",
    Instantie.OVERIG: "Overig",
}


class Auditrapport(TellerkolommenMixin, VersieModel):
    instantie = models.CharField("instantie", max_length=10, choices=Instantie.choices)
    titel = models.CharField("titel", max_length=200)
    jaar = models.PositiveSmallIntegerField(
        "jaar",
        null=True,
        blank=True,
        help_text="Het jaar waarover het rapport gaat, bijvoorbeeld 2022 voor "
        "'Verantwoordingsonderzoek 2022'. Leeg als de bron het niet noemt.",
    )
    datum = models.DateField("datum rapport", validators=[redelijke_datum], null=True, blank=True)
    toelichting = models.TextField("toelichting", blank=True)
    # Its findings and those not yet resolved, kept by database triggers (migration
    # 0018): the reports list sorts by them through their indexes instead of counting.
    bevindingen_aantal = models.PositiveIntegerField("bevindingen", default=0, editable=False)
    bevindingen_open = models.PositiveIntegerField(
        "bevindingen nog niet opgelost", default=0, editable=False
    )

    # Never written by Django (TellerkolommenMixin); moving the database copies reports
    # after their findings (douane_portfolio.backup).
    tellerkolommen = ("bevindingen_aantal", "bevindingen_open")
    # What they count, for douane_portfolio.tellers (verschillen, herstellen).
    bron_tabellen = ("audits_bevinding",)

    objects = ZichtbaarQuerySet.as_manager()
    # The counters follow the findings, whose own history records each change.
    history = _historie(excluded_fields=["bevindingen_aantal", "bevindingen_open"])

    class Meta:
        verbose_name = "auditrapport"
        verbose_name_plural = "auditrapporten"
        ordering = ["-jaar", "instantie", "titel"]
        constraints = [
            models.UniqueConstraint(
                fields=["instantie", "titel"],
                name="audits_rapport_uniek",
                violation_error_message="Er is al een rapport van deze instantie met deze titel.",
            ),
            _jaar_redelijk("jaar", "audits_rapport_jaar_redelijk"),
        ]
        # The reports list's sorts (AuditrapportTabel), ending on the id so that one index
        # serves both directions; the default order too (audits.views.AuditrapportLijst).
        indexes = [
            models.Index(fields=["instantie", "id"], name="rapport_instantie_id"),
            models.Index(fields=["titel", "id"], name="rapport_titel_id"),
            models.Index(
                Coalesce(F("jaar"), Value(JAAR_ONBEKEND)), F("id"), name="rapport_jaar_id"
            ),
            models.Index(
                Coalesce(F("jaar"), Value(RAPPORTJAAR_ONBEKEND_AFLOPEND)).desc(),
                F("instantie"),
                F("titel"),
                F("id"),
                name="rapport_volgorde",
            ),
            # The sorts "Bevindingen" and "Nog niet opgelost" on the counters (0018).
            models.Index(fields=["bevindingen_aantal", "id"], name="rapport_bev_aantal"),
            models.Index(fields=["bevindingen_open", "id"], name="rapport_bev_open"),
        ]

    def __str__(self):
        return f"{INSTANTIE_KORT.get(self.instantie, self.instantie)}: {self.titel}"

    @classmethod
    def tellerkolommen_herteld(cls, op=None):
        """The counter columns recounted per report, as the triggers keep them."""
        bevindingen = Bevinding.objects.filter(rapport=OuterRef("pk"))
        return {
            "bevindingen_aantal": telling(bevindingen, "rapport"),
            "bevindingen_open": telling(bevindingen.nog_niet_opgelost(), "rapport"),
        }

    def get_absolute_url(self):
        return adres("audits:rapport", self.pk)


class Soort(models.TextChoices):
    ONVOLKOMENHEID = "onvolkomenheid", "Onvolkomenheid"
    ERNSTIGE_ONVOLKOMENHEID = "ernstige_onvolkomenheid", "Ernstige onvolkomenheid"
    TEKORTKOMING = "tekortkoming", "Tekortkoming"
    ONZEKERHEID = "onzekerheid", "Onzekerheid"
    AANBEVELING = "aanbeveling", "Aanbeveling"


class BevindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_UITVOERING = "in_uitvoering", "In uitvoering"
    TER_BEOORDELING = "ter_beoordeling", "Ter beoordeling"
    OPGELOST = "opgelost", "Opgelost"


NOG_NIET_OPGELOST = (
    BevindingStatus.OPEN,
    BevindingStatus.IN_UITVOERING,
    BevindingStatus.TER_BEOORDELING,
)
# What needs someone's attention first: a verdict, then work in progress. The indexes
# `bevinding_volgorde` (migration 0011) and `bevinding_status_titel` repeat this CASE
# (`status_volgorde`); change them together.
STATUS_VOLGORDE = {
    BevindingStatus.TER_BEOORDELING: 0,
    BevindingStatus.IN_UITVOERING: 1,
    BevindingStatus.OPEN: 2,
    BevindingStatus.OPGELOST: 3,
}


def verwachting_verstreken_q(op=None):
    """The expected date (or else the expected year) lies before `op` (default today)."""
    op = op or timezone.localdate()
    return Q(verwacht_opgelost_op__lt=op) | Q(
        verwacht_opgelost_op__isnull=True, verwacht_opgelost_jaar__lt=op.year
    )


def status_volgorde():
    """STATUS_VOLGORDE as SQL. A value for every row (no ELSE NULL), so the keyset seek on
    it is an index range (douane_portfolio.bladeren.nooit_leeg); the indexes
    `bevinding_volgorde` (migration 0011) and `bevinding_status_titel` repeat it."""
    return Case(
        *[When(status=s, then=Value(v)) for s, v in STATUS_VOLGORDE.items()],
        default=Value(len(STATUS_VOLGORDE)),
        output_field=IntegerField(),
    )


def verwacht_volgorde():
    """The expected year and date as never-NULL sort keys: unknown after every value."""
    return (
        Coalesce(F("verwacht_opgelost_jaar"), Value(JAAR_ONBEKEND)),
        Coalesce(F("verwacht_opgelost_op"), Value(DATUM_ONBEKEND)),
    )


def rapportjaar_volgorde(aflopend):
    """A report's year as a never-NULL sort key, unknown last in the default order
    (newest first) and, as before, last ascending and first descending in the column."""
    if aflopend:
        return Coalesce(F("jaar"), Value(JAAR_ONBEKEND)).desc()
    return Coalesce(F("jaar"), Value(JAAR_ONBEKEND)).asc()


class BevindingQuerySet(ZichtbaarQuerySet):
    def nog_niet_opgelost(self):
        return self.filter(status__in=NOG_NIET_OPGELOST)

    def verwachting_verstreken(self, op=None):
        """Not resolved, and the expected date (or else the expected year) has passed."""
        return self.nog_niet_opgelost().filter(verwachting_verstreken_q(op))

    def met_tellingen(self, op=None, uit_tellers=False):
        """Open and overdue actions and postponements per finding, from the counters the
        database keeps; overdue (before `op`) counted, or with `uit_tellers` the counter,
        which counts against the peildatum (the caller made that `op`:
        douane_portfolio.tellers.peildatum_op)."""
        op = op or timezone.localdate()
        open_acties = Vervolgactie.objects.open().filter(bevinding=OuterRef("pk"))
        return self.annotate(
            open_acties=F("acties_open"),
            te_late_acties=(
                F("acties_te_laat")
                if uit_tellers
                else telling(open_acties.te_laat(op), "bevinding")
            ),
            verschuivingen=F("acties_uitstel"),
            status_volgorde=status_volgorde(),
        )


# The columns the database keeps on a finding (migration 0017).
TELLERS = ("acties_open", "acties_te_laat", "acties_uitstel")


class Bevinding(TellerkolommenMixin, VersieModel):
    # No index of its own: (rapport, id) and (rapport, titel) lead with it (migration 0019).
    rapport = models.ForeignKey(
        Auditrapport,
        verbose_name="rapport",
        on_delete=models.PROTECT,
        related_name="bevindingen",
        db_index=False,
    )
    titel = models.CharField("titel", max_length=200)
    soort = models.CharField("soort", max_length=30, choices=Soort.choices)
    domein = models.CharField(
        "domein",
        max_length=100,
        help_text="Het terrein van de bevinding, bijvoorbeeld inkoopbeheer of grote geldstroom.",
    )
    omschrijving = models.TextField("omschrijving", blank=True)
    # No index of its own: (eigenaar, id) leads with it (migration 0019).
    eigenaar = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="eigenaar",
        on_delete=models.PROTECT,
        related_name="audit_bevindingen",
        db_index=False,
        help_text="Wie verantwoordelijk is voor het oplossen en de bevinding aanbiedt.",
    )
    status = models.CharField(
        "status",
        max_length=20,
        choices=BevindingStatus.choices,
        default=BevindingStatus.OPEN,
        # Editable only so the history panel shows its changes; no form lists it and
        # the admin shows it read-only. It moves through audits.services.
    )
    verwacht_opgelost_jaar = models.PositiveSmallIntegerField(
        "verwacht opgelost in (jaar)", null=True, blank=True
    )
    verwacht_opgelost_op = models.DateField(
        "verwacht opgelost op",
        validators=[redelijke_datum],
        null=True,
        blank=True,
        help_text="Alleen als er een precieze datum is; het jaar volgt daaruit.",
    )
    initiatieven = models.ManyToManyField(
        "programmas.Initiatief",
        verbose_name="initiatieven",
        related_name="bevindingen",
        blank=True,
    )
    risicos = models.ManyToManyField(
        "risicos.Risico",
        verbose_name="risico's",
        related_name="bevindingen",
        blank=True,
    )
    bron = models.CharField(
        "bron",
        max_length=300,
        blank=True,
        help_text="Voor overgenomen gegevens, bijvoorbeeld 'Jaarrapportage Douane 2023, §4.2'.",
    )
    aangemaakt_op = models.DateTimeField("aangemaakt op", default=timezone.now, editable=False)
    # The finding's open and overdue actions and their postponements, kept by triggers
    # (migration 0017) on every write of an action: the list sorts by them through their
    # indexes instead of counting per finding. Never written by Django.
    acties_open = models.PositiveIntegerField("open acties", default=0, editable=False)
    # Overdue against the counters' peildatum (douane_portfolio.tellers), which moves it.
    acties_te_laat = models.PositiveIntegerField("te late acties", default=0, editable=False)
    acties_uitstel = models.PositiveIntegerField("keren uitgesteld", default=0, editable=False)
    # Never written by Django (TellerkolommenMixin); moving the database copies findings
    # after their actions (douane_portfolio.backup).
    tellerkolommen = TELLERS
    # What they count, for douane_portfolio.tellers (verschillen, herstellen).
    bron_tabellen = ("audits_vervolgactie",)
    # Moved with the peildatum: {column: (child table, its key to the finding)}.
    te_laat_kolommen = {"acties_te_laat": ("audits_vervolgactie", "bevinding_id")}

    objects = BevindingQuerySet.as_manager()
    # Linking or unlinking an initiative or a risk is a history record of its own,
    # with a snapshot of both link sets (simple-history does not track M2M by default).
    # Only changes made from this side are recorded (`bevinding.risicos.add`, not
    # `risico.bevindingen.add`: django-simple-history issue #1048).
    # The counters follow the actions, whose own history records each change.
    history = _historie(m2m_fields=["initiatieven", "risicos"], excluded_fields=TELLERS)

    class Meta:
        verbose_name = "bevinding"
        verbose_name_plural = "bevindingen"
        ordering = ["rapport__instantie", "titel"]
        constraints = [
            models.UniqueConstraint(
                fields=["rapport", "titel"],
                name="audits_bevinding_uniek",
                violation_error_message="Dit rapport heeft al een bevinding met deze titel.",
            ),
            _jaar_redelijk("verwacht_opgelost_jaar", "audits_bevinding_jaar_redelijk"),
            # A date and a year that disagree would make "expected year passed" ambiguous.
            models.CheckConstraint(
                condition=Q(verwacht_opgelost_op__isnull=True)
                | Q(verwacht_opgelost_jaar=models.F("verwacht_opgelost_op__year")),
                name="audits_bevinding_jaar_bij_datum",
                violation_error_message="Het verwachte jaar hoort bij de verwachte datum.",
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="audits_bevinding_status_idx"),
            # "Verwacht opgelost, maar nog open" on the follow-up page, in its order: the
            # years already past come first, so the first 25 rows are near the start.
            # The date last, after the sort: the block's count ("meer dan 1.000") reads
            # the index alone, not 1,000 rows of the table (issue 13).
            models.Index(
                "verwacht_opgelost_jaar",
                "titel",
                "verwacht_opgelost_op",
                name="bevinding_open_verwacht",
                condition=Q(status__in=NOG_NIET_OPGELOST),
            ),
            # The domain filter's choices: a skip scan over this index (audits/filters.py).
            # With the id it is also the domain sort, both directions (migration 0015).
            models.Index(fields=["domein", "id"], name="bevinding_domein_id"),
            # Each sort of the list in its order, ending on the id so that descending reads
            # the same index backward (audits.tables.BevindingTabel, migration 0015).
            models.Index(fields=["titel", "id"], name="bevinding_titel_id"),
            models.Index(fields=["soort", "id"], name="bevinding_soort_id"),
            models.Index(status_volgorde(), F("titel"), F("id"), name="bevinding_status_titel"),
            models.Index(*verwacht_volgorde(), F("id"), name="bevinding_verwacht"),
            # The owner sort walks the owners by name (douane_portfolio user_naam_id) and
            # the instantie sort the reports (rapport_instantie_id), each into its rows.
            models.Index(fields=["eigenaar", "id"], name="bevinding_eigenaar_id"),
            models.Index(fields=["rapport", "id"], name="bevinding_rapport_id"),
            # The sorts "Open acties", "Te laat" and "Uitstel" on the counters (0017).
            models.Index(fields=["acties_open", "id"], name="bevinding_open_acties"),
            models.Index(fields=["acties_te_laat", "id"], name="bevinding_te_laat_id"),
            models.Index(fields=["acties_uitstel", "id"], name="bevinding_uitstel_id"),
        ]

    def __str__(self):
        return self.titel

    @classmethod
    def tellerkolommen_herteld(cls, op):
        """The counter columns recounted per finding, as the triggers keep them with the
        peildatum at `op`."""
        acties = Vervolgactie.objects.filter(bevinding=OuterRef("pk")).order_by()
        uitstel = acties.values("bevinding").annotate(s=Sum("aantal_verschuivingen")).values("s")
        return {
            "acties_open": telling(acties.open(), "bevinding"),
            "acties_te_laat": telling(acties.te_laat(op), "bevinding"),
            "acties_uitstel": Coalesce(Subquery(uitstel, IntegerField()), 0),
        }

    def save(self, *args, **kwargs):
        if self.verwacht_opgelost_op:
            self.verwacht_opgelost_jaar = self.verwacht_opgelost_op.year
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return adres("audits:bevinding", self.pk)

    @property
    def is_opgelost(self):
        return self.status == BevindingStatus.OPGELOST

    def gesloten_reden(self):
        """Why nothing hangs on a resolved finding any more (None while it is open):
        the Dutch text a refused step shows."""
        if not self.is_opgelost:
            return None
        akkoord = (
            self.beoordelingen.filter(oordeel=Verdict.AKKOORD)
            .select_related("beoordeeld_door")
            .order_by("-beoordeeld_op", "-pk")
            .first()
        )
        wanneer = ""
        if akkoord is not None:
            moment = formats.date_format(timezone.localtime(akkoord.beoordeeld_op), "j F Y")
            wanneer = f" op {moment} (akkoord van {akkoord.beoordeeld_door})"
        return (
            f"Deze bevinding is opgelost{wanneer}; heropen de bevinding om acties, bewijs "
            "of deadlines te wijzigen."
        )

    def verwachting_is_verstreken(self, op=None):
        op = op or timezone.localdate()
        if self.is_opgelost:
            return False
        if self.verwacht_opgelost_op:
            return self.verwacht_opgelost_op < op
        return self.verwacht_opgelost_jaar is not None and self.verwacht_opgelost_jaar < op.year

    @property
    def verwacht_opgelost(self):
        """The expectation as the report states it: a date, a year, or nothing."""
        if self.verwacht_opgelost_op:
            return self.verwacht_opgelost_op
        return self.verwacht_opgelost_jaar


class Oordeel(models.TextChoices):
    NIEUW = "nieuw", "Nieuw"
    NIET_VERBETERD = "niet_verbeterd", "Niet verbeterd"
    VERBETERD = "verbeterd", "Verbeterd"
    OPGELOST = "opgelost", "Opgelost"


class Jaaroordeel(VersieModel):
    """The body's judgement of a finding in one year (the Rekenkamer re-judges yearly)."""

    bevinding = models.ForeignKey(
        Bevinding, verbose_name="bevinding", on_delete=models.CASCADE, related_name="jaaroordelen"
    )
    jaar = models.PositiveSmallIntegerField("jaar")
    oordeel = models.CharField("oordeel", max_length=20, choices=Oordeel.choices)
    toelichting = models.TextField("toelichting", blank=True)
    vastgelegd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="vastgelegd door",
        on_delete=models.PROTECT,
        related_name="+",
    )
    vastgelegd_op = models.DateTimeField("vastgelegd op", default=timezone.now, editable=False)

    objects = ZichtbaarQuerySet.as_manager()
    history = _historie()

    class Meta:
        verbose_name = "oordeel per jaar"
        verbose_name_plural = "oordelen per jaar"
        ordering = ["bevinding_id", "-jaar"]
        constraints = [
            models.UniqueConstraint(
                fields=["bevinding", "jaar"],
                name="audits_een_oordeel_per_jaar",
                violation_error_message="Voor dit jaar is al een oordeel vastgelegd.",
            ),
            _jaar_redelijk("jaar", "audits_oordeel_jaar_redelijk"),
        ]

    def __str__(self):
        return f"{self.bevinding} – {self.jaar}: {self.get_oordeel_display()}"

    def get_absolute_url(self):
        return self.bevinding.get_absolute_url() + f"#oordeel-{self.jaar}"


# The actions list's sort by description (audits.tables.VervolgactieTabel) and its index:
# the first hundred characters, since a btree entry holds at most ~2,700 bytes, a
# description has no limit, and the page's cursor carries the key. Texts that share their
# first hundred characters go by id. Never NULL (bladeren.nooit_leeg): the seek past a
# cursor is one index range, not an OR with IS NULL.
OMSCHRIJVING_VOLGORDE = Coalesce(Left("omschrijving", 100), Value(""))


class VervolgactieQuerySet(ActieQuerySet, ZichtbaarQuerySet):
    def meest_uitgesteld(self):
        """Postponed actions of unresolved findings, most postponed first: a walk down
        the partial index `vervolgactie_uitstel` that stops at the slice's end."""
        return self.filter(
            aantal_verschuivingen__gt=0, bevinding__status__in=NOG_NIET_OPGELOST
        ).order_by("-aantal_verschuivingen", "deadline", "pk")


class Vervolgactie(Actie):
    bevinding = models.ForeignKey(
        Bevinding, verbose_name="bevinding", on_delete=models.PROTECT, related_name="vervolgacties"
    )
    bron = models.CharField("bron", max_length=300, blank=True)
    # The rows in Deadlineverschuiving, counted where one is written (the service
    # `deadline_verschuiven`, under the action's row lock), so "most postponed" reads an
    # index instead of counting the ledger for every action (issue 13). Not in the
    # history: the ledger is the record, and rows from before the counter would show 0.
    aantal_verschuivingen = models.PositiveIntegerField(
        "aantal keer uitgesteld", default=0, editable=False
    )

    objects = VervolgactieQuerySet.as_manager()
    history = _historie(excluded_fields=["aantal_verschuivingen"])
    context_select_related = ("bevinding",)
    # Long overdue: the owner's manager, then the finding's owner, else the auditors.
    escalatie_rol = rollen.AUDITOR
    escalatie_select_related = ("bevinding__eigenaar",)

    class Meta(Actie.Meta):
        verbose_name = "vervolgactie"
        verbose_name_plural = "vervolgacties"
        indexes = [
            models.Index(fields=["status", "deadline"], name="vervolgactie_open_idx"),
            *actie_indexen("vervolgactie"),
            # The counts per finding on the list of findings.
            models.Index(fields=["bevinding", "status", "deadline"], name="vervolgactie_bev_st"),
            # Open and overdue actions per finding: the filter "met te late acties" probes it
            # for every finding it walks past, and most have no open action at all (in the
            # index above each probe read the finding's closed actions too).
            models.Index(
                fields=["bevinding", "deadline"],
                name="vervolgactie_bev_open",
                condition=Q(status__in=OPEN_STATUSSEN),
            ),
            # "Meest uitgesteld" on the follow-up page and the list sorted by postponements:
            # only postponed actions (about one in ten), in the order they are shown.
            models.Index(
                F("aantal_verschuivingen").desc(),
                "deadline",
                "id",
                name="vervolgactie_uitstel",
                condition=Q(aantal_verschuivingen__gt=0),
            ),
            # Postponements per finding on the list of findings, from the index alone.
            models.Index(
                fields=["bevinding", "aantal_verschuivingen"],
                name="vervolgactie_bev_uitstel",
                condition=Q(aantal_verschuivingen__gt=0),
            ),
            # The list's filter "uitgesteld" in its order (deadline, id): postponed actions
            # lie late in that order, so the default index was read far to find a page.
            models.Index(
                fields=["deadline", "id"],
                name="vervolgactie_uitgesteld_dl",
                condition=Q(aantal_verschuivingen__gt=0),
            ),
            # The list's other sorts (audits.tables.VervolgactieTabel), each ending on the
            # id so that one index serves both directions; the sorts by finding and body
            # walk the findings' and reports' indexes into `bevinding_id` instead.
            models.Index(fields=["status", "id"], name="vervolgactie_status_id"),
            models.Index(fields=["oorspronkelijke_deadline", "id"], name="vervolgactie_oorspr_id"),
            models.Index(fields=["aantal_verschuivingen", "id"], name="vervolgactie_uitstel_id"),
            models.Index(OMSCHRIJVING_VOLGORDE, "id", name="vervolgactie_omschr_id"),
        ]

    @property
    def context(self):
        return self.bevinding.titel

    def escalatie_kandidaten(self):
        return [*super().escalatie_kandidaten(), self.bevinding.eigenaar]

    def goedkeurders(self):
        """Who may approve a postponement: the finding's owner, an auditor or the action
        owner's manager, and never the action owner themself."""
        wie = Q(pk=self.bevinding.eigenaar_id) | Q(groups__name=rollen.AUDITOR)
        if self.eigenaar.manager_id:
            wie |= Q(pk=self.eigenaar.manager_id)
        return (
            User.objects.filter(wie, is_active=True)
            .exclude(pk=self.eigenaar_id)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )

    def get_absolute_url(self):
        return self.bevinding.get_absolute_url() + f"#actie-{self.pk}"

    def gesloten_reden(self):
        return self.bevinding.gesloten_reden()


class Deadlineverschuiving(models.Model):
    """One postponement of an action's deadline: a row each time, so they can be counted."""

    actie = models.ForeignKey(
        Vervolgactie,
        verbose_name="actie",
        on_delete=models.CASCADE,
        related_name="deadlineverschuivingen",
    )
    oude_deadline = models.DateField("oude deadline")
    nieuwe_deadline = models.DateField("nieuwe deadline", validators=[redelijke_datum])
    reden = models.TextField("reden")
    goedgekeurd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="goedgekeurd door",
        on_delete=models.PROTECT,
        related_name="+",
    )
    vastgelegd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="vastgelegd door",
        on_delete=models.PROTECT,
        related_name="+",
    )
    vastgelegd_op = models.DateTimeField("vastgelegd op", default=timezone.now, editable=False)

    history = _historie()

    class Meta:
        verbose_name = "deadlineverschuiving"
        verbose_name_plural = "deadlineverschuivingen"
        ordering = ["actie_id", "vastgelegd_op", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nieuwe_deadline__gt=models.F("oude_deadline")),
                name="audits_verschuiving_naar_later",
                violation_error_message="De nieuwe deadline moet na de oude liggen.",
            ),
            models.CheckConstraint(
                condition=~Q(reden=""),
                name="audits_verschuiving_met_reden",
                violation_error_message="Geef de reden van het uitstel.",
            ),
        ]

    def __str__(self):
        return f"{self.actie}: {self.oude_deadline:%d-%m-%Y} → {self.nieuwe_deadline:%d-%m-%Y}"

    def get_absolute_url(self):
        return self.actie.get_absolute_url()


class Bewijsstuk(models.Model):
    """Evidence for an action: always an explanation, optionally a file.

    Files get a generated name under MEDIA_ROOT and are only served by
    `views.bewijsstuk_downloaden`, after a permission check.
    """

    actie = models.ForeignKey(
        Vervolgactie, verbose_name="actie", on_delete=models.PROTECT, related_name="bewijsstukken"
    )
    toelichting = models.TextField("toelichting")
    bestand = models.FileField(
        "bestand",
        upload_to=bewijs.opslagpad,
        blank=True,
        max_length=200,
        validators=[bewijs.valideer_bestand],
    )
    bestandsnaam = models.CharField("bestandsnaam", max_length=200, blank=True, editable=False)
    grootte = models.PositiveBigIntegerField(
        "grootte (bytes)", null=True, blank=True, editable=False
    )
    toegevoegd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="toegevoegd door",
        on_delete=models.PROTECT,
        related_name="+",
    )
    toegevoegd_op = models.DateTimeField("toegevoegd op", default=timezone.now, editable=False)

    history = _historie()

    class Meta:
        verbose_name = "bewijsstuk"
        verbose_name_plural = "bewijsstukken"
        ordering = ["actie_id", "toegevoegd_op", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(toelichting=""),
                name="audits_bewijs_met_toelichting",
                violation_error_message="Beschrijf wat dit bewijs laat zien.",
            )
        ]

    def __str__(self):
        return self.bestandsnaam or self.toelichting[:80]

    def get_absolute_url(self):
        return self.actie.get_absolute_url()

    @property
    def inhoudstype(self):
        return bewijs.inhoudstype(self.bestandsnaam)


class Verdict(models.TextChoices):
    AKKOORD = "akkoord", "Akkoord"
    NIET_AKKOORD = "niet_akkoord", "Niet akkoord"


class BeoordelingQuerySet(models.QuerySet):
    def lopend(self):
        return self.filter(oordeel="")


class Beoordeling(models.Model):
    """One round of review: the owner offers the finding, an auditor gives the verdict.

    A row without `oordeel` is the pending review; there is at most one per finding.
    """

    bevinding = models.ForeignKey(
        Bevinding, verbose_name="bevinding", on_delete=models.CASCADE, related_name="beoordelingen"
    )
    aangeboden_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="aangeboden door",
        on_delete=models.PROTECT,
        related_name="+",
    )
    aangeboden_op = models.DateTimeField("aangeboden op", default=timezone.now)
    aanbieding = models.TextField("toelichting bij het aanbieden")
    oordeel = models.CharField("oordeel", max_length=20, choices=Verdict.choices, blank=True)
    toelichting = models.TextField("toelichting bij het oordeel", blank=True)
    beoordeeld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="beoordeeld door",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    beoordeeld_op = models.DateTimeField("beoordeeld op", null=True, blank=True)

    objects = BeoordelingQuerySet.as_manager()
    history = _historie()

    class Meta:
        verbose_name = "beoordeling"
        verbose_name_plural = "beoordelingen"
        ordering = ["bevinding_id", "aangeboden_op", "pk"]
        constraints = [
            # Offering twice at the same moment cannot leave two pending reviews.
            models.UniqueConstraint(
                fields=["bevinding"],
                condition=Q(oordeel=""),
                name="audits_een_lopende_beoordeling",
                violation_error_message="Deze bevinding staat al ter beoordeling.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(oordeel="", beoordeeld_door__isnull=True, beoordeeld_op__isnull=True)
                    | (
                        Q(oordeel__in=Verdict.values)
                        & Q(beoordeeld_door__isnull=False, beoordeeld_op__isnull=False)
                    )
                ),
                name="audits_beoordeling_volledig",
            ),
            models.CheckConstraint(
                condition=~Q(oordeel=Verdict.NIET_AKKOORD) | ~Q(toelichting=""),
                name="audits_afwijzing_met_reden",
                violation_error_message="Geef bij niet akkoord de reden.",
            ),
            models.CheckConstraint(
                condition=~Q(aanbieding=""),
                name="audits_aanbieding_met_reden",
                violation_error_message="Licht het aanbieden toe.",
            ),
        ]

    def __str__(self):
        oordeel = self.get_oordeel_display() or "nog niet beoordeeld"
        return f"{self.bevinding}: {oordeel}"

    def get_absolute_url(self):
        return self.bevinding.get_absolute_url() + f"#beoordeling-{self.pk}"

    @property
    def is_lopend(self):
        return not self.oordeel

    @property
    def is_afgewezen(self):
        return self.oordeel == Verdict.NIET_AKKOORD

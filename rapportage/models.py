from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from simple_history.models import HistoricalRecords

from douane_portfolio.models import VersieModel


class Rapportsnapshot(models.Model):
    """The report of a period as it stood when the period closed (its peildatum).

    Later edits change the live data, never this: the report of a closed period is
    rendered from here, also years later. Retaking it is explicit and kept in history.
    """

    periode = models.OneToOneField(
        "programmas.Rapportageperiode",
        verbose_name="periode",
        on_delete=models.PROTECT,
        related_name="snapshot",
    )
    # The data (what periods are compared on) and the outline the report renders from.
    gegevens = models.JSONField("gegevens", encoder=DjangoJSONEncoder)
    opzet = models.JSONField("opzet", encoder=DjangoJSONEncoder, null=True, blank=True)
    # 0: a snapshot from before the outline (only `gegevens`); see services.opzet_van.
    schema_versie = models.PositiveSmallIntegerField("schemaversie", default=0)
    vastgelegd_op = models.DateTimeField("vastgelegd op")
    vastgelegd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="vastgelegd door",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "rapport-momentopname"
        verbose_name_plural = "rapport-momentopnames"

    def __str__(self):
        return f"Rapport {self.periode} ({self.vastgelegd_op:%d-%m-%Y})"


class Rapporttekst(VersieModel):
    """Chapters 1 (introduction) and 2 (narrative) of a period's report, written by the
    portfolio office in a small markup (see `opzet.opgemaakte_tekst`). Empty: no chapter."""

    periode = models.OneToOneField(
        "programmas.Rapportageperiode",
        verbose_name="periode",
        on_delete=models.PROTECT,
        related_name="rapporttekst",
    )
    inleiding = models.TextField("hoofdstuk 1: inleiding", blank=True)
    verhaal_titel = models.CharField(
        "titel hoofdstuk 2",
        max_length=200,
        blank=True,
        help_text="Leeg: “De Douane in <jaar>”.",
    )
    verhaal = models.TextField("hoofdstuk 2: tekst", blank=True)
    bijgewerkt_op = models.DateTimeField("bijgewerkt op", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "rapporttekst"
        verbose_name_plural = "rapportteksten"

    def __str__(self):
        return f"Hoofdstukken 1 en 2 van {self.periode}"


class BestandStatus(models.TextChoices):
    WACHTRIJ = "wachtrij", "In de wachtrij"
    BEZIG = "bezig", "Bezig"
    KLAAR = "klaar", "Klaar"
    MISLUKT = "mislukt", "Mislukt"


class Rapportbestand(models.Model):
    """A PDF or Word file of a report, made once per state of the data (`sleutel`).

    The worker writes its progress here; the file lies under MEDIA_ROOT/rapporten and is
    served again until the data (or the outline's schema) changes, which gives a new key.
    """

    periode = models.ForeignKey(
        "programmas.Rapportageperiode",
        verbose_name="periode",
        on_delete=models.CASCADE,
        related_name="+",
    )
    formaat = models.CharField("formaat", max_length=4)
    sleutel = models.CharField("sleutel", max_length=64)
    status = models.CharField(
        "status", max_length=8, choices=BestandStatus.choices, default=BestandStatus.WACHTRIJ
    )
    stap = models.PositiveSmallIntegerField("stap", default=0)
    stappen = models.PositiveSmallIntegerField("stappen", default=0)
    bestand = models.CharField("bestand", max_length=200, blank=True)
    fout = models.TextField("fout", blank=True)
    aangemaakt_op = models.DateTimeField("aangemaakt op", auto_now_add=True)
    bijgewerkt_op = models.DateTimeField("bijgewerkt op", auto_now=True)

    class Meta:
        verbose_name = "rapportbestand"
        verbose_name_plural = "rapportbestanden"
        constraints = [
            models.UniqueConstraint(
                fields=["periode", "formaat", "sleutel"], name="rapportbestand_eenmaal_per_stand"
            )
        ]

    def __str__(self):
        return f"{self.periode} {self.formaat} ({self.get_status_display()})"

    @property
    def is_bezig(self):
        return self.status in (BestandStatus.WACHTRIJ, BestandStatus.BEZIG)


class Tellerdatum(models.Model):
    """The one row with the date "overdue" is counted against in `Actieteller`.

    Overdue depends on today, so a counter cannot hold it by itself: it holds "open with
    a deadline before `datum`", and `tellers.peildatum_zetten` moves `datum` to today by
    adding the open actions due in between (a day's worth of deadlines). `vorige` is the
    date before the last move, read in the same transaction that moved it."""

    datum = models.DateField("peildatum")
    vorige = models.DateField("vorige peildatum", null=True, blank=True)

    class Meta:
        verbose_name = "peildatum van de tellers"
        verbose_name_plural = "peildatum van de tellers"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="tellerdatum_een")]

    def __str__(self):
        return str(self.datum)


class Actieteller(models.Model):
    """Open and overdue actions per kind and owner, kept by database triggers on every
    action table (migration 0007): screens, API, import, admin, bulk and raw SQL alike.
    The dashboard reads these few thousand rows instead of counting a million actions."""

    # The triggers fill it: moving the database copies it last (douane_portfolio.backup).
    door_triggers_gevuld = True

    # The action table's name (`Model._meta.db_table`), as its triggers pass it.
    soort = models.CharField("soort actie", max_length=60)
    # No foreign key constraint: a row left at zero must not keep a user from being
    # deleted (an owner of actions cannot be deleted anyway: PROTECT).
    eigenaar = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="eigenaar",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    open = models.IntegerField("open")
    te_laat = models.IntegerField("te laat (deadline vóór de peildatum)")

    class Meta:
        verbose_name = "actieteller"
        verbose_name_plural = "actietellers"
        constraints = [
            models.UniqueConstraint(fields=["eigenaar", "soort"], name="actieteller_uniek"),
            # A count that drifted fails the write instead of showing a wrong number.
            models.CheckConstraint(
                condition=models.Q(te_laat__gte=0, te_laat__lte=models.F("open")),
                name="actieteller_binnen_open",
            ),
        ]

    def __str__(self):
        return f"{self.soort} {self.eigenaar_id}: {self.open} open, {self.te_laat} te laat"


class Bevindingteller(models.Model):
    """Findings per body (of their report), kind and status, kept by database triggers on
    the findings and the reports (migration 0007): at most 80 rows for the follow-up
    matrix, "wacht op uw oordeel" and the dashboard's findings per body."""

    door_triggers_gevuld = True

    instantie = models.CharField("instantie", max_length=10)
    soort = models.CharField("soort", max_length=30)
    status = models.CharField("status", max_length=20)
    aantal = models.IntegerField("aantal")

    class Meta:
        verbose_name = "bevindingteller"
        verbose_name_plural = "bevindingtellers"
        constraints = [
            models.UniqueConstraint(
                fields=["instantie", "soort", "status"], name="bevindingteller_uniek"
            ),
            models.CheckConstraint(condition=models.Q(aantal__gte=0), name="bevindingteller_pos"),
        ]

    def __str__(self):
        return f"{self.instantie} {self.soort} {self.status}: {self.aantal}"

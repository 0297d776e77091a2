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
    # The data changed while it waited: the build of the newest state replaced it.
    VERVANGEN = "vervangen", "Vervangen door een nieuwere stand"


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
        "status", max_length=10, choices=BestandStatus.choices, default=BestandStatus.WACHTRIJ
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

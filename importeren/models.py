"""An uploaded register, kept so that preview, mapping and the commit (in a Celery
worker or the request) work across requests and processes."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class ImportStatus(models.TextChoices):
    GEUPLOAD = "geupload", "Geüpload"
    WACHTRIJ = "wachtrij", "In de wachtrij"
    BEZIG = "bezig", "Bezig"
    GECONTROLEERD = "gecontroleerd", "Gecontroleerd"
    GEIMPORTEERD = "geimporteerd", "Geïmporteerd"
    MISLUKT = "mislukt", "Mislukt"


class Importbestand(models.Model):
    bestand = models.FileField("bestand", upload_to="importen/%Y/%m/", blank=True)
    naam = models.CharField("bestandsnaam", max_length=255)
    soort = models.CharField("soort", max_length=20)
    status = models.CharField(
        "status", max_length=15, choices=ImportStatus.choices, default=ImportStatus.GEUPLOAD
    )
    # Column index -> field of the kind ("" = not imported), as recognised or mapped by hand.
    kolommen = models.JSONField("kolomtoewijzing", default=list)
    koppen = models.JSONField("kolomkoppen", default=list)
    # True while (or after) the whole file is written, False for a preview run.
    opslaan = models.BooleanField("importeren", default=False)
    totaal = models.PositiveIntegerField("rijen", default=0)
    verwerkt = models.PositiveIntegerField("verwerkt", default=0)
    resultaat = models.JSONField("resultaat", default=dict, blank=True)
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="door", on_delete=models.PROTECT, related_name="+"
    )
    aangemaakt_op = models.DateTimeField("aangemaakt op", auto_now_add=True)
    bijgewerkt_op = models.DateTimeField("bijgewerkt op", auto_now=True)

    class Meta:
        verbose_name = "importbestand"
        verbose_name_plural = "importbestanden"
        ordering = ["-aangemaakt_op"]

    def __str__(self):
        return self.naam

    def get_absolute_url(self):
        return reverse("importeren:bestand", args=[self.pk])

    @property
    def is_bezig(self):
        return self.status in (ImportStatus.WACHTRIJ, ImportStatus.BEZIG)

    @property
    def kan_importeren(self):
        return (
            self.status == ImportStatus.GECONTROLEERD
            and not self.resultaat.get("fouten")
            and not self.resultaat.get("bestandsfouten")
        )

"""The ledger of reminders and notifications: what was due, to whom, in which mail.

The tables keep their names from when the hub held them (`db_table`), so moving the
models here changed no table (migration 0001 is state only).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class HerinneringSoort(models.TextChoices):
    BINNENKORT = "binnenkort", "Deadline nadert"
    TE_LAAT = "te_laat", "Te laat"
    ESCALATIE = "escalatie", "Escalatie"
    # Not about a deadline: news for someone, such as a finding offered for review.
    MELDING = "melding", "Melding"


class Herinnering(models.Model):
    """The ledger: one reminder about one action (or missing report), kind and period.

    The unique constraint makes the sweep exactly-once (see `services.py`). The
    other fields keep what the reminder said, for the mail and the user's overview.
    """

    # Actions live in several apps, so they are referred to generically.
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    soort = models.CharField("soort", max_length=20, choices=HerinneringSoort.choices)
    periode = models.CharField("periode", max_length=80)
    datum = models.DateField("datum")
    deadline = models.DateField("deadline")
    soortnaam = models.CharField("soort actie", max_length=100)
    omschrijving = models.TextField("omschrijving")
    context = models.CharField("hoort bij", max_length=300, blank=True)
    url = models.CharField("link", max_length=500)
    # A notification's message (a verdict and its reason); empty for a reminder.
    tekst = models.TextField("tekst", blank=True)
    eigenaar = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="eigenaar",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The sweep that recorded the row, so it can tell its own inserts from a rival's.
    run = models.UUIDField(db_index=True, editable=False)
    aangemaakt_op = models.DateTimeField("aangemaakt op", auto_now_add=True)

    class Meta:
        db_table = "douane_portfolio_herinnering"
        verbose_name = "herinnering"
        verbose_name_plural = "herinneringen"
        ordering = ["-datum", "deadline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "soort", "periode"],
                name="herinnering_een_per_actie_soort_periode",
            ),
        ]
        # The sweep asks "which of today's periods are recorded?" per kind of action.
        indexes = [models.Index(fields=["content_type", "periode"], name="herinnering_periode_idx")]

    def __str__(self):
        return f"{self.get_soort_display()}: {self.omschrijving[:60]} ({self.periode})"

    @property
    def sleutel(self):
        return (self.content_type_id, self.object_id, self.soort, self.periode)

    @property
    def dagen_te_laat(self):
        return max(0, (self.datum - self.deadline).days)

    @property
    def dagen_tot_deadline(self):
        return max(0, (self.deadline - self.datum).days)


class VerzendingStatus(models.TextChoices):
    WACHT = "wacht", "Wacht op verzending"
    BEZIG = "bezig", "Wordt verstuurd"
    VERZONDEN = "verzonden", "Verzonden"
    MISLUKT = "mislukt", "Mislukt"
    GEANNULEERD = "geannuleerd", "Geannuleerd"


ONVERZONDEN = (VerzendingStatus.WACHT, VerzendingStatus.BEZIG, VerzendingStatus.MISLUKT)


class VerzendingQuerySet(models.QuerySet):
    def onverzonden(self):
        return self.filter(status__in=ONVERZONDEN)

    def aan_de_beurt(self, nu):
        """Mails a run may claim at `nu`: due for an attempt, or held by a claim that
        expired (its worker died). The claim UPDATE repeats this condition, so of two
        runs that both found a mail, only one gets it."""
        verlopen = nu - timedelta(minutes=settings.HERINNERINGEN_CLAIM_MINUTEN)
        return self.filter(
            Q(
                status__in=[VerzendingStatus.WACHT, VerzendingStatus.MISLUKT],
                volgende_poging__lte=nu,
            )
            | Q(status=VerzendingStatus.BEZIG, geclaimd_op__lt=verlopen)
        )

    def aandacht_nodig(self):
        """Unsent mails that failed often enough for the Beheerder to be told."""
        return self.onverzonden().filter(pogingen__gte=settings.HERINNERINGEN_WAARSCHUWEN_NA)


class Verzending(models.Model):
    """One digest e-mail to one person, rendered once so a retry sends the same mail.

    `claim` is a fencing token: a run sets it, in one conditional UPDATE, just before it
    hands the mail to the mail server, and only the holder of the token may record the
    outcome. `volgende_poging` is when a waiting or failed mail is due (backoff).
    """

    ontvanger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ontvanger",
        on_delete=models.CASCADE,
        related_name="verzendingen",
    )
    adres = models.EmailField("e-mailadres")
    status = models.CharField(
        "status", max_length=12, choices=VerzendingStatus.choices, default=VerzendingStatus.WACHT
    )
    onderwerp = models.CharField("onderwerp", max_length=300, blank=True)
    tekst = models.TextField("tekst", blank=True)
    html = models.TextField("HTML", blank=True)
    message_id = models.CharField("Message-ID", max_length=200, unique=True)
    aangemaakt_op = models.DateTimeField("aangemaakt op", auto_now_add=True)
    claim = models.UUIDField("claim", null=True, blank=True, editable=False)
    geclaimd_op = models.DateTimeField("geclaimd op", null=True, blank=True)
    volgende_poging = models.DateTimeField("volgende poging", null=True, blank=True)
    verzonden_op = models.DateTimeField("verzonden op", null=True, blank=True)
    pogingen = models.PositiveSmallIntegerField("pogingen", default=0)
    fout = models.TextField("laatste fout", blank=True)

    objects = VerzendingQuerySet.as_manager()
    # Who re-sent or cancelled a mail, and why; the mail body is already in the row.
    history = HistoricalRecords(
        excluded_fields=["tekst", "html"], table_name="douane_portfolio_historicalverzending"
    )

    class Meta:
        db_table = "douane_portfolio_verzending"
        verbose_name = "verzending"
        verbose_name_plural = "verzendingen"
        ordering = ["-aangemaakt_op", "-pk"]
        indexes = [
            models.Index(fields=["ontvanger", "-aangemaakt_op"], name="verzending_ontvanger_idx"),
            # Small: only mails still to be sent, which every run looks at.
            models.Index(
                fields=["status", "volgende_poging"],
                condition=Q(status__in=["wacht", "bezig", "mislukt"]),
                name="verzending_onverzonden_idx",
            ),
        ]

    def __str__(self):
        return f"{self.onderwerp or 'Herinneringen'} → {self.adres}"


class Bezorging(models.Model):
    """One reminder for one person; `verzending` is set when a worker claims it."""

    herinnering = models.ForeignKey(
        Herinnering, on_delete=models.CASCADE, related_name="bezorgingen"
    )
    ontvanger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bezorgingen"
    )
    # RESTRICT, not PROTECT: deleting a user removes their mails and deliveries together.
    verzending = models.ForeignKey(
        Verzending,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="bezorgingen",
    )
    # Notifications only: when the recipient marked it read under Mijn acties.
    gelezen_op = models.DateTimeField("gelezen op", null=True, blank=True)

    class Meta:
        db_table = "douane_portfolio_bezorging"
        verbose_name = "bezorging"
        verbose_name_plural = "bezorgingen"
        constraints = [
            models.UniqueConstraint(
                fields=["herinnering", "ontvanger"], name="bezorging_een_per_ontvanger"
            ),
        ]
        indexes = [
            models.Index(
                fields=["ontvanger"],
                condition=Q(verzending__isnull=True),
                name="bezorging_open_idx",
            ),
        ]

    def __str__(self):
        return f"{self.herinnering} → {self.ontvanger}"

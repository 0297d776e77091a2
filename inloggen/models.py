"""Who a user is at the identity provider, and what happened to their second factor."""

from django.conf import settings
from django.db import models


class OidcIdentiteit(models.Model):
    """The provider's stable subject (`sub`) for a user; `sub` is unique per issuer only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="gebruiker",
        on_delete=models.CASCADE,
        related_name="oidc_identiteiten",
    )
    issuer = models.CharField("identity provider (issuer)", max_length=300)
    subject = models.CharField("subject (sub)", max_length=255)
    aangemaakt_op = models.DateTimeField("gekoppeld op", auto_now_add=True)
    laatst_ingelogd_op = models.DateTimeField("laatst ingelogd op", null=True, blank=True)

    class Meta:
        verbose_name = "OIDC-identiteit"
        verbose_name_plural = "OIDC-identiteiten"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identiteit_uniek"),
        ]

    def __str__(self):
        return f"{self.subject} @ {self.issuer}"


class Tweestapssoort(models.TextChoices):
    INGESTELD = "ingesteld", "Ingesteld"
    HERSTELCODES = "herstelcodes", "Nieuwe herstelcodes"
    HERSTELCODE_GEBRUIKT = "herstelcode_gebruikt", "Herstelcode gebruikt"
    GERESET = "gereset", "Gereset door beheerder"


class Tweestapsgebeurtenis(models.Model):
    """Append-only ledger of second-factor changes: who, for whom, when."""

    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="gebruiker",
        on_delete=models.CASCADE,
        related_name="tweestapsgebeurtenissen",
    )
    soort = models.CharField("soort", max_length=30, choices=Tweestapssoort.choices)
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="door",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    op = models.DateTimeField("op", auto_now_add=True)

    class Meta:
        verbose_name = "tweestapsgebeurtenis"
        verbose_name_plural = "tweestapsgebeurtenissen"
        ordering = ["-op", "-pk"]

    def __str__(self):
        return f"{self.get_soort_display()}: {self.gebruiker} ({self.op:%Y-%m-%d %H:%M})"

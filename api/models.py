"""Personal API keys and calendar links: a secret shown once, stored as its sha256."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def nieuw_geheim():
    return secrets.token_urlsafe(32)


def hash_van(geheim):
    return hashlib.sha256(geheim.encode()).hexdigest()


class Bereik(models.TextChoices):
    LEZEN = "lezen", "Alleen lezen"
    SCHRIJVEN = "schrijven", "Lezen en schrijven"


class ApiSleutelQuerySet(models.QuerySet):
    def geldig(self, op=None):
        op = op or timezone.now()
        return self.filter(ingetrokken_op__isnull=True, verloopt_op__gt=op)


class ApiSleutel(models.Model):
    """A personal API token. Only the hash is kept: a leaked table gives no access."""

    # Shown on the key page so the owner recognises a key without its secret.
    PREFIX_LENGTE = 8

    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="gebruiker",
        on_delete=models.CASCADE,
        related_name="api_sleutels",
    )
    naam = models.CharField("naam", max_length=100)
    bereik = models.CharField("bereik", max_length=10, choices=Bereik.choices)
    sleutel_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField("begint met", max_length=PREFIX_LENGTE, editable=False)
    aangemaakt_op = models.DateTimeField("aangemaakt op", default=timezone.now, editable=False)
    verloopt_op = models.DateTimeField("verloopt op")
    ingetrokken_op = models.DateTimeField("ingetrokken op", null=True, blank=True)
    laatst_gebruikt_op = models.DateTimeField("laatst gebruikt op", null=True, blank=True)

    objects = ApiSleutelQuerySet.as_manager()

    class Meta:
        verbose_name = "API-sleutel"
        verbose_name_plural = "API-sleutels"
        ordering = ["-aangemaakt_op", "-pk"]

    def __str__(self):
        return f"{self.naam} ({self.prefix}…)"

    @classmethod
    def aanmaken(cls, *, gebruiker, naam, bereik, geldig_dagen=None):
        """Create a key; returns (key, secret). The secret exists only in this return value."""
        geldig_dagen = geldig_dagen or settings.API_SLEUTEL_GELDIG_DAGEN
        geheim = nieuw_geheim()
        sleutel = cls.objects.create(
            gebruiker=gebruiker,
            naam=naam,
            bereik=bereik,
            sleutel_hash=hash_van(geheim),
            prefix=geheim[: cls.PREFIX_LENGTE],
            verloopt_op=timezone.now() + timedelta(days=geldig_dagen),
        )
        return sleutel, geheim

    @property
    def is_geldig(self):
        return self.ingetrokken_op is None and self.verloopt_op > timezone.now()

    @property
    def mag_schrijven(self):
        return self.bereik == Bereik.SCHRIJVEN

    def intrekken(self):
        # Conditional, so a second click does not move the moment it was revoked.
        ApiSleutel.objects.filter(pk=self.pk, ingetrokken_op__isnull=True).update(
            ingetrokken_op=timezone.now()
        )


class AgendaSleutel(models.Model):
    """The secret in a person's calendar feed URL; at most one valid per person."""

    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="gebruiker",
        on_delete=models.CASCADE,
        related_name="agenda_sleutels",
    )
    sleutel_hash = models.CharField(max_length=64, unique=True, editable=False)
    aangemaakt_op = models.DateTimeField("aangemaakt op", default=timezone.now, editable=False)
    ingetrokken_op = models.DateTimeField("ingetrokken op", null=True, blank=True)

    class Meta:
        verbose_name = "agendakoppeling"
        verbose_name_plural = "agendakoppelingen"
        constraints = [
            models.UniqueConstraint(
                fields=["gebruiker"],
                condition=Q(ingetrokken_op__isnull=True),
                name="api_een_agendakoppeling_per_persoon",
            ),
        ]

    def __str__(self):
        return f"Agenda van {self.gebruiker}"

    @classmethod
    def vernieuwen(cls, gebruiker):
        """Revoke the person's current link and make a new one; returns the secret."""
        geheim = nieuw_geheim()
        cls.intrekken(gebruiker)
        cls.objects.create(gebruiker=gebruiker, sleutel_hash=hash_van(geheim))
        return geheim

    @classmethod
    def intrekken(cls, gebruiker):
        cls.objects.filter(gebruiker=gebruiker, ingetrokken_op__isnull=True).update(
            ingetrokken_op=timezone.now()
        )

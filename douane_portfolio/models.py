"""Shared building blocks: the user, versioned models and the abstract action."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property


class User(AbstractUser):
    manager = models.ForeignKey(
        "self",
        verbose_name="leidinggevende",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="medewerkers",
    )

    class Meta:
        verbose_name = "gebruiker"
        verbose_name_plural = "gebruikers"
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def rollen(self):
        """Names of the user's groups, read once per request (predicates ask often)."""
        if not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))


class VersieModel(models.Model):
    """A row with a version number, raised on every save through a form.

    Edit forms carry the version they were opened with; `locking.bewaar_met_versie`
    refuses to save over a newer one, so two people editing never lose an update.
    """

    versie = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class ActieStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_UITVOERING = "in_uitvoering", "In uitvoering"
    AFGEROND = "afgerond", "Afgerond"
    VERVALLEN = "vervallen", "Vervallen"


OPEN_STATUSSEN = (ActieStatus.OPEN, ActieStatus.IN_UITVOERING)


class ActieQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSSEN)

    def te_laat(self, op=None):
        """Open actions whose deadline lies before `op` (default: today)."""
        op = op or timezone.localdate()
        return self.open().filter(deadline__lt=op)

    def binnenkort(self, dagen=14, op=None):
        """Open actions due between `op` and `op + dagen`, both included."""
        op = op or timezone.localdate()
        return self.open().filter(deadline__gte=op, deadline__lte=op + timedelta(days=dagen))

    def van(self, user):
        return self.filter(eigenaar=user)


class Actie(VersieModel):
    """What every kind of action (milestone, measure, follow-up action) builds on.

    Concrete models declare an index on (status, deadline) for the reminder sweep
    (index names are limited to 30 characters, so each names its own) and implement
    `context` (what the action belongs to) and `get_absolute_url()`.
    """

    omschrijving = models.TextField("omschrijving")
    eigenaar = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="eigenaar",
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_acties",
    )
    deadline = models.DateField("deadline")
    oorspronkelijke_deadline = models.DateField("oorspronkelijke deadline", editable=False)
    status = models.CharField(
        "status", max_length=20, choices=ActieStatus.choices, default=ActieStatus.OPEN
    )
    afgerond_op = models.DateField("afgerond op", null=True, blank=True)
    aangemaakt_op = models.DateTimeField("aangemaakt op", auto_now_add=True)

    objects = ActieQuerySet.as_manager()

    # Related objects `context` needs, so lists of actions stay one query per kind.
    context_select_related = ()

    class Meta:
        abstract = True
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status=ActieStatus.AFGEROND, afgerond_op__isnull=False)
                    | (~Q(status=ActieStatus.AFGEROND) & Q(afgerond_op__isnull=True))
                ),
                name="%(app_label)s_%(class)s_afgerond_op_bij_status",
            ),
        ]

    def __str__(self):
        return self.omschrijving if len(self.omschrijving) <= 80 else self.omschrijving[:77] + "…"

    def save(self, *args, **kwargs):
        # The first deadline stays on record however often the deadline moves.
        if self.oorspronkelijke_deadline is None:
            self.oorspronkelijke_deadline = self.deadline
        if self.status == ActieStatus.AFGEROND and self.afgerond_op is None:
            self.afgerond_op = timezone.localdate()
        elif self.status != ActieStatus.AFGEROND:
            self.afgerond_op = None
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.status in OPEN_STATUSSEN

    def dagen_te_laat(self, op=None):
        op = op or timezone.localdate()
        if not self.is_open or self.deadline >= op:
            return 0
        return (op - self.deadline).days

    @property
    def is_te_laat(self):
        return self.dagen_te_laat() > 0

    @property
    def deadline_verschoven(self):
        return self.deadline != self.oorspronkelijke_deadline

    @property
    def context(self):
        """What the action belongs to, for lists across apps (an initiative, a risk …)."""
        return ""

    @classmethod
    def soort(cls):
        return cls._meta.verbose_name

"""Shared building blocks: the user, versioned models, the abstract action and the
ledger of reminders."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from . import rollen
from .validators import redelijke_datum


class Herinneringsfrequentie(models.TextChoices):
    DAGELIJKS = "dagelijks", "Dagelijks"
    WEKELIJKS = "wekelijks", "Wekelijks"


class UserQuerySet(models.QuerySet):
    def mogelijke_eigenaren(self, huidige=None):
        """Who may own something (an initiative, a milestone, a measure, an action …):
        active users with a role that may write; a Lezer only reads, so owns nothing.
        The current owner (`huidige`, a pk) stays listed, so a form still saves after
        that owner changed role."""
        schrijfrol = Group.objects.filter(name__in=rollen.SCHRIJFROLLEN, user=OuterRef("pk"))
        wie = Q(is_active=True) & Q(Exists(schrijfrol))
        if huidige:
            wie |= Q(pk=huidige)
        return self.filter(wie).order_by("first_name", "last_name", "username")


class GebruikerManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    manager = models.ForeignKey(
        "self",
        verbose_name="leidinggevende",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="medewerkers",
    )
    herinneringsfrequentie = models.CharField(
        "herinneringen over naderende deadlines",
        max_length=10,
        choices=Herinneringsfrequentie.choices,
        default=Herinneringsfrequentie.DAGELIJKS,
        help_text="Herinneringen over te late acties en escalaties komen altijd.",
    )

    objects = GebruikerManager()

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

    @property
    def mag_schrijven(self):
        """Whether any of the user's roles gives a right to change something."""
        return self.is_superuser or bool(self.rollen & set(rollen.SCHRIJFROLLEN))


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


def actie_indexen(kort):
    """Indexes every action list needs (issue 13): the default sort (deadline, id) for the
    keyset seek, the same for open actions only (partial: "lopend" and "te laat"), and
    per owner (the owner filter and Mijn acties)."""
    return [
        models.Index(fields=["deadline", "id"], name=f"{kort}_dl_id"),
        models.Index(
            fields=["deadline", "id"],
            name=f"{kort}_open_dl",
            condition=Q(status__in=OPEN_STATUSSEN),
        ),
        models.Index(fields=["eigenaar", "deadline", "id"], name=f"{kort}_eig_dl"),
    ]


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
    # Every form checks the window too; here it also holds for imports, the API and the admin.
    deadline = models.DateField("deadline", validators=[redelijke_datum])
    oorspronkelijke_deadline = models.DateField("oorspronkelijke deadline", editable=False)
    status = models.CharField(
        "status", max_length=20, choices=ActieStatus.choices, default=ActieStatus.OPEN
    )
    afgerond_op = models.DateField(
        "afgerond op", validators=[redelijke_datum], null=True, blank=True
    )
    aangemaakt_op = models.DateTimeField("aangemaakt op", auto_now_add=True)

    objects = ActieQuerySet.as_manager()

    # Related objects `context` needs, so lists of actions stay one query per kind
    # (plus one per prefetched many-to-many).
    context_select_related = ()
    context_prefetch_related = ()

    # Escalation of a long-overdue action: to the first reachable person that
    # `escalatie_kandidaten()` names (by default the owner's manager), else to every
    # active holder of `escalatie_rol`. Kinds override either; what their method reads
    # goes into `escalatie_select_related`, so the sweep stays one query per kind.
    escalatie_rol = rollen.BEHEERDER
    escalatie_select_related = ()

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

    def escalatie_kandidaten(self):
        """People above the owner who answer for this action, most direct first."""
        return [self.eigenaar.manager]

    @classmethod
    def soort(cls):
        return cls._meta.verbose_name


class HerinneringSoort(models.TextChoices):
    BINNENKORT = "binnenkort", "Deadline nadert"
    TE_LAAT = "te_laat", "Te laat"
    ESCALATIE = "escalatie", "Escalatie"


class Herinnering(models.Model):
    """The ledger: one reminder about one action (or missing report), kind and period.

    The unique constraint makes the sweep exactly-once (see `herinneringen.py`). The
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
    history = HistoricalRecords(excluded_fields=["tekst", "html"])

    class Meta:
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

    class Meta:
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


class Rolwijziging(models.Model):
    """Who gave or took which roles (and superuser status) of whom, from what to what.

    Written by the user admin on every save that changes them; read-only afterwards,
    so an audit can always see who appointed whom.
    """

    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="gebruiker",
        on_delete=models.PROTECT,
        related_name="rolwijzigingen",
    )
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="gewijzigd door",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    moment = models.DateTimeField("moment", default=timezone.now)
    van = models.CharField("rollen voor", max_length=300, blank=True)
    naar = models.CharField("rollen na", max_length=300, blank=True)

    class Meta:
        verbose_name = "rolwijziging"
        verbose_name_plural = "rolwijzigingen"
        ordering = ["-moment", "-pk"]

    def __str__(self):
        return f"{self.gebruiker}: {self.van or '—'} → {self.naar or '—'}"


class Aanmaaktoken(models.Model):
    """One submission of a create form: written in the transaction of the row it made,
    so a resubmit with the same token finds that row and makes no second one."""

    token = models.UUIDField(unique=True, editable=False)
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    content_type = models.ForeignKey(
        ContentType, null=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True)
    aangemaakt_op = models.DateTimeField("aangemaakt op", auto_now_add=True)

    class Meta:
        verbose_name = "aanmaaktoken"
        verbose_name_plural = "aanmaaktokens"

    def __str__(self):
        return str(self.token)

    @property
    def object(self):
        if self.content_type is None:
            return None
        model = self.content_type.model_class()
        return model._base_manager.filter(pk=self.object_id).first()

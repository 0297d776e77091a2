import django_filters
from django import forms
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import Col
from django.utils import timezone

from douane_portfolio.lijsten import LijstFilterSet
from douane_portfolio.models import ActieStatus
from douane_portfolio.zoeken import ZoekFilter, eigenarenbron, zoekbron
from risicos.models import Risico

from .models import (
    NOG_NIET_OPGELOST,
    STATUS_VOLGORDE,
    Auditrapport,
    Bevinding,
    BevindingStatus,
    Instantie,
    Soort,
    Vervolgactie,
)

NOG_OPEN = "nog_open"
ZOEK_BEVINDINGEN_MAX = 200
JA = (("ja", "Ja"),)


def _domeinen():
    """The distinct domains in order, in one query per page view. A handful of values in
    20,000 findings: DISTINCT read the whole table (issue 13: the slowest query of the
    findings page at scale 1.0); this steps from each domain to the next along the index
    on `domein`, a probe per domain (a "skip scan", in PostgreSQL and SQLite alike)."""
    tabel = connection.ops.quote_name(Bevinding._meta.db_table)
    kolom = connection.ops.quote_name(Bevinding._meta.get_field("domein").column)
    # Table and column names from the model, quoted; no value of a request in the text.
    sql = (
        f"WITH RECURSIVE d(domein) AS (SELECT MIN({kolom}) FROM {tabel} UNION ALL "  # nosec B608
        f"SELECT (SELECT MIN({kolom}) FROM {tabel} WHERE {kolom} > d.domein) FROM d "
        "WHERE d.domein IS NOT NULL) SELECT domein FROM d WHERE domein IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [(d, d) for (d,) in cursor.fetchall()]


BEVINDING_EIGENAREN = eigenarenbron(
    "bevinding-eigenaren", Bevinding, permissie="audits.view_bevinding"
)
ACTIE_EIGENAREN = eigenarenbron(
    "actie-eigenaren", Vervolgactie, permissie="audits.view_vervolgactie"
)


def _gekoppelde_risicos(user):
    # Only risks with findings, as an EXISTS on the link table's index.
    if user is None:
        return Risico.objects.none()
    gekoppeld = Bevinding.risicos.through.objects.filter(risico=OuterRef("pk"))
    return Risico.objects.zichtbaar_voor(user).filter(Exists(gekoppeld))


GEKOPPELDE_RISICOS = zoekbron(
    "gekoppelde-risicos",
    queryset=_gekoppelde_risicos,
    permissie="audits.view_bevinding",
    velden=("titel",),
    volgorde=("titel", "pk"),
)


class BevindingFilter(LijstFilterSet):
    zoek = django_filters.CharFilter(label="Zoeken", method="filter_zoek")
    instantie = django_filters.ChoiceFilter(
        label="Instantie",
        field_name="rapport__instantie",
        choices=Instantie.choices,
        empty_label="Alle",
    )
    soort = django_filters.ChoiceFilter(label="Soort", choices=Soort.choices, empty_label="Alle")
    domein = django_filters.ChoiceFilter(label="Domein", choices=_domeinen, empty_label="Alle")
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[(NOG_OPEN, "Nog niet opgelost"), *BevindingStatus.choices],
        empty_label="Alle",
        method="filter_status",
    )
    verwacht = django_filters.NumberFilter(
        label="Verwacht opgelost in", field_name="verwacht_opgelost_jaar"
    )
    verstreken = django_filters.ChoiceFilter(
        label="Verwacht jaar verstreken", choices=JA, empty_label="–", method="filter_verstreken"
    )
    te_laat = django_filters.ChoiceFilter(
        label="Met te late acties", choices=JA, empty_label="–", method="filter_te_laat"
    )
    eigenaar = ZoekFilter(label="Eigenaar", bron=BEVINDING_EIGENAREN)
    risico = ZoekFilter(label="Risico", field_name="risicos", bron=GEKOPPELDE_RISICOS)

    class Meta:
        model = Bevinding
        fields = []

    def filter_zoek(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(titel__icontains=value)
            | Q(omschrijving__icontains=value)
            | Q(domein__icontains=value)
        )

    def filter_status(self, qs, name, value):
        statussen = NOG_NIET_OPGELOST if value == NOG_OPEN else [value]
        qs = qs.filter(status__in=statussen)
        if "status_volgorde" in qs.query.annotations:
            # Also on the default order's first key (implied by the status): the chosen
            # statuses are then one range of its index `bevinding_volgorde`, not a filter
            # on a walk past every finding before them (12 ms for "opgelost" at scale 1.0).
            qs = qs.filter(status_volgorde__in=[STATUS_VOLGORDE[s] for s in statussen])
        return qs

    def filter_verstreken(self, qs, name, value):
        return qs.verwachting_verstreken() if value else qs

    def filter_te_laat(self, qs, name, value):
        if not value:
            return qs
        if _uit_teller(qs, "te_late_acties", "acties_te_laat"):
            # The shown count is the counter column (the list and the API made the
            # peildatum today first): a condition on the row, no subquery per finding.
            return qs.filter(acties_te_laat__gt=0)
        # Else EXISTS, not the counted subquery > 0: a semi join that stops at the first
        # overdue action, on the open actions' own index.
        return qs.filter(Exists(Vervolgactie.objects.te_laat().filter(bevinding=OuterRef("pk"))))


def _uit_teller(qs, annotatie, kolom):
    """Whether `annotatie` on `qs` is the row's own column `kolom`
    (`met_tellingen(uit_tellers=True)`), not a count computed per row."""
    expressie = qs.query.annotations.get(annotatie)
    return isinstance(expressie, Col) and expressie.target.column == kolom


class VervolgactieFilter(LijstFilterSet):
    zoek = django_filters.CharFilter(label="Zoeken", method="filter_zoek")
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[(NOG_OPEN, "Open en in uitvoering"), *ActieStatus.choices],
        empty_label="Alle",
        method="filter_status",
    )
    te_laat = django_filters.ChoiceFilter(
        label="Te laat", choices=JA, empty_label="–", method="filter_te_laat"
    )
    uitgesteld = django_filters.ChoiceFilter(
        label="Uitgesteld", choices=JA, empty_label="–", method="filter_uitgesteld"
    )
    instantie = django_filters.ChoiceFilter(
        label="Instantie",
        field_name="bevinding__rapport__instantie",
        choices=Instantie.choices,
        empty_label="Alle",
    )
    eigenaar = ZoekFilter(label="Eigenaar", bron=ACTIE_EIGENAREN)
    deadline_voor = django_filters.DateFilter(
        label="Deadline vóór",
        field_name="deadline",
        lookup_expr="lt",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Vervolgactie
        fields = []

    def filter_zoek(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        # One OR across the join read every action for a rare word (1.7 s at scale 1.0).
        # With the findings' ids as a literal list both parts have an index, and the
        # planner, knowing how many, picks the trigram indexes or the sort's own index.
        # Past ZOEK_BEVINDINGEN_MAX findings the matches are dense: the join is cheap then.
        bevindingen = list(
            Bevinding.objects.filter(titel__icontains=value)
            .order_by()
            .values_list("pk", flat=True)[: ZOEK_BEVINDINGEN_MAX + 1]
        )
        titel = (
            Q(bevinding__titel__icontains=value)
            if len(bevindingen) > ZOEK_BEVINDINGEN_MAX
            else Q(bevinding_id__in=bevindingen)
        )
        return qs.filter(Q(omschrijving__icontains=value) | titel)

    def filter_status(self, qs, name, value):
        if value == NOG_OPEN:
            return qs.open()
        return qs.filter(status=value)

    def filter_te_laat(self, qs, name, value):
        return qs.te_laat(timezone.localdate()) if value else qs

    def filter_uitgesteld(self, qs, name, value):
        return qs.filter(aantal_verschuivingen__gt=0) if value else qs


class AuditrapportFilter(LijstFilterSet):
    instantie = django_filters.ChoiceFilter(
        label="Instantie", choices=Instantie.choices, empty_label="Alle"
    )
    jaar = django_filters.NumberFilter(label="Jaar")

    class Meta:
        model = Auditrapport
        fields = []

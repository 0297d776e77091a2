import django_filters
from django import forms

from douane_portfolio.lijsten import KleineKeuzeFilter, LijstFilterSet
from douane_portfolio.zoeken import ZoekFilter, eigenarenbron

from .models import (
    NIET_GERAPPORTEERD,
    IndicatorStatus,
    Initiatief,
    Rapportageperiode,
    Status,
    Thema,
)

# The URL value of "niet gerapporteerd" (`?status=geen`); links and bookmarks use it.
GEEN_STATUS = "geen"


def _geen_filter(queryset, name, value):
    """The period is read by the view (it decides the annotations), not filtered here."""
    return queryset


EIGENAREN = eigenarenbron(
    "initiatief-eigenaren", Initiatief, permissie="programmas.view_initiatief"
)


class PortfolioFilter(LijstFilterSet):
    # Choices from the periods the view has already read (`portfolio.Perioden`, newest
    # first): a model choice would read them twice more, to validate and to render.
    periode = django_filters.ChoiceFilter(
        label="Periode", choices=[], method=_geen_filter, empty_label=None
    )
    thema = KleineKeuzeFilter(
        label="Thema", queryset=Thema.objects.all(), empty_label="Alle thema's"
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[*Status.choices, (GEEN_STATUS, NIET_GERAPPORTEERD.capitalize())],
        method="filter_status",
        empty_label="Alle statussen",
    )
    eigenaar = ZoekFilter(label="Eigenaar", bron=EIGENAREN)

    def __init__(self, *args, perioden=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not isinstance(self.filters["periode"], django_filters.ModelChoiceFilter):
            self.filters["periode"].extra["choices"] = [(p.pk, str(p)) for p in perioden]

    def filter_status(self, queryset, name, value):
        return queryset.met_geannoteerde_status(
            "huidige_status", None if value == GEEN_STATUS else value
        )


class IndicatorFilter(LijstFilterSet):
    periode = KleineKeuzeFilter(
        label="Periode",
        queryset=Rapportageperiode.objects.order_by("-einddatum", "-begindatum"),
        empty_label="Alle periodes",
    )
    thema = KleineKeuzeFilter(
        label="Thema",
        field_name="indicator__initiatief__thema",
        queryset=Thema.objects.all(),
        empty_label="Alle thema's",
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        field_name="berekende_status",
        choices=IndicatorStatus.choices,
        empty_label="Alle statussen",
    )
    eigenaar = ZoekFilter(
        label="Eigenaar initiatief", field_name="indicator__initiatief__eigenaar", bron=EIGENAREN
    )
    groep = django_filters.CharFilter(
        label="Groep bevat", field_name="indicator__groep", lookup_expr="icontains"
    )
    # Set by links from an initiative's page; not shown in the form.
    indicator = django_filters.NumberFilter(field_name="indicator", widget=forms.HiddenInput)

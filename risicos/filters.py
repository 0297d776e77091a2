import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from douane_portfolio.lijsten import LijstFilterSet
from douane_portfolio.models import ActieStatus
from douane_portfolio.zoeken import ZoekFilter, eigenarenbron

from .models import (
    SCHAAL,
    Beheersmaatregel,
    Categorie,
    DialoogNiveau,
    DialoogStatus,
    Risico,
    Risicodialoog,
    RisicoStatus,
    Scoreniveau,
)

JA_NEE = (("ja", "Ja"), ("nee", "Nee"))
NIET_GESCOORD = "niet_gescoord"


def _ja_nee(label, method):
    return django_filters.ChoiceFilter(
        label=label, choices=JA_NEE, empty_label="Alle", method=method
    )


def _cel(label, veld):
    # Set by the heat map's links; carried along as hidden fields of the filter form.
    return django_filters.ChoiceFilter(
        label=label,
        field_name=veld,
        choices=[(str(i), str(i)) for i in SCHAAL],
        widget=forms.HiddenInput,
    )


RISICO_EIGENAREN = eigenarenbron("risico-eigenaren", Risico, permissie="risicos.view_risico")
MAATREGEL_EIGENAREN = eigenarenbron(
    "maatregel-eigenaren", Beheersmaatregel, permissie="risicos.view_beheersmaatregel"
)


def _categorie():
    return django_filters.ChoiceFilter(
        label="Categorie", choices=Categorie.choices, empty_label="Alle"
    )


def _eigenaar():
    return ZoekFilter(label="Eigenaar", bron=RISICO_EIGENAREN)


def _filter_toprisico(filterset, queryset, name, value):
    return queryset.toprisicos(value == "ja")


class RisicoFilter(LijstFilterSet):
    zoek = django_filters.CharFilter(label="Zoeken", method="filter_zoek")
    categorie = _categorie()
    toprisico = _ja_nee("Toprisico", "filter_toprisico")
    eigenaar = _eigenaar()
    netto = django_filters.ChoiceFilter(
        label="Netto score",
        choices=[*Scoreniveau.choices, (NIET_GESCOORD, "niet gescoord")],
        empty_label="Alle",
        method="filter_netto",
    )
    # The heat map's "not scored" link for the gross map.
    bruto = django_filters.ChoiceFilter(
        label="Bruto score",
        choices=[*Scoreniveau.choices, (NIET_GESCOORD, "niet gescoord")],
        widget=forms.HiddenInput,
        method="filter_bruto",
    )
    boven_risicobereidheid = _ja_nee("Boven risicobereidheid", "filter_boven")
    herbeoordeling_te_laat = _ja_nee("Herbeoordeling te laat", "filter_herbeoordeling")
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[(RisicoStatus.GESLOTEN, "Gesloten"), ("alle", "Alle")],
        empty_label="Actief",
        method="filter_status",
    )
    bruto_kans = _cel("Bruto kans", "bruto_kans")
    bruto_impact = _cel("Bruto impact", "bruto_impact")
    netto_kans = _cel("Netto kans", "netto_kans")
    netto_impact = _cel("Netto impact", "netto_impact")

    class Meta:
        model = Risico
        fields = []

    def filter_queryset(self, queryset):
        # The register shows the active risks unless asked otherwise.
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.actief()
        return super().filter_queryset(queryset)

    def filter_zoek(self, queryset, name, value):
        return queryset.filter(Q(titel__icontains=value) | Q(omschrijving__icontains=value))

    filter_toprisico = _filter_toprisico

    def filter_netto(self, queryset, name, value):
        if value == NIET_GESCOORD:
            return queryset.niet_gescoord("netto")
        return queryset.met_niveau(value, "netto")

    def filter_bruto(self, queryset, name, value):
        if value == NIET_GESCOORD:
            return queryset.niet_gescoord("bruto")
        return queryset.met_niveau(value, "bruto")

    def filter_boven(self, queryset, name, value):
        if value == "ja":
            return queryset.boven_risicobereidheid()
        return queryset.binnen_risicobereidheid()

    def filter_herbeoordeling(self, queryset, name, value):
        vandaag = timezone.localdate()
        if value == "ja":
            return queryset.filter(herbeoordeling__lt=vandaag)
        return queryset.filter(Q(herbeoordeling__isnull=True) | Q(herbeoordeling__gte=vandaag))

    def filter_status(self, queryset, name, value):
        if value == "alle":
            return queryset
        return queryset.filter(status=value)


class HeatmapFilter(LijstFilterSet):
    """The register's filters that make sense on the heat map (active risks only)."""

    categorie = _categorie()
    toprisico = _ja_nee("Toprisico", "filter_toprisico")
    eigenaar = _eigenaar()

    class Meta:
        model = Risico
        fields = []

    filter_toprisico = _filter_toprisico


class MaatregelFilter(LijstFilterSet):
    zoek = django_filters.CharFilter(
        label="Zoeken", field_name="omschrijving", lookup_expr="icontains"
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[("lopend", "Open of in uitvoering"), *ActieStatus.choices],
        empty_label="Alle",
        method="filter_status",
    )
    soort = django_filters.ChoiceFilter(
        label="Soort",
        choices=(("overkoepelend", "Overkoepelend"), ("risico", "Bij een risico")),
        empty_label="Alle",
        method="filter_soort",
    )
    eigenaar = ZoekFilter(label="Eigenaar", bron=MAATREGEL_EIGENAREN)
    te_laat = _ja_nee("Te laat", "filter_te_laat")
    risico = django_filters.NumberFilter(
        label="Risico", field_name="risicos", widget=forms.HiddenInput
    )

    class Meta:
        model = Beheersmaatregel
        fields = []

    def filter_status(self, queryset, name, value):
        if value == "lopend":
            return queryset.open()
        return queryset.filter(status=value)

    def filter_soort(self, queryset, name, value):
        if value == "overkoepelend":
            return queryset.overkoepelend()
        return queryset.bij_een_risico()

    def filter_te_laat(self, queryset, name, value):
        return queryset.te_laat() if value == "ja" else queryset.op_tijd()


class DialoogFilter(LijstFilterSet):
    zoek = django_filters.CharFilter(label="Zoeken", field_name="titel", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(
        label="Status", choices=DialoogStatus.choices, empty_label="Alle"
    )
    niveau = django_filters.ChoiceFilter(
        label="Niveau", choices=DialoogNiveau.choices, empty_label="Alle"
    )

    class Meta:
        model = Risicodialoog
        fields = []

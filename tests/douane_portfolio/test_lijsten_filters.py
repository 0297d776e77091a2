"""The list filters' select boxes and inputs built in Python (lijsten.SnelleSelect,
SnelleInvoer) are the HTML of Django's own templates, and the small choice filters read
their table once."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import mark_safe

from douane_portfolio.adressen import adres
from douane_portfolio.lijsten import KleineKeuzeVeld, SnelleInvoer, SnelleSelect, snelle_selects
from programmas.models import Thema


class Formulier(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Alle"), ("a&b", 'Rood "<b>"'), ("groen", mark_safe("<i>groen</i>"))],
        required=False,
    )
    jaar = forms.TypedChoiceField(choices=[(2025, 2025), ("2026", "2026")], coerce=int)
    soort = forms.ChoiceField(
        choices=[("x", "X"), ("y", "Y")],
        widget=forms.Select(attrs={"class": "a<b", "required": True, "disabled": False}),
    )
    groep = forms.ChoiceField(choices=[("Groep", [("1", "Een"), ("2", "Twee")]), ("3", "Drie")])
    zoek = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": 'a "b"'}))
    aantal = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"disabled": True}))
    tot = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    verborgen = forms.CharField(required=False, widget=forms.HiddenInput)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"status": "a&b", "jaar": "2025", "soort": "y", "groep": "2"},
        {"status": "onbekend"},
        {"zoek": '<b> & "c"', "aantal": "7", "tot": "2026-12-03", "verborgen": "x&y"},
        {"aantal": "geen getal", "tot": "morgen"},
    ],
)
def test_the_fast_select_gives_the_html_of_djangos_template(data):
    verwacht = Formulier(data=data or None)
    snel = snelle_selects(Formulier(data=data or None))

    assert type(snel.fields["status"].widget) is SnelleSelect
    assert isinstance(snel.fields["zoek"].widget, SnelleInvoer)
    for naam in Formulier.base_fields:
        assert str(snel[naam]) == str(verwacht[naam]), naam


@pytest.mark.django_db
def test_a_small_choice_field_reads_its_table_in_one_plain_query():
    Thema.objects.create(naam="B & C", volgorde=2)
    Thema.objects.create(naam="A", volgorde=1)

    class ThemaFormulier(forms.Form):
        thema = KleineKeuzeVeld(queryset=Thema.objects.all(), empty_label="Alle thema's")

    class Verwacht(forms.Form):
        thema = forms.ModelChoiceField(queryset=Thema.objects.all(), empty_label="Alle thema's")

    with CaptureQueriesContext(connection) as queries:
        html = str(ThemaFormulier()["thema"])

    assert len(queries) == 1
    assert "CURSOR" not in queries[0]["sql"].upper()
    assert html == str(Verwacht()["thema"])
    assert html.index(">A<") < html.index(">B &amp; C<")


@pytest.mark.django_db
def test_a_chosen_small_choice_is_checked_against_the_same_read_of_the_table():
    a = Thema.objects.create(naam="A", volgorde=1)

    class ThemaFormulier(forms.Form):
        thema = KleineKeuzeVeld(queryset=Thema.objects.all(), required=False)

    with CaptureQueriesContext(connection) as queries:
        formulier = ThemaFormulier(data={"thema": str(a.pk)})
        assert formulier.is_valid() and formulier.cleaned_data["thema"] == a
        html = str(formulier["thema"])
    assert len(queries) == 1
    assert f'value="{a.pk}" selected' in html

    fout = ThemaFormulier(data={"thema": str(a.pk + 1)})
    assert not fout.is_valid()
    assert fout.errors["thema"] == ["Selecteer een geldige keuze. Deze keuze is niet beschikbaar."]


@pytest.mark.django_db
def test_a_filter_on_a_theme_or_an_owner_adds_at_most_the_owners_lookup(client_voor, pm):
    from tests.programmas.factories import InitiatiefFactory

    initiatief = InitiatiefFactory(eigenaar=pm)
    client = client_voor(pm)
    client.get("/programmas/")

    def tel(params):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/programmas/", params).status_code == 200
        return len(queries)

    kaal = tel({})
    assert tel({"thema": initiatief.thema_id}) == kaal
    # The owner is looked up once to check it; rendering the field reuses that row.
    assert tel({"eigenaar": pm.pk}) == kaal + 1


def test_an_address_by_id_is_what_reverse_gives():
    from django.urls import reverse

    for pk in (0, 7, 123456789):
        assert adres("audits:bevinding", pk) == reverse("audits:bevinding", args=[pk])
    assert adres("home") == reverse("home")
    # Not an id: reverse() itself.
    assert adres("zoeken", "bevinding-eigenaren") == reverse("zoeken", args=["bevinding-eigenaren"])


def test_a_fixed_block_reads_the_script_prefix_once_and_forgets_it_after():
    """`vaste_omgeving` (a table's rows): the prefix of the block's start holds inside
    it, nested blocks keep it, and the next block reads the prefix again."""
    from django.urls import get_script_prefix, set_script_prefix

    from douane_portfolio.adressen import vaste_omgeving

    voor = get_script_prefix()
    try:
        with vaste_omgeving():
            assert adres("audits:bevinding", 7) == "/audits/bevindingen/7/"
            set_script_prefix("/portaal/")
            with vaste_omgeving():
                assert adres("audits:bevinding", 7) == "/audits/bevindingen/7/"
        assert adres("audits:bevinding", 7) == "/portaal/audits/bevindingen/7/"
        with vaste_omgeving():
            assert adres("audits:bevinding", 8) == "/portaal/audits/bevindingen/8/"
    finally:
        set_script_prefix(voor)


@pytest.mark.django_db
def test_a_list_filterset_copies_its_filters_without_sharing_them():
    import django_filters

    from douane_portfolio.lijsten import LijstFilterSet

    class ThemaFilter(LijstFilterSet):
        naam = django_filters.CharFilter(method="filter_naam")
        keuze = django_filters.ChoiceFilter(choices=[("a", "A")], method="filter_naam")

        class Meta:
            model = Thema
            fields = []

        def filter_naam(self, qs, name, value):
            return qs.filter(naam=value)

    Thema.objects.create(naam="A", volgorde=1)
    Thema.objects.create(naam="B", volgorde=2)
    een = ThemaFilter({"naam": "A"}, queryset=Thema.objects.all())
    twee = ThemaFilter({"naam": "B"}, queryset=Thema.objects.all())
    een.filters["keuze"].extra["choices"] = [("b", "B")]

    assert [t.naam for t in een.qs] == ["A"]
    assert [t.naam for t in twee.qs] == ["B"]
    # Each method filter calls its own FilterSet; choices set on one stay there.
    assert een.filters["naam"].filter.f is een.filters["naam"]
    assert twee.filters["naam"].parent is twee
    assert ThemaFilter.base_filters["keuze"].extra["choices"] == [("a", "A")]
    assert twee.filters["keuze"].extra["choices"] == [("a", "A")]
    assert een.form.fields["naam"] is not twee.form.fields["naam"]

"""Property-based: every form of the application, fed arbitrary text, numbers and dates,
answers without a server error, and a refused form stores nothing."""

import datetime
import string
from html.parser import HTMLParser

import pytest
from django import forms
from django.db import connection
from django.forms.formsets import BaseFormSet
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from douane_portfolio import rollen
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.beveiliging.test_parameters import benoemde_urls
from tests.factories import UserFactory
from tests.programmas.factories import (
    IndicatorwaardeFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
)
from tests.risicos.factories import BeheersmaatregelFactory, DialoogrisicoFactory, RisicoFactory

pytestmark = pytest.mark.django_db

STUURTEKENS = "".join(map(chr, range(32))) + "\x7f"
TEKST = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=STUURTEKENS + "ab =+-@", max_size=20),
    st.sampled_from(["", " ", "=1+1", "x" * 10_001, "\x00", "Regel\x0bregel"]),
)
GETAL = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["²", "1e309", "NaN", "-0", "1,5", "0.001", "99999999999999999999.99"]),
    st.text(alphabet=string.digits + "-.,eE", max_size=10),
)
DATUM = st.one_of(
    st.dates().map(datetime.date.isoformat),
    st.sampled_from(["0001-01-01", "9999-12-31", "2023-02-30", "31-12-2023", "²"]),
    st.text(max_size=12),
)


def waarden_voor(veld, huidig):
    """A strategy for one form field: mostly plausible, often hostile."""
    if isinstance(veld, forms.FileField):
        return st.none()
    if isinstance(veld, forms.BooleanField):
        return st.sampled_from(["on", None])
    if isinstance(veld, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        keuzes = [str(k) for k, _ in veld.choices if k != ""][:20]
        return st.lists(st.one_of(st.sampled_from(keuzes or [""]), GETAL), max_size=3)
    if isinstance(veld, forms.ChoiceField | forms.ModelChoiceField):
        keuzes = [str(k) for k, _ in veld.choices if k != ""][:20]
        return st.one_of(st.sampled_from(keuzes or [""]), GETAL, TEKST)
    if isinstance(veld.widget, forms.HiddenInput) and huidig not in (None, ""):
        return st.one_of(st.just(str(huidig)), GETAL)
    if isinstance(veld, forms.DateField):
        return DATUM
    if isinstance(veld, forms.IntegerField):  # also DecimalField, FloatField
        return st.one_of(GETAL, TEKST)
    return TEKST


def velden_op_pagina(context):
    """(name, field, current value) for every form and formset the page shows."""
    gezien = set()
    contexten = context if isinstance(context, list) else [context]
    waarden = [w for c in contexten for w in c.flatten().values()]
    for waarde in waarden:
        formulieren = []
        if isinstance(waarde, forms.BaseForm):
            formulieren = [waarde]
        elif isinstance(waarde, BaseFormSet):
            formulieren = [waarde.management_form, *waarde.forms]
        for formulier in formulieren:
            for veld in formulier:
                if veld.html_name in gezien:
                    continue
                gezien.add(veld.html_name)
                yield veld.html_name, veld.field, veld.value()


def tabellen():
    # Sessions change on every request; a failed log-in or old password is recorded in
    # the axes tables on purpose (that is the throttling).
    return sorted(
        t
        for t in connection.introspection.table_names()
        if t != "django_session" and not t.startswith("axes_")
    )


def tellingen(namen):
    """Row counts of every table in one query; history tables make edits count too."""
    qn = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in namen)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(namen, cursor.fetchone(), strict=True))


@pytest.fixture
def gegevens(db):
    periode = PeriodeFactory()
    rapportage = StatusrapportageFactory(periode=periode)
    mijlpaal = MijlpaalFactory(initiatief=rapportage.initiatief)
    waarde = IndicatorwaardeFactory(periode=periode)
    maatregel = BeheersmaatregelFactory(risicos=[RisicoFactory(gescoord=True)])
    dialoogrisico = DialoogrisicoFactory(risico=maatregel.risicos.get())
    actie = VervolgactieFactory(bevinding=BevindingFactory())
    return {
        "periode_pk": periode.pk,
        "jaar": periode.jaar,
        "indicator_pk": waarde.indicator.pk,
        "pk": sorted(
            {
                periode.pk,
                rapportage.initiatief.pk,
                mijlpaal.pk,
                waarde.pk,
                maatregel.pk,
                maatregel.risicos.get().pk,
                dialoogrisico.dialoog.pk,
                actie.pk,
                actie.bevinding.pk,
                actie.bevinding.rapport.pk,
            }
        ),
    }


class Formulieren(HTMLParser):
    """The POST forms of a page: their action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.formulieren, self.huidig = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.huidig = (attrs.get("action") or "", set())
            self.formulieren.append(self.huidig)
        elif tag in ("input", "select", "textarea") and self.huidig and attrs.get("name"):
            self.huidig[1].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.huidig = None


def formulier_urls(client, gegevens):
    """Every form a superuser is shown on a named URL: (page, action, fields)."""
    gezien = set()
    for naam, patroon in benoemde_urls():
        converters = patroon.pattern.converters
        if any(type(c).__name__ != "IntConverter" for c in converters.values()):
            continue
        kandidaten = gegevens["pk"] if "pk" in converters else [None]
        for pk in kandidaten:
            kwargs = {k: gegevens[k] for k in converters if k != "pk"}
            if pk is not None:
                kwargs["pk"] = pk
            url = reverse(naam, kwargs=kwargs)
            antwoord = client.get(url)
            if antwoord.status_code != 200 or antwoord.context is None:
                continue
            velden = {n: (veld, huidig) for n, veld, huidig in velden_op_pagina(antwoord.context)}
            parser = Formulieren()
            parser.feed(antwoord.content.decode())
            for actie, namen in parser.formulieren:
                doel = actie or url
                bekend = {n: velden[n] for n in namen if n in velden}
                if doel in gezien or not any(
                    not n.endswith(("TOTAL_FORMS", "INITIAL_FORMS")) for n in bekend
                ):
                    continue
                gezien.add(doel)
                yield naam, resolve(doel.split("?")[0]), doel, bekend
            if any(actie in ("", url) for actie, _ in parser.formulieren):
                break


def test_every_form_page_is_fuzzed(client, gegevens):
    client.force_login(UserFactory(is_superuser=True, is_staff=True, rol=rollen.BEHEERDER))
    namen = {doel.view_name for _, doel, *_ in formulier_urls(client, gegevens)}
    # A form page the walk cannot open would silently escape the test below.
    verwacht = {
        "risicos:risico_nieuw",
        "risicos:risico_bewerken",
        "risicos:risico_scoren",
        "risicos:maatregel_nieuw",
        "risicos:maatregel_bewerken",
        "risicos:dialoog_nieuw",
        "risicos:dialoog_sessie",
        "programmas:initiatief_nieuw",
        "programmas:initiatief_bewerken",
        "programmas:mijlpaal_bewerken",
        "programmas:periode_nieuw",
        "audits:bevinding_aanbieden",
        "audits:jaaroordeel_nieuw",
        "programmas:status_indienen",
        "programmas:indicatorwaarde_bewerken",
        "audits:rapport_nieuw",
        "audits:bevinding_nieuw",
        "audits:vervolgactie_nieuw",
        "audits:vervolgactie_bewerken",
        "audits:deadline_verschuiven",
        "mijn_herinneringen",
    }
    assert verwacht - namen == set()


def fuzz(client, alle_tabellen, naam, url, velden):
    strategie = st.fixed_dictionaries(
        {html_naam: waarden_voor(veld, huidig) for html_naam, (veld, huidig) in velden.items()}
    )

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(strategie)
    def probeer(invoer):
        data = {k: v for k, v in invoer.items() if v is not None}
        voor = tellingen(alle_tabellen)
        antwoord = client.post(url, data)
        assert antwoord.status_code < 500, (naam, data)
        if antwoord.status_code == 200:
            na = tellingen(alle_tabellen)
            veranderd = {t: (voor[t], na[t]) for t in alle_tabellen if voor[t] != na[t]}
            assert veranderd == {}, (naam, data)

    probeer()


def test_no_form_gives_a_server_error_and_a_refused_form_stores_nothing(client, gegevens):
    client.force_login(UserFactory(is_superuser=True, is_staff=True, rol=rollen.BEHEERDER))
    alle_tabellen = tabellen()
    for _, doel, url, velden in list(formulier_urls(client, gegevens)):
        fuzz(client, alle_tabellen, doel.view_name, url, velden)

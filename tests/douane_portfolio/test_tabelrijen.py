"""The table rows built in Python (douane_portfolio/tabelrijen.py) are the HTML that
django-tables2's own template renders, for every kind of column the lists use."""

import datetime
import functools
import io
import re

import django_tables2 as tables
import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import resolve
from django_tables2.utils import signature as tables2_signature

from douane_portfolio import rollen
from douane_portfolio.models import User
from douane_portfolio.tabelrijen import actierijen_html, kop_html, rijen_html, signature
from programmas.models import Initiatief, Periodesoort, PeriodeStatus, Trend
from programmas.tables import InitiatiefTabel, TrendKolom
from risicos.models import Beheersmaatregel
from tests.audits.factories import VervolgactieFactory
from tests.factories import UserFactory
from tests.programmas.factories import (
    InitiatiefFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
)
from tests.risicos.factories import (
    BeheersmaatregelFactory,
    RisicodialoogFactory,
    RisicoFactory,
)

pytestmark = pytest.mark.django_db


def _normaal(tekst):
    tekst = re.sub(r">\s+<", "><", tekst)
    return re.sub(r"\s+", " ", tekst).strip()


def django_tables2_rijen(table, request):
    """The `<tr>`s as django-tables2's stock template renders them."""
    html = get_template("django_tables2/table.html").render({"table": table}, request)
    tbody = re.search(r"<tbody[^>]*>(.*)</tbody>", html, re.S).group(1)
    return _normaal(tbody)


# The header as templates/lijsten/tabel.html rendered it with template tags.
KOP = Template(
    """{% load django_tables2 %}<thead {{ table.attrs.thead.as_html }}><tr>
    {% for column in table.columns %}
    <th scope="col" {{ column.attrs.th.as_html }}{% if column.is_ordered %} aria-sort="{% if
    column.order_by_alias.is_descending %}descending{% else %}ascending{% endif %}"{% endif
    %}>{% if column.orderable %}<a href="{% querystring_replace
    table.prefixed_order_by_field=column.order_by_alias.next without table.prefixed_page_field
    'cursor' %}">{{ column.header }}</a>{% else %}{{ column.header }}{% endif %}</th>
    {% endfor %}</tr></thead>""".replace("\n", " ")
)


def django_tables2_kop(table, request):
    return _normaal(KOP.render(Context({"table": table, "request": request})))


def verzoek(user):
    request = RequestFactory().get("/lijst/?sort=x")
    request.user = user
    return request


class AllerleiTabel(tables.Table):
    """One column of every kind the lists use, on purpose with awkward values."""

    omschrijving = tables.Column(linkify=True)
    status = tables.Column()  # choices: the label
    eigenaar = tables.Column()  # a relation: str() of the user
    dialoog_titel = tables.Column(accessor="dialoog__titel", default="geen dialoog")
    dialoog = tables.Column(linkify=lambda record: f"/d/{record.pk}/?a=1&b=2")
    deadline = tables.DateColumn(format="j b Y")
    oorspronkelijke_deadline = tables.DateColumn()
    risicos = tables.ManyToManyColumn()
    bron = tables.Column(empty_values=(), attrs={"td": {"data-id": lambda record: record.pk}})
    nummer = tables.Column(accessor="pk", localize=True, attrs={"td": {"class": "getal"}})
    sjabloon = tables.TemplateColumn("{{ record.pk }}: {{ value|default:'leeg' }} &amp;")
    ja_nee = tables.BooleanColumn(accessor="is_te_laat")
    niet_bestaand = tables.Column(accessor="bestaat__niet")
    eigen = tables.Column(accessor="pk", empty_values=())

    class Meta:
        model = Beheersmaatregel
        fields = ()
        row_attrs = {"data-status": lambda record: record.status, "id": "vast"}
        attrs = {"td": {"title": "cel"}}

    def render_eigen(self, value, record, bound_row):
        return f"<{value} & {record.omschrijving[:3]}>"


def test_every_kind_of_column_renders_as_django_tables2_does():
    vandaag = datetime.date.today()
    risico = RisicoFactory(titel="R & D <b>")
    dialoog = RisicodialoogFactory(titel='Dialoog "1"')
    BeheersmaatregelFactory(
        omschrijving="Maatregel <script>alert(1)</script> & meer",
        risicos=[risico],
        dialoog=dialoog,
        deadline=vandaag - datetime.timedelta(days=3),
        bron="",
    )
    BeheersmaatregelFactory(
        omschrijving="Overkoepelend", deadline=vandaag + datetime.timedelta(days=3), bron="x"
    )
    Beheersmaatregel.objects.update(oorspronkelijke_deadline=vandaag)
    request = verzoek(UserFactory(rol=rollen.BEHEERDER))
    qs = Beheersmaatregel.objects.select_related("eigenaar", "dialoog").order_by("pk")

    tabel = AllerleiTabel(qs, request=request)
    verwacht = django_tables2_rijen(tabel, request)

    assert "&lt;script&gt;" in verwacht and "geen dialoog" in verwacht
    assert _normaal(rijen_html(AllerleiTabel(qs, request=request))) == verwacht


def test_no_rows_give_no_html():
    request = verzoek(UserFactory(rol=rollen.BEHEERDER))
    assert rijen_html(AllerleiTabel(Beheersmaatregel.objects.none(), request=request)) == ""


LIJSTEN = [
    "/programmas/",
    "/programmas/indicatoren/",
    "/risicos/",
    "/risicos/?status=alle&sort=-bruto",
    "/risicos/maatregelen/",
    "/risicos/dialogen/",
    "/audits/",
    "/audits/?sort=-verwacht",
    "/audits/acties/",
    "/audits/rapporten/",
]


@pytest.fixture
def demo(db):
    call_command("laad_demo", stdout=io.StringIO())


def tabel_van_de_lijst(url, user):
    """The table a list view builds for `url` (filtered, sorted and paged)."""
    request = RequestFactory().get(url)
    request.user = user
    view = resolve(request.path).func.view_class()
    view.setup(request)
    view.filterset = view.get_filterset(view.get_filterset_class())
    view.object_list = view.filterset.qs
    return view.get_table(**view.get_table_kwargs()), request


@pytest.mark.parametrize("url", LIJSTEN)
@pytest.mark.parametrize("gebruikersnaam", ["beheerder", "programmamanager"])
def test_every_list_renders_its_rows_as_django_tables2_does(demo, url, gebruikersnaam):
    user = User.objects.get(username=gebruikersnaam)

    tabel, request = tabel_van_de_lijst(url, user)
    verwacht = django_tables2_rijen(tabel, request)

    assert "<tr" in verwacht, url
    assert _normaal(rijen_html(tabel_van_de_lijst(url, user)[0])) == verwacht
    # The header too, with its sort links (the URL's page and cursor left out).
    tabel, request = tabel_van_de_lijst(f"{url}{'&' if '?' in url else '?'}page=2&x=<1>", user)
    assert _normaal(kop_html(tabel, request)) == django_tables2_kop(tabel, request)


def test_a_column_of_choices_members_renders_each_member_once_per_table():
    # The portfolio's trend is a member of Trend, not a str: its cells were rendered
    # (a lazy label each, ~10 µs) for every row instead of once per member.
    aanroepen = []

    class TellendeTrend(TrendKolom):
        def render(self, value):
            aanroepen.append(value)
            return super().render(value)

    class Tabel(InitiatiefTabel):
        trend = TellendeTrend("Trend t.o.v. vorige periode")

    vorige = PeriodeFactory(soort=Periodesoort.T1, status=PeriodeStatus.GESLOTEN)
    periode = PeriodeFactory(soort=Periodesoort.T2, status=PeriodeStatus.GESLOTEN)
    for nu, toen in [("groen", "rood"), ("rood", "groen"), ("oranje", "oranje")] * 2 + [
        ("groen", None)
    ]:
        initiatief = InitiatiefFactory()
        StatusrapportageFactory(initiatief=initiatief, periode=periode, status=nu)
        if toen:
            StatusrapportageFactory(initiatief=initiatief, periode=vorige, status=toen)
    request = verzoek(UserFactory(rol=rollen.BEHEERDER))
    rijen = Initiatief.objects.met_status(periode, vorige).met_mijlpaaltellingen()
    verwacht = django_tables2_rijen(Tabel(rijen, request=request), request)
    aanroepen.clear()

    html = rijen_html(Tabel(rijen, request=request))

    assert sorted(aanroepen, key=str) == sorted([*Trend, None], key=str)
    assert _normaal(html) == verwacht


# templates/includes/acties_tabel.html's rows as the template rendered them before
# actierijen_html: the reference for the rows built in Python.
ACTIERIJEN_SJABLOON = Template(
    """{% for actie in acties %}
    <tr{% if actie.deadline < vandaag %} class="rij-te-laat"{% endif %}>
      <td>
        <time datetime="{{ actie.deadline|date:'Y-m-d' }}">{{ actie.deadline|date:"j b Y" }}</time>
        {% if actie.deadline < vandaag %}<span class="label label-rood">te laat ("""
    """{{ actie.deadline|timesince:vandaag }})</span>{% endif %}
      </td>
      <td>{{ actie.soort|capfirst }}</td>
      <td><a href="{{ actie.get_absolute_url }}">{{ actie }}</a></td>
      <td>{{ actie.context }}</td>
      <td>{{ actie.get_status_display }}</td>
    </tr>
  {% endfor %}"""
)


def test_the_action_rows_are_the_html_the_template_rendered():
    vandaag = datetime.date(2026, 12, 4)
    eigenaar = UserFactory(rol=rollen.PROGRAMMAMANAGER)
    lang = "Een <lange> omschrijving & meer " * 5
    acties = [
        MijlpaalFactory(
            eigenaar=eigenaar,
            omschrijving="Mijlpaal <b>vet</b> & co",
            deadline=datetime.date(2026, 3, 1),
            initiatief=InitiatiefFactory(naam="Initiatief \"A\" <'x'>"),
        ),
        MijlpaalFactory(eigenaar=eigenaar, omschrijving=lang, deadline=vandaag),
        BeheersmaatregelFactory(
            eigenaar=eigenaar,
            deadline=datetime.date(2025, 11, 30),
            status="in_uitvoering",
            risicos=[RisicoFactory(titel="Risico <één>"), RisicoFactory(titel="Twee & drie")],
        ),
        BeheersmaatregelFactory(eigenaar=eigenaar, deadline=datetime.date(2026, 3, 1)),
        VervolgactieFactory(
            eigenaar=eigenaar,
            deadline=datetime.date(2027, 1, 15),
            bevinding__titel="Bevinding > ADR",
        ),
        VervolgactieFactory(eigenaar=eigenaar, deadline=vandaag - datetime.timedelta(days=1)),
    ]

    html = actierijen_html(acties, vandaag)

    verwacht = ACTIERIJEN_SJABLOON.render(Context({"acties": acties, "vandaag": vandaag}))
    assert _normaal(html) == _normaal(verwacht)
    assert html.count('class="rij-te-laat"') == 4
    assert "&lt;b&gt;vet&lt;/b&gt; &amp; co" in html and "Risico &lt;één&gt;" in html


def test_the_signature_read_once_per_function_body_is_the_one_django_tables2_reads():
    def decorator(functie):
        @functools.wraps(functie)
        def wrapper(*args, **kwargs):
            return functie(*args, **kwargs)

        return wrapper

    @decorator
    def met_record(record):
        return record

    @decorator
    def met_alles(value, table, **kwargs):
        return value

    class Kolom:
        def render(self, value, record):
            return value

    def maker(n):
        return lambda record, value: n

    # One decorator's wrapper shares its code object; the signature is the wrapped one's.
    for functie in (met_record, met_alles, Kolom().render, Kolom.render, maker(1), maker(2)):
        assert signature(functie) == tables2_signature(functie), functie
        assert signature(functie) == tables2_signature(functie), functie  # from the cache

from functools import lru_cache

from django import template
from django.utils.html import format_html

from douane_portfolio import opmaak
from douane_portfolio.adressen import adres as _adres
from douane_portfolio.tabelrijen import actierijen_html, kop_html, rijen_html

register = template.Library()

KLEUREN = {"groen", "oranje", "rood"}
STIP = '<span class="status status-{}"><span class="stip" aria-hidden="true"></span>{}</span>'


@register.simple_tag
def status_stip(waarde, label=None, leeg="niet gerapporteerd"):
    """A status as a coloured dot plus its word; a missing status says so."""
    if all(deel is None or type(deel) is str for deel in (waarde, label, leeg)):
        # A list shows the same few statuses on every row: each one is built once.
        return _stip(waarde, label, leeg)
    return _stip.__wrapped__(waarde, label, leeg)


@lru_cache(maxsize=256)
def _stip(waarde, label, leeg):
    if not waarde:
        return format_html(STIP, "geen", leeg)
    # Only the three report colours get a filled dot; other states (no target …) do not.
    klasse = waarde if waarde in KLEUREN else "geen"
    return format_html(STIP, klasse, label or str(waarde).capitalize())


@register.filter
def getal(waarde, decimalen=None):
    return opmaak.getal(waarde, None if decimalen in (None, "") else int(decimalen))


@register.filter
def get(mapping, sleutel):
    """`{{ dict|get:key }}` for keys that are variables."""
    return mapping.get(sleutel) if mapping else None


@register.filter
def datum(waarde):
    """An ISO date or datetime (as in report data), or a year, in Dutch."""
    return "" if waarde in (None, "") else opmaak.datum(waarde)


@register.simple_tag(takes_context=True)
def tabelkop(context, table):
    """The `<thead>` of a django-tables2 table, rendered in Python (tabelrijen.py)."""
    return kop_html(table, context["request"])


@register.simple_tag
def tabelrijen(table):
    """The `<tr>`s of a django-tables2 table, rendered in Python (tabelrijen.py)."""
    return rijen_html(table)


@register.simple_tag
def actierijen(acties, vandaag):
    """The `<tr>`s of a list of actions of every kind, rendered in Python (tabelrijen.py)."""
    return actierijen_html(acties, vandaag)


@register.simple_tag
def adres(viewname):
    """`{% url viewname %}` for a URL without arguments, reversed once (adressen.py):
    the header of every page has a dozen of them."""
    return _adres(viewname)

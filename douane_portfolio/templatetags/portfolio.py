import datetime
from functools import lru_cache

from django import template
from django.template import defaultfilters
from django.utils.html import format_html

from douane_portfolio import opmaak
from douane_portfolio.adressen import adres as _adres
from douane_portfolio.tabelrijen import (
    actierijen_html,
    escape,
    html_regels,
    kop_html,
    rijen_html,
)

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


@register.filter(expects_localtime=True)
def datum_kort(waarde):
    """`|date:"j b Y"` ('3 dec 2026'), remembered per date (opmaak.datum_kort): the
    overview tables format a date or two on each of their rows."""
    if isinstance(waarde, datetime.date):
        return opmaak.datum_kort(waarde)
    return defaultfilters.date(waarde, "j b Y")


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


# The dashboard's status per theme: a ministry has forty themes of five statuses, and
# the template engine took a third of the page's time on these loops (issue 13).


@register.simple_tag
def statusbalken(themas):
    """A stacked bar per theme (`rapportage.dashboard.overzicht`)."""
    delen = []
    for t in themas:
        vlakken = "".join(
            f'<rect class="vlak-{escape(s)}" x="{x}" y="0" width="{w}" height="10">'
            f"<title>{escape(label)}: {opmaak.getal(n)}</title></rect>"
            for s, label, n, x, w in t["balk"]
        )
        delen.append(
            f'<div class="balkrij"><span class="balklabel">{escape(t["naam"])}</span>'
            '<svg class="balk" viewBox="0 0 100 10" preserveAspectRatio="none" '
            f'focusable="false">{vlakken}</svg></div>'
        )
    # Every value went through escape() or getal(); x and w are floats.
    return html_regels(delen)


@register.simple_tag
def statusrijen(themas):
    """A table row per theme: the number per status, the change since the previous
    period in brackets, and the total."""
    delen = []
    for t in themas:
        verschil = t["verschil"]
        cellen = []
        for s, _label, n in t["tellingen"]:
            tekst = opmaak.getal(n)
            if verschil:
                v = verschil.get(s)
                teken = "+" if v is not None and v > 0 else ""
                tekst += f' <small class="verschil">({teken}{opmaak.getal(v)})</small>'
            cellen.append(f'<td class="getal">{tekst}</td>')
        delen.append(
            f'<tr><th scope="row">{escape(t["naam"])}</th>{"".join(cellen)}'
            f'<td class="getal">{opmaak.getal(t["totaal"])}</td></tr>'
        )
    # Names went through escape(), numbers through getal(); the rest is markup.
    return html_regels(delen)


# `|pluralize:"'s"`, escaped as the template printed it.
_MEERVOUD = escape("'s")


@register.simple_tag
def heatmaprijen(kaart):
    """The `<tr>`s of a heat map (risicos.heatmap.kaart): 25 cells of a dozen values each,
    on the dashboard and in the report."""
    delen = []
    for rij in kaart["rijen"]:
        cellen = []
        for cel in rij["cellen"]:
            aantal = cel["aantal"]
            aantal_tekst = opmaak.getal(aantal)
            leeg = "" if aantal else " cel-leeg"
            label = (
                f"Kans {escape(cel['kans'])}, impact {escape(cel['impact'])}: "
                f"{aantal_tekst} risico{'' if aantal == 1 else _MEERVOUD}"
            )
            inhoud = (
                f'<span class="cel-aantal">{aantal_tekst}</span>'
                f'<span class="cel-score" aria-hidden="true">{escape(cel["score"])}</span>'
            )
            if cel["url"]:
                inhoud = f'<a href="{escape(cel["url"])}" aria-label="{label}">{inhoud}</a>'
            else:
                inhoud = f'<span class="cel-inhoud" aria-label="{label}">{inhoud}</span>'
            cellen.append(f'<td class="cel cel-{escape(cel["niveau"])}{leeg}">{inhoud}</td>')
        delen.append(f'<tr><th scope="row">{escape(rij["label"])}</th>{"".join(cellen)}</tr>')
    # Every value went through escape() or getal(); the rest is markup.
    return html_regels(delen)

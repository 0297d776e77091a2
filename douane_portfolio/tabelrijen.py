"""The rows of a django-tables2 table as one HTML string, built in Python.

django-tables2 renders every cell through the template engine, inspects the signature
of the column's `render` again for every cell and resolves each value by trying a dict
lookup first (an exception per cell on a model): for a page of 50 rows and a dozen
columns that was most of a list page's time. Here whatever is the same for every cell
of a column is worked out once per column: the arguments `render` wants, the `<td>`
attributes (when they do not depend on the row), the labels of a field's choices.
The HTML is the same as django-tables2's `table.html` gives (whitespace aside), which
tests/douane_portfolio/test_tabelrijen.py checks column type by column type.
"""

import datetime
import enum
import html
from functools import partialmethod
from inspect import getattr_static

from django.db import models
from django.template import Context, Template
from django.utils import dateformat
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.timesince import timesince
from django.utils.timezone import template_localtime
from django_tables2 import BooleanColumn, Column, TemplateColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.utils import A, AttributeDict
from django_tables2.utils import signature as _signature

from .adressen import vaste_omgeving

# Stands for "take the slow, general way" in the fast paths below.
_ALGEMEEN = object()
# A cell whose accessor leads nowhere, in a link column with a text of its own.
_GEEN_VELD = object()


_HANDTEKENINGEN = {}


def signature(functie):
    """django_tables2.utils.signature, read once per function body: it runs
    inspect.signature, ~20 µs, for every column of every table on every request. The
    arguments follow from the code object alone (names and flags), shared by every
    bound method and every closure of one function; whether `self` is bound is part of
    the key. A decorated function (its signature is the wrapped one's) or anything
    without a plain code object takes the general way."""
    kern = getattr(functie, "__func__", functie)
    code = getattr(kern, "__code__", None)
    if code is None or hasattr(kern, "__wrapped__") or hasattr(kern, "__signature__"):
        return _signature(functie)
    sleutel = (code, hasattr(functie, "__self__"))
    uitkomst = _HANDTEKENINGEN.get(sleutel)
    if uitkomst is None:
        uitkomst = _HANDTEKENINGEN[sleutel] = _signature(functie)
    return uitkomst


def _hangt_af_van_de_rij(attrs):
    """Whether attributes contain a callable (computed per cell from record or value)."""
    for waarde in attrs.values():
        if callable(waarde):
            return True
        if isinstance(waarde, dict) and _hangt_af_van_de_rij(waarde):
            return True
    return False


def _als_tekst(waarde, localiseren):
    """What `{{ cell }}`, `{{ cell|localize }}` or `{{ cell|unlocalize }}` print."""
    if isinstance(waarde, SafeData):
        return waarde
    if type(waarde) is str:
        # django.utils.html.escape without its lazy-string wrapper: the same output.
        return html.escape(waarde)
    if callable(waarde) and not getattr(waarde, "do_not_call_in_templates", False):
        waarde = waarde()  # as a template variable would be
    waarde = template_localtime(waarde)
    if localiseren is None:
        waarde = localize(waarde)
    else:
        waarde = str(localize(waarde, use_l10n=localiseren))
    return conditional_escape(waarde)


# Values whose text depends only on the value (and the request's language and time
# zone, the same for the whole table): localized once per value and column.
_ONTHOUDEN = (int, datetime.date)

# Values that compare equal only when they print the same (no 1 == 1.0 == True across
# types: the key holds the type too): the cell of a column whose render takes the value
# alone is built once per such value and table.
_PER_WAARDE = frozenset((str, int, bool, type(None), datetime.date, datetime.datetime))


def escape(waarde):
    """django.utils.html.conditional_escape without its lazy-string wrapper per call."""
    if type(waarde) is str:
        return html.escape(waarde)
    if hasattr(waarde, "__html__"):
        return waarde.__html__()
    return html.escape(str(waarde))


def html_regels(delen):
    """Lines of markup whose values each went through escape() (or are safe already),
    joined as one safe string: the rows a table or block renders in Python."""
    return mark_safe("\n".join(delen))  # nosec B308 B703


def html_invullen(sjabloon, *waarden):
    """format_html() for the cells of a list: the same result, without the lazy-string
    checks format_html makes for every argument (a list page has a thousand)."""
    # Every value went through escape(); the template is markup.
    return SafeString(sjabloon.format(*map(escape, waarden)))  # nosec B703


def _lees(record, bits):
    """Accessor.resolve() for a chain of plain attributes on model instances; anything
    else (a dict, a callable, a missing attribute) answers _ALGEMEEN."""
    huidig = record
    for bit in bits:
        if not isinstance(huidig, models.Model):
            return _ALGEMEEN
        try:
            huidig = getattr(huidig, bit)
        except Exception:
            return _ALGEMEEN
        if callable(huidig):
            return _ALGEMEEN
        if huidig is None:
            break
    return huidig


def _standaard_weergave(model, naam):
    """The field of get_<naam>_display() when the model has Django's own method, so
    its labels can be looked up once per column; None when the model overrides it."""
    methode = getattr_static(model, f"get_{naam}_display", None)
    if isinstance(methode, partialmethod) and methode.func is models.Model._get_FIELD_display:
        return methode.keywords.get("field")
    return None


class _Kolom:
    """What a column's cells share, worked out once per table."""

    def __init__(self, bound_column):
        self.bound_column = bound_column
        self.column = column = bound_column.column
        self.table = bound_column._table
        self.render = bound_column.render
        if (
            isinstance(column, TemplateColumn)
            and column.template_code
            and getattr(self.render, "__func__", None) is TemplateColumn.render
        ):
            # TemplateColumn (and DateColumn) compile their template for every cell.
            self.sjabloon = Template(column.template_code)
            self.render = self._sjabloon_render
        self.argumenten, self.alles = signature(self.render)
        # Column.render returns the value as it is.
        self.doorgeven = getattr(self.render, "__func__", None) is Column.render
        self.link = bound_column.link
        # A link without attributes of its own: `<a href="…">`, the URL from the object
        # (linkify=True) or from a function of the row (linkify=lambda record: …).
        self.link_functie = None
        if self.link is not None and not self.link.attrs and callable(self.link.url):
            self.link_functie = self.link.url
            self.link_argumenten = signature(self.link.url)
        self.eenvoudige_link = self.link_functie is not None or (
            self.link is not None
            and not self.link.attrs
            and self.link.url is None
            and not self.link.reverse_args
        )
        self.default = bound_column.default
        self.localiseren = bound_column.localize
        self.accessor = A(bound_column.accessor)
        self.bits = self.accessor.bits
        pad, _, self.rest = self.accessor.rpartition(self.accessor.SEPARATOR)
        self.pad = A(pad) if pad else None
        self.pad_bits = self.pad.bits if pad else ()
        self.heeft_keuzes = None  # whether the field behind the accessor has choices
        self.labels = {}  # model class -> {value: label}, or None for its own method
        # linkify=True: the URL of the object the column's name leads to, else the row's
        # (LinkTransform.compose_url), looked up without an Accessor per cell.
        self.link_naar_object = (
            self.eenvoudige_link
            and self.link.accessor is None
            and not self.link.reverse_args
            and self.bound_column.name is not None
        )
        self.link_bits = A(bound_column.name).bits if self.link_naar_object else ()
        self.teksten = {}  # (type, value) -> its text, for _ONTHOUDEN
        self.link_kolom = isinstance(column, BaseLinkColumn)
        self.veel_op_veel = isinstance(column, ManyToManyColumn)
        ruw = {**self.table.attrs, **column.attrs}
        self.td_per_cel = _hangt_af_van_de_rij(ruw.get("td", ruw.get("cell", {})))
        self.td = None if self.td_per_cel else bound_column.attrs["td"].as_html()
        self.render_aanroep = self._aanroeper(self.render, self.argumenten, self.alles)
        # Nothing counts as empty and neither render nor a link takes the value: the
        # cell does not need it (reading a many-to-many accessor makes a manager).
        self.zonder_waarde = (
            column.empty_values == ()
            and not self.alles
            and "value" not in self.argumenten
            and not self.doorgeven
            and self.link is None
            and not self.veel_op_veel
        )
        if self.link_functie is not None:
            self.link_aanroep = self._aanroeper(self.link_functie, *self.link_argumenten)
        # (type, value) -> the cell's <td>, for a column whose cell depends on its value
        # alone: rendered as it is or by a render(value), no link, the same attributes.
        self.per_waarde = None
        self.ja_nee_onbekend = False
        if not self.link and not self.td_per_cel:
            if self.doorgeven or (not self.alles and self.argumenten == ("value",)):
                self.per_waarde = {}
            elif getattr(self.render, "__func__", None) is BooleanColumn.render:
                self.ja_nee_onbekend = True

    def _aanroeper(self, functie, argumenten, alles):
        """`functie` as f(row, value), called with the arguments it takes, as
        call_with_appropriate() would; the common signatures without a dict per cell."""
        if not alles:
            if argumenten == ("record",):
                return lambda row, value: functie(record=row.record)
            if argumenten == ("value",):
                return lambda row, value: functie(value=value)
            if sorted(argumenten) == ["record", "value"]:
                return lambda row, value: functie(record=row.record, value=value)
        return lambda row, value: self._roep(functie, argumenten, alles, row, value)

    def _sjabloon_render(self, record, table, value, bound_column, **kwargs):
        # TemplateColumn.render with the template compiled once.
        context = getattr(table, "context", Context())
        eigen = self.column.get_context_data(
            record=record, table=table, value=value, bound_column=bound_column, **kwargs
        )
        with context.update(eigen):
            context["request"] = getattr(table, "request", None)
            return self.sjabloon.render(context)

    def html(self, row):
        if self.per_waarde is not None and isinstance(row.record, models.Model):
            value = self._waarde(row.record)
            if value is not _GEEN_VELD:
                soort = type(value)
                if soort in _PER_WAARDE or isinstance(value, enum.Enum):
                    # A member of choices (Trend.BETER) prints as its own value does.
                    sleutel = (soort, value)
                elif isinstance(value, models.Model) and value.pk is not None:
                    # The same row of the same query: the same text.
                    sleutel = (soort, value.pk)
                else:
                    return self._td(row, self._weergave(row, value))
                cel = self.per_waarde.get(sleutel)
                if cel is None:
                    cel = self.per_waarde[sleutel] = self._td(row, self._weergave(row, value))
                return cel
        return self._td(row, self.cel(row))

    def _td(self, row, inhoud):
        if self.td_per_cel:
            self.bound_column.current_value = inhoud
            self.bound_column.current_record = row.record
            td = self.bound_column.attrs["td"].as_html()
        else:
            td = self.td
        soort = type(inhoud)
        if soort in _ONTHOUDEN:
            sleutel = (soort, inhoud)
            tekst = self.teksten.get(sleutel)
            if tekst is None:
                tekst = self.teksten[sleutel] = _als_tekst(inhoud, self.localiseren)
        else:
            tekst = _als_tekst(inhoud, self.localiseren)
        return f"<td {td}>{tekst}</td>"

    def cel(self, row):
        """BoundRow.get_cell(): the value by the accessor (or the label of the field's
        choices), the default when it is empty, else what the column renders of it."""
        record = row.record
        if not isinstance(record, models.Model):
            return row._get_and_render_with(
                self.bound_column, self._roep_render_voor(row), self.default
            )
        if self.zonder_waarde:
            return self._roep_render(row, None)
        value = self._waarde(record)
        if value is _GEEN_VELD:
            return self._roep_render(row, None)
        return self._weergave(row, value)

    def _waarde(self, record):
        """The cell's value; _GEEN_VELD for a link column with a text of its own whose
        accessor leads nowhere."""
        value = None
        remainder = self.rest
        voorlaatste = _lees(record, self.pad_bits) if self.pad else record
        if voorlaatste is _ALGEMEEN:
            voorlaatste = self.pad.resolve(record, quiet=True)
        if isinstance(voorlaatste, models.Model):
            label = self._label(record, voorlaatste, remainder)
            if label is not _ALGEMEEN:
                value, remainder = label, None
        if remainder:
            value = _lees(record, self.bits)
            if value is _ALGEMEEN:
                try:
                    value = self.accessor.resolve(record)
                except Exception:
                    # A column that is not a field (django-tables2 issue #257).
                    if self.link_kolom and self.column.text is not None:
                        return _GEEN_VELD
                    value = None
        if self.ja_nee_onbekend:
            self._ja_nee(record)
        return value

    def _ja_nee(self, record):
        # BooleanColumn looks up the field for every cell, to map a choice's label back
        # to its value; without choices its cell depends on the value alone.
        self.ja_nee_onbekend = False
        try:
            veld = self.accessor.get_field(record)
        except Exception:
            return
        if not getattr(veld, "choices", None):
            self.per_waarde = {}

    def _weergave(self, row, value):
        if value in self.column.empty_values or (self.veel_op_veel and not value.exists()):
            return self.default
        return self._roep_render(row, value)

    def _label(self, record, voorlaatste, naam):
        """get_<naam>_display() when the field has choices, from labels read once per
        column; _ALGEMEEN when it has none."""
        if self.heeft_keuzes is None:
            veld = self.accessor.get_field(record)
            self.heeft_keuzes = bool(getattr(veld, "choices", ()))
        if not self.heeft_keuzes:
            return _ALGEMEEN
        soort = type(voorlaatste)
        if soort not in self.labels:
            veld = _standaard_weergave(soort, naam)
            self.labels[soort] = veld and {
                make_hashable(k): force_str(v, strings_only=True) for k, v in veld.flatchoices
            }
        labels = self.labels[soort]
        if labels is None:  # the model's own get_<naam>_display, or none at all
            weergave = getattr(voorlaatste, f"get_{naam}_display", None)
            return weergave() if weergave else _ALGEMEEN
        waarde = getattr(voorlaatste, naam)
        sleutel = waarde if type(waarde) in (str, int) else make_hashable(waarde)
        return force_str(labels.get(sleutel, waarde), strings_only=True)

    def _href_van_functie(self, row, value):
        # LinkTransform.compose_url: call_with_appropriate() with the signature read once.
        return self.link_aanroep(row, value)

    def _roep(self, functie, argumenten, alles, row, value):
        """`functie` with the arguments it takes (its signature read once, in __init__);
        None when it asks for one a cell does not have."""
        kwargs = {
            "value": value,
            "record": row.record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": self.table,
        }
        if alles:
            return functie(**kwargs)
        if any(naam not in kwargs for naam in argumenten):
            return None
        return functie(**{naam: kwargs[naam] for naam in argumenten})

    def _href(self, record):
        if self.link_naar_object:
            doel = _lees(record, self.link_bits)
            if doel is not _ALGEMEEN:
                if not hasattr(doel, "get_absolute_url"):
                    doel = record
                if hasattr(doel, "get_absolute_url"):
                    return doel.get_absolute_url()
        return self.link.compose_url(record=record, bound_column=self.bound_column)

    def _roep_render_voor(self, row):
        return lambda bound_column, value=None: self._roep_render(row, value)

    def _roep_render(self, row, value):
        if self.doorgeven and not self.link:
            return value
        inhoud = value if self.doorgeven else self.render_aanroep(row, value)
        if not self.link:
            return inhoud
        if self.link_functie is not None:
            href = self._href_van_functie(row, value)
            if href is None:
                return inhoud
            return html_invullen('<a href="{}">{}</a>', href, inhoud)
        if self.eenvoudige_link:
            href = self._href(row.record)
            if href is None:
                return inhoud
            return html_invullen('<a href="{}">{}</a>', href, inhoud)
        return self.link(
            inhoud,
            value=value,
            record=row.record,
            column=self.column,
            bound_column=self.bound_column,
            bound_row=row,
            table=self.table,
        )


class _Exportwaarde(_Kolom):
    """BoundRow.get_cell_value(): the column's `value` (`value_<naam>`), no link, no
    default, with the same work done once per column as for the HTML."""

    def __init__(self, bound_column):
        super().__init__(bound_column)
        self.render = bound_column.value
        self.argumenten, self.alles = signature(self.render)
        self.render_aanroep = self._aanroeper(self.render, self.argumenten, self.alles)
        self.zonder_waarde = False
        self.doorgeven = (
            getattr(self.render, "__func__", None) is Column.value
            and getattr(self.column.render, "__func__", None) is Column.render
        )
        self.link = None
        self.default = None


def exportwaarden(table, namen):
    """A function that gives the export values of a BoundRow for the columns `namen`:
    Table.as_values() without its per-cell signature inspection."""
    kolommen = [_Exportwaarde(table.columns[naam]) for naam in namen]
    return lambda row: [kolom.cel(row) for kolom in kolommen]


def _attribuut(naam, waarde):
    # AttributeDict.as_html: format_html('{}="{}"', ...), escaped unless already safe.
    return f'{escape(naam)}="{escape(waarde)}"'


class _Rijattributen:
    """BoundRow.attrs.as_html() with the table's `row_attrs` read once: the attributes
    without a callable are the same for every row, the callables' arguments are
    looked up once instead of by signature inspection per row."""

    def __init__(self, table):
        self.attrs = table.row_attrs
        self.per_rij = []  # (name, None, static value) or (name, callable, (args, alles))
        for naam, waarde in self.attrs.items():
            if isinstance(waarde, dict):  # nested: django-tables2's own way
                self.per_rij = None
                return
            if callable(waarde):
                self.per_rij.append((naam, waarde, signature(waarde)))
            else:
                self.per_rij.append((naam, None, waarde))
        # The even/odd class -> the HTML, when nothing depends on the row; else None.
        self.vast = None if any(functie for _, functie, _ in self.per_rij) else {}
        self.per_waarden = {}

    def html(self, row):
        if self.per_rij is None:
            return row.attrs.as_html()
        css = row.get_even_odd_css_class()
        if self.vast is None:
            return self._rij(row, css)
        if css not in self.vast:
            self.vast[css] = self._rij(row, css)
        return self.vast[css]

    def _rij(self, row, css):
        # computed_values() with call_with_appropriate(), then the even/odd class; the
        # HTML is built once per combination of values (most rows share one).
        kwargs = {"table": row.table, "record": row.record}
        waarden = {}
        for naam, functie, waarde in self.per_rij:
            if functie is not None:
                argumenten, alles = waarde
                if alles:
                    waarde = functie(**kwargs)
                elif any(a not in kwargs for a in argumenten):
                    waarde = None
                else:
                    waarde = functie(**{a: kwargs[a] for a in argumenten})
            waarden[naam] = waarde
        # With the types: True and 1 are one key, but print otherwise.
        sleutel = (css, *((type(w), w) for w in waarden.values()))
        try:
            return self.per_waarden[sleutel]
        except KeyError:
            tekst = self.per_waarden[sleutel] = self._rij_html(waarden, css)
        except TypeError:  # a value that cannot be a key
            tekst = self._rij_html(waarden, css)
        return tekst

    def _rij_html(self, waarden, css):
        if waarden.get("class"):
            waarden["class"] += " " + css
        else:
            waarden["class"] = css
        delen = []
        for naam, waarde in waarden.items():
            waarde = waarde() if callable(waarde) else waarde
            if naam not in AttributeDict.blacklist and waarde is not None:
                delen.append(_attribuut(naam, waarde))
        return " ".join(delen)


def rijen_html(table):
    """`<tr>`s of the table's current page (or all its rows when it is not paged)."""
    kolommen = [_Kolom(bound_column) for bound_column in table.columns]
    rijattributen = _Rijattributen(table)
    delen = []
    with vaste_omgeving():
        for row in table.paginated_rows:
            cellen = "".join(kolom.html(row) for kolom in kolommen)
            delen.append(f"<tr {rijattributen.html(row)}>{cellen}</tr>")
    # Every cell went through _als_tekst (escaped unless already safe) and every
    # attribute through AttributeDict.as_html (escaped): the join adds only markup.
    return html_regels(delen)


def kop_html(table, request, zonder=("cursor",)):
    """The `<thead>` of templates/lijsten/tabel.html: a header per column, a sort link
    where it may be sorted (`{% querystring_replace sort=… without page cursor %}`),
    `aria-sort` on the sorted one. The template did this with five tags per column."""
    basis = dict(request.GET)
    veld = table.prefixed_order_by_field
    weg = (table.prefixed_page_field, *zonder)
    cellen = []
    for column in table.columns:
        th = column.attrs["th"].as_html()
        sortering = ""
        if column.is_ordered:
            richting = "descending" if column.order_by_alias.is_descending else "ascending"
            sortering = f' aria-sort="{richting}"'
        kop = conditional_escape(column.header)
        if column.orderable:
            params = {**basis, veld: column.order_by_alias.next}
            for naam in weg:
                params.pop(naam, None)
            href = html.escape("?" + urlencode(params, doseq=True))
            kop = f'<a href="{href}">{kop}</a>'
        cellen.append(f'<th scope="col" {th}{sortering}>{kop}</th>')
    rij = "\n  ".join(cellen)
    # The header texts went through conditional_escape, the URLs and attributes through
    # escape (AttributeDict.as_html): the rest is markup.
    kop = f"<thead {table.attrs['thead'].as_html()}>\n  <tr>\n  {rij}\n  </tr>\n</thead>"
    return mark_safe(kop)  # nosec B308 B703


def actierijen_html(acties, vandaag):
    """The `<tr>`s of templates/includes/acties_tabel.html (Mijn acties, the dashboard):
    the template rendered five lookups and three filters for each of a manager's
    hundreds of actions. Here the deadline's cell is built once per date, the kind and
    the status labels once per kind of action."""
    deadlines, soorten, statussen, delen = {}, {}, {}, []
    with vaste_omgeving():
        for actie in acties:
            deadline = actie.deadline
            begin = deadlines.get(deadline)
            if begin is None:
                begin = deadlines[deadline] = _deadline_html(deadline, vandaag)
            model = type(actie)
            soort = soorten.get(model)
            if soort is None:
                soort = soorten[model] = escape(capfirst(actie.soort()))
            status = statussen.get((model, actie.status))
            if status is None:
                status = statussen[(model, actie.status)] = escape(actie.get_status_display())
            delen.append(
                f"{begin}<td>{soort}</td>"
                f'<td><a href="{escape(actie.get_absolute_url())}">{escape(str(actie))}</a></td>'
                f"<td>{escape(actie.context)}</td><td>{status}</td></tr>"
            )
    # Every value went through escape(); the rest is markup.
    return html_regels(delen)


def _deadline_html(deadline, vandaag):
    """`<tr>` and the deadline's cell: the date, and how late when it has passed."""
    tekst = escape(dateformat.format(deadline, "j b Y"))
    cel = f'<td><time datetime="{deadline.isoformat()}">{tekst}</time>'
    if deadline < vandaag:
        te_laat = escape(timesince(deadline, vandaag))
        label = f'<span class="label label-rood">te laat ({te_laat})</span>'
        return f'<tr class="rij-te-laat">{cel}{label}</td>'
    return f"<tr>{cel}</td>"

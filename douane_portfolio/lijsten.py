"""The one list-view base: a queryset, a FilterSet and a Table (NetBox style).

Every list gets the same filtering, sorting, pagination and export of the filtered
rows (`?_export=csv|xlsx`, streamed, with the headers shown on screen; see
`exporteren`). Pagination is keyset (`bladeren.py`): no COUNT(*) and no deep OFFSET,
so the last page costs what the first does.
"""

import copy

import django_filters
from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django_filters.filters import FilterMethod
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from rules.contrib.views import PermissionRequiredMixin

from .bladeren import bladeren
from .exporteren import StreamendeExportMixin


class _KeuzesInEenQuery(ModelChoiceIterator):
    """The choices of a small table read as a plain query. ModelChoiceIterator uses
    QuerySet.iterator(), which on PostgreSQL opens a server-side cursor (WITH HOLD
    outside a transaction): a declare, a fetch and a close for a dozen rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.rijen():
            yield self.choice(obj)


class KleineKeuzeVeld(forms.ModelChoiceField):
    """The small table is read once per form: for the choice list and for checking the
    chosen value (ModelChoiceField would ask the database for that one row again)."""

    iterator = _KeuzesInEenQuery
    _rijen = None

    def rijen(self):
        # Keyed by the queryset itself: a copied field (each form) or a new queryset
        # (django-filter sets one per request) reads its own.
        if self._rijen is None or self._rijen[0] is not self.queryset:
            self._rijen = (self.queryset, list(self.queryset))
        return self._rijen[1]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        sleutel = self.to_field_name or "pk"
        if isinstance(value, self.queryset.model):
            value = getattr(value, sleutel)
        for obj in self.rijen():
            if str(getattr(obj, sleutel)) == str(value):
                return obj
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class KleineKeuzeFilter(django_filters.ModelChoiceFilter):
    """A select of a small table (themes, periods); large ones take a `ZoekFilter`."""

    field_class = KleineKeuzeVeld


def _attributen(attrs):
    # django/forms/widgets/attrs.html
    return "".join(
        f" {conditional_escape(naam)}"
        + ("" if waarde is True else f'="{conditional_escape(str(waarde))}"')
        for naam, waarde in attrs.items()
        if waarde is not False
    )


class SnelleSelect(forms.Select):
    """forms.Select with its HTML built in Python: the stock widget renders a template
    per option (three with the attributes), most of a filter form's cost. The same
    HTML as django/forms/widgets/select.html, which tests/douane_portfolio/
    test_lijsten_filters.py checks; option groups and other renderers take the template."""

    def render(self, name, value, attrs=None, renderer=None):
        if (renderer or get_default_renderer()).__class__ is not DjangoTemplates:
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        if widget["template_name"] != forms.Select.template_name:
            return super().render(name, value, attrs, renderer)
        delen = [f'<select name="{conditional_escape(widget["name"])}"']
        delen.append(f"{_attributen(widget['attrs'])}>")
        for groep, opties, _ in widget["optgroups"]:
            if groep:
                return super().render(name, value, attrs, renderer)
            for optie in opties:
                if (
                    optie["template_name"] != forms.Select.option_template_name
                    or not isinstance(optie["label"], str)  # {{ }} would localize it
                ):
                    return super().render(name, value, attrs, renderer)
                waarde = conditional_escape(str(optie["value"]))
                delen.append(
                    f'\n  <option value="{waarde}"{_attributen(optie["attrs"])}>'
                    f"{conditional_escape(optie['label'])}</option>\n"
                )
        delen.append("\n</select>")
        # Every value went through conditional_escape; the rest is markup.
        return mark_safe("".join(delen))  # nosec B308 B703


# Django's templates of single <input>s: each only includes input.html.
_INVOERSJABLONEN = {
    f"django/forms/widgets/{naam}.html"
    for naam in ("input", "text", "number", "date", "email", "url", "search", "tel", "hidden")
}


class SnelleInvoer:
    """An <input> widget (text, number, date, hidden …, also ZoekWidget) with its HTML
    built in Python: the same as django/forms/widgets/input.html with attrs.html, two
    templates per field (tests/douane_portfolio/test_lijsten_filters.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        if (renderer or get_default_renderer()).__class__ is not DjangoTemplates or (
            self.template_name not in _INVOERSJABLONEN
        ):
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        waarde = ""
        if widget["value"] is not None:
            waarde = f' value="{conditional_escape(str(widget["value"]))}"'
        invoer = (
            f'<input type="{conditional_escape(widget["type"])}" '
            f'name="{conditional_escape(widget["name"])}"{waarde}{_attributen(widget["attrs"])}>'
        )
        # Every value went through conditional_escape; the rest is markup.
        return mark_safe(invoer)  # nosec B308 B703


_SNELLE_INVOER = {}  # widget class -> its subclass with SnelleInvoer


def snelle_selects(form):
    """Give the form's plain select boxes the Python rendering of SnelleSelect, and its
    <input>s that of SnelleInvoer."""
    for veld in form.fields.values():
        soort = type(veld.widget)
        if soort is forms.Select:
            veld.widget.__class__ = SnelleSelect
        elif issubclass(soort, forms.widgets.Input) and not issubclass(soort, SnelleInvoer):
            if soort not in _SNELLE_INVOER:
                _SNELLE_INVOER[soort] = type(soort.__name__, (SnelleInvoer, soort), {})
            veld.widget.__class__ = _SNELLE_INVOER[soort]
    return form


def _filterkopie(filter_):
    """A filter for one FilterSet instance, as deepcopy() gave it: its own `extra`, no
    field of another request, its `method` bound to the copy. The values themselves are
    shared: a field copies its widget, a model choice field its queryset (`.all()`)."""
    kopie = copy.copy(filter_)
    kopie.extra = dict(filter_.extra)
    kopie.__dict__.pop("_field", None)
    if isinstance(filter_.__dict__.get("filter"), FilterMethod):
        kopie.filter = FilterMethod(kopie)
    return kopie


class _Filters(dict):
    # FilterSet.__init__ deep-copies its filters: their choices, widgets and querysets
    # (a Query each) for every page view: most of what building a filter form cost.
    def __deepcopy__(self, memo):
        return {naam: _filterkopie(f) for naam, f in self.items()}


class _EigenVelden(dict):
    # The fields of a form class django-filter makes for one FilterSet instance, from
    # fields made for it: the one form of that class may take them without a copy.
    def __deepcopy__(self, memo):
        return dict(self)


class LijstFilterSet(django_filters.FilterSet):
    """The FilterSet of a list: the same filters, without the deep copies of filters and
    form fields that no other request shares."""

    @classmethod
    def get_filters(cls):
        return _Filters(super().get_filters())

    def get_form_class(self):
        form = super().get_form_class()
        form.base_fields = _EigenVelden(form.base_fields)
        return form


class LijstView(PermissionRequiredMixin, StreamendeExportMixin, SingleTableMixin, FilterView):
    template_name = "lijsten/lijst.html"
    titel = ""
    intro = ""

    def get_queryset(self):
        qs = super().get_queryset()
        # Reading is scoped in SQL, never by loading permitted ids into Python.
        if hasattr(qs, "zichtbaar_voor"):
            qs = qs.zichtbaar_voor(self.request.user)
        return qs

    def get(self, request, *args, **kwargs):
        if "per_page" in request.GET:
            # The page size is the application's, not the URL's: django-tables2 would take
            # per_page=-2 (a server error) or per_page=10**9 (every row at once).
            request.GET = request.GET.copy()
            del request.GET["per_page"]
        return super().get(request, *args, **kwargs)

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        if filterset is not None:
            snelle_selects(filterset.form)
        return filterset

    def get_table_pagination(self, table):
        # Paged by `bladeren` in get_table, not by a Django paginator.
        return False

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        if self.request.GET.get(self.export_trigger_param) is None:
            bladeren(table, self.request.GET, settings.LIJST_PAGINA_GROOTTE)
        return table

    def get_export_filename(self, export_format):
        naam = slugify(self.titel) or self.model._meta.verbose_name_plural
        return f"{naam}-{timezone.localdate():%Y-%m-%d}.{export_format}"

    def export_titel(self):
        return (self.titel or "export")[:31]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = self.titel
        context["intro"] = self.intro
        context["export_formats"] = self.export_formats
        return context

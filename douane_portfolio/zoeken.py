"""Search-as-you-type for filters with thousands of choices (owners, risks …).

A filter names a source (`zoekbron`); the source says who may search it, what it may
show that user and on which fields it searches. The page renders one text field
instead of a `<select>` of every row; `static/js/zoeken.js` fills a `<datalist>` from
`/zoeken/<bron>/?q=…` (at most `MAX_RESULTATEN` rows, one query) and puts the chosen
id in the URL parameter. Without JavaScript the field takes an id or a name.
"""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.forms.utils import flatatt
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET

from .parameters import id_uit
from .tekst import schone_tekst

MAX_RESULTATEN = 20
MIN_TEKENS = 1

_BRONNEN = {}


class Zoekbron:
    def __init__(self, naam, *, queryset, permissie, velden, volgorde):
        self.naam = naam
        self._queryset = queryset
        self.permissie = permissie
        self.velden = velden
        self.volgorde = volgorde

    def mag(self, user):
        return user.is_authenticated and user.has_perm(self.permissie)

    def queryset(self, user):
        return self._queryset(user)

    def zoek(self, user, tekst):
        return self.filter_tekst(self.queryset(user), tekst)

    def filter_tekst(self, qs, tekst):
        """An id, or every word somewhere in one of the search fields."""
        # Without control characters: PostgreSQL refuses a NUL in a query's text.
        tekst = schone_tekst(tekst).strip()
        if tekst.isdigit():
            # Unicode digits or a number beyond any id: no row, and no query error.
            pk = id_uit(tekst)
            return qs.filter(pk=pk) if pk is not None else qs.none()
        for woord in tekst.split()[:5]:
            q = Q()
            for veld in self.velden:
                q |= Q(**{f"{veld}__icontains": woord})
            qs = qs.filter(q)
        return qs.order_by(*self.volgorde)


def zoekbron(naam, *, queryset, permissie, velden, volgorde):
    """Register a source; `queryset(user)` is already scoped to what `user` may see."""
    bron = Zoekbron(naam, queryset=queryset, permissie=permissie, velden=velden, volgorde=volgorde)
    _BRONNEN[naam] = bron
    return bron


def eigenarenbron(naam, model, *, permissie):
    """The people who own at least one `model`: EXISTS on the owner's index, never a
    DISTINCT over every row of a large table."""

    eigenaren = []

    def queryset(user):
        # The same for every user: built once, not for every page that shows the filter,
        # and handed out as a copy, so the kept one is never evaluated.
        if not eigenaren:
            eigenaren.append(get_user_model().objects.eigenaren_van(model))
        return eigenaren[0].all()

    return zoekbron(
        naam,
        queryset=queryset,
        permissie=permissie,
        velden=("first_name", "last_name", "username"),
        volgorde=("first_name", "last_name", "pk"),
    )


@require_GET
@login_required
def zoeken(request, bron):
    bron = _BRONNEN.get(bron)
    if bron is None:
        raise Http404
    if not bron.mag(request.user):
        raise PermissionDenied
    tekst = request.GET.get("q", "")[:100]
    if len(tekst.strip()) < MIN_TEKENS:
        return JsonResponse({"resultaten": []})
    resultaten = [
        {"id": obj.pk, "naam": str(obj)} for obj in bron.zoek(request.user, tekst)[:MAX_RESULTATEN]
    ]
    return JsonResponse({"resultaten": resultaten})


class ZoekWidget(forms.TextInput):
    """A text field that holds a name on screen and an id in the URL (through JS)."""

    def __init__(self, bron, attrs=None):
        super().__init__(attrs)
        self.bron = bron

    def get_context(self, name, value, attrs):
        attrs = {
            **(attrs or {}),
            "autocomplete": "off",
            "placeholder": "Typ een naam",
            "data-zoekveld": reverse("zoeken", args=[self.bron.naam]),
            "data-keuze": str(value.pk) if hasattr(value, "_meta") else "",
        }
        return super().get_context(name, value, attrs)

    def format_value(self, value):
        # The form field hands over the chosen object (see ZoekVeld.prepare_value).
        if value in (None, ""):
            return None
        return str(value)


class ZoekVeld(forms.ModelChoiceField):
    """An id (from the search list or the URL) or a name typed without JavaScript."""

    def __init__(self, *, bron, **kwargs):
        self.bron = bron
        kwargs.setdefault("widget", ZoekWidget(bron))
        kwargs.setdefault("error_messages", {}).setdefault(
            "invalid_choice", "Niets gevonden dat zo heet; kies uit de zoeklijst."
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        tekst = schone_tekst(str(value)).strip()
        if not tekst:
            return None
        if tekst.isdigit():
            if id_uit(tekst) is None:  # beyond any database id: no query at all
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
            obj = super().to_python(tekst)
            # Rendering the bound form asks for this value's name again: no second query.
            self._gekozen = (tekst, obj)
            return obj
        gevonden = list(self.bron.filter_tekst(self.queryset, tekst)[:2])
        if len(gevonden) == 1:
            return gevonden[0]
        if gevonden:
            raise forms.ValidationError(
                "Meer dan één keuze past bij deze tekst; kies uit de zoeklijst of typ meer.",
                code="invalid_choice",
            )
        raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")

    def prepare_value(self, value):
        # Show the chosen object's name, not its id: one query for one row.
        if value in self.empty_values:
            return None
        if hasattr(value, "_meta"):
            return value
        tekst = schone_tekst(str(value)).strip()
        if id_uit(tekst) is not None:
            gekozen = getattr(self, "_gekozen", None)
            if gekozen is not None and gekozen[0] == tekst:
                return gekozen[1]
            obj = self.queryset.filter(pk=id_uit(tekst)).first()
            return obj if obj is not None else tekst
        return tekst


class ZoekFilter(django_filters.ModelChoiceFilter):
    """`ModelChoiceFilter` with a search field; the queryset is the source's, scoped to
    the request's user, so a typed name finds only what that user may see."""

    field_class = ZoekVeld

    def __init__(self, *args, bron, **kwargs):
        self.bron = bron
        kwargs["queryset"] = lambda request: bron.queryset(request.user if request else None)
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        if not hasattr(self, "_field"):
            field_kwargs = self.extra.copy()
            field_kwargs["queryset"] = self.get_queryset(self.parent.request)
            field_kwargs["required"] = False
            field_kwargs.pop("empty_label", None)
            self._field = self.field_class(bron=self.bron, label=self.label, **field_kwargs)
        return self._field


class ZoekMeerWidget(forms.Widget):
    """Several choices out of thousands: the chosen ones as ticked check boxes (untick
    one to drop it) and a search field to add one. A form of every row as a check box
    was 3.6 MB for 20,000 risks. The boxes and the field share the field's name, so
    the form receives ids and, without JavaScript, a typed name or id."""

    def __init__(self, bron, attrs=None):
        super().__init__(attrs)
        self.bron = bron
        self.gekozen = lambda ids: []  # ids -> [(id, label)], set by ZoekMeerVeld

    def value_from_datadict(self, data, files, name):
        return [waarde for waarde in data.getlist(name) if waarde.strip()]

    def value_omitted_from_data(self, data, files, name):
        return False  # unticking every box sends nothing, and means: none

    def render(self, name, value, attrs=None, renderer=None):
        ids, getypt = [], ""
        for waarde in value or []:
            waarde = getattr(waarde, "pk", waarde)
            tekst = schone_tekst(str(waarde)).strip()
            if id_uit(tekst) is not None:
                ids.append(id_uit(tekst))
            else:
                getypt = tekst  # what did not resolve: shown again to correct
        attrs = self.build_attrs(self.attrs, attrs)
        vakjes = format_html_join(
            "",
            '<li><label><input type="checkbox" name="{}" value="{}" checked> {}</label></li>',
            ((name, pk, label) for pk, label in self.gekozen(ids)),
        )
        veld_attrs = {
            **attrs,
            "type": "text",
            "name": name,
            "value": getypt,
            "autocomplete": "off",
            "placeholder": "Typ een naam of nummer om toe te voegen",
            "data-zoekveld": reverse("zoeken", args=[self.bron.naam]),
            "data-meer": "",
        }
        return format_html(
            '<div class="zoek-meer"><ul class="zoek-meer-gekozen">{}</ul><input{}></div>',
            vakjes,
            flatatt(veld_attrs),
        )


class ZoekMeerVeld(forms.ModelMultipleChoiceField):
    """Ids (ticked boxes, a choice from the search list) or names typed without
    JavaScript, each resolved by the source's search; the queryset says what may be
    chosen."""

    def __init__(self, *, bron, **kwargs):
        self.bron = bron
        kwargs.setdefault("widget", ZoekMeerWidget(bron))
        messages = kwargs.setdefault("error_messages", {})
        messages.setdefault("invalid_choice", "%(value)s kan hier niet gekozen worden.")
        messages.setdefault("invalid_pk_value", "%(pk)s is geen geldig nummer.")
        super().__init__(**kwargs)
        self.widget.gekozen = self._gekozen

    def __deepcopy__(self, memo):
        kopie = super().__deepcopy__(memo)
        kopie.widget.gekozen = kopie._gekozen
        return kopie

    def _gekozen(self, ids):
        if not ids:
            return []
        return [(obj.pk, self.label_from_instance(obj)) for obj in self.queryset.filter(pk__in=ids)]

    def clean(self, value):
        ids = []
        for waarde in value or []:
            tekst = schone_tekst(str(getattr(waarde, "pk", waarde))).strip()
            if not tekst:
                continue
            if tekst.isdigit():
                if id_uit(tekst) is None:  # beyond any database id: no query at all
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": tekst},
                    )
                ids.append(tekst)
                continue
            gevonden = list(self.bron.filter_tekst(self.queryset, tekst)[:2])
            if not gevonden:
                raise forms.ValidationError(
                    "Niets gevonden dat zo heet: %(tekst)s. Kies uit de zoeklijst.",
                    code="invalid_choice",
                    params={"tekst": tekst},
                )
            if len(gevonden) > 1:
                raise forms.ValidationError(
                    "Meer dan één keuze past bij %(tekst)s; kies uit de zoeklijst of typ meer.",
                    code="invalid_choice",
                    params={"tekst": tekst},
                )
            ids.append(str(gevonden[0].pk))
        return super().clean(list(dict.fromkeys(ids)))

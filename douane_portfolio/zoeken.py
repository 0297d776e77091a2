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
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

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
        tekst = tekst.strip()
        if tekst.isdigit():
            return qs.filter(pk=int(tekst))
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
        tekst = str(value).strip()
        if tekst.isdigit():
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
        tekst = str(value).strip()
        if tekst.isdigit():
            gekozen = getattr(self, "_gekozen", None)
            if gekozen is not None and gekozen[0] == tekst:
                return gekozen[1]
            obj = self.queryset.filter(pk=int(tekst)).first()
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

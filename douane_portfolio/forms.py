import uuid

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator

from .parameters import id_uit
from .tekst import schone_tekst
from .validators import (
    EERSTE_JAAR,
    GROOTSTE_GETAL,
    LAATSTE_JAAR,
    TEKST_MAX_LENGTE,
    redelijke_datum,
)


def _alleen_ids(clean):
    """Refuse a chosen id that is no plausible database id before the query runs: an
    `id IN (2**63)` overflows SQLite's integer and PostgreSQL's bigint (a 500)."""

    def bewaakt(waarde):
        waarden = waarde if isinstance(waarde, list | tuple) else [waarde]
        if any(w not in (None, "") and id_uit(str(w)) is None for w in waarden):
            raise forms.ValidationError("Selecteer een geldige keuze.", code="invalid_choice")
        return clean(waarde)

    return bewaakt


class SchoneInvoerMixin:
    """What every form of the application accepts, decided in one place.

    Free text: control characters stripped and line breaks normalised before validation
    (`tekst.schone_tekst`; a vertical tab from Word becomes a line break, NUL disappears),
    and at most TEKST_MAX_LENGTE characters where the field names no limit of its own.
    Dates: within the sensible window of `redelijke_datum`. Years (`jaar`, `…_jaar`)
    within the same window; other whole numbers within 32 bits.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tekstvelden = []
        for naam, veld in self.fields.items():
            if isinstance(veld, forms.UUIDField):
                continue  # a token, not text: its cleaned value is a UUID
            if isinstance(veld, forms.CharField):
                tekstvelden.append(self.add_prefix(naam))
                if veld.max_length is None:
                    veld.max_length = TEKST_MAX_LENGTE
                    veld.validators.append(MaxLengthValidator(TEKST_MAX_LENGTE))
                    veld.widget.attrs.setdefault("maxlength", str(TEKST_MAX_LENGTE))
            elif isinstance(veld, forms.DateField):
                veld.validators.append(redelijke_datum)
            elif (
                isinstance(veld, forms.ModelChoiceField)
                and veld.to_field_name is None
                # A search field takes a typed name too, and guards its ids itself.
                and getattr(veld, "bron", None) is None
            ):
                veld.clean = _alleen_ids(veld.clean)
            elif isinstance(veld, forms.IntegerField) and not isinstance(
                veld, forms.DecimalField | forms.FloatField
            ):
                if naam == "jaar" or naam.endswith("_jaar"):
                    onder, boven = EERSTE_JAAR, LAATSTE_JAAR
                else:
                    onder, boven = -GROOTSTE_GETAL, GROOTSTE_GETAL
                if veld.min_value is None or veld.min_value < onder:
                    veld.validators.append(MinValueValidator(onder))
                if veld.max_value is None or veld.max_value > boven:
                    veld.validators.append(MaxValueValidator(boven))
        if self.is_bound and tekstvelden:
            self.data = self._schone_gegevens(tekstvelden)

    def _schone_gegevens(self, sleutels):
        data = self.data.copy()
        for sleutel in sleutels:
            if hasattr(data, "setlist"):
                waarden = data.getlist(sleutel)
                if waarden:
                    data.setlist(sleutel, [schone_tekst(w) for w in waarden])
            elif isinstance(data.get(sleutel), str):
                data[sleutel] = schone_tekst(data[sleutel])
        return data


VERSIE_ONTBREEKT = (
    "Dit formulier mist de versie waarmee het werd geopend, dus kan niet worden "
    "nagegaan of het gegeven intussen is gewijzigd. Uw wijzigingen zijn niet opgeslagen, "
    "maar staan nog in het formulier. Open het opnieuw en breng uw wijzigingen daarin aan."
)


class VersieFormMixin:
    """Carries the version the form was opened with, for `bewaar_met_versie`.

    A form about an existing row refuses a POST without a (valid) version: falling
    back to the current version would silently skip the lost-update check. Forms
    without a model instance that act on an existing row set `versie_verplicht`.
    """

    versie_verplicht = None  # None: required when the form edits a saved instance

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        self.fields["versie"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=False,
            min_value=1,
            initial=getattr(instance, "versie", None),
        )

    def _versie_is_verplicht(self):
        if self.versie_verplicht is not None:
            return self.versie_verplicht
        instance = getattr(self, "instance", None)
        return instance is not None and instance.pk is not None

    def clean(self):
        cleaned = super().clean()
        # A hidden field's own error would not show; say it on top of the form.
        if "versie" in self.errors or (
            self._versie_is_verplicht() and cleaned.get("versie") is None
        ):
            self.errors.pop("versie", None)
            # add_error, not raise: the form's own checks still run and show too.
            self.add_error(None, forms.ValidationError(VERSIE_ONTBREEKT, code="versie_ontbreekt"))
        return cleaned

    @property
    def verwachte_versie(self):
        return self.cleaned_data.get("versie")


class AanmaakFormMixin:
    """A create form carries a one-off token (a hidden field), so a resubmitted form
    (double click, browser retry) finds the record it made instead of making another;
    see `eenmalig.eenmalig_aanmaken`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is None or instance.pk is None:
            self.fields["aanmaaktoken"] = forms.UUIDField(
                widget=forms.HiddenInput, required=False, initial=uuid.uuid4
            )

    @property
    def aanmaaktoken(self):
        return self.cleaned_data.get("aanmaaktoken")


class DatumInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class WachtwoordWijzigenForm(PasswordChangeForm):
    """Password change that counts wrong old passwords as failed log-ins (django-axes):
    a stolen session cannot guess the password faster than the log-in page allows."""

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        credentials = {"username": self.user.get_username()}
        if AxesProxyHandler.is_locked(self.request, credentials):
            # AxesMiddleware answers with the lockout page.
            self.request.axes_locked_out = True
            raise forms.ValidationError("Te veel mislukte pogingen.", code="geblokkeerd")
        old_password = self.cleaned_data["old_password"]
        if not self.user.check_password(old_password):
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password

import uuid

from django import forms

from .models import User

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


class HerinneringsvoorkeurForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["herinneringsfrequentie"]
        widgets = {"herinneringsfrequentie": forms.RadioSelect}


class VerzendingBesluitForm(forms.Form):
    """A Beheerder's decision about an unsent reminder mail."""

    actie = forms.ChoiceField(
        choices=[("opnieuw", "Opnieuw versturen"), ("annuleren", "Annuleren")],
        widget=forms.HiddenInput,
    )
    # History keeps a reason of at most 100 characters.
    reden = forms.CharField(label="Reden", max_length=100, required=False)

    def clean(self):
        data = super().clean()
        if data.get("actie") == "annuleren" and not data.get("reden", "").strip():
            self.add_error("reden", "Geef een reden waarom deze e-mail niet meer verstuurd wordt.")
        return data

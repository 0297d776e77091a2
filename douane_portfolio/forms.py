from django import forms

from .models import User


class VersieFormMixin:
    """Carries the version the form was opened with, for `bewaar_met_versie`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        self.fields["versie"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=False,
            initial=getattr(instance, "versie", None),
        )

    @property
    def verwachte_versie(self):
        versie = self.cleaned_data.get("versie")
        if versie is None:
            return getattr(self.instance, "versie", 1)
        return versie


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

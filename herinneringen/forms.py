from django import forms

from douane_portfolio.forms import SchoneInvoerMixin
from douane_portfolio.models import User


class HerinneringsvoorkeurForm(SchoneInvoerMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["herinneringsfrequentie"]
        widgets = {"herinneringsfrequentie": forms.RadioSelect}


class VerzendingBesluitForm(SchoneInvoerMixin, forms.Form):
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

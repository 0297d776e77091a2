from django import forms
from django.conf import settings

from .models import Bereik


class SleutelForm(forms.Form):
    naam = forms.CharField(
        label="Naam",
        max_length=100,
        help_text="Waarvoor u de sleutel gebruikt, bijvoorbeeld 'Rapportagescript'.",
    )
    bereik = forms.ChoiceField(
        label="Mag", choices=Bereik.choices, initial=Bereik.LEZEN, widget=forms.RadioSelect
    )
    geldig_dagen = forms.IntegerField(
        label="Geldig (dagen)",
        min_value=1,
        max_value=365,
        help_text="Daarna werkt de sleutel niet meer; maak dan een nieuwe.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["geldig_dagen"].initial = settings.API_SLEUTEL_GELDIG_DAGEN

from django import forms

from douane_portfolio.forms import (
    AanmaakFormMixin,
    DatumInput,
    SchoneInvoerMixin,
    VersieFormMixin,
)
from douane_portfolio.models import User

from .models import Indicatorwaarde, Initiatief, Mijlpaal, Periodesoort, Status


class StatusrapportageForm(SchoneInvoerMixin, forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Kies een status: groen, oranje of rood."},
    )
    toelichting = forms.CharField(
        label="Toelichting",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Verplicht bij oranje en rood: wat loopt anders dan gepland, en waarom?",
    )
    pad_naar_groen = forms.CharField(
        label="Pad naar groen",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Verplicht bij oranje en rood: de stappen terug naar groen, met wanneer.",
    )
    versie = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        # Checked here too so every error shows at once, next to its field.
        if data.get("status") in (Status.ORANJE, Status.ROOD):
            if not (data.get("toelichting") or "").strip():
                self.add_error("toelichting", "Een toelichting is verplicht bij oranje en rood.")
            if self.pad_verplicht and not (data.get("pad_naar_groen") or "").strip():
                self.add_error(
                    "pad_naar_groen", "Beschrijf bij oranje en rood de stappen terug naar groen."
                )
        return data

    def __init__(self, *args, pad_verplicht=True, **kwargs):
        self.pad_verplicht = pad_verplicht
        super().__init__(*args, **kwargs)


class InitiatiefForm(SchoneInvoerMixin, AanmaakFormMixin, VersieFormMixin, forms.ModelForm):
    """The portfolio office sets everything; the owning programme manager only the
    description (who owns what is the office's call)."""

    class Meta:
        model = Initiatief
        fields = ["thema", "naam", "omschrijving", "eigenaar", "volgorde", "actief"]
        widgets = {"omschrijving": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "actief": "Een afgesloten initiatief verdwijnt uit het portfolio en de rondes; "
            "zijn geschiedenis blijft.",
        }

    def __init__(self, *args, alleen_omschrijving=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eigenaar"].queryset = User.objects.mogelijke_eigenaren(
            self.instance.eigenaar_id
        )
        if alleen_omschrijving:
            for naam in ("thema", "naam", "eigenaar", "volgorde", "actief"):
                del self.fields[naam]


class MijlpaalForm(SchoneInvoerMixin, AanmaakFormMixin, VersieFormMixin, forms.ModelForm):
    """The initiative's manager plans; a milestone owner who does not own the
    initiative reports progress only (`alleen_status`), as for measures and actions."""

    class Meta:
        model = Mijlpaal
        fields = ["omschrijving", "eigenaar", "deadline", "status"]
        widgets = {"deadline": DatumInput, "omschrijving": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, alleen_status=False, **kwargs):
        super().__init__(*args, **kwargs)
        if alleen_status:
            for naam in ("omschrijving", "eigenaar", "deadline"):
                del self.fields[naam]
            return
        self.fields["eigenaar"].queryset = User.objects.mogelijke_eigenaren(
            self.instance.eigenaar_id
        )
        if self.instance.pk and self.instance.deadline_verschoven:
            self.fields[
                "deadline"
            ].help_text = (
                f"Oorspronkelijke deadline: {self.instance.oorspronkelijke_deadline:%d-%m-%Y}."
            )


class IndicatorwaardeForm(SchoneInvoerMixin, forms.ModelForm):
    versie = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Indicatorwaarde
        fields = ["doelstelling", "realisatie", "bandbreedte", "toelichting"]
        widgets = {"toelichting": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "doelstelling": "Leeg laten als er geen doelstelling is.",
            "realisatie": "Leeg laten zolang er nog geen realisatie is.",
        }

    def clean_bandbreedte(self):
        band = self.cleaned_data.get("bandbreedte")
        if band is not None and not (0 <= band <= 100):
            raise forms.ValidationError("De bandbreedte ligt tussen 0 en 100 procent.")
        return band


class PeriodeForm(SchoneInvoerMixin, forms.Form):
    jaar = forms.IntegerField(label="Jaar", min_value=2000, max_value=2100)
    soort = forms.ChoiceField(label="Periode", choices=Periodesoort.choices)
    indiendeadline = forms.DateField(
        label="Deadline indienen",
        widget=DatumInput,
        help_text="Uiterste datum waarop programmamanagers hun status indienen.",
    )

from django import forms
from django.conf import settings

from .kolommen import GENEGEERD


class UploadForm(forms.Form):
    soort = forms.ChoiceField(label="Wat importeert u?")
    bestand = forms.FileField(
        label="Bestand",
        help_text="Excel (.xlsx) of CSV (komma of puntkomma, UTF-8 of Windows-1252). "
        "De eerste rij bevat de kolomkoppen.",
    )

    def __init__(self, *args, soorten, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["soort"].choices = [(s.naam, s.label) for s in soorten]

    def clean_bestand(self):
        bestand = self.cleaned_data["bestand"]
        if bestand.size > settings.IMPORTEREN_MAX_BYTES:
            raise forms.ValidationError(
                f"Het bestand is groter dan {settings.IMPORTEREN_MAX_BYTES // 1_000_000} MB."
            )
        return bestand


class KolommenForm(forms.Form):
    """One choice per header of the file: which field it fills, or none."""

    def __init__(self, *args, importbestand, soort, **kwargs):
        super().__init__(*args, **kwargs)
        keuzes = [("", "— niet importeren —")] + [
            (k.veld, k.kop + (" (verplicht)" if k.verplicht else "")) for k in soort.kolommen
        ]
        for i, kop in enumerate(importbestand.koppen):
            huidig = importbestand.kolommen[i] if i < len(importbestand.kolommen) else ""
            self.fields[f"kolom_{i}"] = forms.ChoiceField(
                label=kop or f"kolom {i + 1}",
                choices=keuzes,
                required=False,
                initial="" if huidig == GENEGEERD else huidig,
            )

    def clean(self):
        gekozen = {}
        for naam, veld in self.cleaned_data.items():
            if veld and veld in gekozen:
                self.add_error(naam, f"Deze kolom is al gekozen voor '{gekozen[veld]}'.")
            elif veld:
                gekozen[veld] = self.fields[naam].label
        return self.cleaned_data

    def kolommen(self):
        return [self.cleaned_data[f"kolom_{i}"] for i in range(len(self.fields))]

from django import forms

from douane_portfolio.forms import SchoneInvoerMixin, VersieFormMixin

from .models import Rapporttekst

OPMAAK = (
    "Een lege regel begint een nieuwe alinea. “## Titel” begint een genummerde paragraaf, "
    "“### Titel” een kop zonder nummer, “- ” een opsommingsteken en “1. ” een genummerd punt; "
    "**vet** en *cursief*. Leeg: het hoofdstuk vervalt."
)


class RapporttekstForm(SchoneInvoerMixin, VersieFormMixin, forms.ModelForm):
    class Meta:
        model = Rapporttekst
        fields = ["inleiding", "verhaal_titel", "verhaal"]
        widgets = {
            "inleiding": forms.Textarea(attrs={"rows": 12}),
            "verhaal": forms.Textarea(attrs={"rows": 24}),
        }
        help_texts = {"inleiding": OPMAAK, "verhaal": OPMAAK}

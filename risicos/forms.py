from django import forms
from django.contrib.auth import get_user_model
from django.utils import formats, timezone

from douane_portfolio.forms import AanmaakFormMixin, DatumInput, SchoneInvoerMixin, VersieFormMixin
from douane_portfolio.models import User
from douane_portfolio.zoeken import ZoekMeerVeld, ZoekVeld, zoekbron
from programmas.models import Initiatief

from .models import (
    Beheersmaatregel,
    Impact,
    Kans,
    Risico,
    Risicodialoog,
    RisicoStatus,
    Scores,
    afgesproken_score_fouten,
    score_fouten,
)

NIET_GESCOORD_KEUZE = ("", "— niet gescoord —")


def medewerkers():
    """Active users with a role: the people who can attend a dialogue (owners come from
    `User.objects.mogelijke_eigenaren`)."""
    return get_user_model().objects.filter(is_active=True, groups__isnull=False).distinct()


# What the forms' search fields offer (douane_portfolio.zoeken.ZoekMeerVeld): a ministry
# has 20,000 risks, 2,000 initiatives and 2,000 colleagues, too many for check boxes.
RISICO_KEUZE = zoekbron(
    "risico-keuze",
    queryset=lambda user: Risico.objects.actief(),
    permissie="risicos.view_risico",
    velden=("titel",),
    volgorde=("-toprisico", "titel", "pk"),
)
MEDEWERKERS = zoekbron(
    "medewerkers",
    queryset=lambda user: medewerkers(),
    permissie="risicos.view_risicodialoog",
    velden=("first_name", "last_name", "username"),
    volgorde=("first_name", "last_name", "pk"),
)
INITIATIEF_KEUZE = zoekbron(
    "initiatief-keuze",
    queryset=lambda user: Initiatief.objects.actief(),
    permissie="programmas.view_initiatief",
    velden=("naam",),
    volgorde=("naam", "pk"),
)


def score_veld(label, schaal, *, leeg=NIET_GESCOORD_KEUZE, help_text=""):
    as_ = "kans" if schaal is Kans else "impact"
    return forms.TypedChoiceField(
        label=label,
        choices=[leeg, *schaal.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=help_text,
        error_messages={"invalid_choice": f"Kies een {as_} van 1 tot en met 5."},
    )


def _risico_label(risico):
    if risico.netto_score is None:
        score = "netto niet gescoord"
    else:
        score = f"netto {risico.netto_score} ({risico.netto_kans} × {risico.netto_impact})"
    return f"{risico.titel} — {score}"


class RisicoKeuzeVeld(ZoekMeerVeld):
    """The chosen risks, each with its current net score, and a search to add one (top
    risks first in its list)."""

    def __init__(self, **kwargs):
        super().__init__(bron=RISICO_KEUZE, **kwargs)

    def label_from_instance(self, obj):
        label = _risico_label(obj)
        return f"{label} (toprisico)" if obj.toprisico else label


class RisicoForm(SchoneInvoerMixin, AanmaakFormMixin, VersieFormMixin, forms.ModelForm):
    initiatieven = ZoekMeerVeld(
        bron=INITIATIEF_KEUZE,
        label="Initiatieven",
        queryset=Initiatief.objects.none(),
        required=False,
    )

    class Meta:
        model = Risico
        fields = [
            "titel",
            "categorie",
            "toprisico",
            "status",
            "eigenaar",
            "omschrijving",
            "oorzaak",
            "gevolg",
            "risicobereidheid",
            "herbeoordeling",
            "initiatieven",
        ]
        widgets = {
            "herbeoordeling": DatumInput,
            "omschrijving": forms.Textarea(attrs={"rows": 3}),
            "oorzaak": forms.Textarea(attrs={"rows": 3}),
            "gevolg": forms.Textarea(attrs={"rows": 3}),
            "risicobereidheid": forms.NumberInput(attrs={"min": 1, "max": 25}),
        }
        error_messages = {
            "titel": {"unique": "Er is al een risico met deze titel."},
            "risicobereidheid": {
                "invalid": "Vul een score van 1 tot en met 25 in (kans × impact)."
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eigenaar"].queryset = User.objects.mogelijke_eigenaren(
            self.instance.eigenaar_id
        )
        self.fields["initiatieven"].queryset = Initiatief.objects.actief()
        self.fields["initiatieven"].required = False
        self.fields["toprisico"].help_text = "Hoort bij de toprisico's van de Douane."


class RisicoNieuwForm(RisicoForm):
    """A new risk, optionally scored straight away (recorded as its first assessment)."""

    bruto_kans = score_veld("Bruto kans", Kans, help_text="Vóór maatregelen.")
    bruto_impact = score_veld("Bruto impact", Impact)
    netto_kans = score_veld("Netto kans", Kans, help_text="Na de maatregelen.")
    netto_impact = score_veld("Netto impact", Impact)

    class Meta(RisicoForm.Meta):
        fields = RisicoForm.Meta.fields[:5] + [
            "bruto_kans",
            "bruto_impact",
            "netto_kans",
            "netto_impact",
            *RisicoForm.Meta.fields[5:],
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].initial = RisicoStatus.ACTIEF


class ScoreForm(SchoneInvoerMixin, VersieFormMixin, forms.Form):
    bruto_kans = score_veld("Bruto kans", Kans, help_text="Vóór maatregelen.")
    bruto_impact = score_veld("Bruto impact", Impact)
    netto_kans = score_veld("Netto kans", Kans, help_text="Na de maatregelen.")
    netto_impact = score_veld("Netto impact", Impact)
    reden = forms.CharField(
        label="Reden van de wijziging",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Geef aan waarom de score verandert."},
        help_text="Komt in de scorehistorie van het risico.",
    )

    def __init__(self, *args, risico, **kwargs):
        self.instance = risico
        kwargs.setdefault("initial", {}).update(
            bruto_kans=risico.bruto_kans,
            bruto_impact=risico.bruto_impact,
            netto_kans=risico.netto_kans,
            netto_impact=risico.netto_impact,
        )
        super().__init__(*args, **kwargs)

    @property
    def scores(self):
        d = self.cleaned_data
        return Scores(d["bruto_kans"], d["bruto_impact"], d["netto_kans"], d["netto_impact"])

    def clean(self):
        cleaned = super().clean()
        velden = ("bruto_kans", "bruto_impact", "netto_kans", "netto_impact")
        if any(v in self.errors for v in velden):
            return cleaned
        for veld, bericht in score_fouten(self.scores).items():
            self.add_error(veld, bericht)
        if not self.errors and self.scores == self.instance.scores:
            raise forms.ValidationError("De scores zijn niet gewijzigd.")
        return cleaned


class MaatregelForm(SchoneInvoerMixin, AanmaakFormMixin, VersieFormMixin, forms.ModelForm):
    risicos = RisicoKeuzeVeld(
        label="Risico's",
        queryset=Risico.objects.none(),
        required=False,
        help_text="Laat leeg voor een overkoepelende maatregel.",
    )

    class Meta:
        model = Beheersmaatregel
        fields = ["omschrijving", "risicos", "eigenaar", "deadline", "status"]
        widgets = {"deadline": DatumInput, "omschrijving": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eigenaar"].queryset = User.objects.mogelijke_eigenaren(
            self.instance.eigenaar_id
        )
        keuze = Risico.objects.actief()
        if self.instance.pk:
            # A measure may stay linked to a risk that has since been closed.
            keuze = keuze | Risico.objects.filter(maatregelen=self.instance)
        self.fields["risicos"].queryset = keuze.distinct().order_by("-toprisico", "titel")


class MaatregelStatusForm(SchoneInvoerMixin, VersieFormMixin, forms.ModelForm):
    class Meta:
        model = Beheersmaatregel
        fields = ["status"]


class DialoogForm(SchoneInvoerMixin, AanmaakFormMixin, VersieFormMixin, forms.ModelForm):
    voorzitter = ZoekVeld(
        bron=MEDEWERKERS,
        label="Voorzitter",
        queryset=User.objects.none(),
        error_messages={"required": "Kies de voorzitter."},
    )
    deelnemers = ZoekMeerVeld(
        bron=MEDEWERKERS, label="Deelnemers", queryset=User.objects.none(), required=False
    )
    risico_keuze = RisicoKeuzeVeld(
        label="Te bespreken risico's",
        queryset=Risico.objects.none(),
        error_messages={"required": "Kies minstens één risico om te bespreken."},
    )

    class Meta:
        model = Risicodialoog
        fields = [
            "titel",
            "datum",
            "niveau",
            "voorzitter",
            "deelnemers",
            "externe_deelnemers",
        ]
        widgets = {
            "datum": DatumInput,
            "externe_deelnemers": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, gekozen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voorzitter"].queryset = medewerkers()
        self.fields["deelnemers"].queryset = medewerkers()
        keuze = Risico.objects.actief()
        if self.instance.pk:
            keuze = keuze | Risico.objects.filter(dialoogpunten__dialoog=self.instance)
            gekozen = self.instance.risicos.all()
            self.fields["risico_keuze"].help_text = (
                "Een risico uitvinken haalt het van de agenda, met wat de sessie erover "
                "heeft vastgelegd (acties blijven bestaan)."
            )
        veld = self.fields["risico_keuze"]
        veld.queryset = keuze.distinct().order_by("-toprisico", "titel")
        veld.initial = [r.pk for r in gekozen]
        if not self.instance.pk:
            vandaag = timezone.localdate()
            self.fields["titel"].initial = "Risicodialoog " + formats.date_format(vandaag, "F Y")
            # Today: a dialogue is often entered on the day it is held, and it can only be
            # marked as held on or after its date; planning ahead means changing one field.
            self.fields["datum"].initial = vandaag


class SessieForm(SchoneInvoerMixin, VersieFormMixin, forms.ModelForm):
    """The dialogue-wide conclusions; the per-risk parts are PuntForms."""

    class Meta:
        model = Risicodialoog
        fields = ["besluiten"]
        widgets = {"besluiten": forms.Textarea(attrs={"rows": 4})}


class PuntForm(SchoneInvoerMixin, forms.Form):
    """What the session agreed on one risk: net score, conclusion, one new action."""

    netto_kans = score_veld("Afgesproken netto kans", Kans, leeg=("", "— geen nieuwe score —"))
    netto_impact = score_veld(
        "Afgesproken netto impact", Impact, leeg=("", "— geen nieuwe score —")
    )
    conclusie = forms.CharField(
        label="Conclusie of besluit", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    actie_omschrijving = forms.CharField(
        label="Nieuwe actie", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    actie_eigenaar = forms.TypedChoiceField(
        label="Eigenaar van de actie", required=False, coerce=int, empty_value=None
    )
    actie_deadline = forms.DateField(
        label="Deadline van de actie", required=False, widget=DatumInput
    )

    def __init__(self, *args, punt, gebruikers, **kwargs):
        self.punt = punt
        self._gebruikers = {u.pk: u for u in gebruikers}
        kwargs.setdefault("prefix", f"punt-{punt.pk}")
        kwargs.setdefault("initial", {}).update(
            netto_kans=punt.netto_kans, netto_impact=punt.netto_impact, conclusie=punt.conclusie
        )
        super().__init__(*args, **kwargs)
        self.fields["actie_eigenaar"].choices = [("", "—")] + [(u.pk, str(u)) for u in gebruikers]

    def clean(self):
        cleaned = super().clean()
        if "netto_kans" not in self.errors and "netto_impact" not in self.errors:
            risico = self.punt.risico
            afgesproken = Scores(
                risico.bruto_kans,
                risico.bruto_impact,
                cleaned.get("netto_kans"),
                cleaned.get("netto_impact"),
            )
            fouten = afgesproken_score_fouten(afgesproken)
            for veld, bericht in fouten.items():
                self.add_error(veld, bericht)
        actie = [cleaned.get(f"actie_{v}") for v in ("omschrijving", "eigenaar", "deadline")]
        if any(actie):
            if not cleaned.get("actie_omschrijving"):
                self.add_error("actie_omschrijving", "Beschrijf de actie.")
            if not cleaned.get("actie_eigenaar"):
                self.add_error("actie_eigenaar", "Kies de eigenaar van de actie.")
            if not cleaned.get("actie_deadline") and "actie_deadline" not in self.errors:
                self.add_error("actie_deadline", "Vul de deadline van de actie in.")
        return cleaned

    @property
    def waarden(self):
        d = self.cleaned_data
        actie = None
        if d.get("actie_omschrijving"):
            actie = {
                "omschrijving": d["actie_omschrijving"],
                "eigenaar": self._gebruikers[d["actie_eigenaar"]],
                "deadline": d["actie_deadline"],
            }
        return {
            "netto_kans": d["netto_kans"],
            "netto_impact": d["netto_impact"],
            "conclusie": d["conclusie"],
            "actie": actie,
        }

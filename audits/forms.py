from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.html import format_html, format_html_join

from douane_portfolio.forms import AanmaakFormMixin, DatumInput, SchoneInvoerMixin, VersieFormMixin
from douane_portfolio.models import ActieStatus, User
from programmas.models import Initiatief
from risicos.models import Risico, RisicoStatus

from . import bewijs
from .models import Auditrapport, Bevinding, Jaaroordeel, Verdict, Vervolgactie


class SuggestieInput(forms.TextInput):
    """A text input with a <datalist> of values used before, so names stay consistent."""

    def __init__(self, suggesties=(), attrs=None):
        super().__init__(attrs=attrs)
        self.suggesties = suggesties

    def render(self, name, value, attrs=None, renderer=None):
        lijst_id = f"{(attrs or {}).get('id', name)}_suggesties"
        attrs = {**(attrs or {}), "list": lijst_id, "autocomplete": "off"}
        invoer = super().render(name, value, attrs, renderer)
        opties = format_html_join("", '<option value="{}">', ((s,) for s in self.suggesties))
        return format_html('{}<datalist id="{}">{}</datalist>', invoer, lijst_id, opties)


class AuditrapportForm(SchoneInvoerMixin, AanmaakFormMixin, VersieFormMixin, forms.ModelForm):
    class Meta:
        model = Auditrapport
        fields = ["instantie", "titel", "jaar", "datum", "toelichting"]
        widgets = {"datum": DatumInput, "toelichting": forms.Textarea(attrs={"rows": 3})}


class InitiatiefKeuze(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.naam} ({obj.thema.naam})"


class RisicoKeuze(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        if obj.status == RisicoStatus.GESLOTEN:
            return f"{obj.titel} (gesloten)"
        return obj.titel


class BevindingForm(SchoneInvoerMixin, AanmaakFormMixin, VersieFormMixin, forms.ModelForm):
    initiatieven = InitiatiefKeuze(
        queryset=Initiatief.objects.none(),
        required=False,
        label="Initiatieven",
        help_text="De initiatieven die aan het oplossen werken. Ctrl/Cmd-klik voor meer.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    risicos = RisicoKeuze(
        queryset=Risico.objects.none(),
        required=False,
        label="Risico's",
        help_text="De risico's uit het risicoregister waar deze bevinding bij hoort. "
        "Ctrl/Cmd-klik voor meer.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Bevinding
        fields = [
            "rapport",
            "titel",
            "soort",
            "domein",
            "omschrijving",
            "eigenaar",
            "verwacht_opgelost_jaar",
            "verwacht_opgelost_op",
            "initiatieven",
            "risicos",
            "bron",
        ]
        widgets = {
            "verwacht_opgelost_op": DatumInput,
            "omschrijving": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        keuzes = self._keuzes(instance)
        geladen = {}
        if instance is not None and instance.pk and not args and kwargs.get("data") is None:
            # An unbound edit form: one query per link reads the choices and which of
            # them are linked; the initial values come from those rows (issue 13).
            for naam, qs in keuzes.items():
                geladen[naam] = list(qs.annotate(gekozen=self._gekozen(instance, naam)))
                gekozen = qs.model.objects.all()
                gekozen._result_cache = [o for o in geladen[naam] if o.gekozen]
                gekozen._prefetch_done = True
                instance._prefetched_objects_cache = {
                    **getattr(instance, "_prefetched_objects_cache", {}),
                    naam: gekozen,
                }
        super().__init__(*args, **kwargs)
        self.fields["rapport"].queryset = Auditrapport.objects.order_by("-jaar", "titel")
        self.fields["eigenaar"].queryset = User.objects.mogelijke_eigenaren(
            self.instance.eigenaar_id
        )
        for naam, qs in keuzes.items():
            veld = self.fields[naam]
            veld.queryset = qs
            if naam in geladen:
                veld.widget.choices = [(o.pk, veld.label_from_instance(o)) for o in geladen[naam]]
        if geladen:
            # Only this form's render reads the cache; a later save reads the links anew.
            for naam in geladen:
                instance._prefetched_objects_cache.pop(naam, None)
        domeinen = Bevinding.objects.order_by("domein").values_list("domein", flat=True).distinct()
        self.fields["domein"].widget = SuggestieInput(suggesties=list(domeinen))

    @staticmethod
    def _keuzes(instance):
        """Active initiatives and risks, and an inactive or closed one only when it is
        linked already (so it stays)."""
        bestaand = instance is not None and instance.pk
        gekoppeld = instance.initiatieven.all() if bestaand else []
        gekoppelde_risicos = instance.risicos.all() if bestaand else []
        return {
            "initiatieven": Initiatief.objects.filter(
                Q(actief=True) | Q(pk__in=gekoppeld)
            ).select_related("thema"),
            "risicos": Risico.objects.filter(
                Q(status=RisicoStatus.ACTIEF) | Q(pk__in=gekoppelde_risicos)
            ).order_by("titel"),
        }

    @staticmethod
    def _gekozen(instance, naam):
        through = getattr(Bevinding, naam).through
        doel = getattr(Bevinding, naam).field.m2m_reverse_field_name()
        return Exists(through.objects.filter(bevinding=instance, **{doel: OuterRef("pk")}))

    def clean_domein(self):
        return " ".join(self.cleaned_data["domein"].split())

    def clean(self):
        cleaned = super().clean()
        jaar = cleaned.get("verwacht_opgelost_jaar")
        datum = cleaned.get("verwacht_opgelost_op")
        if datum and jaar and jaar != datum.year:
            self.add_error(
                "verwacht_opgelost_jaar",
                f"Het jaar ({jaar}) past niet bij de datum ({datum:%d-%m-%Y}). Laat het jaar "
                "leeg of maak het gelijk aan dat van de datum.",
            )
        elif datum:
            cleaned["verwacht_opgelost_jaar"] = datum.year
            self.instance.verwacht_opgelost_jaar = datum.year
        return cleaned


def afrondbare_acties(bevinding, user):
    """The finding's open actions this user may close, in one query."""
    acties = list(bevinding.vervolgacties.open().select_related("eigenaar"))
    for actie in acties:
        actie.bevinding = bevinding  # the rules read it; no query per action
    return [a for a in acties if user.has_perm("audits.change_vervolgactie", a)]


class AanbiedenForm(SchoneInvoerMixin, VersieFormMixin, forms.Form):
    """Offering a finding, closing its remaining open actions on the same page: a check
    box and an optional note per action the owner may close."""

    versie_verplicht = True

    toelichting = forms.CharField(
        label="Toelichting",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Waarom is de bevinding opgelost, en welk bewijs kan de auditor bekijken?",
        error_messages={"required": "Licht toe waarom de bevinding is opgelost."},
    )

    def __init__(self, *args, acties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.acties = list(acties)
        for actie in self.acties:
            self.fields[f"afronden_{actie.pk}"] = forms.BooleanField(
                label=f"Afronden: {actie}", required=False
            )
            self.fields[f"notitie_{actie.pk}"] = forms.CharField(
                label="Notitie bij afronden",
                required=False,
                max_length=500,
                widget=forms.TextInput,
                help_text="Komt in de geschiedenis van de actie.",
            )

    @property
    def actievelden(self):
        """[(actie, check box, note)] for the template."""
        return [(a, self[f"afronden_{a.pk}"], self[f"notitie_{a.pk}"]) for a in self.acties]

    @property
    def overige_velden(self):
        return [
            f for f in self.visible_fields() if not f.name.startswith(("afronden_", "notitie_"))
        ]

    def af_te_ronden(self):
        """[(actie, note)] of the ticked actions."""
        d = self.cleaned_data
        return [(a, d.get(f"notitie_{a.pk}", "")) for a in self.acties if d.get(f"afronden_{a.pk}")]


class BeoordelenForm(SchoneInvoerMixin, VersieFormMixin, forms.Form):
    versie_verplicht = True

    oordeel = forms.ChoiceField(
        label="Oordeel",
        choices=Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Kies akkoord of niet akkoord."},
    )
    toelichting = forms.CharField(
        label="Toelichting",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Verplicht bij niet akkoord: wat moet er nog gebeuren? De eigenaar ziet dit.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("oordeel") == Verdict.NIET_AKKOORD and not cleaned.get("toelichting"):
            self.add_error(
                "toelichting",
                "Geef bij niet akkoord de reden, zodat de eigenaar weet wat er nog moet gebeuren.",
            )
        return cleaned


class HeropenenForm(SchoneInvoerMixin, VersieFormMixin, forms.Form):
    versie_verplicht = True

    reden = forms.CharField(
        label="Reden van het heropenen",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Waarom is de bevinding toch niet opgelost? Komt in de geschiedenis.",
        error_messages={"required": "Geef de reden waarom de bevinding weer open gaat."},
    )


class JaaroordeelForm(SchoneInvoerMixin, AanmaakFormMixin, VersieFormMixin, forms.ModelForm):
    class Meta:
        model = Jaaroordeel
        fields = ["jaar", "oordeel", "toelichting"]
        widgets = {"toelichting": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"jaar": "Het jaar waarover de instantie oordeelt."}

    def __init__(self, *args, bevinding, **kwargs):
        super().__init__(*args, **kwargs)
        self.bevinding = bevinding

    def clean_jaar(self):
        # The unique constraint includes `bevinding`, which is not a form field, so
        # Django would not check it here; the error belongs next to the year.
        jaar = self.cleaned_data["jaar"]
        bestaand = Jaaroordeel.objects.filter(bevinding=self.bevinding, jaar=jaar)
        if self.instance.pk:
            bestaand = bestaand.exclude(pk=self.instance.pk)
        if bestaand.exists():
            raise forms.ValidationError(
                f"Voor {jaar} is al een oordeel vastgelegd; pas dat oordeel aan."
            )
        return jaar


class NieuweVervolgactieForm(SchoneInvoerMixin, AanmaakFormMixin, forms.ModelForm):
    class Meta:
        model = Vervolgactie
        fields = ["omschrijving", "eigenaar", "deadline"]
        widgets = {"deadline": DatumInput, "omschrijving": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eigenaar"].queryset = User.objects.mogelijke_eigenaren()


class VervolgactieForm(SchoneInvoerMixin, VersieFormMixin, forms.ModelForm):
    """Managers change everything but the deadline; the action owner reports status."""

    toelichting = forms.CharField(
        label="Toelichting bij de wijziging",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Bijvoorbeeld de voortgang. Komt in de geschiedenis.",
    )

    class Meta:
        model = Vervolgactie
        fields = ["omschrijving", "eigenaar", "status"]
        widgets = {"omschrijving": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"status": "De deadline verschuift via 'Deadline verschuiven'."}

    def __init__(self, *args, alleen_voortgang=False, **kwargs):
        super().__init__(*args, **kwargs)
        if alleen_voortgang:
            del self.fields["omschrijving"]
            del self.fields["eigenaar"]
            # Dropping an action is for whoever manages the finding, not its owner.
            if self.instance.status != ActieStatus.VERVALLEN:
                self.fields["status"].choices = [
                    c for c in self.fields["status"].choices if c[0] != ActieStatus.VERVALLEN
                ]
        else:
            self.fields["eigenaar"].queryset = User.objects.mogelijke_eigenaren(
                self.instance.eigenaar_id
            )

    def save(self, commit=True):
        self.instance._change_reason = self.cleaned_data.get("toelichting", "")
        return super().save(commit)


class DeadlineForm(SchoneInvoerMixin, VersieFormMixin, forms.Form):
    versie_verplicht = True

    nieuwe_deadline = forms.DateField(
        label="Nieuwe deadline",
        widget=DatumInput,
        error_messages={"required": "Vul de nieuwe deadline in."},
    )
    reden = forms.CharField(
        label="Reden van het uitstel",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Geef de reden van het uitstel."},
    )
    goedgekeurd_door = forms.ModelChoiceField(
        label="Goedgekeurd door",
        queryset=User.objects.none(),
        empty_label="Kies wie het uitstel goedkeurde",
        help_text="De eigenaar van de bevinding, een auditor of de leidinggevende van de "
        "actiehouder.",
        error_messages={"required": "Kies wie het uitstel heeft goedgekeurd."},
    )

    def __init__(self, *args, actie, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goedgekeurd_door"].queryset = actie.goedkeurders()


class BewijsstukForm(SchoneInvoerMixin, AanmaakFormMixin, forms.Form):
    toelichting = forms.CharField(
        label="Toelichting",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Wat laat dit bewijs zien? Ook bewijs zonder bestand is mogelijk.",
        error_messages={"required": "Beschrijf wat dit bewijs laat zien."},
    )
    bestand = forms.FileField(
        label="Bestand",
        required=False,
        widget=forms.FileInput(attrs={"accept": ",".join(bewijs.TYPES)}),
    )

    def __init__(self, *args, te_groot=False, onvolledig=False, **kwargs):
        # Set by the view from its upload handler, which dropped the file.
        super().__init__(*args, **kwargs)
        self.te_groot = te_groot
        self.onvolledig = onvolledig
        self.fields["bestand"].help_text = bewijs.hulptekst()

    def clean_bestand(self):
        if self.te_groot:
            raise forms.ValidationError(bewijs.te_groot_melding(), code="te_groot")
        if self.onvolledig:
            raise forms.ValidationError(bewijs.ONVOLLEDIG_MELDING, code="onvolledig")
        bestand = self.cleaned_data.get("bestand")
        if bestand:
            bewijs.valideer_bestand(bestand)
        return bestand

"""What the API shows of each object. Writes go through the services, not `save()`."""

from rest_framework import serializers

from audits.models import Bevinding, Jaaroordeel, Vervolgactie
from douane_portfolio.models import ActieStatus
from programmas.models import (
    Indicatorwaarde,
    Initiatief,
    Mijlpaal,
    Prestatieindicator,
    Rapportageperiode,
    Status,
    Statusrapportage,
)
from risicos.models import Beheersmaatregel, Risico, Risicodialoog


class PersoonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    naam = serializers.CharField(source="__str__", read_only=True)


class InitiatiefSerializer(serializers.ModelSerializer):
    eigenaar = PersoonSerializer(read_only=True)
    thema_naam = serializers.CharField(source="thema.naam", read_only=True)
    huidige_status = serializers.ChoiceField(
        choices=Status.choices,
        read_only=True,
        allow_null=True,
        help_text="Status in de gekozen periode (standaard de open of laatste periode); "
        "leeg als er niet is gerapporteerd.",
    )

    class Meta:
        model = Initiatief
        fields = [
            "id",
            "naam",
            "omschrijving",
            "thema",
            "thema_naam",
            "eigenaar",
            "actief",
            "huidige_status",
            "versie",
        ]


class StatusrapportageSerializer(serializers.ModelSerializer):
    ingediend_door = PersoonSerializer(read_only=True, allow_null=True)
    periode_naam = serializers.CharField(source="periode.__str__", read_only=True)

    class Meta:
        model = Statusrapportage
        fields = [
            "id",
            "initiatief",
            "periode",
            "periode_naam",
            "status",
            "toelichting",
            "pad_naar_groen",
            "ingediend_door",
            "ingediend_op",
            "bron",
            "versie",
        ]


class StatusIndienenSerializer(serializers.Serializer):
    """Input for submitting (POST) or revising (PUT) a status report."""

    status = serializers.ChoiceField(choices=Status.choices)
    toelichting = serializers.CharField(required=False, allow_blank=True, default="")
    pad_naar_groen = serializers.CharField(required=False, allow_blank=True, default="")


class StatusNieuwSerializer(StatusIndienenSerializer):
    initiatief = serializers.PrimaryKeyRelatedField(queryset=Initiatief.objects.all())
    periode = serializers.PrimaryKeyRelatedField(queryset=Rapportageperiode.objects.all())

    def __init__(self, *args, initiatieven=None, **kwargs):
        super().__init__(*args, **kwargs)
        if initiatieven is not None:
            # Only initiatives the user may see: another one "does not exist".
            self.fields["initiatief"].queryset = initiatieven


class ActieVelden(serializers.ModelSerializer):
    eigenaar = PersoonSerializer(read_only=True)

    class Meta:
        fields = [
            "id",
            "omschrijving",
            "eigenaar",
            "deadline",
            "oorspronkelijke_deadline",
            "status",
            "afgerond_op",
            "versie",
        ]


class MijlpaalSerializer(ActieVelden):
    class Meta(ActieVelden.Meta):
        model = Mijlpaal
        fields = [*ActieVelden.Meta.fields, "initiatief"]


class MaatregelSerializer(ActieVelden):
    class Meta(ActieVelden.Meta):
        model = Beheersmaatregel
        fields = [*ActieVelden.Meta.fields, "risicos", "dialoog"]
        extra_kwargs = {"risicos": {"read_only": True}}


class VervolgactieSerializer(ActieVelden):
    class Meta(ActieVelden.Meta):
        model = Vervolgactie
        fields = [*ActieVelden.Meta.fields, "bevinding"]


class ActieStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActieStatus.choices)
    toelichting = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Waarom of hoe ver; komt in de geschiedenis (bij vervolgacties).",
    )


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Prestatieindicator
        fields = ["id", "naam", "groep", "eenheid", "richting", "initiatief", "versie"]


class IndicatorwaardeSerializer(serializers.ModelSerializer):
    status = serializers.CharField(source="berekende_status", read_only=True)

    class Meta:
        model = Indicatorwaarde
        fields = [
            "id",
            "indicator",
            "periode",
            "doelstelling",
            "realisatie",
            "bandbreedte",
            "toelichting",
            "status",
            "versie",
        ]


def _getal():
    return serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True, default=None
    )


class IndicatorwaardeInvoerSerializer(serializers.Serializer):
    doelstelling = _getal()
    realisatie = _getal()
    bandbreedte = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=100,
    )
    toelichting = serializers.CharField(required=False, allow_blank=True, default="")


class IndicatorwaardeNieuwSerializer(IndicatorwaardeInvoerSerializer):
    indicator = serializers.PrimaryKeyRelatedField(queryset=Prestatieindicator.objects.all())
    periode = serializers.PrimaryKeyRelatedField(queryset=Rapportageperiode.objects.all())


class RisicoSerializer(serializers.ModelSerializer):
    eigenaar = PersoonSerializer(read_only=True)
    bruto_score = serializers.IntegerField(read_only=True, allow_null=True)
    netto_score = serializers.IntegerField(read_only=True, allow_null=True)
    boven_risicobereidheid = serializers.BooleanField(read_only=True)

    class Meta:
        model = Risico
        fields = [
            "id",
            "titel",
            "omschrijving",
            "oorzaak",
            "gevolg",
            "categorie",
            "eigenaar",
            "bruto_kans",
            "bruto_impact",
            "bruto_score",
            "netto_kans",
            "netto_impact",
            "netto_score",
            "risicobereidheid",
            "boven_risicobereidheid",
            "toprisico",
            "status",
            "herbeoordeling",
            "initiatieven",
            "versie",
        ]
        extra_kwargs = {"initiatieven": {"read_only": True}}


class DialoogSerializer(serializers.ModelSerializer):
    voorzitter = PersoonSerializer(read_only=True, allow_null=True)
    deelnemers = PersoonSerializer(many=True, read_only=True)

    class Meta:
        model = Risicodialoog
        fields = [
            "id",
            "titel",
            "datum",
            "niveau",
            "status",
            "voorzitter",
            "deelnemers",
            "risicos",
            "besluiten",
            "vastgesteld_op",
            "versie",
        ]
        extra_kwargs = {"risicos": {"read_only": True}}


class BevindingSerializer(serializers.ModelSerializer):
    eigenaar = PersoonSerializer(read_only=True)
    rapport_naam = serializers.CharField(source="rapport.__str__", read_only=True)

    class Meta:
        model = Bevinding
        fields = [
            "id",
            "rapport",
            "rapport_naam",
            "titel",
            "soort",
            "domein",
            "omschrijving",
            "eigenaar",
            "status",
            "verwacht_opgelost_jaar",
            "verwacht_opgelost_op",
            "initiatieven",
            "risicos",
            # What the findings list shows, from the counters the database keeps (overdue:
            # against today, which the view makes their peildatum first).
            "acties_open",
            "acties_te_laat",
            "acties_uitstel",
            "versie",
        ]
        extra_kwargs = {"initiatieven": {"read_only": True}, "risicos": {"read_only": True}}


class AanbiedenSerializer(serializers.Serializer):
    toelichting = serializers.CharField(
        help_text="Waarom de bevinding is opgelost en welk bewijs de auditor kan bekijken."
    )


class JaaroordeelSerializer(serializers.ModelSerializer):
    vastgelegd_door = PersoonSerializer(read_only=True)

    class Meta:
        model = Jaaroordeel
        fields = [
            "id",
            "bevinding",
            "jaar",
            "oordeel",
            "toelichting",
            "vastgelegd_door",
            "vastgelegd_op",
            "versie",
        ]

"""The REST API (/api/v1/): the screens' lists and objects, scoped and permitted alike.

Reads: each list is the model's `zichtbaar_voor(user)` scope with the screen's FilterSet,
and needs the same view permission as the screen. Writes call the services (an action's
status is first validated by the screen's own status form); an object's ETag is its
version and a write must name it in If-Match.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import (
    action,
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from audits import services as audits_services
from audits.filters import BevindingFilter, VervolgactieFilter
from audits.forms import VervolgactieForm
from audits.models import Bevinding, Jaaroordeel, Vervolgactie
from douane_portfolio.forms import VersieFormMixin
from douane_portfolio.locking import VerouderdeVersie
from douane_portfolio.models import User
from douane_portfolio.tellers import peildatum_op
from programmas import services as programmas_services
from programmas.filters import IndicatorFilter, PortfolioFilter
from programmas.models import (
    Indicatorwaarde,
    Initiatief,
    Mijlpaal,
    Prestatieindicator,
    Rapportageperiode,
    Statusrapportage,
)
from programmas.views import gekozen_periode
from risicos import services as risicos_services
from risicos.filters import DialoogFilter, MaatregelFilter, RisicoFilter
from risicos.forms import MaatregelStatusForm
from risicos.models import Beheersmaatregel, Risico, Risicodialoog

from . import serializers as s
from .geschiedenis import via_api
from .problemen import BestaatAl
from .versies import etag, verwachte_versie

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='De ETag van het object zoals opgehaald, bijvoorbeeld "3".',
)


class Cursor(CursorPagination):
    """Keyset pagination on the primary key: stable under inserts, no OFFSET, no COUNT."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "aantal"
    max_page_size = 200
    invalid_cursor_message = "Ongeldige cursor."


class Leesrecht(permissions.BasePermission):
    """The view permission the screen's list asks (e.g. `risicos.view_risico`).

    Only for lists and creates: an object the user may not read is not found (404, see
    `ApiViewSet.get_queryset`), so the API never confirms that it exists.
    """

    message = "U heeft geen rol die deze gegevens mag inzien."

    def has_permission(self, request, view):
        return view.detail or request.user.has_perm(view.leespermissie)


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
@throttle_classes([])
def niet_gevonden(request, *args, **kwargs):
    raise NotFound("Dit adres bestaat niet in de API.")


class ApiViewSet(viewsets.GenericViewSet):
    lookup_value_converter = "int"
    pagination_class = Cursor
    filter_backends = [DjangoFilterBackend]
    leespermissie = None

    def get_permissions(self):
        return [*super().get_permissions(), Leesrecht()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        if not self.request.user.has_perm(self.leespermissie):
            return self.queryset.none()
        return self.scope(self.request.user)

    def scope(self, user):
        raise NotImplementedError

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.antwoord(obj)

    def antwoord(self, obj, status_code=status.HTTP_200_OK):
        return Response(
            self.get_serializer(obj).data, status=status_code, headers={"ETag": etag(obj)}
        )

    def eis_recht(self, permissie, obj):
        """403 for an object the user may see but not change (asked of the app's rules)."""
        if not self.request.user.has_perm(permissie, obj):
            raise PermissionDenied("U mag dit gegeven niet wijzigen.")

    def herlaad(self, obj):
        """The object as the list shows it (annotations included), after a write."""
        return self.scope(self.request.user).get(pk=obj.pk)


class LeesViewSet(mixins.ListModelMixin, ApiViewSet):
    pass


# --- Programmas ----------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class PeriodeKeuze(django_filters.ModelChoiceFilter):
    """The portfolio's period choice, documented as the period's id."""


class InitiatiefFilter(PortfolioFilter):
    periode = PeriodeKeuze(
        label="Periode",
        queryset=Rapportageperiode.objects.all(),
        method=lambda queryset, name, value: queryset,  # read by the view, as on the screen
    )


class InitiatiefViewSet(LeesViewSet):
    """Initiatives with their status in the chosen period (`periode`, as on the portfolio)."""

    queryset = Initiatief.objects.all()
    serializer_class = s.InitiatiefSerializer
    filterset_class = InitiatiefFilter
    leespermissie = "programmas.view_initiatief"

    def scope(self, user):
        periode = gekozen_periode(self.request)
        return (
            Initiatief.objects.zichtbaar_voor(user)
            .select_related("thema", "eigenaar")
            .met_status(periode)
        )


class StatusrapportageFilter(django_filters.FilterSet):
    class Meta:
        model = Statusrapportage
        fields = ["initiatief", "periode", "status"]


@extend_schema_view(
    create=extend_schema(request=s.StatusNieuwSerializer),
    update=extend_schema(request=s.StatusIndienenSerializer, parameters=[IF_MATCH]),
)
class StatusrapportageViewSet(LeesViewSet):
    """Status reports per period. POST submits, PUT revises (with If-Match)."""

    queryset = Statusrapportage.objects.all()
    serializer_class = s.StatusrapportageSerializer
    filterset_class = StatusrapportageFilter
    leespermissie = "programmas.view_statusrapportage"
    http_method_names = ["get", "post", "put", "head", "options"]

    def scope(self, user):
        return Statusrapportage.objects.filter(
            initiatief__in=Initiatief.objects.zichtbaar_voor(user)
        ).select_related("periode", "ingediend_door")

    def create(self, request):
        invoer = s.StatusNieuwSerializer(
            data=request.data, initiatieven=Initiatief.objects.zichtbaar_voor(request.user)
        )
        invoer.is_valid(raise_exception=True)
        gegevens = dict(invoer.validated_data)
        try:
            with via_api():
                rapportage = programmas_services.statusrapportage_indienen(
                    door=request.user, verwachte_versie=None, **gegevens
                )
        except VerouderdeVersie as fout:
            if (
                fout.instance.pk is None
                and not Statusrapportage.objects.filter(
                    initiatief=gegevens["initiatief"], periode=gegevens["periode"]
                ).exists()
            ):
                raise
            raise BestaatAl(
                "Voor dit initiatief en deze periode is al een status ingediend; herzie die "
                "met PUT op de statusrapportage en haar ETag in If-Match."
            )
        return self.antwoord(self.herlaad(rapportage), status.HTTP_201_CREATED)

    def update(self, request, pk=None):
        rapportage = self.get_object()
        self.eis_recht("programmas.rapporteer_status", rapportage.initiatief)
        versie = verwachte_versie(request)
        invoer = s.StatusIndienenSerializer(data=request.data)
        invoer.is_valid(raise_exception=True)
        with via_api():
            rapportage = programmas_services.statusrapportage_indienen(
                initiatief=rapportage.initiatief,
                periode=rapportage.periode,
                door=request.user,
                verwachte_versie=versie,
                **invoer.validated_data,
            )
        return self.antwoord(self.herlaad(rapportage))


class IndicatorViewSet(LeesViewSet):
    queryset = Prestatieindicator.objects.all()
    serializer_class = s.IndicatorSerializer
    leespermissie = "programmas.view_prestatieindicator"

    class filterset_class(django_filters.FilterSet):  # noqa: N801
        class Meta:
            model = Prestatieindicator
            fields = ["initiatief", "groep"]

    def scope(self, user):
        return Prestatieindicator.objects.all()


@extend_schema_view(
    create=extend_schema(request=s.IndicatorwaardeNieuwSerializer),
    update=extend_schema(request=s.IndicatorwaardeInvoerSerializer, parameters=[IF_MATCH]),
)
class IndicatorwaardeViewSet(LeesViewSet):
    """Values of the indicators. POST records a new one, PUT changes one (with If-Match)."""

    queryset = Indicatorwaarde.objects.all()
    serializer_class = s.IndicatorwaardeSerializer
    filterset_class = IndicatorFilter
    leespermissie = "programmas.view_indicatorwaarde"
    http_method_names = ["get", "post", "put", "head", "options"]

    def scope(self, user):
        return Indicatorwaarde.objects.zichtbaar_voor(user).select_related("indicator", "periode")

    def create(self, request):
        invoer = s.IndicatorwaardeNieuwSerializer(data=request.data)
        invoer.is_valid(raise_exception=True)
        gegevens = dict(invoer.validated_data)
        if Indicatorwaarde.objects.filter(
            indicator=gegevens["indicator"], periode=gegevens["periode"]
        ).exists():
            raise BestaatAl(
                "Voor deze indicator en periode is al een waarde vastgelegd; wijzig die met "
                "PUT op de indicatorwaarde en haar ETag in If-Match."
            )
        with via_api():
            waarde = programmas_services.indicatorwaarde_opslaan(
                door=request.user, verwachte_versie=None, **gegevens
            )
        return self.antwoord(self.herlaad(waarde), status.HTTP_201_CREATED)

    def update(self, request, pk=None):
        waarde = self.get_object()
        self.eis_recht("programmas.change_indicatorwaarde", waarde)
        versie = verwachte_versie(request)
        invoer = s.IndicatorwaardeInvoerSerializer(data=request.data)
        invoer.is_valid(raise_exception=True)
        with via_api():
            waarde = programmas_services.indicatorwaarde_opslaan(
                indicator=waarde.indicator,
                periode=waarde.periode,
                door=request.user,
                verwachte_versie=versie,
                **invoer.validated_data,
            )
        return self.antwoord(self.herlaad(waarde))


# --- Actions: milestones, measures, follow-up actions --------------------------------


class ActieViewSet(LeesViewSet):
    """An action's owner (and whoever manages it) reports its status: PATCH with If-Match.

    The status is validated by the screen's own status form (`statusformulier`) and
    saved by the screen's service (`bijwerken`), so the screens' rules hold here too.
    """

    http_method_names = ["get", "patch", "head", "options"]
    statuspermissie = None

    def statusformulier(self, obj, data):
        raise NotImplementedError

    def bijwerken(self, obj, **kwargs):
        raise NotImplementedError

    @extend_schema(request=s.ActieStatusSerializer, parameters=[IF_MATCH])
    def partial_update(self, request, pk=None):
        actie = self.get_object()
        self.eis_recht(self.statuspermissie, actie)
        versie = verwachte_versie(request)
        invoer = s.ActieStatusSerializer(data=request.data)
        invoer.is_valid(raise_exception=True)
        form = self.statusformulier(actie, {**invoer.validated_data, "versie": versie})
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        obj = form.save(commit=False)
        with via_api():
            self.bijwerken(
                obj,
                door=request.user,
                verwachte_versie=form.verwachte_versie,
                # A form that asks why (an action's progress note) gave its own reason.
                reden=getattr(obj, "_change_reason", "") or "status bijgewerkt",
            )
        return self.antwoord(self.herlaad(obj))


def _statusformulier(model):
    """A status-only form for a kind of action that has none of its own."""
    return forms.modelform_factory(
        model, form=type("StatusForm", (VersieFormMixin, forms.ModelForm), {}), fields=["status"]
    )


class MijlpaalViewSet(ActieViewSet):
    queryset = Mijlpaal.objects.all()
    serializer_class = s.MijlpaalSerializer
    leespermissie = "programmas.view_mijlpaal"
    statuspermissie = "programmas.change_status_mijlpaal"

    class filterset_class(django_filters.FilterSet):  # noqa: N801
        class Meta:
            model = Mijlpaal
            fields = ["initiatief", "status", "eigenaar"]

    def scope(self, user):
        return Mijlpaal.objects.filter(
            initiatief__in=Initiatief.objects.zichtbaar_voor(user)
        ).select_related("eigenaar")

    def statusformulier(self, obj, data):
        return _statusformulier(Mijlpaal)(data=data, instance=obj)

    def bijwerken(self, obj, **kwargs):
        return programmas_services.mijlpaal_bijwerken(mijlpaal=obj, **kwargs)


class MaatregelViewSet(ActieViewSet):
    queryset = Beheersmaatregel.objects.all()
    serializer_class = s.MaatregelSerializer
    filterset_class = MaatregelFilter
    leespermissie = "risicos.view_beheersmaatregel"
    statuspermissie = "risicos.change_status_beheersmaatregel"

    def scope(self, user):
        return (
            Beheersmaatregel.objects.zichtbaar_voor(user)
            .select_related("eigenaar")
            .prefetch_related("risicos")
        )

    def statusformulier(self, obj, data):
        return MaatregelStatusForm(data=data, instance=obj)

    def bijwerken(self, obj, **kwargs):
        return risicos_services.maatregelstatus_melden(maatregel=obj, **kwargs)


class VervolgactieViewSet(ActieViewSet):
    queryset = Vervolgactie.objects.all()
    serializer_class = s.VervolgactieSerializer
    filterset_class = VervolgactieFilter
    leespermissie = "audits.view_vervolgactie"
    statuspermissie = "audits.change_vervolgactie"

    def scope(self, user):
        return Vervolgactie.objects.zichtbaar_voor(user).select_related("eigenaar", "bevinding")

    def statusformulier(self, obj, data):
        # As the edit page: who manages the action gets the full form (and may drop it),
        # its owner only the progress part; the other fields keep their values.
        beheert = self.request.user.has_perm("audits.beheren_vervolgactie", obj)
        if beheert:
            data = {**data, "omschrijving": obj.omschrijving, "eigenaar": obj.eigenaar_id}
        return VervolgactieForm(data=data, instance=obj, alleen_voortgang=not beheert)

    def bijwerken(self, obj, **kwargs):
        return audits_services.vervolgactie_bijwerken(actie=obj, **kwargs)


# --- Risks ---------------------------------------------------------------------------


class RisicoViewSet(LeesViewSet):
    """The register with scores and appetite; active risks unless `status` says otherwise."""

    queryset = Risico.objects.all()
    serializer_class = s.RisicoSerializer
    filterset_class = RisicoFilter
    leespermissie = "risicos.view_risico"

    def scope(self, user):
        return (
            Risico.objects.zichtbaar_voor(user)
            .select_related("eigenaar")
            .prefetch_related("initiatieven")
        )


class DialoogViewSet(LeesViewSet):
    queryset = Risicodialoog.objects.all()
    serializer_class = s.DialoogSerializer
    filterset_class = DialoogFilter
    leespermissie = "risicos.view_risicodialoog"

    def scope(self, user):
        return (
            Risicodialoog.objects.zichtbaar_voor(user)
            .select_related("voorzitter")
            .prefetch_related(
                Prefetch("deelnemers", queryset=User.objects.order_by("pk")), "risicos"
            )
        )


# --- Audits --------------------------------------------------------------------------


class BevindingViewSet(LeesViewSet):
    queryset = Bevinding.objects.all()
    serializer_class = s.BevindingSerializer
    filterset_class = BevindingFilter
    leespermissie = "audits.view_bevinding"

    def scope(self, user):
        # Overdue actions from the counters, as the findings list reads them: first
        # make them count against today (one read, unless the day has just begun).
        vandaag = timezone.localdate()
        # Once per request: a write reads the scope again for its answer (herlaad).
        if getattr(self, "_peildatum", None) != vandaag:
            peildatum_op(vandaag)
            self._peildatum = vandaag
        return (
            Bevinding.objects.zichtbaar_voor(user)
            .select_related("rapport", "eigenaar")
            .prefetch_related("initiatieven", "risicos")
            .met_tellingen(vandaag, uit_tellers=True)
        )

    @extend_schema(request=s.AanbiedenSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def aanbieden(self, request, pk=None):
        """Offer the finding as resolved, for an auditor's verdict."""
        bevinding = self.get_object()
        self.eis_recht("audits.aanbieden_bevinding", bevinding)
        versie = verwachte_versie(request)
        invoer = s.AanbiedenSerializer(data=request.data)
        invoer.is_valid(raise_exception=True)
        with via_api():
            bevinding = audits_services.bevinding_aanbieden(
                bevinding=bevinding,
                door=request.user,
                verwachte_versie=versie,
                **invoer.validated_data,
            )
        return self.antwoord(self.herlaad(bevinding))


class JaaroordeelViewSet(LeesViewSet):
    queryset = Jaaroordeel.objects.all()
    serializer_class = s.JaaroordeelSerializer
    leespermissie = "audits.view_jaaroordeel"

    class filterset_class(django_filters.FilterSet):  # noqa: N801
        class Meta:
            model = Jaaroordeel
            fields = ["bevinding", "jaar", "oordeel"]

    def scope(self, user):
        return Jaaroordeel.objects.zichtbaar_voor(user).select_related("vastgelegd_door")

"""The risk register, the risk page and the forms on a risk."""

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from douane_portfolio.geschiedenis import geschiedenis_van
from douane_portfolio.lijsten import LijstView
from douane_portfolio.models import ActieStatus
from douane_portfolio.objectviews import (
    ObjectBewerkenView,
    ObjectDetailView,
    ObjectFormView,
    ObjectNieuwView,
)

from .. import bijdragen, services
from ..filters import RisicoFilter
from ..forms import RisicoForm, RisicoNieuwForm, ScoreForm
from ..grafiek import scoregrafiek
from ..models import Risico
from ..tables import RisicoTabel
from .basis import LeesView


class RisicoLijst(LijstView):
    model = Risico
    table_class = RisicoTabel
    filterset_class = RisicoFilter
    permission_required = "risicos.view_risico"
    template_name = "risicos/register.html"
    titel = "Risicoregister"
    intro = (
        "De risico's van de Douane met hun bruto score (vóór maatregelen) en netto score "
        "(na maatregelen), elk kans × impact op een schaal van 1 tot 5."
    )

    def bijdragen(self):
        """Columns other apps add for this user (audits: open findings)."""
        return bijdragen.register_kolommen(self.request.user)

    def get_queryset(self):
        qs = super().get_queryset().select_related("eigenaar").met_scores()
        for kolom in self.bijdragen():
            qs = kolom.annoteer(qs, self.request.user)
        return qs

    def get_table_kwargs(self):
        return {
            "kan_kiezen": self.request.user.has_perm("risicos.add_risicodialoog"),
            "bijdragen": self.bijdragen(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = self.request.GET.copy()
        for sleutel in ("sort", "page", "cursor", "_export"):
            filters.pop(sleutel, None)
        context["filter_query"] = filters.urlencode()
        context["actieve_celfilters"] = _celfilters(self.filterset, self.request)
        return context


def _celfilters(filterset, request):
    """The hidden filters set by the heat map, each with a link that removes it."""
    if filterset is None or not filterset.is_bound or not filterset.is_valid():
        return []
    d = filterset.form.cleaned_data
    resultaat = []
    for soort in ("bruto", "netto"):
        kans, impact = d.get(f"{soort}_kans"), d.get(f"{soort}_impact")
        if kans or impact:
            delen = []
            if kans:
                delen.append(f"kans {kans}")
            if impact:
                delen.append(f"impact {impact}")
            resultaat.append(
                (
                    f"{soort} " + " × ".join(delen),
                    _zonder(request, f"{soort}_kans", f"{soort}_impact"),
                )
            )
    if d.get("bruto"):
        resultaat.append((f"bruto {d['bruto'].replace('_', ' ')}", _zonder(request, "bruto")))
    return resultaat


def _zonder(request, *sleutels):
    query = request.GET.copy()
    for sleutel in (*sleutels, "page"):
        query.pop(sleutel, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


class RisicoDetail(LeesView):
    model = Risico
    template_name = "risicos/risico_detail.html"
    context_object_name = "risico"

    def get_queryset(self):
        # The creation moment (start of the score chart) as a subquery: the full history
        # has a page of its own (issue 13).
        aangemaakt = Risico.history.filter(id=OuterRef("pk"), history_type="+")
        return (
            super()
            .get_queryset()
            .select_related("eigenaar")
            .annotate(aangemaakt=Subquery(aangemaakt.values("history_date")[:1]))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        risico = self.object
        wijzigingen = list(
            risico.scorewijzigingen.select_related("door", "dialoog").order_by("moment", "pk")
        )
        maatregelen = list(
            risico.maatregelen.select_related("eigenaar", "dialoog").order_by("status", "deadline")
        )
        punten = list(
            risico.dialoogpunten.select_related("dialoog", "dialoog__voorzitter").order_by(
                "-dialoog__datum"
            )
        )
        user = self.request.user
        panelen, panelgegevens = bijdragen.risico_panelen(risico, user)
        context.update(panelgegevens)
        context.update(
            {
                "titel": risico.titel,
                "vandaag": timezone.localdate(),
                "scorewijzigingen": list(reversed(wijzigingen)),
                "grafiek": scoregrafiek(wijzigingen, risico, risico.aangemaakt),
                "maatregelen": maatregelen,
                "maatregelen_gereed": sum(m.status == ActieStatus.AFGEROND for m in maatregelen),
                "maatregelen_totaal": sum(m.status != ActieStatus.VERVALLEN for m in maatregelen),
                "punten": punten,
                "initiatieven": risico.initiatieven.all(),
                "panelen": panelen,
                "mag_wijzigen": user.has_perm("risicos.change_risico", risico),
                "mag_scoren": user.has_perm("risicos.scoren_risico", risico),
                "mag_maatregel_toevoegen": user.has_perm("risicos.add_beheersmaatregel"),
            }
        )
        return context


class RisicoGeschiedenis(ObjectDetailView):
    """Every change of a risk, on a page of its own: the risk page stays within its
    query budget (issue 13); the score changes with their reasons stay on the risk page."""

    model = Risico
    template_name = "geschiedenis.html"
    context_object_name = "risico"

    def get_queryset(self):
        return super().get_queryset().select_related("eigenaar")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "titel": f"Geschiedenis: {self.object.titel}",
                "terug_url": self.object.get_absolute_url(),
                "terug_naam": self.object.titel,
                "geschiedenis": geschiedenis_van(self.object),
            }
        )
        return context


class RisicoNieuw(ObjectNieuwView):
    model = Risico
    form_class = RisicoNieuwForm
    permissie = "risicos.add_risico"
    template_name = "risicos/formulier.html"
    succes_bericht = "Risico '{object}' is geregistreerd."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = "Nieuw risico"
        context["annuleer_url"] = reverse("risicos:register")
        return context

    def uitvoeren(self, form):
        return services.risico_registreren(
            risico=form.instance,
            initiatieven=form.cleaned_data["initiatieven"],
            door=self.request.user,
        )


class RisicoBewerken(ObjectBewerkenView):
    model = Risico
    form_class = RisicoForm
    permissie = "risicos.change_risico"
    template_name = "risicos/formulier.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = f"Risico bewerken: {self.object}"
        context["toelichting"] = "Scores wijzigt u met 'Score wijzigen', met een reden."
        return context

    def uitvoeren(self, form):
        return services.risico_bijwerken(
            risico=form.instance,
            door=self.request.user,
            verwachte_versie=form.verwachte_versie,
            bewaar_koppelingen=form.save_m2m,
        )


class RisicoScoren(ObjectFormView):
    model = Risico
    form_class = ScoreForm
    permissie = "risicos.scoren_risico"
    template_name = "risicos/scoren.html"
    succes_bericht = "De nieuwe scores zijn opgeslagen."

    def get_initial(self):
        return {}  # ScoreForm starts from the risk's own scores and version

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "risico": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["risico"] = self.object
        return context

    def get_titel(self):
        return f"Score wijzigen: {self.object}"

    def uitvoeren(self, form):
        scores = form.scores
        return services.risico_scoren(
            risico=self.object,
            bruto_kans=scores.bruto_kans,
            bruto_impact=scores.bruto_impact,
            netto_kans=scores.netto_kans,
            netto_impact=scores.netto_impact,
            reden=form.cleaned_data["reden"],
            door=self.request.user,
            verwachte_versie=form.verwachte_versie,
        )

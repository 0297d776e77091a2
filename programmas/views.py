from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from douane_portfolio.geschiedenis import gebeurtenissen
from douane_portfolio.lijsten import LijstView
from douane_portfolio.locking import VerouderdeVersie
from douane_portfolio.parameters import id_uit
from douane_portfolio.rules import is_beheerder
from douane_portfolio.views import (
    EenmaligCreateView,
    EenObject,
    VersieUpdateView,
    servicefout_in_formulier,
)

from . import portfolio, services, startpunt
from .filters import IndicatorFilter, PortfolioFilter
from .forms import (
    IndicatorwaardeForm,
    InitiatiefForm,
    MijlpaalForm,
    PeriodeForm,
    StatusrapportageForm,
)
from .models import (
    STATUS_BETEKENIS,
    Indicatorwaarde,
    Initiatief,
    Mijlpaal,
    Periodesoort,
    Prestatieindicator,
    Rapportageperiode,
    Status,
    Statusrapportage,
    trend,
)
from .tables import IndicatorTable, PortfolioTable


def standaard_periode():
    """The period a page shows when none is chosen: the newest one with reports, else
    the open round, else the newest."""
    met_rapportages = (
        Rapportageperiode.objects.filter(rapportages__isnull=False)
        .order_by("-einddatum", "-begindatum")
        .first()
    )
    return (
        met_rapportages
        or Rapportageperiode.objects.open().first()
        or Rapportageperiode.objects.order_by("-einddatum").first()
    )


def gekozen_periode(request):
    pk = id_uit(request.GET.get("periode"))
    if pk is not None:
        periode = Rapportageperiode.objects.filter(pk=pk).first()
        if periode is not None:
            return periode
    return standaard_periode()


class PortfolioView(portfolio.NaastOpenRonde, LijstView):
    model = Initiatief
    table_class = PortfolioTable
    filterset_class = PortfolioFilter
    permission_required = "programmas.view_initiatief"
    template_name = "programmas/portfolio.html"
    titel = "Portfolio"

    def periode(self):
        if not hasattr(self, "_periode"):
            self._periode = portfolio.periode_bij_open_ronde(self.request) or gekozen_periode(
                self.request
            )
        return self._periode

    def get_queryset(self):
        periode = self.periode()
        vorige = periode.vorige() if periode else None
        return (
            super()
            .get_queryset()
            .select_related("thema", "eigenaar")
            .met_status(periode, vorige)
            .met_mijlpaaltellingen()
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = self.request.GET.copy()
        if self.periode() is not None:
            data.setdefault("periode", str(self.periode().pk))
        kwargs["data"] = data
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        periode = self.periode()
        context["periode"] = periode
        context["vorige_periode"] = periode.vorige() if periode else None
        context["titel"] = f"Portfolio {periode}" if periode else "Portfolio"
        open_periode = Rapportageperiode.objects.open().first()
        context["open_periode"] = open_periode
        if open_periode is not None and self.request.user.has_perm(
            "programmas.add_statusrapportage"
        ):
            context["nog_te_rapporteren"] = list(
                Initiatief.objects.filter(eigenaar=self.request.user, actief=True)
                .exclude(rapportages__periode=open_periode)
                .select_related("thema")
            )
        return context


class ActiviteitentabelView(PermissionRequiredMixin, TemplateView):
    """The activity table per theme exactly as chapter 3 of the annual report prints it."""

    permission_required = "programmas.view_initiatief"
    template_name = "programmas/activiteiten.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        periode = gekozen_periode(self.request)
        initiatieven = Initiatief.objects.activiteitentabel(periode)
        context["periode"] = periode
        context["perioden"] = Rapportageperiode.objects.order_by("-einddatum", "-begindatum")
        context["themas"] = [
            (thema, list(rijen)) for thema, rijen in groupby(initiatieven, key=lambda i: i.thema)
        ]
        context["betekenis"] = [(s, s.label, STATUS_BETEKENIS[s]) for s in Status]
        context["titel"] = f"Activiteitentabel {periode}" if periode else "Activiteitentabel"
        return context


def _perioderijen(perioden, rapportages):
    """[(periode, rapportage or None, trend)] newest first, trend as `Rapportageperiode.vorige`."""
    rijen = []
    laatste = {}
    for periode in sorted(perioden, key=lambda p: (p.einddatum, p.begindatum)):
        soort = "jaar" if periode.soort == Periodesoort.JAAR else "tertiaal"
        rapportage = rapportages.get(periode.pk)
        vorige = laatste.get(soort)
        rijen.append(
            (
                periode,
                rapportage,
                trend(rapportage and rapportage.status, vorige and vorige.status),
            )
        )
        laatste[soort] = rapportage
    rijen.reverse()
    return rijen


class InitiatiefView(EenObject, PermissionRequiredMixin, DetailView):
    permission_required = "programmas.view_initiatief"
    model = Initiatief
    template_name = "programmas/initiatief.html"

    def get_queryset(self):
        return Initiatief.objects.zichtbaar_voor(self.request.user).select_related(
            "thema", "eigenaar"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initiatief = self.object
        perioden = list(Rapportageperiode.objects.all())
        rapportages = {
            r.periode_id: r for r in initiatief.rapportages.select_related("ingediend_door")
        }
        context["perioderijen"] = _perioderijen(perioden, rapportages)
        context["open_periode"] = next((p for p in perioden if p.is_open), None)
        context["mijlpalen"] = list(initiatief.mijlpalen.select_related("eigenaar"))
        context["vandaag"] = timezone.localdate()
        indicatoren = list(
            initiatief.indicatoren.prefetch_related(
                Prefetch(
                    "waarden",
                    queryset=Indicatorwaarde.objects.select_related("periode").order_by(
                        "-periode__einddatum"
                    ),
                )
            )
        )
        context["indicatoren"] = indicatoren
        open_periode = context["open_periode"]
        if open_periode:
            for indicator in indicatoren:
                indicator.zonder_waarde_open = all(
                    w.periode_id != open_periode.pk for w in indicator.waarden.all()
                )
        # Risks and findings link here from their own apps (reverse relations), each
        # through that app's own reading scope.
        user = self.request.user
        context["risicos"] = self.gekoppeld(initiatief, "risicos", "risicos.view_risico", user)
        context["bevindingen"] = self.gekoppeld(
            initiatief, "bevindingen", "audits.view_bevinding", user
        )
        context["geschiedenis"] = self.geschiedenis(initiatief, indicatoren)
        return context

    @staticmethod
    def gekoppeld(initiatief, relatie, permissie, user):
        if not hasattr(initiatief, relatie) or not user.has_perm(permissie):
            return None
        return list(getattr(initiatief, relatie).zichtbaar_voor(user))

    def geschiedenis(self, initiatief, indicatoren):
        bronnen = [
            (initiatief.history.all(), Initiatief, lambda r: "Initiatief"),
            (
                Statusrapportage.history.filter(initiatief_id=initiatief.pk).select_related(
                    "periode"
                ),
                Statusrapportage,
                lambda r: f"Status {r.periode}",
            ),
            (
                Mijlpaal.history.filter(initiatief_id=initiatief.pk),
                Mijlpaal,
                lambda r: f"Mijlpaal: {r.omschrijving[:60]}",
            ),
            (
                Indicatorwaarde.history.filter(
                    indicator_id__in=[i.pk for i in indicatoren]
                ).select_related("indicator", "periode"),
                Indicatorwaarde,
                lambda r: f"Indicator {r.indicator} ({r.periode})",
            ),
        ]
        alles = []
        for records, model, label in bronnen:
            records = records.select_related("history_user").order_by("history_date", "history_id")
            alles.extend(gebeurtenissen(records, model, label=label))
        alles.sort(key=lambda g: g.moment, reverse=True)
        return alles


class StatusIndienenView(View):
    template_name = "programmas/status_form.html"

    def dispatch(self, request, pk, periode_pk):
        self.initiatief = get_object_or_404(Initiatief.objects.select_related("thema"), pk=pk)
        self.periode = get_object_or_404(Rapportageperiode, pk=periode_pk)
        if not request.user.has_perm("programmas.rapporteer_status", self.initiatief):
            raise PermissionDenied
        beheerder = is_beheerder(request.user)
        if not (self.periode.is_open or (self.periode.is_gesloten and beheerder)):
            messages.error(
                request,
                "Voor deze periode kunt u geen status (meer) indienen."
                if not self.periode.is_gesloten
                else "Deze periode is gesloten; alleen een beheerder kan de status nog wijzigen.",
            )
            return redirect(self.initiatief)
        self.bestaand = Statusrapportage.objects.filter(
            initiatief=self.initiatief, periode=self.periode
        ).first()
        self.vorige = startpunt.vorige_rapportage(self.initiatief, self.periode)
        return super().dispatch(request)

    def form(self, data=None):
        initial = {}
        if self.bestaand:
            initial = {
                "status": self.bestaand.status,
                "toelichting": self.bestaand.toelichting,
                "pad_naar_groen": self.bestaand.pad_naar_groen,
                "versie": self.bestaand.versie,
            }
        if self.vorige and startpunt.wil_overnemen(self.request):
            initial.update(self.vorige.als_initial())
        return StatusrapportageForm(data, initial=initial, pad_verplicht=self.periode.is_open)

    def render(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "initiatief": self.initiatief,
                "periode": self.periode,
                "bestaand": self.bestaand,
                "vorige": self.vorige,
                "betekenis": [(s, s.label, STATUS_BETEKENIS[s]) for s in Status],
                "titel": f"Status {self.initiatief} – {self.periode}",
            },
        )

    def get(self, request):
        return self.render(self.form())

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                services.statusrapportage_indienen(
                    initiatief=self.initiatief,
                    periode=self.periode,
                    status=form.cleaned_data["status"],
                    toelichting=form.cleaned_data["toelichting"],
                    pad_naar_groen=form.cleaned_data["pad_naar_groen"],
                    door=request.user,
                    versie=form.cleaned_data["versie"],
                )
            except (VerouderdeVersie, ValidationError) as fout:
                servicefout_in_formulier(form, fout)
            else:
                messages.success(request, f"De status voor {self.periode} is opgeslagen.")
                return redirect(self.initiatief)
        return self.render(form)


class InitiatiefNieuwView(PermissionRequiredMixin, EenmaligCreateView):
    permission_required = "programmas.add_initiatief"
    model = Initiatief
    form_class = InitiatiefForm
    template_name = "formulier.html"
    succes_bericht = "Initiatief {object} is toegevoegd."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = "Nieuw initiatief"
        context["annuleer_url"] = reverse("programmas:portfolio")
        return context


class InitiatiefBewerkenView(PermissionRequiredMixin, VersieUpdateView):
    permission_required = "programmas.change_initiatief"
    model = Initiatief
    form_class = InitiatiefForm
    succes_bericht = "Het initiatief is bijgewerkt."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["alleen_omschrijving"] = not is_beheerder(self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = f"{self.object} bewerken"
        return context


class MijlpaalNieuwView(PermissionRequiredMixin, EenmaligCreateView):
    permission_required = "programmas.add_mijlpaal"
    model = Mijlpaal
    form_class = MijlpaalForm
    template_name = "formulier.html"

    def dispatch(self, request, *args, **kwargs):
        self.initiatief = get_object_or_404(Initiatief, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.initiatief

    def get_initial(self):
        return {"eigenaar": self.initiatief.eigenaar_id}

    succes_bericht = "De mijlpaal is toegevoegd."

    def maak(self, form):
        form.instance.initiatief = self.initiatief
        return form.save()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = f"Nieuwe mijlpaal voor {self.initiatief}"
        context["annuleer_url"] = self.initiatief.get_absolute_url()
        return context


class MijlpaalBewerkenView(PermissionRequiredMixin, VersieUpdateView):
    permission_required = "programmas.change_status_mijlpaal"
    model = Mijlpaal
    form_class = MijlpaalForm
    succes_bericht = "De mijlpaal is bijgewerkt."

    def get_queryset(self):
        return Mijlpaal.objects.select_related("initiatief", "eigenaar")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["alleen_status"] = not self.request.user.has_perm(
            "programmas.change_mijlpaal", self.object
        )
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = f"Mijlpaal bijwerken – {self.object.initiatief}"
        return context


class IndicatorenView(LijstView):
    model = Indicatorwaarde
    table_class = IndicatorTable
    filterset_class = IndicatorFilter
    permission_required = "programmas.view_indicatorwaarde"
    titel = "Prestatie-indicatoren"
    intro = (
        "Groen: de realisatie haalt de doelstelling of wijkt er hooguit de bandbreedte van af. "
        "Oranje: de afwijking is groter dan de bandbreedte, maar hooguit twee keer zo groot. "
        "Rood: de afwijking is meer dan twee keer de bandbreedte. Bij indicatoren waar lager "
        "beter is, geldt hetzelfde in omgekeerde richting. Zonder doelstelling wordt geen "
        "oordeel gegeven."
    )

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("indicator__initiatief", "periode")
            .met_status()
            .order_by("-periode__einddatum", "indicator__groep", "indicator__volgorde")
        )


class IndicatorwaardeView(View):
    """Enter or update target, realisation and band of one indicator for one period."""

    template_name = "formulier.html"

    def dispatch(self, request, pk=None, indicator_pk=None, periode_pk=None):
        if pk is not None:
            self.waarde = get_object_or_404(
                Indicatorwaarde.objects.select_related("indicator__initiatief", "periode"), pk=pk
            )
            self.indicator, self.periode = self.waarde.indicator, self.waarde.periode
            perm = "programmas.change_indicatorwaarde"
        else:
            self.indicator = get_object_or_404(
                Prestatieindicator.objects.select_related("initiatief"), pk=indicator_pk
            )
            self.periode = get_object_or_404(Rapportageperiode, pk=periode_pk)
            bestaand = Indicatorwaarde.objects.filter(
                indicator=self.indicator, periode=self.periode
            ).first()
            if bestaand is not None and request.method != "POST":
                return redirect("programmas:indicatorwaarde_bewerken", bestaand.pk)
            # A value someone else entered since this form opened: the service refuses
            # it as "intussen gewijzigd" and the form keeps what this user typed.
            self.waarde = None
            perm = "programmas.add_indicatorwaarde"
            if bestaand is not None:
                perm = "programmas.change_indicatorwaarde"
        if not request.user.has_perm(perm, self.waarde or self.indicator):
            raise PermissionDenied
        return super().dispatch(request)

    def render(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "titel": f"{self.indicator} – {self.periode}",
                "toelichting": f"Eenheid: {self.indicator.eenheid or '—'}; "
                f"{self.indicator.get_richting_display().lower()}.",
                "annuleer_url": self.indicator.get_absolute_url(),
            },
        )

    def get(self, request):
        initial = {"versie": self.waarde.versie} if self.waarde else {}
        return self.render(IndicatorwaardeForm(instance=self.waarde, initial=initial))

    def post(self, request):
        form = IndicatorwaardeForm(request.POST, instance=self.waarde)
        if form.is_valid():
            try:
                services.indicatorwaarde_opslaan(
                    indicator=self.indicator,
                    periode=self.periode,
                    doelstelling=form.cleaned_data["doelstelling"],
                    realisatie=form.cleaned_data["realisatie"],
                    bandbreedte=form.cleaned_data["bandbreedte"],
                    toelichting=form.cleaned_data["toelichting"],
                    door=request.user,
                    versie=form.cleaned_data["versie"],
                )
            except (VerouderdeVersie, ValidationError) as fout:
                servicefout_in_formulier(form, fout)
            else:
                messages.success(request, "De indicator is bijgewerkt.")
                return HttpResponseRedirect(self.indicator.get_absolute_url())
        return self.render(form)


class RapportagerondeView(PermissionRequiredMixin, TemplateView):
    """The portfolio office runs the round; everyone may see its progress."""

    permission_required = "programmas.view_rapportageperiode"
    template_name = "programmas/ronde.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        perioden = Rapportageperiode.objects.annotate(
            aantal_rapportages=Count("rapportages", distinct=True)
        ).order_by("-einddatum", "-begindatum")
        context["perioden"] = perioden
        context["aantal_initiatieven"] = Initiatief.objects.filter(actief=True).count()
        open_periode = Rapportageperiode.objects.open().first()
        context["open_periode"] = open_periode
        if open_periode:
            ontbrekend = (
                Initiatief.objects.filter(actief=True)
                .exclude(rapportages__periode=open_periode)
                .select_related("thema", "eigenaar")
            )
            context["ontbrekend"] = list(ontbrekend)
            context["ingediend"] = context["aantal_initiatieven"] - len(context["ontbrekend"])
            context["deadline_voorbij"] = (
                open_periode.indiendeadline is not None
                and open_periode.indiendeadline < timezone.localdate()
            )
        context["form"] = form or PeriodeForm(initial=self.voorstel())
        context["titel"] = "Rapportageronde"
        return context

    def voorstel(self):
        """Suggest the period after the newest one."""
        laatste = Rapportageperiode.objects.exclude(soort=Periodesoort.JAAR).last()
        if laatste is None:
            vandaag = timezone.localdate()
            soort = next(s for s, (a, b) in _tertialen() if a <= vandaag.month <= b)
            return {"jaar": vandaag.year, "soort": soort}
        volgorde = [Periodesoort.T1, Periodesoort.T2, Periodesoort.T3]
        i = volgorde.index(laatste.soort)
        if i == 2:
            return {"jaar": laatste.jaar + 1, "soort": Periodesoort.T1}
        return {"jaar": laatste.jaar, "soort": volgorde[i + 1]}


def _tertialen():
    from .models import PERIODE_MAANDEN

    return [(s, PERIODE_MAANDEN[s]) for s in (Periodesoort.T1, Periodesoort.T2, Periodesoort.T3)]


class PeriodeNieuwView(PermissionRequiredMixin, View):
    permission_required = "programmas.add_rapportageperiode"

    def post(self, request):
        form = PeriodeForm(request.POST)
        if form.is_valid():
            try:
                periode = services.periode_aanmaken(door=request.user, **form.cleaned_data)
            except ValidationError as fout:
                servicefout_in_formulier(form, fout)
            else:
                messages.success(request, f"Periode {periode} is aangemaakt.")
                return redirect("programmas:ronde")
        view = RapportagerondeView()
        view.setup(request)
        return render(request, view.template_name, view.get_context_data(form=form))


class PeriodeStatusView(PermissionRequiredMixin, View):
    permission_required = "programmas.change_rapportageperiode"
    actie = None  # "openen" or "sluiten"

    def post(self, request, pk):
        periode = get_object_or_404(Rapportageperiode, pk=pk)
        service = {"openen": services.periode_openen, "sluiten": services.periode_sluiten}
        if self.actie not in service:
            raise Http404
        try:
            service[self.actie](periode=periode, door=request.user)
        except ValidationError as fout:
            messages.error(request, " ".join(fout.messages))
        else:
            woord = "geopend" if self.actie == "openen" else "gesloten"
            messages.success(request, f"De ronde {periode} is {woord}.")
        return redirect(reverse("programmas:ronde"))

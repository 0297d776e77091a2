from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Prefetch, Q, Value
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from douane_portfolio import tellers
from douane_portfolio.bladeren import bladzijde
from douane_portfolio.geschiedenis import gebeurtenissen
from douane_portfolio.lijsten import LijstView
from douane_portfolio.models import aantal, telling
from douane_portfolio.objectviews import (
    ObjectBewerkenView,
    ObjectDetailView,
    ObjectFormView,
    ObjectNieuwView,
    eis_recht,
    met_melding,
    met_service,
)
from douane_portfolio.parameters import id_uit
from douane_portfolio.rules import is_beheerder

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
    PERIODE_MAANDEN,
    STATUS_BETEKENIS,
    Indicatorwaarde,
    Initiatief,
    Mijlpaal,
    Periodesoort,
    Prestatieindicator,
    Rapportageperiode,
    Status,
    Statusrapportage,
    Thema,
    trend,
)
from .tables import IndicatorwaardeTabel, InitiatiefTabel


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


class InitiatiefLijst(portfolio.NaastOpenRonde, LijstView):
    """The portfolio: every initiative with its status in the chosen period."""

    model = Initiatief
    table_class = InitiatiefTabel
    filterset_class = PortfolioFilter
    permission_required = "programmas.view_initiatief"
    template_name = "programmas/portfolio.html"
    titel = "Portfolio"

    @cached_property
    def perioden(self):
        # With the open round's progress: `NaastOpenRonde` shows it; and whether the user
        # has anything left to report in it.
        return portfolio.Perioden(voortgang=True, gebruiker=self.request.user)

    def periode(self):
        if not hasattr(self, "_periode"):
            self._periode = self.perioden.bij_open_ronde(self.request) or self.perioden.gekozen(
                self.request
            )
        return self._periode

    def get_queryset(self):
        periode = self.periode()
        vorige = self.perioden.vorige(periode)
        # Overdue milestones from the counters: first make them count against today.
        vandaag = timezone.localdate()
        tellers.peildatum_op(vandaag, self.perioden.peildatum())
        return (
            super()
            .get_queryset()
            .select_related("thema", "eigenaar")
            .met_status(periode, vorige)
            .met_mijlpaaltellingen(vandaag, uit_tellers=True)
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = self.request.GET.copy()
        if self.periode() is not None:
            data.setdefault("periode", str(self.periode().pk))
        kwargs["data"] = data
        kwargs["perioden"] = self.perioden.alle
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        periode = self.periode()
        context["periode"] = periode
        context["vorige_periode"] = self.perioden.vorige(periode)
        context["titel"] = f"Portfolio {periode}" if periode else "Portfolio"
        open_periode = self.perioden.open()
        context["open_periode"] = open_periode
        if open_periode is not None and self.request.user.has_perm(
            "programmas.add_statusrapportage"
        ):
            context["nog_te_rapporteren"] = (
                list(
                    Initiatief.objects.actief()
                    .van(self.request.user)
                    .zonder_rapportage_in(open_periode)
                    .select_related("thema")
                )
                # Read with the periods: no query when there is nothing left to list.
                if open_periode.eigen_nog_open
                else []
            )
        return context


class Activiteitentabel(PermissionRequiredMixin, TemplateView):
    """The activity table per theme as chapter 3 of the annual report prints it, in pages
    of a bounded number of rows (a ministry has ~2,000 initiatives), one theme or all."""

    permission_required = "programmas.view_initiatief"
    template_name = "programmas/activiteiten.html"
    per_pagina = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        perioden = portfolio.Perioden()
        periode = perioden.gekozen(self.request)
        context["periode"] = periode
        context["perioden"] = perioden.alle
        context["betekenis"] = [(s, s.label, STATUS_BETEKENIS[s]) for s in Status]
        context["titel"] = f"Activiteitentabel {periode}" if periode else "Activiteitentabel"
        if periode is None:
            return context
        # A handful of themes: their counts make the choice and say how long each is.
        themas = list(
            Thema.objects.annotate(
                aantal=Count("initiatieven", filter=Q(initiatieven__actief=True))
            ).filter(aantal__gt=0)
        )
        thema_pk = id_uit(self.request.GET.get("thema"))
        thema = next((t for t in themas if t.pk == thema_pk), None)
        rijen = Initiatief.objects.activiteitentabel(periode, perioden.vorige(periode))
        if thema is not None:
            rijen = rijen.filter(thema=thema)
        pagina = bladzijde(rijen, self.request.GET, self.per_pagina)
        context.update(
            themas=themas,
            thema=thema,
            aantal=thema.aantal if thema else sum(t.aantal for t in themas),
            pagina=pagina,
            groepen=[
                (t, list(groep)) for t, groep in groupby(pagina.object_list, key=lambda i: i.thema)
            ],
        )
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


class InitiatiefDetail(ObjectDetailView):
    permissie = "programmas.view_initiatief"
    model = Initiatief
    template_name = "programmas/initiatief.html"

    def get_queryset(self):
        return super().get_queryset().select_related("thema", "eigenaar")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initiatief = self.object
        # Every period with this initiative's report of it (at most one: unique per
        # initiative and period) in one LEFT JOIN, instead of periods and reports apart.
        perioden = list(
            Rapportageperiode.objects.annotate(
                eigen_rapportage=FilteredRelation(
                    "rapportages", condition=Q(rapportages__initiatief=initiatief)
                )
            ).select_related("eigen_rapportage__ingediend_door")
        )
        # Django sets the joined object only where the join found a row.
        rapportages = {
            p.pk: p.eigen_rapportage for p in perioden if getattr(p, "eigen_rapportage", None)
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
        context.update(gekoppeld(initiatief, self.request.user))
        return context


# Risks and findings link to initiatives from their own apps (reverse relations, no
# import), each read through that app's own reading scope and in its own order.
GEKOPPELD = (
    ("risicos", "risicos.view_risico", ("titel",)),
    ("bevindingen", "audits.view_bevinding", ("rapport__instantie", "titel")),
)


def gekoppeld(initiatief, user):
    """{"risicos": [...], "bevindingen": [...]} that link to `initiatief`, None for a kind
    the user may not read: one UNION of titles for both (issue 13). The items are bare
    instances with a pk and a title: enough for their name and link."""
    resultaat, delen, modellen = {}, [], {}
    for relatie, permissie, sortering in GEKOPPELD:
        resultaat[relatie] = None
        if not hasattr(initiatief, relatie) or not user.has_perm(permissie):
            continue
        resultaat[relatie] = []
        manager = getattr(initiatief, relatie)
        modellen[relatie] = manager.model
        sleutels = [F(veld) for veld in sortering] + [Value("")] * (2 - len(sortering))
        delen.append(
            manager.zichtbaar_voor(user)
            .order_by()
            .annotate(
                _relatie=Value(relatie),
                _sleutel1=sleutels[0],
                _sleutel2=sleutels[1],
                _pk=F("pk"),
                _titel=F("titel"),
            )
            .values_list("_relatie", "_sleutel1", "_sleutel2", "_pk", "_titel")
        )
    if delen:
        rijen = delen[0].union(*delen[1:], all=True) if len(delen) > 1 else delen[0]
        for relatie, _s1, _s2, pk, titel in rijen.order_by(
            "_relatie", "_sleutel1", "_sleutel2", "_pk"
        ):
            resultaat[relatie].append(modellen[relatie](pk=pk, titel=titel))
    return resultaat


class InitiatiefGeschiedenis(ObjectDetailView):
    """Every change of an initiative, its status reports, milestones and indicator
    values, on a page of its own: the initiative page stays within its query budget
    (issue 13)."""

    permissie = "programmas.view_initiatief"
    model = Initiatief
    template_name = "geschiedenis.html"

    def get_queryset(self):
        return super().get_queryset().select_related("thema", "eigenaar")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initiatief = self.object
        context.update(
            {
                "titel": f"Geschiedenis: {initiatief}",
                "terug_url": initiatief.get_absolute_url(),
                "terug_naam": str(initiatief),
                "toon_object": True,
                "geschiedenis": initiatief_geschiedenis(initiatief),
            }
        )
        return context


def initiatief_geschiedenis(initiatief):
    """The history of an initiative and of what hangs on it, newest first: one query per
    history table, the objects its fields point to joined in (so no lookups per model)."""
    bronnen = [
        (
            initiatief.history.select_related("thema", "eigenaar"),
            Initiatief,
            lambda r: "Initiatief",
        ),
        (
            Statusrapportage.history.filter(initiatief_id=initiatief.pk).select_related(
                "periode", "ingediend_door"
            ),
            Statusrapportage,
            lambda r: f"Status {r.periode}",
        ),
        (
            Mijlpaal.history.filter(initiatief_id=initiatief.pk).select_related("eigenaar"),
            Mijlpaal,
            lambda r: f"Mijlpaal: {r.omschrijving[:60]}",
        ),
        (
            Indicatorwaarde.history.filter(
                indicator_id__in=initiatief.indicatoren.values("pk")
            ).select_related("indicator", "periode"),
            Indicatorwaarde,
            lambda r: f"Indicator {r.indicator} ({r.periode})",
        ),
    ]
    alles = []
    for records, model, label in bronnen:
        records = list(
            records.select_related("history_user").order_by("history_date", "history_id")
        )
        alles.extend(gebeurtenissen(records, model, label=label, bekend=[initiatief, *records]))
    alles.sort(key=lambda g: g.moment, reverse=True)
    return alles


class StatusIndienen(ObjectFormView):
    """The owner reports the status of an initiative for a period (or revises it)."""

    model = Initiatief
    permissie = "programmas.rapporteer_status"
    form_class = StatusrapportageForm
    template_name = "programmas/status_form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("thema")

    def dispatch(self, request, *args, **kwargs):
        self.periode = get_object_or_404(Rapportageperiode, pk=kwargs["periode_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.niet_open() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.niet_open() or super().post(request, *args, **kwargs)

    def niet_open(self):
        """A redirect with the reason when this period takes no status (any more)."""
        beheerder = is_beheerder(self.request.user)
        if self.periode.is_open or (self.periode.is_gesloten and beheerder):
            return None
        messages.error(
            self.request,
            "Voor deze periode kunt u geen status (meer) indienen."
            if not self.periode.is_gesloten
            else "Deze periode is gesloten; alleen een beheerder kan de status nog wijzigen.",
        )
        return redirect(self.object)

    @cached_property
    def bestaand(self):
        return Statusrapportage.objects.filter(initiatief=self.object, periode=self.periode).first()

    @cached_property
    def vorige(self):
        return startpunt.vorige_rapportage(self.object, self.periode)

    def get_initial(self):
        initial = {}
        if self.bestaand is not None:
            initial = {
                "status": self.bestaand.status,
                "toelichting": self.bestaand.toelichting,
                "pad_naar_groen": self.bestaand.pad_naar_groen,
                "versie": self.bestaand.versie,
            }
        if self.vorige and startpunt.wil_overnemen(self.request):
            initial.update(self.vorige.als_initial())
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pad_verplicht": self.periode.is_open}

    def get_titel(self):
        return f"Status {self.object} – {self.periode}"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "initiatief": self.object,
            "periode": self.periode,
            "bestaand": self.bestaand,
            "vorige": self.vorige,
            "betekenis": [(s, s.label, STATUS_BETEKENIS[s]) for s in Status],
        }

    def get_succes_bericht(self):
        return f"De status voor {self.periode} is opgeslagen."

    def uitvoeren(self, form):
        return services.statusrapportage_indienen(
            initiatief=self.object,
            periode=self.periode,
            status=form.cleaned_data["status"],
            toelichting=form.cleaned_data["toelichting"],
            pad_naar_groen=form.cleaned_data["pad_naar_groen"],
            door=self.request.user,
            verwachte_versie=form.cleaned_data["versie"],
        )


class InitiatiefNieuw(ObjectNieuwView):
    permissie = "programmas.add_initiatief"
    model = Initiatief
    form_class = InitiatiefForm
    template_name = "formulier.html"
    succes_bericht = "Initiatief {object} is toegevoegd."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = "Nieuw initiatief"
        context["annuleer_url"] = reverse("programmas:portfolio")
        return context

    def uitvoeren(self, form):
        return services.initiatief_toevoegen(initiatief=form.instance, door=self.request.user)


class InitiatiefBewerken(ObjectBewerkenView):
    permissie = "programmas.change_initiatief"
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

    def uitvoeren(self, form):
        return services.initiatief_bijwerken(
            initiatief=form.instance,
            door=self.request.user,
            verwachte_versie=form.verwachte_versie,
        )


class MijlpaalNieuw(ObjectNieuwView):
    permissie = "programmas.add_mijlpaal"
    model = Mijlpaal
    form_class = MijlpaalForm
    template_name = "formulier.html"
    succes_bericht = "De mijlpaal is toegevoegd."

    def dispatch(self, request, *args, **kwargs):
        self.initiatief = get_object_or_404(
            Initiatief.objects.zichtbaar_voor(request.user), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permissie_object(self):
        return self.initiatief

    def get_initial(self):
        return {"eigenaar": self.initiatief.eigenaar_id}

    def uitvoeren(self, form):
        return services.mijlpaal_toevoegen(
            mijlpaal=form.instance, initiatief=self.initiatief, door=self.request.user
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = f"Nieuwe mijlpaal voor {self.initiatief}"
        context["annuleer_url"] = self.initiatief.get_absolute_url()
        return context


class MijlpaalBewerken(ObjectBewerkenView):
    permissie = "programmas.change_status_mijlpaal"
    model = Mijlpaal
    form_class = MijlpaalForm
    succes_bericht = "De mijlpaal is bijgewerkt."

    def get_queryset(self):
        # Milestones are read with their initiative, which every role may read.
        initiatieven = Initiatief.objects.zichtbaar_voor(self.request.user)
        return Mijlpaal.objects.filter(initiatief__in=initiatieven).select_related(
            "initiatief", "eigenaar"
        )

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

    def uitvoeren(self, form):
        return services.mijlpaal_bijwerken(
            mijlpaal=form.instance,
            door=self.request.user,
            verwachte_versie=form.verwachte_versie,
        )


class IndicatorwaardeLijst(LijstView):
    model = Indicatorwaarde
    table_class = IndicatorwaardeTabel
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
            # The copies on the row (the same order as the period's and indicator's own
            # fields): its index serves every page (indicatorwaarde_lijst).
            .order_by("-periode_einddatum", "indicator_groep", "indicator_volgorde")
        )


class IndicatorwaardeBewerken(View):
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
        eis_recht(request.user, perm, self.waarde or self.indicator)
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
            gelukt, _ = met_service(
                request,
                form,
                lambda: services.indicatorwaarde_opslaan(
                    indicator=self.indicator,
                    periode=self.periode,
                    doelstelling=form.cleaned_data["doelstelling"],
                    realisatie=form.cleaned_data["realisatie"],
                    bandbreedte=form.cleaned_data["bandbreedte"],
                    toelichting=form.cleaned_data["toelichting"],
                    door=request.user,
                    verwachte_versie=form.cleaned_data["versie"],
                ),
            )
            if gelukt:
                messages.success(request, "De indicator is bijgewerkt.")
                return HttpResponseRedirect(self.indicator.get_absolute_url())
        return self.render(form)


class Rapportageronde(PermissionRequiredMixin, TemplateView):
    """The portfolio office runs the round; everyone may see its progress."""

    permission_required = "programmas.view_rapportageperiode"
    template_name = "programmas/ronde.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        # A handful per year: the open round and the suggestion come from this list.
        perioden = list(
            Rapportageperiode.objects.annotate(
                # A count per period from the reports' (periode, …) index: the join with
                # COUNT(DISTINCT) read all 12,000 reports of a ministry (18 ms).
                aantal_rapportages=telling(
                    Statusrapportage.objects.filter(periode=OuterRef("pk")), "periode"
                )
            ).order_by("-einddatum", "-begindatum")
        )
        context["perioden"] = perioden
        open_periode = next((p for p in reversed(perioden) if p.is_open), None)
        context["open_periode"] = open_periode
        if open_periode is None:
            context["aantal_initiatieven"] = Initiatief.objects.actief().count()
        else:
            actief = Initiatief.objects.actief()
            tellingen = actief.aggregate(
                totaal=aantal(),
                ontbrekend=aantal(
                    ~Exists(
                        Statusrapportage.objects.filter(
                            initiatief=OuterRef("pk"), periode=open_periode
                        )
                    )
                ),
            )
            context["aantal_initiatieven"] = tellingen["totaal"]
            context["aantal_ontbrekend"] = tellingen["ontbrekend"]
            context["ingediend"] = tellingen["totaal"] - tellingen["ontbrekend"]
            # Paged like every list: a ministry has ~2,000 initiatives, not a page's worth.
            context["ontbrekend"] = bladzijde(
                actief.zonder_rapportage_in(open_periode).select_related("thema", "eigenaar"),
                self.request.GET,
                settings.LIJST_PAGINA_GROOTTE,
            )
            context["deadline_voorbij"] = (
                open_periode.indiendeadline is not None
                and open_periode.indiendeadline < timezone.localdate()
            )
        context["form"] = form or PeriodeForm(initial=self.voorstel(perioden))
        context["titel"] = "Rapportageronde"
        return context

    def voorstel(self, perioden):
        """Suggest the period after the newest one (`perioden`: newest first)."""
        laatste = next((p for p in perioden if p.soort != Periodesoort.JAAR), None)
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
    return [(s, PERIODE_MAANDEN[s]) for s in (Periodesoort.T1, Periodesoort.T2, Periodesoort.T3)]


class PeriodeNieuw(PermissionRequiredMixin, View):
    permission_required = "programmas.add_rapportageperiode"

    def post(self, request):
        form = PeriodeForm(request.POST)
        if form.is_valid():
            gelukt, periode = met_service(
                request,
                form,
                lambda: services.periode_aanmaken(door=request.user, **form.cleaned_data),
            )
            if gelukt:
                messages.success(request, f"Periode {periode} is aangemaakt.")
                return redirect("programmas:ronde")
        view = Rapportageronde()
        view.setup(request)
        return render(request, view.template_name, view.get_context_data(form=form))


class PeriodeStatus(PermissionRequiredMixin, View):
    permission_required = "programmas.change_rapportageperiode"
    actie = None  # "openen" or "sluiten"

    def post(self, request, pk):
        periode = get_object_or_404(Rapportageperiode, pk=pk)
        service = {"openen": services.periode_openen, "sluiten": services.periode_sluiten}
        if self.actie not in service:
            raise Http404
        gelukt, _ = met_melding(
            request, lambda: service[self.actie](periode=periode, door=request.user)
        )
        if gelukt:
            woord = "geopend" if self.actie == "openen" else "gesloten"
            messages.success(request, f"De ronde {periode} is {woord}.")
        return redirect(reverse("programmas:ronde"))

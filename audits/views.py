import logging

from django.db.models import Exists, F, FilteredRelation, OuterRef, Prefetch, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from douane_portfolio.geschiedenis import gebeurtenissen, geschiedenis_van
from douane_portfolio.lijsten import LijstView
from douane_portfolio.objectviews import (
    ObjectBewerkenView,
    ObjectDetailView,
    ObjectFormView,
    ObjectNieuwView,
    eis_recht,
)
from douane_portfolio.parameters import id_uit
from douane_portfolio.tellers import peildatum_op

from . import bewijs, services, tellers
from .filters import AuditrapportFilter, BevindingFilter, VervolgactieFilter
from .forms import (
    AanbiedenForm,
    AuditrapportForm,
    BeoordelenForm,
    BevindingForm,
    BewijsstukForm,
    DeadlineForm,
    HeropenenForm,
    JaaroordeelForm,
    NieuweVervolgactieForm,
    VervolgactieForm,
    afrondbare_acties,
)
from .models import (
    INSTANTIE_KORT,
    JAAR_ONBEKEND,
    RAPPORTJAAR_ONBEKEND_AFLOPEND,
    Auditrapport,
    Beoordeling,
    Bevinding,
    BevindingStatus,
    Bewijsstuk,
    Deadlineverschuiving,
    Instantie,
    Jaaroordeel,
    Soort,
    Vervolgactie,
    mag_audits_lezen,
)
from .tables import AuditrapportTabel, BevindingTabel, VervolgactieTabel
from .tijdlijn import afrondmomenten, met_afrondmoment, tijdlijn

logger = logging.getLogger(__name__)

# Rows per block on the overview; a link leads to the full, filtered list.
OVERZICHT_LIMIET = 25
TEL_TOT = 1000


def _zichtbare_bevindingen(user):
    return Bevinding.objects.zichtbaar_voor(user)


def _zichtbare_acties(user):
    return Vervolgactie.objects.zichtbaar_voor(user)


# --- Lists -------------------------------------------------------------------------


class BevindingLijst(LijstView):
    model = Bevinding
    table_class = BevindingTabel
    filterset_class = BevindingFilter
    permission_required = "audits.view_bevinding"
    template_name = "audits/bevindingen.html"
    titel = "Bevindingen"
    intro = (
        "Bevindingen van de Auditdienst Rijk, de Algemene Rekenkamer en interne audits, "
        "met hun vervolgacties. Wat een oordeel van een auditor nodig heeft staat bovenaan."
    )

    def get_queryset(self):
        # Overdue actions from the counters, which first count against today.
        vandaag = timezone.localdate()
        peildatum_op(vandaag)
        return (
            super()
            .get_queryset()
            .select_related("rapport", "eigenaar")
            .met_tellingen(vandaag, uit_tellers=True)
            .order_by(
                "status_volgorde",
                Coalesce(F("verwacht_opgelost_jaar"), Value(JAAR_ONBEKEND)),
                "titel",
            )
        )


class VervolgactieLijst(LijstView):
    model = Vervolgactie
    table_class = VervolgactieTabel
    filterset_class = VervolgactieFilter
    permission_required = "audits.view_vervolgactie"
    template_name = "audits/lijst.html"
    titel = "Vervolgacties"
    intro = "Alle vervolgacties op auditbevindingen, met hun deadlines en uitstel."

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("bevinding__rapport", "eigenaar")
            .order_by("deadline", "pk")
        )


class AuditrapportLijst(LijstView):
    model = Auditrapport
    table_class = AuditrapportTabel
    filterset_class = AuditrapportFilter
    permission_required = "audits.view_auditrapport"
    template_name = "audits/rapporten.html"
    titel = "Auditrapporten"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            # The counters the database keeps (migration 0018).
            .annotate(aantal_bevindingen=F("bevindingen_aantal"), nog_open=F("bevindingen_open"))
            # Unknown year last as a value, not NULLS LAST: index rapport_volgorde.
            .order_by(
                Coalesce(F("jaar"), Value(RAPPORTJAAR_ONBEKEND_AFLOPEND)).desc(),
                "instantie",
                "titel",
            )
        )


# --- Overview ----------------------------------------------------------------------


def opvolging(request):
    """The auditor's week: what waits for a verdict, what is late, what keeps moving."""
    eis_recht(request.user, "audits.view_bevinding")
    vandaag = timezone.localdate()
    bevindingen = _zichtbare_bevindingen(request.user)
    acties = _zichtbare_acties(request.user).select_related("bevinding__rapport", "eigenaar")

    # The matrix and "wacht op uw oordeel" from the counters the database keeps per body,
    # kind and status (audits.tellers): at most 80 rows, whatever the number of findings.
    # The overdue actions as well (exact, from the counters per owner).
    alles_lezen = mag_audits_lezen(request.user)
    per_cel, aantal_te_laat = tellers.opvolging(vandaag, Vervolgactie) if alles_lezen else ({}, 0)
    tellingen = {cel: n for cel, (n, _) in per_cel.items()}
    soorten = [s for s in Soort if any(k[1] == s for k in tellingen)]
    matrix = []
    for instantie in Instantie:
        cellen = [(s, tellingen.get((instantie, s), 0)) for s in soorten]
        totaal = sum(n for _, n in cellen)
        if totaal:
            matrix.append(
                {
                    "instantie": instantie,
                    "label": instantie.label,
                    "cellen": cellen,
                    "totaal": totaal,
                }
            )

    # The longest waiting first, from the pending reviews in the order of their partial
    # index (`beoordeling_lopend`, migration douane_portfolio 0009): 25 rows, not a sort of all.
    ter_beoordeling = []
    lopend = Beoordeling.objects.lopend().filter(bevinding__status=BevindingStatus.TER_BEOORDELING)
    for beoordeling in (
        lopend.select_related("bevinding__rapport", "bevinding__eigenaar").order_by(
            "aangeboden_op", "pk"
        )[:OVERZICHT_LIMIET]
        if alles_lezen
        else []
    ):
        beoordeling.bevinding.aangeboden_op = beoordeling.aangeboden_op
        ter_beoordeling.append(beoordeling.bevinding)
    aantal_ter_beoordeling = sum(m for _, m in per_cel.values())
    if len(ter_beoordeling) < min(aantal_ter_beoordeling, OVERZICHT_LIMIET):
        # Under review without a pending review (data from before the reviews, or set
        # outside the services): after those that have one, as a missing date sorts.
        ter_beoordeling += list(
            bevindingen.filter(status=BevindingStatus.TER_BEOORDELING)
            .exclude(Exists(Beoordeling.objects.lopend().filter(bevinding=OuterRef("pk"))))
            .select_related("rapport", "eigenaar")
            .order_by("titel", "pk")[: OVERZICHT_LIMIET - len(ter_beoordeling)]
        )
    te_laat = list(acties.te_laat(vandaag).order_by("deadline", "pk")[:OVERZICHT_LIMIET])
    # Counted on the partial index of open findings, but no further than TEL_TOT: the
    # expected year of thousands has passed, and "more than 1,000" says enough here.
    aantal_verstreken = (
        bevindingen.verwachting_verstreken(vandaag).order_by()[: TEL_TOT + 1].count()
    )
    verstreken = list(
        bevindingen.verwachting_verstreken(vandaag)
        .select_related("rapport", "eigenaar")
        # tellers.opvolging made the counters count against today: their column, not a
        # count of overdue actions per row. Without it, the count (a handful of rows).
        .met_tellingen(vandaag, uit_tellers=alles_lezen)
        .order_by(F("verwacht_opgelost_jaar").asc(nulls_last=True), "titel")[:OVERZICHT_LIMIET]
    )
    meest_uitgesteld = list(acties.meest_uitgesteld()[:10])
    return render(
        request,
        "audits/opvolging.html",
        {
            "titel": "Opvolging auditbevindingen",
            "vandaag": vandaag,
            "soorten": soorten,
            "matrix": matrix,
            "totaal_open": sum(tellingen.values()),
            "ter_beoordeling": ter_beoordeling,
            "aantal_ter_beoordeling": aantal_ter_beoordeling,
            "meer_ter_beoordeling": aantal_ter_beoordeling > len(ter_beoordeling),
            "te_laat": te_laat,
            "aantal_te_laat": aantal_te_laat,
            "meer_te_laat": aantal_te_laat > len(te_laat),
            "verstreken": verstreken,
            "aantal_verstreken": min(aantal_verstreken, TEL_TOT),
            "verstreken_meer_dan": aantal_verstreken > TEL_TOT,
            "meer_verstreken": aantal_verstreken > len(verstreken),
            "meest_uitgesteld": meest_uitgesteld,
            "instantie_kort": INSTANTIE_KORT,
        },
    )


# --- Finding detail and its timeline -----------------------------------------------


class BevindingDetail(ObjectDetailView):
    model = Bevinding
    permissie = "audits.view_bevinding"
    template_name = "audits/bevinding.html"
    context_object_name = "bevinding"

    def get_queryset(self):
        return _zichtbare_bevindingen(self.request.user).select_related("rapport", "eigenaar")

    def get_object(self, queryset=None):
        """The finding with its reviews in one query: a LEFT JOIN gives a row per review
        (a handful), each carrying the finding (issue 13)."""
        if not hasattr(self, "_object"):
            rijen = list(
                self.get_queryset()
                .filter(pk=self.kwargs[self.pk_url_kwarg])
                .annotate(beoordeling_rij=FilteredRelation("beoordelingen"))
                .select_related(
                    "beoordeling_rij__aangeboden_door", "beoordeling_rij__beoordeeld_door"
                )
                .order_by("beoordeling_rij__aangeboden_op", "beoordeling_rij__pk")
            )
            if not rijen:
                raise Http404("Geen bevinding gevonden.")
            self._object = rijen[0]
            # Django sets the joined object only where the join found a row.
            self.beoordelingen = [
                r.beoordeling_rij for r in rijen if getattr(r, "beoordeling_rij", None)
            ]
            for beoordeling in self.beoordelingen:
                beoordeling.bevinding = self._object
        return self._object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        b = self.object
        user = self.request.user
        acties = list(
            met_afrondmoment(b.vervolgacties.select_related("eigenaar")).prefetch_related(
                Prefetch(
                    "deadlineverschuivingen",
                    queryset=Deadlineverschuiving.objects.select_related(
                        "goedgekeurd_door", "vastgelegd_door"
                    ),
                ),
                Prefetch(
                    "bewijsstukken",
                    queryset=Bewijsstuk.objects.select_related("toegevoegd_door"),
                ),
            )
        )
        for actie in acties:
            actie.bevinding = b
            actie.bewijs_zichtbaar = user.has_perm("audits.view_bewijsstuk", actie)
            actie.mag_wijzigen = user.has_perm("audits.change_vervolgactie", actie)
            actie.mag_bewijs_toevoegen = user.has_perm("audits.add_bewijsstuk", actie)
            actie.mag_verschuiven = actie.is_open and user.has_perm(
                "audits.verschuiven_deadline", actie
            )
        beoordelingen = self.beoordelingen
        jaaroordelen = list(b.jaaroordelen.select_related("vastgelegd_door").order_by("-jaar"))
        initiatieven, risicos = _koppelingen(b)
        lopend = next((x for x in beoordelingen if x.is_lopend), None)
        laatste = beoordelingen[-1] if beoordelingen else None
        context.update(
            {
                "titel": b.titel,
                "acties": acties,
                "beoordelingen": beoordelingen,
                "jaaroordelen": jaaroordelen,
                "lopende_beoordeling": lopend,
                "afwijzing": laatste
                if laatste and laatste.is_afgewezen and b.status == BevindingStatus.IN_UITVOERING
                else None,
                "initiatieven": initiatieven,
                "risicos": risicos,
                "tijdlijn": tijdlijn(
                    b,
                    acties,
                    beoordelingen,
                    jaaroordelen,
                    lambda a: a.bewijs_zichtbaar,
                    afgerond=afrondmomenten(acties),
                ),
                "mag_bewerken": user.has_perm("audits.change_bevinding", b),
                "mag_heropenen": user.has_perm("audits.heropenen_bevinding", b),
                "mag_aanbieden": b.status in services.AANBIEDBAAR
                and user.has_perm("audits.aanbieden_bevinding", b),
                "mag_beoordelen": b.status == BevindingStatus.TER_BEOORDELING
                and user.has_perm("audits.beoordelen_bevinding", b),
                "mag_actie_toevoegen": b.status in services.WERKBAAR
                and user.has_perm("audits.add_vervolgactie", b),
                "mag_jaaroordeel": user.has_perm("audits.add_jaaroordeel", b),
                "open_acties": sum(1 for a in acties if a.is_open),
                "vandaag": timezone.localdate(),
            }
        )
        return context


def _koppelingen(bevinding):
    """(initiatives, risks) of a finding in one UNION of names (issue 13), each in its
    own order, as bare instances with what the page shows: name or title, and status."""
    initiatieven = (
        bevinding.initiatieven.order_by()
        .annotate(
            _soort=Value("i"),
            _sleutel1=F("thema__volgorde"),
            _sleutel2=F("volgorde"),
            _pk=F("pk"),
            _naam=F("naam"),
            _status=Value(""),
        )
        .values_list("_soort", "_sleutel1", "_sleutel2", "_naam", "_pk", "_status")
    )
    risicos = (
        bevinding.risicos.order_by()
        .annotate(
            _soort=Value("r"),
            _sleutel1=Value(0),
            _sleutel2=Value(0),
            _pk=F("pk"),
            _naam=F("titel"),
            _status=F("status"),
        )
        .values_list("_soort", "_sleutel1", "_sleutel2", "_naam", "_pk", "_status")
    )
    gekoppeld = {"i": [], "r": []}
    for soort, _s1, _s2, naam, pk, status in initiatieven.union(risicos, all=True).order_by(
        "_soort", "_sleutel1", "_sleutel2", "_naam", "_pk"
    ):
        if soort == "i":
            gekoppeld[soort].append(bevinding.initiatieven.model(pk=pk, naam=naam))
        else:
            gekoppeld[soort].append(bevinding.risicos.model(pk=pk, titel=naam, status=status))
    return gekoppeld["i"], gekoppeld["r"]


class BevindingGeschiedenis(ObjectDetailView):
    """Every change of a finding and of its follow-up actions, on a page of its own: the
    finding page stays within its query budget (issue 13); the timeline stays there."""

    model = Bevinding
    permissie = "audits.view_bevinding"
    template_name = "geschiedenis.html"
    context_object_name = "bevinding"

    def get_queryset(self):
        return _zichtbare_bevindingen(self.request.user).select_related("rapport", "eigenaar")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        b = self.object
        actie_historie = list(
            Vervolgactie.history.filter(bevinding_id=b.pk)
            .select_related("history_user", "eigenaar")
            .order_by("history_date", "history_id")
        )
        eigen = geschiedenis_van(b, label=lambda r: "Bevinding")
        van_acties = gebeurtenissen(
            actie_historie,
            Vervolgactie,
            verborgen={"versie", "id", "bevinding", "aangemaakt_op"},
            label=lambda r: f"Actie: {r.omschrijving[:60]}",
            bekend=[b, *actie_historie],
        )
        context.update(
            {
                "titel": f"Geschiedenis: {b.titel}",
                "terug_url": b.get_absolute_url(),
                "terug_naam": b.titel,
                "toon_object": True,
                "geschiedenis": sorted(eigen + van_acties, key=lambda g: g.moment, reverse=True),
            }
        )
        return context


# --- Forms -------------------------------------------------------------------------


class BevindingFormulier(ObjectFormView):
    model = Bevinding
    template_name = "audits/formulier.html"

    def get_queryset(self):
        return _zichtbare_bevindingen(self.request.user).select_related("rapport", "eigenaar")

    def get_titel(self):
        return f"{self.titel}: {self.object.titel}"


class BevindingAanbieden(BevindingFormulier):
    form_class = AanbiedenForm
    permissie = "audits.aanbieden_bevinding"
    titel = "Aanbieden ter beoordeling"
    knoptekst = "Aanbieden"
    succes_bericht = "De bevinding is aangeboden. Een auditor beoordeelt haar."
    toelichting = (
        "U geeft aan dat de bevinding is opgelost. Een auditor beoordeelt dat; pas bij akkoord "
        "is de bevinding opgelost."
    )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "acties": afrondbare_acties(self.object, self.request.user),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["open_acties"] = list(self.object.vervolgacties.open().select_related("eigenaar"))
        # Offering again after a rejection: keep the auditor's reason in view.
        laatste = self.object.beoordelingen.select_related("beoordeeld_door").last()
        context["afwijzing"] = laatste if laatste and laatste.is_afgewezen else None
        return context

    def uitvoeren(self, form):
        return services.bevinding_aanbieden(
            bevinding=self.object,
            door=self.request.user,
            toelichting=form.cleaned_data["toelichting"],
            verwachte_versie=form.verwachte_versie,
            afronden=form.af_te_ronden(),
        )


class BevindingBeoordelen(BevindingFormulier):
    form_class = BeoordelenForm
    permissie = "audits.beoordelen_bevinding"
    titel = "Beoordelen"
    knoptekst = "Oordeel vastleggen"
    toelichting = (
        "Akkoord: de bevinding is opgelost. Niet akkoord: de bevinding gaat terug naar 'in "
        "uitvoering' en de eigenaar ziet uw reden."
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lopende_beoordeling"] = (
            self.object.beoordelingen.lopend().select_related("aangeboden_door").first()
        )
        context["bewijsstukken"] = Bewijsstuk.objects.filter(
            actie__bevinding=self.object
        ).select_related("actie", "toegevoegd_door")
        return context

    def uitvoeren(self, form):
        b = services.bevinding_beoordelen(
            bevinding=self.object,
            door=self.request.user,
            oordeel=form.cleaned_data["oordeel"],
            toelichting=form.cleaned_data["toelichting"],
            verwachte_versie=form.verwachte_versie,
        )
        self.succes_bericht = (
            "Akkoord: de bevinding is opgelost."
            if b.is_opgelost
            else "Niet akkoord: de bevinding staat weer in uitvoering; de eigenaar ziet uw reden."
        )
        return b


class BevindingHeropenen(BevindingFormulier):
    form_class = HeropenenForm
    permissie = "audits.heropenen_bevinding"
    titel = "Bevinding heropenen"
    knoptekst = "Heropenen"
    succes_bericht = "De bevinding is heropend en staat weer in uitvoering."
    toelichting = (
        "Heropenen maakt het akkoord ongedaan: de bevinding gaat terug naar 'in uitvoering', "
        "zodat acties, bewijs en deadlines weer kunnen wijzigen. Uw reden komt in de "
        "geschiedenis."
    )

    def uitvoeren(self, form):
        return services.bevinding_heropenen(
            bevinding=self.object,
            door=self.request.user,
            reden=form.cleaned_data["reden"],
            verwachte_versie=form.verwachte_versie,
        )


class JaaroordeelNieuw(BevindingFormulier):
    form_class = JaaroordeelForm
    permissie = "audits.add_jaaroordeel"
    titel = "Oordeel per jaar vastleggen"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["bevinding"] = self.object
        return kwargs

    def get_initial(self):
        return {"jaar": timezone.localdate().year}

    def uitvoeren(self, form):
        self.succes_bericht = f"Het oordeel over {form.cleaned_data['jaar']} is vastgelegd."
        return services.jaaroordeel_vastleggen(
            bevinding=self.object,
            door=self.request.user,
            **{k: form.cleaned_data[k] for k in ("jaar", "oordeel", "toelichting")},
        )


class VervolgactieNieuw(BevindingFormulier):
    form_class = NieuweVervolgactieForm
    permissie = "audits.add_vervolgactie"
    titel = "Nieuwe vervolgactie"
    succes_bericht = "De vervolgactie is toegevoegd."

    def get_initial(self):
        return {"eigenaar": self.object.eigenaar_id}

    def uitvoeren(self, form):
        return services.vervolgactie_toevoegen(
            bevinding=self.object,
            door=self.request.user,
            **{k: form.cleaned_data[k] for k in ("omschrijving", "eigenaar", "deadline")},
        )

    def get_success_url(self):
        return self.resultaat.get_absolute_url()


class ActieFormulier(ObjectFormView):
    model = Vervolgactie
    template_name = "audits/formulier.html"

    def get_queryset(self):
        return _zichtbare_acties(self.request.user).select_related("bevinding", "eigenaar")

    def get_titel(self):
        return f"{self.titel}: {self.object}"


class DeadlineVerschuiven(ActieFormulier):
    form_class = DeadlineForm
    permissie = "audits.verschuiven_deadline"
    titel = "Deadline verschuiven"
    knoptekst = "Deadline verschuiven"
    succes_bericht = "De deadline is verschoven; het uitstel is vastgelegd."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actie": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["deadline_info"] = True
        context["verschuivingen"] = self.object.deadlineverschuivingen.select_related(
            "goedgekeurd_door"
        )
        return context

    def uitvoeren(self, form):
        return services.deadline_verschuiven(
            actie=self.object,
            door=self.request.user,
            verwachte_versie=form.verwachte_versie,
            **{k: form.cleaned_data[k] for k in ("nieuwe_deadline", "reden", "goedgekeurd_door")},
        )


@method_decorator(csrf_exempt, name="dispatch")
class BewijsstukNieuw(ActieFormulier):
    form_class = BewijsstukForm
    permissie = "audits.add_bewijsstuk"
    titel = "Bewijs toevoegen"
    knoptekst = "Toevoegen"
    succes_bericht = "Het bewijs is toegevoegd."
    toelichting = (
        "Bewijs is alleen zichtbaar voor auditors, de beheerder, de eigenaar van de bevinding "
        "en de eigenaar van de actie."
    )

    def dispatch(self, request, *args, **kwargs):
        # The size limit must be in place before anything reads the body, and the CSRF
        # check reads it; so CSRF is checked here, after the handler is installed.
        self.begrenzer = bewijs.BegrensdeUpload(request)
        request.upload_handlers.insert(0, self.begrenzer)
        return csrf_protect(super().dispatch)(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["te_groot"] = "bestand" in self.begrenzer.geweigerd
        kwargs["onvolledig"] = self.begrenzer.onderbroken
        return kwargs

    def get_initial(self):
        return {}

    def uitvoeren(self, form):
        return services.bewijsstuk_toevoegen(
            actie=self.object,
            door=self.request.user,
            toelichting=form.cleaned_data["toelichting"],
            bestand=form.cleaned_data.get("bestand"),
        )


def bewijsstuk_downloaden(request, pk):
    """Serve a file only to those who may see it; everyone else gets a 404."""
    stuk = get_object_or_404(
        Bewijsstuk.objects.select_related("actie__bevinding").exclude(bestand=""), pk=pk
    )
    if not request.user.has_perm("audits.view_bewijsstuk", stuk):
        raise Http404
    try:
        bestand = stuk.bestand.open("rb")
    except FileNotFoundError:
        logger.error("Bewijsstuk %s ontbreekt op schijf: %s", stuk.pk, stuk.bestand.name)
        raise Http404
    logger.info("Bewijsstuk %s gedownload door %s", stuk.pk, request.user.username)
    response = FileResponse(
        bestand,
        as_attachment=True,
        filename=stuk.bestandsnaam or f"bewijsstuk-{stuk.pk}",
        content_type=stuk.inhoudstype,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Create and edit views on single objects ------------------------------------------


class BevindingNieuw(ObjectNieuwView):
    model = Bevinding
    form_class = BevindingForm
    permissie = "audits.add_bevinding"
    template_name = "audits/formulier.html"
    succes_bericht = "De bevinding is vastgelegd."

    def get_initial(self):
        rapport = id_uit(self.request.GET.get("rapport"))
        return {"rapport": rapport} if rapport is not None else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "titel": "Nieuwe bevinding",
                "annuleer_url": reverse("audits:bevindingen"),
                "knoptekst": "Vastleggen",
            }
        )
        return context

    def uitvoeren(self, form):
        return services.bevinding_vastleggen(
            bevinding=form.instance, door=self.request.user, bewaar_koppelingen=form.save_m2m
        )


class BevindingBewerken(ObjectBewerkenView):
    model = Bevinding
    form_class = BevindingForm
    permissie = "audits.change_bevinding"
    template_name = "audits/formulier.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "titel": f"Bewerken: {self.object}"}

    def uitvoeren(self, form):
        return services.bevinding_bijwerken(
            bevinding=form.instance,
            door=self.request.user,
            verwachte_versie=form.verwachte_versie,
            bewaar_koppelingen=form.save_m2m,
        )


class VervolgactieBewerken(ObjectBewerkenView):
    model = Vervolgactie
    form_class = VervolgactieForm
    permissie = "audits.change_vervolgactie"
    template_name = "audits/formulier.html"
    succes_bericht = "De actie is bijgewerkt."

    def get_queryset(self):
        return _zichtbare_acties(self.request.user).select_related("bevinding", "eigenaar")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["alleen_voortgang"] = not self.request.user.has_perm(
            "audits.beheren_vervolgactie", self.object
        )
        return kwargs

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "titel": f"Actie bijwerken: {self.object}",
            "toelichting": f"Deadline: {formats.date_format(self.object.deadline, 'j F Y')}. "
            "Een nieuwe deadline legt u vast via 'Deadline verschuiven'.",
        }

    def uitvoeren(self, form):
        return services.vervolgactie_bijwerken(
            actie=form.instance, door=self.request.user, verwachte_versie=form.verwachte_versie
        )


class JaaroordeelBewerken(ObjectBewerkenView):
    model = Jaaroordeel
    form_class = JaaroordeelForm
    permissie = "audits.change_jaaroordeel"
    template_name = "audits/formulier.html"

    def get_queryset(self):
        return super().get_queryset().select_related("bevinding")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "bevinding": self.object.bevinding}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "titel": f"Oordeel wijzigen: {self.object}"}

    def uitvoeren(self, form):
        return services.jaaroordeel_bijwerken(
            jaaroordeel=form.instance,
            door=self.request.user,
            verwachte_versie=form.verwachte_versie,
        )


class AuditrapportDetail(ObjectDetailView):
    model = Auditrapport
    permissie = "audits.view_auditrapport"
    template_name = "audits/rapport.html"
    context_object_name = "rapport"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = str(self.object)
        context["bevindingen"] = (
            self.object.bevindingen.select_related("eigenaar")
            .met_tellingen()
            .order_by("status_volgorde", "titel")
        )
        context["mag_bewerken"] = self.request.user.has_perm(
            "audits.change_auditrapport", self.object
        )
        context["mag_bevinding_toevoegen"] = self.request.user.has_perm("audits.add_bevinding")
        return context


class AuditrapportNieuw(ObjectNieuwView):
    model = Auditrapport
    form_class = AuditrapportForm
    permissie = "audits.add_auditrapport"
    template_name = "audits/formulier.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "titel": "Nieuw auditrapport",
            "annuleer_url": reverse("audits:rapporten"),
        }

    def uitvoeren(self, form):
        return services.auditrapport_vastleggen(rapport=form.instance, door=self.request.user)


class AuditrapportBewerken(ObjectBewerkenView):
    model = Auditrapport
    form_class = AuditrapportForm
    permissie = "audits.change_auditrapport"
    template_name = "audits/formulier.html"

    def get_queryset(self):
        # Refused as 403 (not 404) without a role, as this page always was.
        return Auditrapport.objects.all()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "titel": f"Bewerken: {self.object}"}

    def uitvoeren(self, form):
        return services.auditrapport_bijwerken(
            rapport=form.instance, door=self.request.user, verwachte_versie=form.verwachte_versie
        )

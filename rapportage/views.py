from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from douane_portfolio.acties import open_acties_van
from douane_portfolio.objectviews import met_service
from douane_portfolio.parameters import id_uit
from douane_portfolio.rules import is_beheerder
from herinneringen.models import Verzending
from programmas.models import Periodesoort, PeriodeStatus, Rapportageperiode
from programmas.views import standaard_periode

from . import dashboard, docx, html, pdf, services
from .forms import RapporttekstForm
from .models import Rapporttekst
from .vergelijking import vergelijk


def periode_van(jaar, soort=None):
    soort = (soort or Periodesoort.JAAR).upper()
    if soort not in Periodesoort.values:
        raise Http404("Onbekende periode.")
    return get_object_or_404(Rapportageperiode, jaar=jaar, soort=soort)


def bestandsnaam(periode, extensie):
    deel = "" if periode.soort == Periodesoort.JAAR else f"-{periode.soort}"
    return f"rapportage-douane-{periode.jaar}{deel}.{extensie}"


class RapportIndexView(PermissionRequiredMixin, TemplateView):
    permission_required = "programmas.view_rapportageperiode"
    template_name = "rapportage/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["perioden"] = Rapportageperiode.objects.select_related("snapshot").order_by(
            "-einddatum", "-begindatum"
        )
        context["titel"] = "Rapportage"
        return context


class RapportView(PermissionRequiredMixin, TemplateView):
    permission_required = "programmas.view_rapportageperiode"
    template_name = "rapportage/rapport.html"

    def get_context_data(self, jaar, soort=None, **kwargs):
        context = super().get_context_data(**kwargs)
        periode = periode_van(jaar, soort)
        rapport, snapshot = services.opzet_voor(periode)
        context.update(
            periode=periode,
            mag_schrijven=self.request.user.has_perm("rapportage.change_rapporttekst"),
            rapport=rapport,
            inhoud=html.inhoud(rapport),
            snapshot=snapshot,
            titel=rapport.titel,
        )
        return context


class DownloadView(PermissionRequiredMixin, View):
    permission_required = "programmas.view_rapportageperiode"
    formaat = None  # "pdf" or "docx"

    def get(self, request, jaar, soort=None):
        periode = periode_van(jaar, soort)
        rapport = services.opzet_voor(periode)[0]
        if self.formaat == "pdf":
            inhoud, mime = pdf.maak_pdf(rapport), "application/pdf"
        else:
            inhoud = docx.maak_docx(rapport)
            mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        response = HttpResponse(inhoud, content_type=mime)
        response["Content-Disposition"] = (
            f'attachment; filename="{bestandsnaam(periode, self.formaat)}"'
        )
        return response


class VastleggenView(PermissionRequiredMixin, View):
    """Retake the frozen report of a closed period (after a correction), on purpose."""

    permission_required = "rapportage.change_rapportsnapshot"

    def post(self, request, pk):
        periode = get_object_or_404(Rapportageperiode, pk=pk, status=PeriodeStatus.GESLOTEN)
        services.rapport_vastleggen(periode=periode, door=request.user, reden="opnieuw vastgelegd")
        messages.success(request, f"Het rapport van {periode} is opnieuw vastgelegd.")
        return redirect("rapportage:index")


def rapport_url(periode):
    if periode.soort == Periodesoort.JAAR:
        return reverse("rapportage:jaar", args=[periode.jaar])
    return reverse("rapportage:periode", args=[periode.jaar, periode.soort])


class HoofdstukkenView(PermissionRequiredMixin, View):
    """The portfolio office writes chapters 1 and 2 of a period's report (history kept)."""

    permission_required = "rapportage.change_rapporttekst"
    template_name = "formulier.html"

    def dispatch(self, request, jaar, soort=None):
        self.periode = periode_van(jaar, soort)
        self.object = Rapporttekst.objects.filter(periode=self.periode).first() or Rapporttekst(
            periode=self.periode
        )
        return super().dispatch(request)

    def get(self, request):
        return self.tonen(RapporttekstForm(instance=self.object))

    def post(self, request):
        form = RapporttekstForm(request.POST, instance=self.object)
        if not form.is_valid():
            return self.tonen(form)
        gelukt, _ = met_service(
            request,
            form,
            lambda: services.rapporttekst_opslaan(
                periode=self.periode,
                door=request.user,
                verwachte_versie=form.verwachte_versie,
                **{k: form.cleaned_data[k] for k in ("inleiding", "verhaal_titel", "verhaal")},
            ),
        )
        if not gelukt:
            return self.tonen(form)
        melding = f"Hoofdstukken 1 en 2 van {self.periode} zijn opgeslagen."
        if hasattr(self.periode, "snapshot"):
            melding += " Leg het rapport opnieuw vast om ze in het gesloten rapport op te nemen."
        messages.success(request, melding)
        return redirect(rapport_url(self.periode))

    def tonen(self, form):
        toelichting = (
            "De inleiding en het verhaal staan in het rapport vóór de hoofdstukken die de "
            "applicatie maakt."
        )
        if hasattr(self.periode, "snapshot"):
            toelichting += (
                " Deze periode is gesloten: het rapport toont de momentopname tot die "
                "opnieuw is vastgelegd (Rapportage, “Opnieuw vastleggen”)."
            )
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "titel": f"Hoofdstukken 1 en 2 – {self.periode}",
                "toelichting": toelichting,
                "annuleer_url": rapport_url(self.periode),
                "knoptekst": "Opslaan",
            },
        )


class VergelijkView(PermissionRequiredMixin, TemplateView):
    permission_required = "programmas.view_rapportageperiode"
    template_name = "rapportage/vergelijk.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        perioden = list(Rapportageperiode.objects.order_by("-einddatum", "-begindatum"))
        context["perioden"] = perioden
        van_pk, tot_pk = id_uit(self.request.GET.get("van")), id_uit(self.request.GET.get("tot"))
        if van_pk is not None and tot_pk is not None:
            van = get_object_or_404(Rapportageperiode, pk=van_pk)
            tot = get_object_or_404(Rapportageperiode, pk=tot_pk)
            context["van"], context["tot"] = van, tot
            context["verschil"] = vergelijk(
                services.rapport_voor(van)[0], services.rapport_voor(tot)[0]
            )
        context["titel"] = "Periodes vergelijken"
        context["vandaag"] = timezone.localdate()
        return context


class DashboardView(TemplateView):
    """For management at a glance; every logged-in user also sees their own actions."""

    template_name = "rapportage/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        vandaag = timezone.localdate()
        acties = open_acties_van(self.request.user, op=vandaag)
        context.update(
            vandaag=vandaag,
            acties=acties[:8],
            aantal_acties=len(acties),
            aantal_te_laat=sum(1 for a in acties if a.deadline < vandaag),
            mag_lezen=self.request.user.has_perm("programmas.view_initiatief"),
            titel="Dashboard",
        )
        if is_beheerder(self.request.user):
            context["herinneringen_aandacht"] = Verzending.objects.aandacht_nodig().count()
        if context["mag_lezen"]:
            context.update(
                status=dashboard.status_per_thema(standaard_periode()),
                te_laat=dashboard.te_late_acties(vandaag),
                ronde=dashboard.ronde_voortgang(),
                heatmap=dashboard.netto_heatmap(self.request.user),
                boven_bereidheid=dashboard.toprisicos_boven_bereidheid(self.request.user),
                bevindingen=dashboard.bevindingen_per_instantie(self.request.user),
            )
        return context

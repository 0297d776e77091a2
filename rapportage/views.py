from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from douane_portfolio.acties import open_acties_bladzijde
from douane_portfolio.objectviews import met_service
from douane_portfolio.parameters import id_uit
from douane_portfolio.rules import is_beheerder
from programmas.models import Periodesoort, PeriodeStatus, Rapportageperiode

from . import bestanden, dashboard, html, paginas, services
from .forms import RapporttekstForm
from .models import BestandStatus, Rapportbestand, Rapporttekst
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
    """The table of contents and one page per request (`?hoofdstuk=N&pagina=M`, default
    the first): a chapter, or part of a long one (paginas.py). `?hoofdstuk=alle` gives
    the whole report on one page where it is small enough (settings.RAPPORT_ALLES_TOT).
    A large report not yet made for the current data shows a worker's progress, or the
    previous state's page saying so (`?opnieuw=1` retries a failed build)."""

    permission_required = "programmas.view_rapportageperiode"
    template_name = "rapportage/rapport.html"

    def get(self, request, jaar, soort=None):
        periode = periode_van(jaar, soort)
        gekozen = request.GET.get("hoofdstuk", "1")
        if gekozen == "alle":
            deel = "alles"
        else:
            deel = (id_uit(gekozen), id_uit(request.GET.get("pagina", "1")))
            if None in deel:
                raise Http404("Deze pagina van het rapport bestaat niet.")
        gelezen = paginas.lezen(periode, deel, opnieuw=request.GET.get("opnieuw") == "1")
        context = {
            "periode": periode,
            "bijwerken": gelezen.bijwerken,
            "versie_van": gelezen.versie_van,
            # Progress reloads the page without `opnieuw`, so a failure is retried once.
            "hier_url": _met(request, opnieuw=None),
            "opnieuw_url": _met(request, opnieuw="1"),
            "stappen": bestanden.STAPPEN,
        }
        if gelezen.inhoud is None:
            context["titel"] = "Het rapport wordt bijgewerkt…"
            return render(request, "rapportage/bijwerken.html", context)
        inhoud, stuk = gelezen.inhoud, gelezen.stuk
        if deel == "alles":
            context.update(alles=True, inhoud=mark_safe(stuk) if stuk else None)  # noqa: S308  # nosec B308 B703
        else:
            nummer, pagina = deel
            context.update(
                hoofdstuk=nummer,
                pagina=pagina,
                # Rendered by rapportage/html.py, every text escaped there (cached).
                inhoud=_samen(html.inhoudsopgave_per_pagina(inhoud), mark_safe(stuk)),  # noqa: S308  # nosec B308 B703
                **_buren(inhoud, nummer, pagina),
            )
        context.update(
            mag_schrijven=request.user.has_perm("rapportage.change_rapporttekst"),
            rapport=inhoud,
            aantal_paginas=sum(h["paginas"] for h in inhoud["hoofdstukken"]),
            titel=inhoud["titel"],
        )
        return render(request, self.template_name, context)


def _met(request, **waarden):
    """This page's URL with some parameters set (None: left out)."""
    query = request.GET.copy()
    for naam, waarde in waarden.items():
        if waarde is None:
            query.pop(naam, None)
        else:
            query[naam] = waarde
    return f"{request.path}?{query.urlencode()}" if query else request.path


def _samen(*delen):
    return mark_safe("".join(delen))  # noqa: S308  # nosec B308 B703 - each part is safe HTML


def _buren(inhoud, nummer, pagina):
    """The previous and next page in reading order, across chapters."""
    hoofdstukken = inhoud["hoofdstukken"]
    paginas_hier = hoofdstukken[nummer - 1]["paginas"]
    buren = {"paginas_hier": paginas_hier}
    if pagina > 1:
        buren["vorige"] = (html.pagina_link(nummer, pagina - 1), "Vorige pagina")
    elif nummer > 1:
        vorig = hoofdstukken[nummer - 2]
        buren["vorige"] = (html.pagina_link(nummer - 1, vorig["paginas"]), "Vorig hoofdstuk")
    if pagina < paginas_hier:
        buren["volgende"] = (
            html.pagina_link(nummer, pagina + 1),
            f"Volgende pagina ({pagina + 1} van {paginas_hier})",
        )
    elif nummer < len(hoofdstukken):
        buren["volgende"] = (
            html.pagina_link(nummer + 1, 1),
            f"Volgend hoofdstuk: {hoofdstukken[nummer]['kop']}",
        )
    return buren


def _bestand_response(rapportbestand, periode, formaat):
    response = FileResponse(
        open(bestanden.pad(rapportbestand), "rb"),  # noqa: SIM115 - FileResponse closes it
        content_type=bestanden.MIME[formaat],
    )
    response["Content-Disposition"] = f'attachment; filename="{bestandsnaam(periode, formaat)}"'
    return response


class DownloadView(PermissionRequiredMixin, View):
    """The file if it was made for the current data; else made now (small portfolio,
    settings.RAPPORT_DIRECT_TOT) or by a worker while a page shows the progress."""

    permission_required = "programmas.view_rapportageperiode"
    formaat = None  # "pdf" or "docx"

    def get(self, request, jaar, soort=None):
        periode = periode_van(jaar, soort)
        stand = bestanden.sleutel(periode)
        rapportbestand = bestanden.klaar(periode, self.formaat, stand)
        if rapportbestand is None and bestanden.is_klein(periode):
            rapportbestand = bestanden.direct_maken(periode, self.formaat, stand)
        if rapportbestand is not None:
            return _bestand_response(rapportbestand, periode, self.formaat)
        rapportbestand = bestanden.aanvragen(periode, self.formaat, stand)
        return redirect("rapportage:bestand", pk=rapportbestand.pk)


class BestandView(PermissionRequiredMixin, TemplateView):
    """Progress of a PDF/Word file a worker makes; once made, the download itself."""

    permission_required = "programmas.view_rapportageperiode"
    template_name = "rapportage/bestand.html"

    def get(self, request, pk):
        self.object = get_object_or_404(
            # The pages on screen have no download: their progress is on the report's page.
            Rapportbestand.objects.select_related("periode").exclude(formaat=bestanden.SCHERM),
            pk=pk,
        )
        if self.object.status in (BestandStatus.KLAAR, BestandStatus.VERVANGEN):
            # Superseded: the download leads to the newest state's file or its progress.
            return redirect(download_url(self.object.periode, self.object.formaat))
        bestanden.vergeten_opnieuw_sturen(self.object)
        return super().get(request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        b = self.object
        context.update(
            bestand=b,
            formaat="PDF" if b.formaat == "pdf" else "Word",
            rapport_url=rapport_url(b.periode),
            opnieuw_url=download_url(b.periode, b.formaat),
            titel=f"Rapport {b.periode} ({'PDF' if b.formaat == 'pdf' else 'Word'})",
        )
        return context


class BestandVoortgangView(PermissionRequiredMixin, View):
    permission_required = "programmas.view_rapportageperiode"

    def get(self, request, pk):
        b = get_object_or_404(Rapportbestand, pk=pk)
        # A poll is no activity of the user (see importeren.views.voortgang).
        request.session.save = lambda *args, **kwargs: None
        # Whoever waits for a build keeps it alive: one whose worker died or whose
        # message was lost is sent again, so the bar does not stand still forever.
        bestanden.vergeten_opnieuw_sturen(b)
        return JsonResponse({"status": b.status, "stap": b.stap, "stappen": b.stappen})


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


def download_url(periode, formaat):
    if periode.soort == Periodesoort.JAAR:
        return reverse(f"rapportage:jaar_{formaat}", args=[periode.jaar])
    return reverse(f"rapportage:periode_{formaat}", args=[periode.jaar, periode.soort])


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
        user = self.request.user
        mag_lezen = user.has_perm("programmas.view_initiatief")
        beheer = is_beheerder(user)
        # Every count in one query; the first 8 own actions keyset-paged (issue 13).
        geteld = dashboard.tellingen(user, vandaag, beheer=beheer, mag_lezen=mag_lezen)
        context.update(
            vandaag=vandaag,
            acties=open_acties_bladzijde(user, {}, 8).object_list,
            aantal_acties=geteld["open"],
            aantal_te_laat=geteld["te_laat"],
            mag_lezen=mag_lezen,
            titel="Dashboard",
        )
        if beheer:
            context["herinneringen_aandacht"] = geteld["aandacht"]
        if mag_lezen:
            context["status"], context["ronde"] = dashboard.status_en_ronde(geteld["perioden"])
            context.update(
                te_laat=dashboard.te_late_acties(vandaag, geteld=geteld),
                heatmap=dashboard.netto_heatmap(user, geteld=geteld["heatmap"]),
                boven_bereidheid=dashboard.toprisicos_boven_bereidheid(user),
                bevindingen=dashboard.bevindingen_per_instantie(user, geteld=geteld["bevindingen"]),
            )
        return context

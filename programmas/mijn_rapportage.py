"""Mijn rapportage: a programme manager reports every initiative of the open round on
one page. Each initiative has its own small form, saved on its own through the same
service as the status form, so one refusal never holds back the others."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from douane_portfolio.objectviews import met_service
from douane_portfolio.parameters import id_uit

from . import services, startpunt
from .forms import StatusrapportageForm
from .models import STATUS_BETEKENIS, Initiatief, Rapportageperiode, Status


def te_rapporteren(user, periode):
    """The user's active initiatives with this round's and the previous round's report,
    in one query however many there are."""
    return (
        Initiatief.objects.actief()
        .van(user)
        .select_related("thema")
        .met_rapportage(periode, "huidig")
        .met_rapportage(periode.vorige(), "vorige")
        .order_by("thema__volgorde", "volgorde", "naam")
    )


def _prefix(initiatief):
    return f"i{initiatief.pk}"


def _formulier(initiatief, data=None, overnemen=False):
    initial = {}
    if initiatief.huidig_status:
        initial = {
            "status": initiatief.huidig_status,
            "toelichting": initiatief.huidig_toelichting,
            "pad_naar_groen": initiatief.huidig_pad,
            "versie": initiatief.huidig_versie,
        }
    if overnemen and initiatief.vorige:
        initial.update(initiatief.vorige.als_initial())
    return StatusrapportageForm(data, initial=initial, prefix=_prefix(initiatief))


class MijnRapportageView(PermissionRequiredMixin, View):
    permission_required = "programmas.add_statusrapportage"
    template_name = "programmas/mijn_rapportage.html"

    def dispatch(self, request, *args, **kwargs):
        self.periode = Rapportageperiode.objects.open().first()
        return super().dispatch(request, *args, **kwargs)

    def initiatieven(self):
        if self.periode is None:
            return []
        vorige = self.periode.vorige()
        rijen = []
        for initiatief in te_rapporteren(self.request.user, self.periode):
            # Per object, as on the status form: only what this user may report on.
            if not self.request.user.has_perm("programmas.rapporteer_status", initiatief):
                continue
            initiatief.vorige = startpunt.uit_annotaties(initiatief, vorige)
            rijen.append(initiatief)
        return rijen

    def render(self, initiatieven, gebonden=None):
        overnemen = id_uit(self.request.GET.get(startpunt.OVERNEMEN))
        for initiatief in initiatieven:
            if gebonden is not None and gebonden.prefix == _prefix(initiatief):
                initiatief.form = gebonden
            else:
                initiatief.form = _formulier(initiatief, overnemen=overnemen == initiatief.pk)
            initiatief.overgenomen = overnemen == initiatief.pk
            initiatief.sleutel = f"vorige-{initiatief.pk}"
            initiatief.overnemen_url = (
                f"?{startpunt.OVERNEMEN}={initiatief.pk}#initiatief-{initiatief.pk}"
            )
        ingediend = sum(1 for i in initiatieven if i.huidig_status)
        return render(
            self.request,
            self.template_name,
            {
                "periode": self.periode,
                "initiatieven": initiatieven,
                "ingediend": ingediend,
                "totaal": len(initiatieven),
                "betekenis": [(s, s.label, STATUS_BETEKENIS[s]) for s in Status],
                "titel": f"Mijn rapportage {self.periode}" if self.periode else "Mijn rapportage",
            },
        )

    def get(self, request):
        return self.render(self.initiatieven())

    def post(self, request):
        if self.periode is None:
            messages.error(request, "Er is geen rapportageronde open.")
            return redirect("programmas:mijn_rapportage")
        initiatieven = self.initiatieven()
        pk = id_uit(request.POST.get("initiatief"))
        initiatief = next((i for i in initiatieven if i.pk == pk), None)
        if initiatief is None:
            if Initiatief.objects.filter(pk=pk).exists():
                raise PermissionDenied("U rapporteert hier alleen over uw eigen initiatieven.")
            raise Http404
        form = _formulier(initiatief, request.POST)
        if form.is_valid():
            gelukt, _ = met_service(
                request,
                form,
                lambda: services.statusrapportage_indienen(
                    initiatief=initiatief,
                    periode=self.periode,
                    status=form.cleaned_data["status"],
                    toelichting=form.cleaned_data["toelichting"],
                    pad_naar_groen=form.cleaned_data["pad_naar_groen"],
                    door=request.user,
                    verwachte_versie=form.cleaned_data["versie"],
                ),
            )
            if gelukt:
                messages.success(request, f"De status van {initiatief} is opgeslagen.")
                anker = f"#initiatief-{initiatief.pk}"
                return redirect(reverse("programmas:mijn_rapportage") + anker)
        return self.render(initiatieven, gebonden=form)

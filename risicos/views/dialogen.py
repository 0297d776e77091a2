"""Risk dialogues: plan, prepare, record the session, mark held, adopt, the minutes."""

from collections import defaultdict

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from douane_portfolio.geschiedenis import gebeurtenissen
from douane_portfolio.lijsten import LijstView
from douane_portfolio.models import OPEN_STATUSSEN, User
from douane_portfolio.objectviews import (
    ObjectBewerkenView,
    ObjectNieuwView,
    eis_recht,
    met_melding,
    met_service,
    object_of_404,
)
from douane_portfolio.parameters import ids_uit

from .. import services
from ..filters import DialoogFilter, RisicoFilter
from ..forms import DialoogForm, PuntForm, SessieForm
from ..models import Beheersmaatregel, Risico, Risicodialoog
from ..tables import DialoogTabel
from .basis import LeesView


class DialoogLijst(LijstView):
    model = Risicodialoog
    table_class = DialoogTabel
    filterset_class = DialoogFilter
    permission_required = "risicos.view_risicodialoog"
    template_name = "risicos/dialogen.html"
    titel = "Risicodialogen"
    intro = (
        "Een risicodialoog bespreekt een selectie uit het register. Wat de dialoog afspreekt, "
        "komt bij het vaststellen van het verslag in het register."
    )

    def get_queryset(self):
        return super().get_queryset().select_related("voorzitter").met_aantal_risicos()


def _voorselectie(request):
    """The risks a new dialogue starts with: those ticked in the register, or all of a
    register filter (`?selectie=filter&…`), or else the active top risks."""
    zichtbaar = Risico.objects.zichtbaar_voor(request.user)
    if "risico" in request.GET:
        return zichtbaar.filter(pk__in=ids_uit(request.GET.getlist("risico")))
    if request.GET.get("selectie") == "filter":
        return RisicoFilter(request.GET, queryset=zichtbaar, request=request).qs
    return zichtbaar.actief().toprisicos()


class DialoogNieuw(ObjectNieuwView):
    model = Risicodialoog
    form_class = DialoogForm
    permissie = "risicos.add_risicodialoog"
    template_name = "risicos/dialoog_formulier.html"
    succes_bericht = "{object} is gepland."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method != "POST":
            kwargs["gekozen"] = _voorselectie(self.request)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = "Nieuwe risicodialoog"
        context["annuleer_url"] = reverse("risicos:dialogen")
        return context

    def uitvoeren(self, form):
        return services.dialoog_plannen(
            dialoog=form.instance,
            risicos=list(form.cleaned_data["risico_keuze"]),
            deelnemers=form.cleaned_data["deelnemers"],
            door=self.request.user,
        )


class DialoogBewerken(ObjectBewerkenView):
    model = Risicodialoog
    form_class = DialoogForm
    permissie = "risicos.change_risicodialoog"
    template_name = "risicos/dialoog_formulier.html"
    succes_bericht = "De risicodialoog is bijgewerkt."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = f"{self.object} bewerken"
        context["annuleer_url"] = self.object.get_absolute_url()
        return context

    def uitvoeren(self, form):
        return services.dialoog_bijwerken(
            dialoog=form.instance,
            risicos=list(form.cleaned_data["risico_keuze"]),
            deelnemers=form.cleaned_data["deelnemers"],
            door=self.request.user,
            verwachte_versie=form.verwachte_versie,
        )


def _punten(dialoog):
    return list(
        dialoog.punten.select_related("risico", "risico__eigenaar").order_by("volgorde", "pk")
    )


def _maatregelen_per_risico(koppelingen):
    resultaat = defaultdict(list)
    for k in koppelingen.select_related("beheersmaatregel__eigenaar"):
        resultaat[k.risico_id].append(k.beheersmaatregel)
    return resultaat


def _open_maatregelen_per_risico(risico_ids):
    """{risico_id: [open measures]} in one query."""
    return _maatregelen_per_risico(
        Beheersmaatregel.risicos.through.objects.filter(
            risico_id__in=risico_ids, beheersmaatregel__status__in=OPEN_STATUSSEN
        ).order_by("beheersmaatregel__deadline", "beheersmaatregel_id")
    )


def _acties_per_risico(dialoog):
    """{risico_id: [measures agreed in this dialogue on that risk]} in one query."""
    return _maatregelen_per_risico(
        Beheersmaatregel.risicos.through.objects.filter(beheersmaatregel__dialoog=dialoog).order_by(
            "beheersmaatregel_id"
        )
    )


def _dialoog_context(request, dialoog):
    user = request.user
    return {
        "dialoog": dialoog,
        "titel": dialoog.titel,
        "vandaag": timezone.localdate(),
        "deelnemers": list(dialoog.deelnemers.all()),
        "mag_wijzigen": user.has_perm("risicos.change_risicodialoog", dialoog),
        "mag_gehouden": user.has_perm("risicos.gehouden_risicodialoog", dialoog),
        "mag_vaststellen": user.has_perm("risicos.vaststellen_risicodialoog", dialoog),
    }


# Who the header of a dialogue's pages names (risicos/_dialoog_kop.html), read with it.
KOP = ("voorzitter", "vastgesteld_door")


def _zichtbaar(request, *related):
    return Risicodialoog.objects.zichtbaar_voor(request.user).select_related(*related)


class DialoogDetail(LeesView):
    """The agenda and pre-read: each risk with its current scores and open measures."""

    model = Risicodialoog
    template_name = "risicos/dialoog_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related(*KOP)

    def get_context_data(self, **kwargs):
        dialoog = self.object
        punten = _punten(dialoog)
        open_maatregelen = _open_maatregelen_per_risico([p.risico_id for p in punten])
        acties = _acties_per_risico(dialoog)
        for punt in punten:
            punt.open_maatregelen = open_maatregelen.get(punt.risico_id, [])
            punt.acties = acties.get(punt.risico_id, [])
        records = (
            Risicodialoog.history.filter(id=dialoog.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        return {
            **super().get_context_data(**kwargs),
            **_dialoog_context(self.request, dialoog),
            "punten": punten,
            "geschiedenis": gebeurtenissen(records, Risicodialoog, bekend=[dialoog, *punten]),
        }


def dialoog_sessie(request, pk):
    """Record per risk the agreed net score, the conclusion and new actions."""
    dialoog = object_of_404(
        request,
        _zichtbaar(request, *KOP),
        pk,
        "risicos.change_risicodialoog",
    )
    punten = _punten(dialoog)
    gebruikers = list(User.objects.mogelijke_eigenaren())
    data = request.POST if request.method == "POST" else None
    sessie = SessieForm(data, instance=dialoog)
    formulieren = [PuntForm(data, punt=p, gebruikers=gebruikers) for p in punten]
    heeft_fouten = False
    if request.method == "POST":
        # Validate every form (no short-circuit), so all errors show at once.
        geldig = [sessie.is_valid()] + [f.is_valid() for f in formulieren]
        heeft_fouten = not all(geldig)
        if not heeft_fouten:
            gelukt, _ = met_service(
                request,
                sessie,
                lambda: services.sessie_vastleggen(
                    dialoog=dialoog,
                    besluiten=sessie.cleaned_data["besluiten"],
                    punten={f.punt: f.waarden for f in formulieren},
                    door=request.user,
                    verwachte_versie=sessie.verwachte_versie,
                ),
            )
            if gelukt:
                messages.success(request, "De afspraken uit de sessie zijn opgeslagen.")
                return redirect("risicos:dialoog_sessie", pk=dialoog.pk)
    acties = _acties_per_risico(dialoog)
    for formulier in formulieren:
        formulier.acties = acties.get(formulier.punt.risico_id, [])
    return render(
        request,
        "risicos/dialoog_sessie.html",
        {
            **_dialoog_context(request, dialoog),
            "sessie": sessie,
            "formulieren": formulieren,
            "heeft_fouten": heeft_fouten,
        },
    )


@require_POST
def dialoog_gehouden(request, pk):
    dialoog = object_of_404(request, _zichtbaar(request), pk, "risicos.gehouden_risicodialoog")
    gelukt, _ = met_melding(
        request, lambda: services.dialoog_gehouden(dialoog=dialoog, door=request.user)
    )
    if gelukt:
        messages.success(request, "De risicodialoog is als gehouden gemarkeerd.")
    return redirect(dialoog)


def dialoog_vaststellen(request, pk):
    """GET: what adoption will change; POST: adopt."""
    dialoog = object_of_404(request, _zichtbaar(request, *KOP), pk)
    if request.method == "POST":
        # Without an object this asks the role: may this user run dialogues at all?
        eis_recht(request.user, "risicos.change_risicodialoog")
        if dialoog.is_vastgesteld:
            messages.error(request, "Deze risicodialoog is al vastgesteld; dat kan maar één keer.")
            return redirect("risicos:dialoog_verslag", pk=dialoog.pk)
        eis_recht(request.user, "risicos.vaststellen_risicodialoog", dialoog, zeg_waarom=False)
        gelukt, _ = met_melding(
            request, lambda: services.dialoog_vaststellen(dialoog=dialoog, door=request.user)
        )
        if not gelukt:
            return redirect(dialoog)
        messages.success(
            request, "Het verslag is vastgesteld en de afgesproken scores staan in het register."
        )
        return redirect("risicos:dialoog_verslag", pk=dialoog.pk)
    # Adopted minutes say when and by whom (issue 16), not just "Geen toegang".
    eis_recht(request.user, "risicos.vaststellen_risicodialoog", dialoog)
    return render(
        request,
        "risicos/dialoog_vaststellen.html",
        {
            **_dialoog_context(request, dialoog),
            "wijzigingen": services.wijzigingen_bij_vaststellen(dialoog),
            "punten": _punten(dialoog),
        },
    )


class DialoogVerslag(LeesView):
    """The minutes, printable; marked as draft until adopted."""

    model = Risicodialoog
    template_name = "risicos/dialoog_verslag.html"

    def get_queryset(self):
        return super().get_queryset().select_related(*KOP)

    def get_context_data(self, **kwargs):
        dialoog = self.object
        punten = _punten(dialoog)
        acties = _acties_per_risico(dialoog)
        for punt in punten:
            punt.acties = acties.get(punt.risico_id, [])
        return {
            **super().get_context_data(**kwargs),
            **_dialoog_context(self.request, dialoog),
            "titel": f"Verslag {dialoog}",
            "punten": punten,
        }

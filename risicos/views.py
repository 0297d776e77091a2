from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from douane_portfolio.eenmalig import AlAangemaakt, eenmalig_aanmaken
from douane_portfolio.geschiedenis import gebeurtenissen, geschiedenis_van
from douane_portfolio.lijsten import LijstView
from douane_portfolio.locking import VerouderdeVersie
from douane_portfolio.models import OPEN_STATUSSEN, ActieStatus, User
from douane_portfolio.parameters import id_uit, ids_uit
from douane_portfolio.rules import gesloten_reden
from douane_portfolio.views import (
    EenmaligCreateView,
    VersieUpdateView,
    al_aangemaakt,
    al_verstuurd,
    servicefout_in_formulier,
    verouderd_bericht,
)

from . import heatmap as raster
from . import services
from .filters import DialoogFilter, HeatmapFilter, MaatregelFilter, RisicoFilter
from .forms import (
    DialoogForm,
    MaatregelForm,
    MaatregelStatusForm,
    PuntForm,
    RisicoForm,
    RisicoNieuwForm,
    ScoreForm,
    SessieForm,
)
from .models import (
    Beheersmaatregel,
    Risico,
    Risicodialoog,
)
from .tables import DialoogTabel, MaatregelTabel, RisicoTabel


def _object_of_404(request, queryset, pk, permissie=None):
    """The object if the user may see it (else 404) and, if asked, may do `permissie`
    with it (else 403): reading is never revealed, refusing an action is explained."""
    obj = get_object_or_404(queryset, pk=pk)
    meta = obj._meta
    if not request.user.has_perm(f"{meta.app_label}.view_{meta.model_name}", obj):
        raise Http404
    if permissie and not request.user.has_perm(permissie, obj):
        raise PermissionDenied(gesloten_reden(obj))
    return obj


def _vereist(request, permissie, obj=None):
    if not request.user.has_perm(permissie, obj):
        raise PermissionDenied


class ObjectRechtMixin:
    """For generic views: 404 without read access, 403 without `object_permissie`."""

    object_permissie = None

    def get_object(self, queryset=None):
        queryset = queryset if queryset is not None else self.get_queryset()
        return _object_of_404(self.request, queryset, self.kwargs["pk"], self.object_permissie)


# --- Register -------------------------------------------------------------------


class RegisterView(LijstView):
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

    def get_queryset(self):
        qs = super().get_queryset().select_related("eigenaar").met_scores().met_maatregeltellingen()
        if self.toon_bevindingen():
            qs = qs.met_open_bevindingen(self.request.user)
        return qs

    def toon_bevindingen(self):
        return self.request.user.has_perm("audits.view_bevinding")

    def get_table_kwargs(self):
        return {
            "kan_kiezen": self.request.user.has_perm("risicos.add_risicodialoog"),
            "toon_bevindingen": self.toon_bevindingen(),
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


def _bevindingen(risico, user):
    """The audit findings linked to the risk that `user` may read, or None when the user
    may not read findings at all. Audits points at risicos, never the reverse: the
    reverse relation reaches the findings without an import, scoped in SQL by audits."""
    if not user.has_perm("audits.view_bevinding"):
        return None
    return list(risico.bevindingen.zichtbaar_voor(user).select_related("rapport"))


def risico_detail(request, pk):
    risico = _object_of_404(request, Risico.objects.select_related("eigenaar"), pk)
    vandaag = timezone.localdate()
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
    geschiedenis = geschiedenis_van(risico)
    aangemaakt = geschiedenis[-1].moment if geschiedenis else None
    user = request.user
    return render(
        request,
        "risicos/risico_detail.html",
        {
            "risico": risico,
            "titel": risico.titel,
            "vandaag": vandaag,
            "scorewijzigingen": list(reversed(wijzigingen)),
            "grafiek": _scoregrafiek(wijzigingen, risico, aangemaakt),
            "maatregelen": maatregelen,
            "maatregelen_gereed": sum(m.status == ActieStatus.AFGEROND for m in maatregelen),
            "maatregelen_totaal": sum(m.status != ActieStatus.VERVALLEN for m in maatregelen),
            "punten": punten,
            "initiatieven": risico.initiatieven.all(),
            "bevindingen": _bevindingen(risico, user),
            "geschiedenis": geschiedenis,
            "mag_wijzigen": user.has_perm("risicos.change_risico", risico),
            "mag_scoren": user.has_perm("risicos.scoren_risico", risico),
            "mag_maatregel_toevoegen": user.has_perm("risicos.add_beheersmaatregel"),
        },
    )


# Plot area of the score chart, in SVG user units.
GRAFIEK_BREEDTE, GRAFIEK_HOOGTE, GRAFIEK_MARGE = 600, 200, 32


def _scoregrafiek(wijzigingen, risico, aangemaakt=None):
    """Points of a step chart of the gross and net score over time, or None when the
    risk was never scored. Plain SVG coordinates, drawn by the template."""
    punten = [(w.moment, w.nieuw.bruto, w.nieuw.netto) for w in wijzigingen]
    if wijzigingen and aangemaakt and aangemaakt < wijzigingen[0].moment:
        # Scores it had before its first recorded change (loaded or imported with it).
        eerste = wijzigingen[0].oud
        punten.insert(0, (aangemaakt, eerste.bruto, eerste.netto))
    if not any(b is not None or n is not None for _, b, n in punten):
        return None
    nu = timezone.now()
    punten.append((nu, risico.bruto_score, risico.netto_score))
    begin = punten[0][0]
    duur = max((nu - begin).total_seconds(), 1)
    b, h, m = GRAFIEK_BREEDTE, GRAFIEK_HOOGTE, GRAFIEK_MARGE

    def x(moment):
        return round(m + (moment - begin).total_seconds() / duur * (b - 2 * m), 1)

    def y(score):
        return round(h - m - (score / 25) * (h - 2 * m), 1)

    def lijn(index):
        delen, vorige = [], None
        for moment, *scores in punten:
            score = scores[index]
            if score is None:
                vorige = None
                continue
            if vorige is None:
                delen.append(f"M{x(moment)},{y(score)}")
            else:
                delen.append(f"H{x(moment)}V{y(score)}")
            vorige = score
        return " ".join(delen)

    return {
        "breedte": b,
        "hoogte": h,
        "bruto": lijn(0),
        "netto": lijn(1),
        "rasters": [{"score": s, "y": y(s)} for s in (5, 10, 15, 20, 25)],
        "x_begin": m,
        "x_eind": b - m,
        "y_basis": y(0),
        "begin": begin,
        "eind": nu,
    }


def risico_nieuw(request):
    _vereist(request, "risicos.add_risico")
    if eerder := al_verstuurd(request):
        return eerder
    form = RisicoNieuwForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        risico = form.save(commit=False)
        try:
            eenmalig_aanmaken(
                form.aanmaaktoken,
                door=request.user,
                maak=lambda: services.risico_registreren(
                    risico=risico,
                    initiatieven=form.cleaned_data["initiatieven"],
                    door=request.user,
                ),
            )
        except AlAangemaakt as fout:
            return al_aangemaakt(request, fout)
        except ValidationError as fout:
            form.add_error(None, fout)
        else:
            messages.success(request, f"Risico '{risico}' is geregistreerd.")
            return redirect(risico)
    return render(
        request,
        "risicos/formulier.html",
        {"form": form, "titel": "Nieuw risico", "annuleer_url": reverse("risicos:register")},
    )


class RisicoBewerkenView(ObjectRechtMixin, VersieUpdateView):
    model = Risico
    form_class = RisicoForm
    object_permissie = "risicos.change_risico"
    template_name = "risicos/formulier.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = f"Risico bewerken: {self.object}"
        context["toelichting"] = "Scores wijzigt u met 'Score wijzigen', met een reden."
        return context


def risico_scoren(request, pk):
    risico = _object_of_404(request, Risico.objects.all(), pk, "risicos.scoren_risico")
    form = ScoreForm(request.POST or None, risico=risico)
    if request.method == "POST" and form.is_valid():
        scores = form.scores
        try:
            services.risico_scoren(
                risico=risico,
                bruto_kans=scores.bruto_kans,
                bruto_impact=scores.bruto_impact,
                netto_kans=scores.netto_kans,
                netto_impact=scores.netto_impact,
                reden=form.cleaned_data["reden"],
                door=request.user,
                verwachte_versie=form.verwachte_versie,
            )
        except (VerouderdeVersie, ValidationError) as fout:
            servicefout_in_formulier(form, fout)
        else:
            messages.success(request, "De nieuwe scores zijn opgeslagen.")
            return redirect(risico)
    return render(
        request,
        "risicos/scoren.html",
        {"form": form, "risico": risico, "titel": f"Score wijzigen: {risico}"},
    )


# --- Heat map ------------------------------------------------------------------


HEATMAP_FILTERS = ("categorie", "toprisico", "eigenaar")


def heatmap(request):
    _vereist(request, "risicos.view_risico")
    basis = Risico.objects.zichtbaar_voor(request.user).actief()
    filterset = HeatmapFilter(request.GET or None, queryset=basis, request=request)
    risicos = filterset.qs if filterset.is_bound else basis
    filters = {
        k: v for k, v in request.GET.items() if k in HEATMAP_FILTERS and v and filterset.is_valid()
    }
    kaarten = [_kaart(risicos, soort, filters) for soort in ("bruto", "netto")]
    return render(
        request,
        "risicos/heatmap.html",
        {
            "titel": "Heat map",
            "filter": filterset,
            "selectie": _selectie(filterset) if filters else [],
            "vandaag": timezone.localdate(),
            "kaarten": kaarten,
            "register_url": reverse("risicos:register") + _query(filters),
        },
    )


def _selectie(filterset):
    """["Categorie: Externe ontwikkelingen", …] for the filters in use, so a printed
    heat map says what it shows."""
    resultaat = []
    for naam, waarde in filterset.form.cleaned_data.items():
        if not waarde:
            continue
        veld = filterset.form.fields[naam]
        keuzes = dict(getattr(veld, "choices", ()))
        resultaat.append(f"{veld.label}: {keuzes.get(waarde, waarde)}")
    return resultaat


def _query(params):
    return "?" + urlencode(params) if params else ""


def _kaart(risicos, soort, filters):
    """One 5×5 map linked to the register, plus how many are not scored."""
    register = reverse("risicos:register")
    aantallen, niet_gescoord = raster.tellingen(risicos, soort)
    resultaat = raster.kaart(
        aantallen,
        soort,
        niet_gescoord,
        url=lambda k, i: register + _query({**filters, f"{soort}_kans": k, f"{soort}_impact": i}),
    )
    resultaat["niet_gescoord_url"] = register + _query({**filters, soort: "niet_gescoord"})
    return resultaat


# --- Measures --------------------------------------------------------------------


class MaatregelLijstView(LijstView):
    model = Beheersmaatregel
    table_class = MaatregelTabel
    filterset_class = MaatregelFilter
    permission_required = "risicos.view_beheersmaatregel"
    template_name = "risicos/maatregelen.html"
    titel = "Beheersmaatregelen"
    intro = (
        "Alle maatregelen die risico's verlagen, ook de overkoepelende maatregelen die bij "
        "geen enkel risico in het bijzonder horen."
    )

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("eigenaar", "dialoog")
            .prefetch_related(Prefetch("risicos", queryset=Risico.objects.only("pk", "titel")))
        )


def maatregel_detail(request, pk):
    maatregel = _object_of_404(
        request, Beheersmaatregel.objects.select_related("eigenaar", "dialoog"), pk
    )
    user = request.user
    return render(
        request,
        "risicos/maatregel_detail.html",
        {
            "maatregel": maatregel,
            "titel": "Beheersmaatregel",
            "risicos": list(maatregel.risicos.all()),
            "vandaag": timezone.localdate(),
            "geschiedenis": geschiedenis_van(maatregel),
            "mag_wijzigen": user.has_perm("risicos.change_beheersmaatregel", maatregel),
            "mag_status": user.has_perm("risicos.change_status_beheersmaatregel", maatregel),
        },
    )


class MaatregelNieuwView(EenmaligCreateView):
    model = Beheersmaatregel
    form_class = MaatregelForm
    template_name = "risicos/formulier.html"

    def dispatch(self, request, *args, **kwargs):
        _vereist(request, "risicos.add_beheersmaatregel")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        risico = id_uit(self.request.GET.get("risico"))
        if risico is not None:
            initial["risicos"] = [risico]
        return initial

    succes_bericht = "De beheersmaatregel is toegevoegd."

    def get_success_url(self):
        risicos = list(self.object.risicos.all())
        return (
            risicos[0].get_absolute_url() if len(risicos) == 1 else self.object.get_absolute_url()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = "Nieuwe beheersmaatregel"
        context["annuleer_url"] = reverse("risicos:maatregelen")
        return context


class MaatregelBewerkenView(ObjectRechtMixin, VersieUpdateView):
    model = Beheersmaatregel
    form_class = MaatregelForm
    object_permissie = "risicos.change_beheersmaatregel"
    template_name = "risicos/formulier.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = "Beheersmaatregel bewerken"
        return context


class MaatregelStatusView(ObjectRechtMixin, VersieUpdateView):
    """The owner of a measure reports its progress; only the status changes."""

    model = Beheersmaatregel
    form_class = MaatregelStatusForm
    object_permissie = "risicos.change_status_beheersmaatregel"
    template_name = "risicos/formulier.html"
    succes_bericht = "De status van de maatregel is bijgewerkt."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = "Status van de maatregel bijwerken"
        context["toelichting"] = str(self.object.omschrijving)
        return context


# --- Risk dialogues ------------------------------------------------------------------


class DialoogLijstView(LijstView):
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
    return zichtbaar.actief().filter(toprisico=True)


def dialoog_nieuw(request):
    _vereist(request, "risicos.add_risicodialoog")
    if eerder := al_verstuurd(request):
        return eerder
    if request.method == "POST":
        form = DialoogForm(request.POST)
        if form.is_valid():
            dialoog = form.save(commit=False)
            try:
                eenmalig_aanmaken(
                    form.aanmaaktoken,
                    door=request.user,
                    maak=lambda: services.dialoog_plannen(
                        dialoog=dialoog,
                        risicos=list(form.cleaned_data["risico_keuze"]),
                        deelnemers=form.cleaned_data["deelnemers"],
                        door=request.user,
                    ),
                )
            except AlAangemaakt as fout:
                return al_aangemaakt(request, fout)
            except ValidationError as fout:
                form.add_error(None, fout)
            else:
                messages.success(request, f"{dialoog} is gepland.")
                return redirect(dialoog)
    else:
        form = DialoogForm(gekozen=_voorselectie(request))
    return render(
        request,
        "risicos/dialoog_formulier.html",
        {
            "form": form,
            "titel": "Nieuwe risicodialoog",
            "annuleer_url": reverse("risicos:dialogen"),
        },
    )


def dialoog_bewerken(request, pk):
    dialoog = _object_of_404(
        request, Risicodialoog.objects.all(), pk, "risicos.change_risicodialoog"
    )
    form = DialoogForm(request.POST or None, instance=dialoog)
    if request.method == "POST" and form.is_valid():
        dialoog = form.save(commit=False)
        try:
            services.dialoog_bijwerken(
                dialoog=dialoog,
                risicos=list(form.cleaned_data["risico_keuze"]),
                deelnemers=form.cleaned_data["deelnemers"],
                door=request.user,
                verwachte_versie=form.verwachte_versie,
            )
        except (VerouderdeVersie, ValidationError) as fout:
            servicefout_in_formulier(form, fout)
        except services.DialoogFout as fout:
            form.add_error(None, str(fout))
        else:
            messages.success(request, "De risicodialoog is bijgewerkt.")
            return redirect(dialoog)
    return render(
        request,
        "risicos/dialoog_formulier.html",
        {
            "form": form,
            "titel": f"{dialoog} bewerken",
            "object": dialoog,
            "annuleer_url": dialoog.get_absolute_url(),
        },
    )


def _punten(dialoog):
    return list(
        dialoog.punten.select_related("risico", "risico__eigenaar").order_by("volgorde", "pk")
    )


def _open_maatregelen_per_risico(risico_ids):
    """{risico_id: [open measures]} in one query."""
    koppelingen = (
        Beheersmaatregel.risicos.through.objects.filter(
            risico_id__in=risico_ids, beheersmaatregel__status__in=OPEN_STATUSSEN
        )
        .select_related("beheersmaatregel__eigenaar")
        .order_by("beheersmaatregel__deadline", "beheersmaatregel_id")
    )
    resultaat = defaultdict(list)
    for k in koppelingen:
        resultaat[k.risico_id].append(k.beheersmaatregel)
    return resultaat


def _acties_per_risico(dialoog):
    """{risico_id: [measures agreed in this dialogue on that risk]} in one query."""
    koppelingen = (
        Beheersmaatregel.risicos.through.objects.filter(beheersmaatregel__dialoog=dialoog)
        .select_related("beheersmaatregel__eigenaar")
        .order_by("beheersmaatregel_id")
    )
    resultaat = defaultdict(list)
    for k in koppelingen:
        resultaat[k.risico_id].append(k.beheersmaatregel)
    return resultaat


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


def dialoog_detail(request, pk):
    """The agenda and pre-read: each risk with its current scores and open measures."""
    dialoog = _object_of_404(request, Risicodialoog.objects.select_related("voorzitter"), pk)
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
    return render(
        request,
        "risicos/dialoog_detail.html",
        {
            **_dialoog_context(request, dialoog),
            "punten": punten,
            "geschiedenis": gebeurtenissen(records, Risicodialoog),
        },
    )


def dialoog_sessie(request, pk):
    """Record per risk the agreed net score, the conclusion and new actions."""
    dialoog = _object_of_404(
        request,
        Risicodialoog.objects.select_related("voorzitter"),
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
            try:
                services.sessie_vastleggen(
                    dialoog=dialoog,
                    besluiten=sessie.cleaned_data["besluiten"],
                    punten={f.punt: f.waarden for f in formulieren},
                    door=request.user,
                    verwachte_versie=sessie.verwachte_versie,
                )
            except VerouderdeVersie as fout:
                sessie.add_error(None, verouderd_bericht(fout.instance))
            except services.DialoogFout as fout:
                sessie.add_error(None, str(fout))
            except ValidationError as fout:
                sessie.add_error(None, fout)
            else:
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
    dialoog = _object_of_404(
        request, Risicodialoog.objects.all(), pk, "risicos.gehouden_risicodialoog"
    )
    try:
        services.dialoog_gehouden(dialoog=dialoog, door=request.user)
    except services.DialoogFout as fout:
        messages.error(request, str(fout))
    else:
        messages.success(request, "De risicodialoog is als gehouden gemarkeerd.")
    return redirect(dialoog)


def dialoog_vaststellen(request, pk):
    """GET: what adoption will change; POST: adopt."""
    dialoog = _object_of_404(request, Risicodialoog.objects.select_related("voorzitter"), pk)
    if request.method == "POST":
        # Without an object this asks the role: may this user run dialogues at all?
        _vereist(request, "risicos.change_risicodialoog")
        if dialoog.is_vastgesteld:
            messages.error(request, "Deze risicodialoog is al vastgesteld; dat kan maar één keer.")
            return redirect("risicos:dialoog_verslag", pk=dialoog.pk)
        _vereist(request, "risicos.vaststellen_risicodialoog", dialoog)
        try:
            services.dialoog_vaststellen(dialoog=dialoog, door=request.user)
        except services.DialoogFout as fout:
            messages.error(request, str(fout))
            return redirect(dialoog)
        messages.success(
            request, "Het verslag is vastgesteld en de afgesproken scores staan in het register."
        )
        return redirect("risicos:dialoog_verslag", pk=dialoog.pk)
    _vereist(request, "risicos.vaststellen_risicodialoog", dialoog)
    punten = _punten(dialoog)
    return render(
        request,
        "risicos/dialoog_vaststellen.html",
        {
            **_dialoog_context(request, dialoog),
            "wijzigingen": services.wijzigingen_bij_vaststellen(dialoog),
            "punten": punten,
        },
    )


def dialoog_verslag(request, pk):
    """The minutes, printable; marked as draft until adopted."""
    dialoog = _object_of_404(
        request, Risicodialoog.objects.select_related("voorzitter", "vastgesteld_door"), pk
    )
    punten = _punten(dialoog)
    acties = _acties_per_risico(dialoog)
    for punt in punten:
        punt.acties = acties.get(punt.risico_id, [])
    return render(
        request,
        "risicos/dialoog_verslag.html",
        {**_dialoog_context(request, dialoog), "titel": f"Verslag {dialoog}", "punten": punten},
    )

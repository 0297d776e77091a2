"""Pages of the reminders: what was mailed to me (and my preference), and for the
Beheerder the mails not (yet) sent."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from douane_portfolio.bladeren import bladzijde
from douane_portfolio.models import aantal
from douane_portfolio.rules import is_beheerder

from . import meldingen, services
from .forms import HerinneringsvoorkeurForm, VerzendingBesluitForm
from .models import Bezorging, HerinneringSoort, Verzending
from .services import WEEKDAGEN

# A mail of a manager with hundreds of overdue actions lists them all; the overview shows
# the most urgent few of each mail and links to the whole mail on its own, paged, page.
MAILS_PER_PAGINA = 10
ITEMS_PER_MAIL = 25
URGENTIE = {
    HerinneringSoort.ESCALATIE: 0,
    HerinneringSoort.TE_LAAT: 1,
    HerinneringSoort.BINNENKORT: 2,
    HerinneringSoort.MELDING: 3,
}


def _items():
    """A mail's deliveries, most urgent first: escalations, overdue, due soon, news."""
    return (
        Bezorging.objects.select_related("herinnering__eigenaar")
        .defer("herinnering__tekst")
        .annotate(
            urgentie=Case(
                *[When(herinnering__soort=s, then=Value(v)) for s, v in URGENTIE.items()],
                default=Value(len(URGENTIE)),
                output_field=IntegerField(),
            )
        )
        .order_by("urgentie", "herinnering__deadline", "pk")
    )


def _aantal_items():
    per_mail = Bezorging.objects.filter(verzending=OuterRef("pk")).order_by().values("verzending")
    return Coalesce(
        Subquery(per_mail.annotate(n=aantal()).values("n"), output_field=IntegerField()), 0
    )


def mijn_herinneringen(request):
    """What reminders were mailed to me, and how often I want the due-soon ones."""
    if request.method == "POST":
        form = HerinneringsvoorkeurForm(request.POST, instance=request.user)
        if form.is_valid():
            # Only this field: the rest of the user row is not the form's to write.
            form.save(commit=False).save(update_fields=["herinneringsfrequentie"])
            messages.success(request, "Uw voorkeur voor herinneringen is opgeslagen.")
            return redirect("mijn_herinneringen")
    else:
        form = HerinneringsvoorkeurForm(instance=request.user)
    params = request.GET
    if "pagina" in params and "cursor" not in params:
        # Links from before the keyset pages: `?pagina=N` (bounded like `?page=N`).
        params = {"page": params["pagina"]}
    pagina = bladzijde(
        Verzending.objects.filter(ontvanger=request.user)
        .defer("tekst", "html")
        .annotate(aantal_items=_aantal_items())
        .prefetch_related(
            Prefetch(
                "bezorgingen",
                queryset=_items()[:ITEMS_PER_MAIL],
                to_attr="eerste_items",
            )
        ),
        params,
        MAILS_PER_PAGINA,
    )
    return render(
        request,
        "herinneringen/herinneringen.html",
        {
            "form": form,
            "pagina": pagina,
            "weekdag": WEEKDAGEN[(settings.HERINNERINGEN_WEEKDAG - 1) % 7],
            "vooraf": settings.HERINNERINGEN_VOORAF,
            "escalatie_na": settings.HERINNERINGEN_ESCALATIE_NA,
            "is_beheerder": is_beheerder(request.user),
        },
    )


@require_GET
def mijn_verzending(request, pk):
    """Everything one mail to me listed, paged; someone else's mail does not exist (404)."""
    verzending = get_object_or_404(
        Verzending.objects.defer("tekst", "html").annotate(aantal_items=_aantal_items()),
        pk=pk,
        ontvanger=request.user,
    )
    pagina = bladzijde(
        _items().filter(verzending=verzending), request.GET, settings.LIJST_PAGINA_GROOTTE
    )
    return render(
        request,
        "herinneringen/verzending.html",
        {"verzending": verzending, "pagina": pagina, "titel": verzending.onderwerp},
    )


def onverzonden_herinneringen(request):
    """For the Beheerder: reminder mails not (yet) sent, with their error and attempts;
    each can be sent again or cancelled with a reason (kept in its history)."""
    if not is_beheerder(request.user):
        raise PermissionDenied
    verzendingen = Verzending.objects.onverzonden().select_related("ontvanger")
    besluiten = (
        Verzending.history.filter(history_change_reason__isnull=False)
        .select_related("history_user")
        .order_by("-history_date")[:20]
    )
    return render(
        request,
        "herinneringen/onverzonden.html",
        {
            "pagina": Paginator(verzendingen.order_by("-pogingen", "pk"), 50).get_page(
                request.GET.get("pagina")
            ),
            "besluiten": besluiten,
            "waarschuwen_na": settings.HERINNERINGEN_WAARSCHUWEN_NA,
            "titel": "Niet verstuurde herinneringen",
        },
    )


@require_POST
def verzending_beslissen(request, pk):
    if not is_beheerder(request.user):
        raise PermissionDenied
    verzending = get_object_or_404(Verzending, pk=pk)
    form = VerzendingBesluitForm(request.POST)
    if not form.is_valid():
        for fouten in form.errors.values():
            messages.error(request, " ".join(fouten))
        return redirect("onverzonden_herinneringen")
    reden = form.cleaned_data["reden"]
    try:
        if form.cleaned_data["actie"] == "opnieuw":
            services.verzending_opnieuw_versturen(
                verzending=verzending, door=request.user, reden=reden
            )
            transaction.on_commit(meldingen.versturen_aanvragen)
            messages.success(request, f"De e-mail aan {verzending.adres} gaat opnieuw uit.")
        else:
            services.verzending_annuleren(verzending=verzending, door=request.user, reden=reden)
            messages.success(request, f"De e-mail aan {verzending.adres} is geannuleerd.")
    except ValidationError as fout:
        messages.error(request, " ".join(fout.messages))
    return redirect("onverzonden_herinneringen")


@require_POST
def melding_gelezen(request, pk):
    """Mark one of my notifications read; someone else's does not exist for me (404)."""
    bezorging = get_object_or_404(
        Bezorging, pk=pk, ontvanger=request.user, herinnering__soort=HerinneringSoort.MELDING
    )
    meldingen.melding_gelezen(bezorging=bezorging)
    return redirect("mijn_acties")

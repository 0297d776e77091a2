"""The user's own page "API-sleutels": keys and the calendar link; and the feed itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .agenda import agenda_van
from .forms import SleutelForm
from .models import AgendaSleutel, ApiSleutel, hash_van


def _pagina(request, form, **extra):
    return render(
        request,
        "api/sleutels.html",
        {
            "titel": "API-sleutels",
            "form": form,
            "sleutels": ApiSleutel.objects.filter(gebruiker=request.user),
            "agenda_actief": AgendaSleutel.objects.filter(
                gebruiker=request.user, ingetrokken_op__isnull=True
            ).first(),
            **extra,
        },
    )


def sleutels(request):
    if request.method == "POST":
        form = SleutelForm(request.POST)
        if form.is_valid():
            sleutel, geheim = ApiSleutel.aanmaken(
                gebruiker=request.user,
                naam=form.cleaned_data["naam"],
                bereik=form.cleaned_data["bereik"],
                geldig_dagen=form.cleaned_data["geldig_dagen"],
            )
            # Shown in this response only: the database keeps just its hash.
            return _pagina(request, SleutelForm(), nieuwe_sleutel=sleutel, geheim=geheim)
    else:
        form = SleutelForm()
    return _pagina(request, form)


@require_POST
def intrekken(request, pk):
    sleutel = get_object_or_404(ApiSleutel, pk=pk, gebruiker=request.user)
    sleutel.intrekken()
    messages.success(request, f"De sleutel '{sleutel.naam}' is ingetrokken.")
    return redirect("api:sleutels")


@require_POST
def agenda_koppeling(request):
    if request.POST.get("actie") == "intrekken":
        AgendaSleutel.intrekken(request.user)
        messages.success(request, "De agendakoppeling is ingetrokken.")
        return redirect("api:sleutels")
    geheim = AgendaSleutel.vernieuwen(request.user)
    url = request.build_absolute_uri(reverse("api:agenda_feed", args=[geheim]))
    return _pagina(request, SleutelForm(), agenda_url=url)


@login_not_required
@require_GET
def agenda_feed(request, geheim):
    """The feed carries no session: the secret in the URL is the credential."""
    koppeling = (
        AgendaSleutel.objects.select_related("gebruiker")
        .filter(sleutel_hash=hash_van(geheim), ingetrokken_op__isnull=True)
        .first()
    )
    if koppeling is None or not koppeling.gebruiker.is_active:
        raise Http404("Onbekende of ingetrokken agendakoppeling.")
    response = HttpResponse(agenda_van(koppeling.gebruiker), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import PasswordChangeView
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.views.generic import UpdateView

from .acties import open_acties_van
from .forms import HerinneringsvoorkeurForm, WachtwoordWijzigenForm
from .herinneringen import WEEKDAGEN
from .locking import VerouderdeVersie, bewaar_met_versie, laatste_wijziging
from .models import Herinnering, Verzending


def verouderd_bericht(instance):
    door, moment = laatste_wijziging(instance)
    wie = f" door {door}" if door else ""
    wanneer = ""
    if moment:
        wanneer = " op " + formats.date_format(timezone.localtime(moment), r"j F Y \o\m H:i")
    return (
        f"Dit gegeven is intussen gewijzigd{wie}{wanneer}. Uw wijzigingen zijn niet "
        "opgeslagen, maar staan nog in het formulier. Open het opnieuw om de actuele "
        "versie te zien en breng uw wijzigingen daarin aan."
    )


def servicefout_in_formulier(form, fout):
    """Show what a write service refused on the form, keeping the user's input.

    A stale version gets the Dutch "changed meanwhile" message on top; field errors go
    next to the field they name; anything else goes on top.
    """
    if isinstance(fout, VerouderdeVersie):
        form.add_error(None, verouderd_bericht(fout.instance))
    elif hasattr(fout, "error_dict"):
        for veld, fouten in fout.error_dict.items():
            form.add_error(veld if veld in form.fields else None, fouten)
    else:
        form.add_error(None, fout)


class EenObject:
    """get_object() once per request: the permission check and the view share it."""

    def get_object(self, queryset=None):
        if not hasattr(self, "_object"):
            self._object = super().get_object(queryset)
        return self._object


class VersieUpdateView(EenObject, UpdateView):
    """UpdateView that refuses to save over a newer version (optimistic locking)."""

    succes_bericht = "De wijzigingen zijn opgeslagen."
    template_name = "formulier.html"

    def form_valid(self, form):
        obj = form.save(commit=False)
        try:
            with transaction.atomic():
                bewaar_met_versie(obj, form.verwachte_versie)
                form.save_m2m()
        except VerouderdeVersie:
            form.add_error(None, verouderd_bericht(obj))
            return self.form_invalid(form)
        self.object = obj
        messages.success(self.request, self.succes_bericht)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()


def mijn_acties(request):
    vandaag = timezone.localdate()
    acties = open_acties_van(request.user, op=vandaag)
    return render(
        request,
        "acties/mijn_acties.html",
        {
            "acties": acties,
            "vandaag": vandaag,
            "aantal_te_laat": sum(1 for a in acties if a.deadline < vandaag),
        },
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
    verzendingen = Verzending.objects.filter(ontvanger=request.user).prefetch_related(
        Prefetch(
            "bezorgingen__herinnering",
            queryset=Herinnering.objects.select_related("eigenaar"),
        )
    )
    pagina = Paginator(verzendingen, 10).get_page(request.GET.get("pagina"))
    return render(
        request,
        "acties/herinneringen.html",
        {
            "form": form,
            "pagina": pagina,
            "weekdag": WEEKDAGEN[(settings.HERINNERINGEN_WEEKDAG - 1) % 7],
            "vooraf": settings.HERINNERINGEN_VOORAF,
            "escalatie_na": settings.HERINNERINGEN_ESCALATIE_NA,
        },
    )


class WachtwoordWijzigen(PasswordChangeView):
    """Django's password change, with wrong old passwords throttled like log-ins."""

    form_class = WachtwoordWijzigenForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def ongeldig_verzoek(request, exception=None):
    """400 in the site's shell (Django's default renders without the request): a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE or with too many fields lands here."""
    return render(request, "400.html", status=400)

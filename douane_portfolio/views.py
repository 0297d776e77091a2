import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, UpdateView
from rules.contrib import views as rules_views

from . import herinneringen
from .acties import open_acties_van
from .eenmalig import AlAangemaakt, eenmalig_aanmaken, eerder_aangemaakt
from .forms import HerinneringsvoorkeurForm, VerzendingBesluitForm, WachtwoordWijzigenForm
from .herinneringen import WEEKDAGEN
from .locking import VerouderdeVersie, bewaar_met_versie, laatste_wijziging
from .models import Herinnering, Verzending
from .rules import gesloten_reden, heeft_een_rol, is_beheerder
from .tasks import herinneringen_versturen

logger = logging.getLogger(__name__)


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


class PermissionRequiredMixin(rules_views.PermissionRequiredMixin):
    """rules' mixin, whose 403 says why when the object is closed to changes."""

    def get_permission_denied_message(self):
        # Only to readers: someone without a role learns nothing about the object.
        if heeft_een_rol(self.request.user):
            reden = gesloten_reden(self.get_permission_object())
            if reden:
                return reden
        return super().get_permission_denied_message()


class EenObject:
    """get_object() once per request: the permission check and the view share it."""

    def get_object(self, queryset=None):
        if not hasattr(self, "_object"):
            self._object = super().get_object(queryset)
        return self._object


class VersieUpdateView(EenObject, UpdateView):
    """UpdateView that refuses to save over a newer version (optimistic locking).

    `bewaar(form, obj)` writes; a view whose write carries rules overrides it to call
    its service, whose refusal (ValidationError) lands on the form.
    """

    succes_bericht = "De wijzigingen zijn opgeslagen."
    template_name = "formulier.html"

    def form_valid(self, form):
        obj = form.save(commit=False)
        try:
            with transaction.atomic():
                self.bewaar(form, obj)
        except (VerouderdeVersie, ValidationError) as fout:
            servicefout_in_formulier(form, fout)
            return self.form_invalid(form)
        self.object = obj
        messages.success(self.request, self.succes_bericht)
        return HttpResponseRedirect(self.get_success_url())

    def bewaar(self, form, obj):
        bewaar_met_versie(obj, form.verwachte_versie)
        form.save_m2m()

    def get_success_url(self):
        return self.object.get_absolute_url()


def al_aangemaakt(request, fout):
    """The answer to a resubmitted create form: the record the first submit made."""
    messages.info(request, str(fout))
    return HttpResponseRedirect(fout.object.get_absolute_url())


def al_verstuurd(request):
    """The answer to a create form submitted before, checked before the form is
    validated (its unique checks would otherwise refuse the copy), else None."""
    obj = eerder_aangemaakt(request)
    return None if obj is None else al_aangemaakt(request, AlAangemaakt(obj))


class EenmaligCreateView(CreateView):
    """CreateView whose row and history commit together, once per form token
    (`forms.AanmaakFormMixin`): a resubmitted form shows the record it made."""

    succes_bericht = ""

    def post(self, request, *args, **kwargs):
        return al_verstuurd(request) or super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            self.object = eenmalig_aanmaken(
                form.aanmaaktoken, door=self.request.user, maak=lambda: self.maak(form)
            )
        except AlAangemaakt as fout:
            return al_aangemaakt(self.request, fout)
        except ValidationError as fout:
            servicefout_in_formulier(form, fout)
            return self.form_invalid(form)
        if self.succes_bericht:
            messages.success(self.request, self.succes_bericht.format(object=self.object))
        return HttpResponseRedirect(self.get_success_url())

    def maak(self, form):
        return form.save()


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
            "is_beheerder": is_beheerder(request.user),
        },
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
        "acties/onverzonden.html",
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
            herinneringen.verzending_opnieuw_versturen(
                verzending=verzending, door=request.user, reden=reden
            )
            transaction.on_commit(_run_aanvragen)
            messages.success(request, f"De e-mail aan {verzending.adres} gaat opnieuw uit.")
        else:
            herinneringen.verzending_annuleren(
                verzending=verzending, door=request.user, reden=reden
            )
            messages.success(request, f"De e-mail aan {verzending.adres} is geannuleerd.")
    except ValidationError as fout:
        messages.error(request, " ".join(fout.messages))
    return redirect("onverzonden_herinneringen")


def _run_aanvragen():
    """Queue a sweep now rather than at the next quarter-hour; if the broker is down,
    the beat's next run sends the mail all the same."""
    try:
        herinneringen_versturen.apply_async(retry=False)
    except Exception:
        logger.warning("Kon geen herinneringsrun inplannen; de volgende geplande run doet het.")


class WachtwoordWijzigen(PasswordChangeView):
    """Django's password change, with wrong old passwords throttled like log-ins."""

    form_class = WachtwoordWijzigenForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def ongeldig_verzoek(request, exception=None):
    """400 in the site's shell (Django's default renders without the request): a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE or with too many fields lands here."""
    return render(request, "400.html", status=400)

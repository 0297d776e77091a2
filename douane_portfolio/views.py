import logging

from django.contrib import messages
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import formats, timezone
from django.views.generic import CreateView, UpdateView
from rules.contrib import views as rules_views

from .acties import open_acties_van
from .eenmalig import AlAangemaakt, eenmalig_aanmaken, eerder_aangemaakt
from .forms import WachtwoordWijzigenForm
from .locking import VerouderdeVersie, bewaar_met_versie, laatste_wijziging
from .rules import gesloten_reden, heeft_een_rol

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


class WachtwoordWijzigen(PasswordChangeView):
    """Django's password change, with wrong old passwords throttled like log-ins."""

    form_class = WachtwoordWijzigenForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def ongeldig_verzoek(request, exception=None):
    """400 in the site's shell (Django's default renders without the request): a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE or with too many fields lands here."""
    return render(request, "400.html", status=400)

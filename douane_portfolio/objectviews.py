"""One contract for pages about an object and for the forms that write (NetBox's
ObjectView / ObjectEditView).

The view loads the object through the model's reading scope (`zichtbaar_voor`: 404
for whoever may not see it), checks the object permission (403, saying why when the
object is closed to changes), validates the form, calls a service and puts the
service's refusal (`weigeringen.Weigering`) back on the form with the user's input
kept. A service's GeenToestemming stays a 403: a form must not suggest the user may
try again. App views only name the model, permission, form, service call and template.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.views.generic import CreateView, DetailView, FormView, UpdateView

from .eenmalig import AlAangemaakt, eenmalig_aanmaken, eerder_aangemaakt
from .locking import laatste_wijziging
from .rules import gesloten_reden, heeft_een_rol
from .weigeringen import GeenToestemming, VerouderdeVersie


def eis_recht(user, permissie, obj=None, *, zeg_waarom=True):
    """403 unless `user` has `permissie` (on `obj`). The 403 says why when the object is
    closed (a resolved finding, adopted minutes), only to users with a role: someone
    without one learns nothing about the object."""
    if permissie and not user.has_perm(permissie, obj):
        reden = ""
        if zeg_waarom and obj is not None and heeft_een_rol(user):
            reden = gesloten_reden(obj)
        raise PermissionDenied(reden)


def object_of_404(request, queryset, pk, permissie=None):
    """For function views: the object from `queryset` (already scoped to the user; else
    404) on which the user has `permissie` (else 403 with the reason)."""
    obj = get_object_or_404(queryset, pk=pk)
    eis_recht(request.user, permissie, obj)
    return obj


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


def weigering_in_formulier(form, fout):
    """Show what a write service refused on the form, keeping the user's input.

    A stale version gets the Dutch "changed meanwhile" message on top; field errors go
    next to the field they name (on top when the form has no such field); anything
    else goes on top. A missing right is no form error: it is raised as a 403.
    """
    if isinstance(fout, PermissionDenied):
        raise fout
    if isinstance(fout, VerouderdeVersie):
        form.add_error(None, verouderd_bericht(fout.instance))
    elif hasattr(fout, "error_dict"):
        for veld, fouten in fout.error_dict.items():
            form.add_error(veld if veld in form.fields else None, fouten)
    else:
        form.add_error(None, fout)


def al_aangemaakt(request, fout):
    """The answer to a resubmitted create form: the record the first submit made."""
    messages.info(request, str(fout))
    return HttpResponseRedirect(fout.object.get_absolute_url())


def al_verstuurd(request):
    """The answer to a create form submitted before, checked before the form is
    validated (its unique checks would otherwise refuse the copy), else None."""
    obj = eerder_aangemaakt(request)
    return None if obj is None else al_aangemaakt(request, AlAangemaakt(obj))


def met_service(request, form, uitvoeren):
    """Run `uitvoeren()` (a service call) for a valid form: once per create token, in
    one transaction. Returns (True, result); (False, response) for a resubmitted create
    form; (False, None) when the service refused (the refusal is then on the form)."""
    try:
        resultaat = eenmalig_aanmaken(
            getattr(form, "aanmaaktoken", None), door=request.user, maak=uitvoeren
        )
    except AlAangemaakt as fout:
        return False, al_aangemaakt(request, fout)
    except GeenToestemming:
        raise
    except ValidationError as fout:
        weigering_in_formulier(form, fout)
        return False, None
    return True, resultaat


def met_melding(request, uitvoeren):
    """For a step without a form (a POST button): run `uitvoeren()` (a service call);
    a refusal becomes an error message. Returns (True, result) or (False, None)."""
    try:
        return True, uitvoeren()
    except GeenToestemming:
        raise
    except ValidationError as fout:
        messages.error(request, " ".join(fout.messages))
        return False, None


class ObjectMixin:
    """Loads `self.object` through the reading scope (404) and checks `permissie` on it
    (403) before any handler runs."""

    model = None
    permissie = None  # the object permission this page needs; None: seeing it suffices
    pk_url_kwarg = "pk"

    def get_queryset(self):
        return self.model.objects.zichtbaar_voor(self.request.user)

    def get_object(self, queryset=None):
        if not hasattr(self, "_object"):
            qs = self.get_queryset() if queryset is None else queryset
            self._object = get_object_or_404(qs, pk=self.kwargs[self.pk_url_kwarg])
        return self._object

    def get_permissie(self):
        return self.permissie

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        eis_recht(request.user, self.get_permissie(), self.object)
        return super().dispatch(request, *args, **kwargs)


class ServiceFormMixin:
    """A valid form goes to `uitvoeren(form)`, which calls a service and returns what it
    made or changed (`self.resultaat`); a refusal lands on the form, input kept."""

    succes_bericht = ""
    resultaat = None

    def post(self, request, *args, **kwargs):
        return al_verstuurd(request) or super().post(request, *args, **kwargs)

    def uitvoeren(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        gelukt, uitkomst = met_service(self.request, form, lambda: self.uitvoeren(form))
        if not gelukt:
            return uitkomst or self.form_invalid(form)
        self.resultaat = uitkomst
        bericht = self.get_succes_bericht()
        if bericht:
            messages.success(self.request, bericht)
        return HttpResponseRedirect(self.get_success_url())

    def get_succes_bericht(self):
        return self.succes_bericht.format(object=self.resultaat)


class ObjectDetailView(ObjectMixin, DetailView):
    """A page about one object the user may see."""


class ObjectFormView(ObjectMixin, ServiceFormMixin, FormView):
    """A form about one object (a step on it, or something added to it)."""

    succes_bericht = "Opgeslagen."
    titel = ""
    knoptekst = "Opslaan"
    toelichting = ""

    def get_initial(self):
        return {"versie": getattr(self.object, "versie", None)}

    def get_titel(self):
        return self.titel

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "object": self.object,
                "titel": self.get_titel(),
                "knoptekst": self.knoptekst,
                "toelichting": self.toelichting,
                "annuleer_url": self.object.get_absolute_url(),
            }
        )
        return context

    def get_success_url(self):
        return self.object.get_absolute_url()


class ObjectBewerkenView(ObjectMixin, ServiceFormMixin, UpdateView):
    """A ModelForm on one object; `uitvoeren` saves the changed instance through a
    service with `verwachte_versie=form.verwachte_versie` (optimistic locking)."""

    succes_bericht = "De wijzigingen zijn opgeslagen."
    template_name = "formulier.html"

    def form_valid(self, form):
        form.save(commit=False)  # the changes onto form.instance, and form.save_m2m
        return super().form_valid(form)

    def get_success_url(self):
        return self.object.get_absolute_url()


class ObjectNieuwView(ServiceFormMixin, CreateView):
    """A create form (a ModelForm with a once-only token, `forms.AanmaakFormMixin`);
    `uitvoeren` hands the new instance to a service. `permissie` is checked without an
    object, or on `get_permissie_object()` (the parent, such as the initiative)."""

    permissie = None

    def get_permissie_object(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        eis_recht(request.user, self.permissie, self.get_permissie_object())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        form.save(commit=False)  # the new form.instance, and form.save_m2m
        return super().form_valid(form)

    def get_success_url(self):
        return self.resultaat.get_absolute_url()

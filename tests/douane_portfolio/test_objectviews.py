"""The object-view contract (douane_portfolio.objectviews): scope 404 before permission
403, a service's refusal on the form with the input kept, a missing right a 403."""

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from douane_portfolio.forms import VersieFormMixin
from douane_portfolio.objectviews import ObjectFormView
from douane_portfolio.weigeringen import GeenToestemming, VerouderdeVersie, Weigering
from risicos.models import DialoogStatus, Risico
from risicos.views import DialoogBewerken
from tests.risicos.factories import RisicodialoogFactory, RisicoFactory

pytestmark = pytest.mark.django_db


class RedenForm(VersieFormMixin, forms.Form):
    versie_verplicht = True
    reden = forms.CharField(required=False)


class Weigerend(ObjectFormView):
    """A form on a risk whose service refuses with `fout`."""

    model = Risico
    form_class = RedenForm
    permissie = "risicos.scoren_risico"
    fout = None

    def uitvoeren(self, form):
        raise self.fout

    def render_to_response(self, context, **kwargs):
        self.context = context
        return HttpResponse("formulier")


def _verzoek(user, data=None):
    factory = RequestFactory()
    request = factory.post("/", data) if data is not None else factory.get("/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _aanroep(view_class, user, pk, data=None, **initkwargs):
    view = view_class(**initkwargs)
    request = _verzoek(user, data)
    view.setup(request, pk=pk)
    return view, view.dispatch(request, pk=pk)


def test_whoever_may_not_see_the_object_gets_404_before_any_403(buitenstaander, lezer):
    risico = RisicoFactory()
    with pytest.raises(Http404):
        _aanroep(Weigerend, buitenstaander, risico.pk)
    with pytest.raises(Http404):
        _aanroep(Weigerend, lezer, risico.pk + 1000)
    with pytest.raises(PermissionDenied):
        _aanroep(Weigerend, lezer, risico.pk)


def test_the_403_says_why_a_closed_object_refuses_the_step(risicofunctionaris):
    dialoog = RisicodialoogFactory(status=DialoogStatus.VASTGESTELD)
    with pytest.raises(PermissionDenied) as fout:
        _aanroep(DialoogBewerken, risicofunctionaris, dialoog.pk)
    assert str(fout.value) == dialoog.gesloten_reden()
    assert str(fout.value)


def test_a_service_refusal_lands_on_the_field_it_names_with_the_input_kept(
    risicofunctionaris,
):
    risico = RisicoFactory()
    view, response = _aanroep(
        Weigerend,
        risicofunctionaris,
        risico.pk,
        {"versie": risico.versie, "reden": "omdat"},
        fout=Weigering("Geef een reden die de wijziging uitlegt.", veld="reden"),
    )
    form = view.context["form"]
    assert response.status_code == 200
    assert form.errors["reden"] == ["Geef een reden die de wijziging uitlegt."]
    assert form.data["reden"] == "omdat"


def test_a_refusal_about_no_field_of_the_form_goes_on_top(risicofunctionaris):
    risico = RisicoFactory()
    view, _ = _aanroep(
        Weigerend,
        risicofunctionaris,
        risico.pk,
        {"versie": risico.versie, "reden": "omdat"},
        fout=Weigering("Kies minstens één risico.", veld="risicos"),
    )
    assert view.context["form"].non_field_errors() == ["Kies minstens één risico."]


def test_a_stale_version_is_refused_with_the_dutch_message_and_the_input_kept(
    client_voor, risicofunctionaris
):
    risico = RisicoFactory(titel="Oude titel")
    geopend = risico.versie
    Risico.objects.filter(pk=risico.pk).update(versie=geopend + 1)
    response = client_voor(risicofunctionaris).post(
        f"/risicos/{risico.pk}/bewerken/",
        {
            "versie": geopend,
            "titel": "Mijn nieuwe titel",
            "categorie": risico.categorie,
            "eigenaar": risico.eigenaar_id,
            "status": risico.status,
        },
    )
    assert response.status_code == 200
    assert "intussen gewijzigd" in response.content.decode()
    assert response.context["form"]["titel"].value() == "Mijn nieuwe titel"
    risico.refresh_from_db()
    assert risico.titel == "Oude titel"


def test_a_missing_right_found_by_the_service_is_a_403_not_a_form_error(risicofunctionaris):
    risico = RisicoFactory()
    with pytest.raises(PermissionDenied, match="U mag dit niet"):
        _aanroep(
            Weigerend,
            risicofunctionaris,
            risico.pk,
            {"versie": risico.versie, "reden": "omdat"},
            fout=GeenToestemming("U mag dit niet."),
        )


def test_every_refusal_is_a_validation_error_with_its_plain_text():
    risico = Risico(titel="R")
    assert isinstance(VerouderdeVersie(risico), Weigering)
    assert isinstance(GeenToestemming("nee"), ValidationError)
    assert isinstance(GeenToestemming("nee"), PermissionDenied)
    assert str(Weigering("Zo niet.")) == "Zo niet."
    assert Weigering("Zo niet.", veld="reden").message_dict == {"reden": ["Zo niet."]}

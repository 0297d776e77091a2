import logging
from base64 import b32encode

import jwt
import requests
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import mfa, oidc

logger = logging.getLogger("inloggen")


def _organisatie_context():
    return {"sso_aan": oidc.aan(), "organisatie": settings.OIDC_ORGANISATIE}


class Inloggen(auth_views.LoginView):
    """Password log-in; with a second factor, the session starts only after the code."""

    nood = False  # the break-glass page shows the password form even when it is off

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            **_organisatie_context(),
            wachtwoordformulier=settings.LOKAAL_INLOGGEN or self.nood or not oidc.aan(),
            nood=self.nood,
        )

    def form_valid(self, form):
        user = form.get_user()
        if mfa.vereist(user) or mfa.heeft_tweede_factor(user):
            mfa.wachtend_bewaren(self.request, user, self.get_success_url())
            return redirect("tweestaps")
        return super().form_valid(form)


class Noodtoegang(Inloggen):
    nood = True


def _volgende(request, standaard):
    volgende = request.POST.get("next") or request.GET.get("next") or standaard
    if url_has_allowed_host_and_scheme(
        volgende, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return volgende
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _wie(request):
    """Whose second factor this is: the one halfway through a log-in in this session
    (even if someone else is still signed in here), else the signed-in user."""
    wachtend = mfa.wachtende_gebruiker(request)
    if wachtend is not None:
        return wachtend
    return request.user if request.user.is_authenticated else None


def _afronden(request, user, device):
    wachtend = request.session.pop(mfa.WACHTEND, None)
    if request.user.is_authenticated and request.user.pk == user.pk:
        otp_login(request, device)
        volgende = _volgende(request, settings.LOGIN_REDIRECT_URL)
    else:
        # django-otp marks the session as verified on user_logged_in.
        user.otp_device = device
        auth_login(request, user, backend=user.backend)
        volgende = (wachtend or {}).get("volgende") or resolve_url(settings.LOGIN_REDIRECT_URL)
    return volgende


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


@login_not_required
@sensitive_post_parameters("code")
@never_cache
def tweestaps(request):
    """Second step: a code from the authenticator app, or a recovery code."""
    user = _wie(request)
    if user is None:
        messages.info(request, "Log opnieuw in; de aanmelding duurde te lang.")
        return redirect("login")
    if not mfa.heeft_tweede_factor(user):
        return redirect(f"{reverse('tweestaps_instellen')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        credentials = {"username": user.get_username()}
        # Wrong codes count with wrong passwords: one counter, one lock (django-axes).
        if not AxesProxyHandler.is_allowed(request, credentials):
            return get_lockout_response(request, credentials=credentials)
        if form.is_valid():
            device = mfa.code_controleren(user, form.cleaned_data["code"])
            if device is not None:
                volgende = _afronden(request, user, device)
                if isinstance(device, StaticDevice):
                    over = device.token_set.count()
                    messages.warning(
                        request,
                        f"U heeft een herstelcode gebruikt; er zijn er nog {over}. "
                        "Maak nieuwe aan onder Tweestapsverificatie als ze opraken.",
                    )
                return redirect(volgende)
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            form.add_error("code", "Deze code klopt niet. Probeer de volgende code uit de app.")
    return render(request, "inloggen/tweestaps.html", {"form": form, "wie": user})


def _in_groepjes(sleutel):
    # Typed by hand from the screen: blocks of four, as authenticator apps accept them.
    return " ".join(sleutel[i : i + 4] for i in range(0, len(sleutel), 4))


@login_not_required
@sensitive_post_parameters("code")
@never_cache
def tweestaps_instellen(request):
    """Enrolment: scan the QR code, confirm with a first code, keep the recovery codes."""
    user = _wie(request)
    if user is None:
        return redirect("login")
    geverifieerd = request.user.is_authenticated and request.user.is_verified()
    if mfa.heeft_tweede_factor(user) and not geverifieerd:
        # Replacing a second factor takes the current one first.
        return redirect(f"{reverse('tweestaps')}?{request.GET.urlencode()}")
    device = mfa.nieuw_totp(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.totp_bevestigen(device, form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            volgende = _afronden(request, user, device)
            return render(
                request, "inloggen/herstelcodes.html", {"codes": codes, "volgende": volgende}
            )
        form.add_error("code", "Deze code klopt niet. Controleer de tijd op uw telefoon.")
    return render(
        request,
        "inloggen/instellen.html",
        {
            "form": form,
            "qr": mfa.qr_svg(device),
            "geheim": _in_groepjes(b32encode(device.bin_key).decode()),
            "wie": user,
        },
    )


@never_cache
def tweestaps_overzicht(request):
    """The user's own page: whether a second factor is set, new recovery codes."""
    return render(
        request,
        "inloggen/overzicht.html",
        {
            "heeft": mfa.heeft_tweede_factor(request.user),
            "vereist": mfa.vereist(request.user),
            "via_sso": mfa.via_sso(request),
            **_organisatie_context(),
        },
    )


@require_POST
def herstelcodes_vernieuwen(request):
    if not request.user.is_verified():
        return redirect(f"{reverse('tweestaps')}?next={reverse('tweestaps_overzicht')}")
    codes = mfa.herstelcodes_maken(request.user, door=request.user)
    return render(
        request,
        "inloggen/herstelcodes.html",
        {"codes": codes, "volgende": reverse("tweestaps_overzicht")},
    )


class Uitloggen(auth_views.LogoutView):
    """Ends our session and, after an SSO log-in, the provider's (RP-initiated logout)."""

    def post(self, request, *args, **kwargs):
        bij_provider = None
        if oidc.aan() and mfa.via_sso(request):
            try:
                bij_provider = oidc.uitlog_url(request)
            except requests.RequestException:
                logger.warning("Uitloggen bij de identity provider niet mogelijk", exc_info=True)
        antwoord = super().post(request, *args, **kwargs)
        return redirect(bij_provider) if bij_provider else antwoord


def mislukt(request, reden, status=400, uitleg=""):
    logger.warning("SSO-aanmelding geweigerd: %s", reden)
    context = {**_organisatie_context(), "uitleg": uitleg}
    return render(request, "inloggen/mislukt.html", context, status=status)


@method_decorator(login_not_required, name="dispatch")
class SsoStarten(OIDCAuthenticationRequestView):
    def __init__(self, *args, **kwargs):
        # The library reads the endpoint here; ours may come from discovery, later.
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not oidc.aan():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc.instelling("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ValueError) as fout:
            return mislukt(
                request,
                f"discovery niet bereikbaar: {fout}",
                status=503,
                uitleg=f"{settings.OIDC_ORGANISATIE} is nu niet bereikbaar. "
                "Probeer het over een paar minuten opnieuw.",
            )
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class SsoTerug(OIDCAuthenticationCallbackView):
    """The provider's answer. Anything wrong in it ends on a Dutch page, never a 500."""

    def get(self, request):
        if not oidc.aan():
            raise Http404
        try:
            return super().get(request)
        except SuspiciousOperation as fout:  # wrong state, nonce, issuer, audience
            return mislukt(request, fout)
        except jwt.PyJWTError as fout:  # expired, not yet valid, bad signature
            return mislukt(request, f"ID-token ongeldig: {fout!r}")
        except (requests.RequestException, ValueError, KeyError) as fout:
            return mislukt(request, f"provider gaf geen bruikbaar antwoord: {fout!r}", status=502)

    def login_failure(self):
        fout = self.request.GET.get("error")
        if fout:
            reden = f"provider meldt {fout}: {self.request.GET.get('error_description', '')}"
        elif "oidc_states" not in self.request.session:
            reden = "geen lopende aanmelding in deze sessie (state onbekend of verlopen)"
        else:
            return mislukt(
                self.request,
                "gebruiker niet aangemaakt of niet actief",
                status=403,
                uitleg="Uw account in Douane Portfolio is uitgeschakeld. "
                "Neem contact op met het portfoliobureau.",
            )
        return mislukt(self.request, reden, status=403)

"""Two-factor log-in for local accounts, on django-otp: TOTP plus recovery codes."""

import time

import segno
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from douane_portfolio import rollen
from douane_portfolio.transacties import schrijftransactie

from . import oidc
from .models import Tweestapsgebeurtenis, Tweestapssoort

AANTAL_HERSTELCODES = 10
# A password checked, but no code yet: how long that half log-in may wait.
WACHTTIJD_SECONDEN = 5 * 60
WACHTEND = "inloggen_mfa_wachtend"


def modus():
    return settings.MFA_VERPLICHT


def vereist(user):
    """Must this local account use a second factor (MFA_VERPLICHT)?"""
    if modus() == "uit":
        return False
    if modus() == "alle":
        return True
    return user.is_superuser or rollen.BEHEERDER in user.rollen


def via_sso(request):
    # The identity provider answers for its own log-in, second factor included.
    return request.session.get(BACKEND_SESSION_KEY) == oidc.BACKEND


def heeft_tweede_factor(user):
    return user_has_device(user, confirmed=True)


def totp_van(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def nieuw_totp(user):
    """An unconfirmed authenticator for enrolment; an earlier unfinished one is reused."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=False)


def qr_svg(device):
    # Rendered here, as inline SVG: the secret never leaves the server, and the CSP
    # needs no exception.
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff")


@schrijftransactie
def herstelcodes_maken(user, *, door):
    """Replace the user's recovery codes; returns the new ones (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Herstelcodes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(AANTAL_HERSTELCODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    Tweestapsgebeurtenis.objects.create(
        gebruiker=user, soort=Tweestapssoort.HERSTELCODES, door=door
    )
    return codes


@schrijftransactie
def totp_bevestigen(device, code):
    """Confirm an enrolment with a first code; returns the recovery codes, or None."""
    if not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator per user: a new enrolment replaces the old one.
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    Tweestapsgebeurtenis.objects.create(
        gebruiker=device.user, soort=Tweestapssoort.INGESTELD, door=device.user
    )
    return herstelcodes_maken(device.user, door=device.user)


def code_controleren(user, code):
    """The device (authenticator or recovery codes) that accepts `code`, or None."""
    code = "".join(code.split()).lower()
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        if device.verify_token(code):
            if isinstance(device, StaticDevice):
                Tweestapsgebeurtenis.objects.create(
                    gebruiker=user, soort=Tweestapssoort.HERSTELCODE_GEBRUIKT, door=user
                )
            return device
    return None


@schrijftransactie
def tweede_factor_resetten(user, *, door):
    """Remove every second factor of `user`; at the next log-in they enrol anew."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    Tweestapsgebeurtenis.objects.create(gebruiker=user, soort=Tweestapssoort.GERESET, door=door)


def wachtend_bewaren(request, user, volgende):
    request.session[WACHTEND] = {
        "id": user.pk,
        "backend": user.backend,
        "sinds": time.time(),
        "volgende": volgende,
    }


def wachtende_gebruiker(request):
    """The user who gave a good password in this session and still owes a code."""
    wachtend = request.session.get(WACHTEND)
    if not wachtend or time.time() - wachtend["sinds"] > WACHTTIJD_SECONDEN:
        return None
    user = get_user_model().objects.filter(pk=wachtend["id"], is_active=True).first()
    if user is not None:
        user.backend = wachtend["backend"]
    return user

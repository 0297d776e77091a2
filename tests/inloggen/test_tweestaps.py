import re
import time

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from douane_portfolio import rollen
from inloggen import mfa
from inloggen.models import Tweestapsgebeurtenis, Tweestapssoort
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WACHTWOORD = "geheim-wachtwoord-1"


@pytest.fixture(autouse=True)
def _tweede_factor_aan(settings):
    settings.MFA_VERPLICHT = "beheer"


def code_van(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.fixture
def met_app(beheerder):
    return TOTPDevice.objects.create(user=beheerder, name="app", confirmed=True)


def wachtwoord(client, username, volgende=""):
    data = {"username": username, "password": WACHTWOORD}
    if volgende:
        data["next"] = volgende
    return client.post(reverse("login"), data)


def ingelogd(client):
    return "_auth_user_id" in client.session


def test_enrolment_shows_a_local_qr_code_and_ends_logged_in_with_recovery_codes(client, beheerder):
    response = wachtwoord(client, "beheerder")
    assert response["Location"] == reverse("tweestaps")
    assert not ingelogd(client)
    response = client.get(reverse("tweestaps"))
    assert response["Location"].startswith(reverse("tweestaps_instellen"))

    pagina = client.get(reverse("tweestaps_instellen")).content.decode()
    # Inline SVG, no image from elsewhere.
    assert "<svg" in pagina and "<img" not in pagina and "otpauth" not in pagina
    device = TOTPDevice.objects.get(user=beheerder)
    assert not device.confirmed

    fout = client.post(reverse("tweestaps_instellen"), {"code": "000000"})
    assert "Deze code klopt niet" in fout.content.decode()
    assert not ingelogd(client)

    response = client.post(reverse("tweestaps_instellen"), {"code": code_van(device)})
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(codes) == mfa.AANTAL_HERSTELCODES
    assert ingelogd(client)
    assert client.get(reverse("home")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert set(
        Tweestapsgebeurtenis.objects.filter(gebruiker=beheerder).values_list("soort", flat=True)
    ) == {Tweestapssoort.INGESTELD, Tweestapssoort.HERSTELCODES}


def test_password_alone_starts_no_session_and_a_valid_code_does(client, beheerder, met_app):
    response = wachtwoord(client, "beheerder", volgende=reverse("mijn_acties"))
    assert response["Location"] == reverse("tweestaps")
    assert not ingelogd(client)
    assert client.get(reverse("mijn_acties"))["Location"].startswith(reverse("login"))

    response = client.post(reverse("tweestaps"), {"code": code_van(met_app)})
    assert response["Location"] == reverse("mijn_acties")
    assert ingelogd(client)
    assert client.get(reverse("mijn_acties")).status_code == 200


def test_a_wrong_code_is_refused(client, beheerder, met_app):
    wachtwoord(client, "beheerder")
    response = client.post(reverse("tweestaps"), {"code": "123456"})
    assert response.status_code == 200
    assert "Deze code klopt niet" in response.content.decode()
    assert not ingelogd(client)


def test_wrong_codes_are_throttled_like_wrong_passwords(client, beheerder, met_app, settings):
    wachtwoord(client, "beheerder")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("tweestaps"), {"code": "123456"}).status_code == 200
    assert client.post(reverse("tweestaps"), {"code": "123456"}).status_code == 429
    # Even the right code is refused while the lock lasts, and so is the password.
    response = client.post(reverse("tweestaps"), {"code": code_van(met_app)})
    assert response.status_code == 429
    assert "Te veel mislukte inlogpogingen" in response.content.decode()
    assert not ingelogd(client)
    assert wachtwoord(client, "beheerder").status_code == 429


def test_a_recovery_code_works_once(client, beheerder, met_app):
    codes = mfa.herstelcodes_maken(beheerder, door=beheerder)
    wachtwoord(client, "beheerder")
    response = client.post(reverse("tweestaps"), {"code": codes[0].upper()}, follow=True)
    assert ingelogd(client)
    assert "nog 9" in response.content.decode()
    client.post(reverse("logout"))

    wachtwoord(client, "beheerder")
    response = client.post(reverse("tweestaps"), {"code": codes[0]})
    assert "Deze code klopt niet" in response.content.decode()
    assert not ingelogd(client)
    assert (
        Tweestapsgebeurtenis.objects.filter(
            gebruiker=beheerder, soort=Tweestapssoort.HERSTELCODE_GEBRUIKT
        ).count()
        == 1
    )


def test_the_admin_is_unreachable_without_the_second_factor(client, beheerder, met_app):
    beheerder.is_staff = True
    beheerder.save()
    client.force_login(beheerder)  # a session without the second step
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("tweestaps"))
    # The admin's own login form is not a way around it.
    client.logout()
    response = client.get(reverse("admin:login"))
    assert response["Location"].startswith(reverse("login"))

    wachtwoord(client, "beheerder")
    client.post(reverse("tweestaps"), {"code": code_van(met_app)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_needs_the_second_factor_for_every_role(client, settings):
    # MFA for Beheerder only, but a staff member of another role still needs it there.
    lezer = UserFactory(username="lezer-staf", rol=rollen.LEZER, is_staff=True)
    client.force_login(lezer)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("tweestaps"))


def test_other_roles_need_it_only_when_mfa_is_for_everyone(client, lezer, settings):
    assert wachtwoord(client, "lezer")["Location"] == reverse("home")
    client.logout()
    settings.MFA_VERPLICHT = "alle"
    assert wachtwoord(client, "lezer")["Location"] == reverse("tweestaps")
    assert not ingelogd(client)


def test_with_mfa_off_a_beheerder_logs_in_with_the_password(client, beheerder, settings):
    settings.MFA_VERPLICHT = "uit"
    assert wachtwoord(client, "beheerder")["Location"] == reverse("home")
    assert ingelogd(client)


def test_a_beheerder_resets_a_second_factor_and_the_history_says_so(client, beheerder, met_app):
    pm = UserFactory(username="pm-met-app", rol=rollen.PROGRAMMAMANAGER)
    TOTPDevice.objects.create(user=pm, name="app", confirmed=True)
    mfa.herstelcodes_maken(pm, door=pm)
    beheerder.is_staff = True
    beheerder.save()
    wachtwoord(client, "beheerder")
    client.post(reverse("tweestaps"), {"code": code_van(met_app)})

    response = client.post(
        reverse("admin:douane_portfolio_user_changelist"),
        {"action": "tweede_factor_resetten", "_selected_action": [pm.pk]},
        follow=True,
    )
    assert "Tweede factor gereset voor" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=pm).exists()
    assert not StaticDevice.objects.filter(user=pm).exists()
    gebeurtenis = Tweestapsgebeurtenis.objects.get(gebruiker=pm, soort=Tweestapssoort.GERESET)
    assert gebeurtenis.door == beheerder
    assert LogEntry.objects.filter(object_id=str(pm.pk), change_message="Tweede factor gereset")


def test_replacing_the_authenticator_needs_the_current_one(client, beheerder, met_app):
    wachtwoord(client, "beheerder")
    response = client.get(reverse("tweestaps_instellen"))
    assert response["Location"].startswith(reverse("tweestaps"))
    assert TOTPDevice.objects.filter(user=beheerder).count() == 1


def test_a_user_makes_new_recovery_codes_after_the_second_step(client, beheerder, met_app):
    oude = mfa.herstelcodes_maken(beheerder, door=beheerder)
    wachtwoord(client, "beheerder")
    client.post(reverse("tweestaps"), {"code": code_van(met_app)})
    with time_machine.travel(time.time() + 60):
        response = client.post(reverse("herstelcodes_vernieuwen"))
    nieuwe = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(nieuwe) == mfa.AANTAL_HERSTELCODES and not set(nieuwe) & set(oude)


def test_with_local_login_off_only_a_superuser_gets_in_by_password(client, settings, lezer):
    settings.LOKAAL_INLOGGEN = False
    settings.OIDC_RP_CLIENT_ID = "portfolio"
    settings.OIDC_OP_ISSUER = "https://idp.example"
    settings.OIDC_ORGANISATIE = "Douane"
    pagina = client.get(reverse("login")).content.decode()
    assert "Inloggen met Douane" in pagina and 'name="password"' not in pagina

    assert wachtwoord(client, "lezer").status_code == 200
    assert not ingelogd(client)

    UserFactory(username="nood", is_superuser=True, is_staff=True)
    response = client.post(reverse("login_nood"), {"username": "nood", "password": WACHTWOORD})
    # In, after enrolling a second factor: a superuser always needs one.
    assert response["Location"] == reverse("tweestaps")


def test_logging_in_as_someone_else_asks_the_code_of_the_new_account(client, lezer, met_app):
    client.force_login(lezer)
    wachtwoord(client, "beheerder")
    pagina = client.get(reverse("tweestaps"))
    assert pagina.status_code == 200 and pagina.context["wie"].username == "beheerder"
    client.post(reverse("tweestaps"), {"code": code_van(met_app)})
    assert client.get(reverse("home")).context["user"].username == "beheerder"


def test_a_beheerder_does_not_reset_a_superusers_second_factor(client, beheerder, met_app):
    baas = UserFactory(username="baas", is_superuser=True, is_staff=True)
    TOTPDevice.objects.create(user=baas, name="app", confirmed=True)
    beheerder.is_staff = True
    beheerder.save()
    wachtwoord(client, "beheerder")
    client.post(reverse("tweestaps"), {"code": code_van(met_app)})

    response = client.post(
        reverse("admin:douane_portfolio_user_changelist"),
        {"action": "tweede_factor_resetten", "_selected_action": [baas.pk]},
        follow=True,
    )
    assert "Niet gereset" in response.content.decode()
    assert TOTPDevice.objects.filter(user=baas).exists()
    assert not Tweestapsgebeurtenis.objects.filter(gebruiker=baas).exists()


def test_the_admin_never_shows_the_secrets_of_a_second_factor():
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)

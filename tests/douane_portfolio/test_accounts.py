import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_dutch_login_page(client):
    response = client.get(reverse("mijn_acties"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/acties/")
    login = client.get(response["Location"])
    assert "Inloggen" in login.content.decode()
    assert 'lang="nl"' in login.content.decode()


def test_login_with_good_password_opens_the_dashboard(client, pm):
    response = client.post(
        reverse("login"), {"username": "pm", "password": "geheim-wachtwoord-1"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Dashboard" in response.content.decode()


def test_wrong_password_gives_a_dutch_message(client, pm):
    response = client.post(reverse("login"), {"username": "pm", "password": "fout"})
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()


def test_failed_logins_are_throttled(client, pm):
    for _ in range(5):
        client.post(reverse("login"), {"username": "pm", "password": "fout"})
    # Even the right password is refused while the lock lasts.
    response = client.post(reverse("login"), {"username": "pm", "password": "geheim-wachtwoord-1"})
    assert response.status_code == 429
    assert "Te veel mislukte inlogpogingen" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttling_is_per_user_name(client, pm, pm2):
    for _ in range(5):
        client.post(reverse("login"), {"username": "pm", "password": "fout"})
    response = client.post(reverse("login"), {"username": "pm2", "password": "geheim-wachtwoord-1"})
    assert response.status_code == 302


def test_logout_needs_a_post(client, pm):
    client.force_login(pm)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change(client):
    user = UserFactory(username="wisselaar")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "geheim-wachtwoord-1",
            "new_password1": "Nieuw-en-lang-genoeg-42",
            "new_password2": "Nieuw-en-lang-genoeg-42",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nieuw-en-lang-genoeg-42")


def test_password_change_errors_are_dutch_and_next_to_the_field(client):
    client.force_login(UserFactory(username="wisselaar"))
    response = client.post(
        reverse("password_change"),
        {"old_password": "verkeerd", "new_password1": "a", "new_password2": "b"},
    )
    html = response.content.decode()
    assert "Uw oude wachtwoord is niet juist ingevoerd" in html
    assert 'class="veldfouten"' in html


def test_csrf_is_enforced_on_forms(pm):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(pm)
    assert client.post(reverse("logout")).status_code == 403


def test_security_headers(client, pm):
    client.force_login(pm)
    response = client.get(reverse("home"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"

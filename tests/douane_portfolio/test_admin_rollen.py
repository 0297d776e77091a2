"""Who may grant which role in the user admin: a Beheerder manages the working roles of
others, only a superuser appoints auditors, Beheerders and superusers, and nobody changes
their own roles. Every refusal is checked on a crafted POST and in the database."""

import pytest
from django import forms
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from douane_portfolio import rollen
from douane_portfolio.models import Rolwijziging, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kantoor(beheerder):
    """The portfolio office with access to /beheer/."""
    beheerder.is_staff = True
    beheerder.save()
    return beheerder


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _wijzig_url(user):
    return reverse("admin:douane_portfolio_user_change", args=[user.pk])


def _wachtwoord_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def _groep(naam):
    return Group.objects.get(name=naam).pk


def _formulier(client, user):
    """What the change form would post unchanged (only the fields it offers)."""
    form = client.get(_wijzig_url(user)).context["adminform"].form
    data = {}
    for naam, veld in form.fields.items():
        if veld.disabled:
            continue
        waarde = form[naam].value()
        if waarde is None or waarde is False:
            continue
        if isinstance(veld, forms.SplitDateTimeField):
            data[f"{naam}_0"], data[f"{naam}_1"] = f"{waarde:%Y-%m-%d}", f"{waarde:%H:%M:%S}"
        else:
            data[naam] = waarde
    return data


def _rollen(user):
    return rollen.rollen_van(User.objects.get(pk=user.pk))


def test_a_beheerder_cannot_make_themself_superuser_or_auditor(client, kantoor):
    client.force_login(kantoor)
    data = {
        **_formulier(client, kantoor),
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [_groep(rollen.AUDITOR), _groep(rollen.BEHEERDER)],
        "user_permissions": [1, 2, 3],
    }
    # Saved (name, e-mail), but without what the Beheerder may not grant.
    assert client.post(_wijzig_url(kantoor), data).status_code == 302
    kantoor.refresh_from_db()
    assert not kantoor.is_superuser
    assert _rollen(kantoor) == {rollen.BEHEERDER}
    assert not kantoor.user_permissions.exists()
    assert not Rolwijziging.objects.exists()


def test_a_beheerder_cannot_take_away_their_own_role(client, kantoor):
    client.force_login(kantoor)
    data = {**_formulier(client, kantoor), "groups": [_groep(rollen.LEZER)]}
    assert client.post(_wijzig_url(kantoor), data).status_code == 302
    assert _rollen(kantoor) == {rollen.BEHEERDER}


def test_a_beheerder_is_offered_only_the_working_roles(client, kantoor, pm):
    client.force_login(kantoor)
    form = client.get(_wijzig_url(pm)).context["adminform"].form
    aangeboden = set(form.fields["groups"].queryset.values_list("name", flat=True))
    assert aangeboden == {rollen.PROGRAMMAMANAGER, rollen.RISICOFUNCTIONARIS, rollen.LEZER}
    for veld in ("is_superuser", "is_staff", "user_permissions"):
        assert veld not in form.fields


@pytest.mark.parametrize("rol", [rollen.AUDITOR, rollen.BEHEERDER])
def test_a_beheerder_cannot_give_anyone_auditor_or_beheerder(client, kantoor, pm, rol):
    client.force_login(kantoor)
    data = {**_formulier(client, pm), "groups": [_groep(rollen.PROGRAMMAMANAGER), _groep(rol)]}
    response = client.post(_wijzig_url(pm), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["groups"]
    assert _rollen(pm) == {rollen.PROGRAMMAMANAGER}
    assert not Rolwijziging.objects.exists()


def test_a_beheerder_gives_working_roles_and_the_change_is_recorded(
    client, kantoor, buitenstaander
):
    client.force_login(kantoor)
    data = {
        **_formulier(client, buitenstaander),
        "groups": [_groep(rollen.PROGRAMMAMANAGER), _groep(rollen.LEZER)],
    }
    response = client.post(_wijzig_url(buitenstaander), data)
    assert response.status_code == 302
    assert _rollen(buitenstaander) == {rollen.PROGRAMMAMANAGER, rollen.LEZER}
    wijziging = Rolwijziging.objects.get()
    assert (wijziging.gebruiker, wijziging.door) == (buitenstaander, kantoor)
    assert (wijziging.van, wijziging.naar) == ("", "Lezer, Programmamanager")

    # And back: from what to what, again by whom.
    data["groups"] = [_groep(rollen.LEZER)]
    client.post(_wijzig_url(buitenstaander), data)
    laatste = Rolwijziging.objects.order_by("-pk").first()
    assert (laatste.van, laatste.naar) == ("Lezer, Programmamanager", "Lezer")
    # The account's page shows it.
    pagina = client.get(_wijzig_url(buitenstaander)).content.decode()
    assert f"Lezer, Programmamanager → Lezer (door {kantoor})" in pagina


def test_a_beheerder_creates_users_but_never_superusers(client, kantoor):
    client.force_login(kantoor)
    response = client.post(
        reverse("admin:douane_portfolio_user_add"),
        {
            "username": "nieuw",
            "usable_password": "true",
            "password1": "Een-lang-wachtwoord-42",
            "password2": "Een-lang-wachtwoord-42",
            "is_superuser": "on",
            "is_staff": "on",
            "groups": [_groep(rollen.AUDITOR)],
        },
    )
    assert response.status_code == 302
    nieuw = User.objects.get(username="nieuw")
    assert not nieuw.is_superuser and not nieuw.is_staff
    assert _rollen(nieuw) == set()


@pytest.mark.parametrize(
    "doel", ["superuser", "auditor", "andere_beheerder", "staf", "eigen_rechten", "inactief"]
)
def test_a_beheerder_leaves_accounts_with_higher_roles_alone(
    client, kantoor, superuser, auditor, request, doel
):
    if doel == "andere_beheerder":
        account = UserFactory(username="beheerder2", rol=rollen.BEHEERDER)
    elif doel == "staf":
        account = UserFactory(username="staf", is_staff=True, rol=rollen.LEZER)
    elif doel == "eigen_rechten":
        account = UserFactory(username="rechten", rol=rollen.LEZER)
        account.user_permissions.add(Permission.objects.get(codename="change_bevinding"))
    elif doel == "inactief":
        # An inactive account has no effective roles, but keeps its groups.
        account = UserFactory(username="slapend", rol=rollen.AUDITOR)
        User.objects.filter(pk=account.pk).update(is_active=False)
    else:
        account = request.getfixturevalue(doel)
    hash_voor = User.objects.get(pk=account.pk).password
    client.force_login(kantoor)

    assert client.get(_wachtwoord_url(account)).status_code == 403
    response = client.post(
        _wachtwoord_url(account),
        {"password1": "Overgenomen-42!", "password2": "Overgenomen-42!", "usable_password": "true"},
    )
    assert response.status_code == 403
    # Deactivating or renaming: the form is read-only and a POST is refused.
    actief = User.objects.get(pk=account.pk).is_active
    response = client.post(
        _wijzig_url(account), {"username": "weg", "is_active": "" if actief else "on"}
    )
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.password == hash_voor
    assert account.is_active == actief and account.username != "weg"


def test_a_beheerder_still_sets_a_programme_managers_password(client, kantoor, pm):
    client.force_login(kantoor)
    response = client.post(
        _wachtwoord_url(pm),
        {
            "password1": "Nieuw-voor-pm-42!",
            "password2": "Nieuw-voor-pm-42!",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    pm.refresh_from_db()
    assert pm.check_password("Nieuw-voor-pm-42!")


def test_nobody_sets_their_own_password_in_the_admin(client, kantoor, superuser):
    for wie in (kantoor, superuser):
        client.force_login(wie)
        assert client.get(_wachtwoord_url(wie)).status_code == 403


def test_a_superuser_appoints_an_auditor_and_it_is_recorded(client, superuser, pm):
    client.force_login(superuser)
    data = {**_formulier(client, pm), "groups": [_groep(rollen.AUDITOR)]}
    assert client.post(_wijzig_url(pm), data).status_code == 302
    assert _rollen(pm) == {rollen.AUDITOR}
    wijziging = Rolwijziging.objects.get()
    assert (wijziging.door, wijziging.van, wijziging.naar) == (
        superuser,
        "Programmamanager",
        "Auditor",
    )


def test_a_superuser_makes_another_superuser_and_it_is_recorded(client, superuser, pm):
    client.force_login(superuser)
    data = {**_formulier(client, pm), "is_superuser": "on", "is_staff": "on"}
    assert client.post(_wijzig_url(pm), data).status_code == 302
    pm.refresh_from_db()
    assert pm.is_superuser and pm.is_staff
    wijziging = Rolwijziging.objects.get()
    assert (wijziging.van, wijziging.naar) == ("Programmamanager", "Programmamanager, superuser")


def test_a_superuser_does_not_change_their_own_status_either(client, superuser):
    client.force_login(superuser)
    data = {**_formulier(client, superuser), "groups": [_groep(rollen.AUDITOR)]}
    data.pop("is_superuser", None)
    assert client.post(_wijzig_url(superuser), data).status_code == 302
    superuser.refresh_from_db()
    assert superuser.is_superuser and superuser.is_active
    assert _rollen(superuser) == {rollen.SUPERUSER}


def test_accounts_are_deactivated_not_deleted(client, kantoor, superuser, pm):
    for wie in (kantoor, superuser):
        client.force_login(wie)
        url = reverse("admin:douane_portfolio_user_delete", args=[pm.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=pm.pk).exists()


def test_role_changes_are_a_read_only_ledger(client, kantoor, superuser, pm):
    Rolwijziging.objects.create(gebruiker=pm, door=superuser, van="", naar="Programmamanager")
    client.force_login(kantoor)
    assert client.get(reverse("admin:douane_portfolio_rolwijziging_changelist")).status_code == 200
    assert client.get(reverse("admin:douane_portfolio_rolwijziging_add")).status_code == 403

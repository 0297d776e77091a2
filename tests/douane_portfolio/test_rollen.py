import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from douane_portfolio import rollen
from douane_portfolio.models import User

pytestmark = pytest.mark.django_db


def test_every_role_exists_after_migrate_with_its_permissions():
    namen = set(Group.objects.values_list("name", flat=True))
    assert set(rollen.ROLLEN) <= namen
    beheerder = Group.objects.get(name=rollen.BEHEERDER)
    assert beheerder.permissions.filter(codename="change_user").exists()
    lezer = Group.objects.get(name=rollen.LEZER)
    assert not lezer.permissions.filter(codename__startswith="change_").exists()


def test_roles_are_repaired_when_someone_changes_them_by_hand():
    beheerder = Group.objects.get(name=rollen.BEHEERDER)
    beheerder.permissions.clear()
    rollen.rollen_bijwerken()
    assert beheerder.permissions.filter(codename="change_user").exists()


def _tellingen():
    from django.apps import apps

    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_laad_demo_creates_the_demo_users_and_is_idempotent(settings):
    settings.DEMO_PASSWORD = "demo"
    call_command("laad_demo", stdout=io.StringIO())
    eerste = _tellingen()
    call_command("laad_demo", stdout=io.StringIO())
    # A second run writes nothing at all: no rows, no history records.
    assert _tellingen() == eerste

    verwacht = {
        "programmamanager": rollen.PROGRAMMAMANAGER,
        "programmamanager2": rollen.PROGRAMMAMANAGER,
        "risicofunctionaris": rollen.RISICOFUNCTIONARIS,
        "auditor": rollen.AUDITOR,
        "beheerder": rollen.BEHEERDER,
        "lezer": rollen.LEZER,
    }
    for username, rol in verwacht.items():
        user = User.objects.get(username=username)
        assert user.email.endswith("@douane.example")
        assert user.rollen == {rol}
        assert user.check_password("demo")
    assert User.objects.get(username="programmamanager").manager.username == "beheerder"


def test_laad_demo_uses_demo_password_from_the_environment(settings):
    settings.DEMO_PASSWORD = "iets-anders"
    call_command("laad_demo", stdout=io.StringIO())
    assert User.objects.get(username="lezer").check_password("iets-anders")


@pytest.mark.django_db
@pytest.mark.parametrize("superuser", [False, True])
def test_rechten_laden_gives_what_django_modelbackend_gives(superuser):
    """The one raw query gives the same group, own and all permissions as Django's own
    backend (three ORM queries), and the role names, for roles, own rights and superusers."""
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    user = User.objects.create_user("r", is_superuser=superuser)
    user.groups.add(Group.objects.get(name=rollen.AUDITOR), Group.objects.get(name=rollen.LEZER))
    user.groups.add(Group.objects.create(name="Zonder rechten"))
    user.user_permissions.add(Permission.objects.get(codename="delete_group"))

    django_user = User.objects.get(pk=user.pk)
    backend = ModelBackend()
    verwacht = (
        backend.get_user_permissions(django_user),
        backend.get_group_permissions(django_user),
        backend.get_all_permissions(django_user),
    )
    onze = User.objects.get(pk=user.pk)
    namen = rollen.rechten_laden(onze)
    assert namen == {rollen.AUDITOR, rollen.LEZER, "Zonder rechten"}
    assert (onze._user_perm_cache, onze._group_perm_cache, onze._perm_cache) == verwacht
    assert "auth.delete_group" in onze._perm_cache
    assert len(onze._perm_cache) == (Permission.objects.count() if superuser else len(verwacht[2]))

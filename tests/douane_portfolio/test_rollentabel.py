"""Roles are declared once: the groups' model permissions, the object rules and the
README's table all come from the apps' `Rechten` declarations."""

import io
from pathlib import Path

import pytest
import rules
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command

from douane_portfolio import rollen
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _declaraties():
    return [
        (config, rechten)
        for config in apps.get_app_configs()
        if (rechten := rollen._app_rechten(config)) is not None
    ]


def test_apps_with_object_rules_declare_them_in_one_table():
    labels = {config.label for config, _ in _declaraties()}
    assert {"programmas", "risicos", "audits"} <= labels


@pytest.mark.parametrize("rol", rollen.ROLLEN)
def test_every_group_permission_agrees_with_its_rule(rol):
    """A role's group holds a model permission exactly when the rule grants it without
    an object; a group permission without a rule, or the reverse, fails here."""
    user = UserFactory(username=f"alleen_{rol.lower()}", rol=rol)
    groep = set(
        Group.objects.get(name=rol)
        .permissions.select_related("content_type")
        .values_list("content_type__app_label", "codename")
    )
    for config, rechten in _declaraties():
        for label, codename in groep:
            if label == config.label:
                assert rules.perm_exists(f"{label}.{codename}"), f"{codename}: geen regel"
        for codename in rechten.modelpermissies() & rechten.rechten.keys():
            naam = f"{config.label}.{codename}"
            in_groep = (config.label, codename) in groep
            assert in_groep == rules.has_perm(naam, user), f"{rol}: {naam}"


def test_the_readme_holds_the_generated_role_table():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    _, rest = readme.split(rollen.README_BEGIN, 1)
    tabel, _ = rest.split(rollen.README_EINDE, 1)
    assert tabel.lstrip("\n") == rollen.rollentabel(), (
        "De rollentabel in README.md is verouderd: python manage.py rollentabel --readme"
    )


def test_rollentabel_prints_markdown_with_a_column_per_role():
    uit = io.StringIO()
    call_command("rollentabel", stdout=uit)
    kop = uit.getvalue().splitlines()[0]
    assert kop == "| Onderdeel | Recht | " + " | ".join(rollen.ROLLEN) + " |"
    assert "| Programma's | Initiatief wijzigen | eigen initiatief | – | – | ja | – |" in (
        uit.getvalue()
    )

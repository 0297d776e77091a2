"""What other apps add to the register and the risk page, without risicos knowing them.

Audits points at risicos, never the reverse; so audits registers (from its
`AppConfig.ready()`) a column for the register and a panel for the risk page, as the
apps already declare their reminder sources and role permissions.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kolom:
    """A register column: shown to whom `mag_zien(user)`, on rows `annoteer(qs, user)`
    prepared in SQL, placed after the column `na`."""

    naam: str
    maak: Callable  # () -> a django_tables2 Column
    annoteer: Callable  # (queryset, user) -> queryset
    mag_zien: Callable  # (user) -> bool
    na: str = ""


@dataclass(frozen=True)
class Paneel:
    """A section of the risk page: `template`, included with the page's context plus
    what `gegevens(risico, user)` returns (the template decides whether to show)."""

    template: str
    gegevens: Callable  # (risico, user) -> dict


_kolommen: dict[str, Kolom] = {}
_panelen: dict[str, Paneel] = {}


def kolom_registreren(kolom):
    _kolommen[kolom.naam] = kolom


def paneel_registreren(paneel):
    _panelen[paneel.template] = paneel


def register_kolommen(user):
    return [k for k in _kolommen.values() if k.mag_zien(user)]


def risico_panelen(risico, user):
    """(templates, context) of the panels other apps add to the page of `risico`."""
    templates, context = [], {}
    for paneel in _panelen.values():
        templates.append(paneel.template)
        context.update(paneel.gegevens(risico, user))
    return templates, context

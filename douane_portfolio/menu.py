"""The main menu. Each app names its own entries in its AppConfig (`menu`), as it names
its role permissions, so the hub shows them without knowing any app."""

from dataclasses import dataclass

from django.apps import apps

from .adressen import adres


@dataclass(frozen=True)
class Menupunt:
    label: str
    url_naam: str
    # Path prefix that marks the entry current; None: only its own URL does.
    prefix: str | None
    volgorde: int
    # Shown only to users who have this permission; None: to every logged-in user.
    permissie: str | None = None


def menupunten():
    """Every app's entries, in menu order."""
    punten = [punt for config in apps.get_app_configs() for punt in getattr(config, "menu", ())]
    return sorted(punten, key=lambda punt: punt.volgorde)


def navigatie_voor(user, pad):
    """The entries `user` may see, with their URL and whether `pad` is theirs."""
    items = []
    for punt in menupunten():
        if punt.permissie and not user.has_perm(punt.permissie):
            continue
        url = adres(punt.url_naam)
        actief = pad == url if punt.prefix is None else pad.startswith(punt.prefix)
        items.append({"label": punt.label, "url": url, "actief": actief})
    return items

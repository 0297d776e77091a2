"""All kinds of action across the apps, found through Django's app registry.

A new kind of action only has to subclass `Actie`; Mijn acties, the dashboard and
the reminder sweep pick it up without a change here.
"""

from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.utils import timezone

from .models import Actie


def actie_modellen():
    return [m for m in apps.get_models() if issubclass(m, Actie)]


def open_acties_van(user, op=None):
    """Every open action owned by `user`, overdue first, then by deadline.

    One query per kind of action, whatever the number of actions.
    """
    op = op or timezone.localdate()
    acties = []
    for model in actie_modellen():
        qs = (
            model.objects.open()
            .van(user)
            .select_related(*model.context_select_related)
            .prefetch_related(*model.context_prefetch_related)
        )
        acties.extend(qs)
    acties.sort(key=lambda a: (a.deadline >= op, a.deadline, a.soort(), a.pk))
    return acties


@dataclass
class Onderwerp:
    """What a reminder is about: an action, or anything else with an owner and a deadline."""

    content_type_id: int
    object_id: int
    soortnaam: str
    omschrijving: str
    context: str
    deadline: date
    pad: str
    eigenaar: object
    escalatie_kandidaten: list
    escalatie_rol: str
    # Prefix of the period for subjects that come back, such as a report per round.
    reeks: str = ""

"""All kinds of action across the apps, found through Django's app registry.

A new kind of action only has to subclass `Actie`; Mijn acties, the dashboard and
the reminder sweep pick it up without a change here.
"""

from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from .bladeren import CURSOR, LAATSTE, NA, VOOR, Bladzijde, buren, cursor_lezen, cursor_maken
from .models import Actie, aantal


def actie_modellen():
    return [m for m in apps.get_models() if issubclass(m, Actie)]


def _open_met_context(model, user):
    """`user`'s open actions of `model`, with what their rows show."""
    return (
        model.objects.open()
        .van(user)
        .select_related(*model.context_select_related)
        .prefetch_related(*model.context_prefetch_related)
    )


def open_acties_van(user, op=None):
    """Every open action owned by `user`, overdue first, then by deadline.

    One query per kind of action, whatever the number of actions.
    """
    op = op or timezone.localdate()
    acties = []
    for model in actie_modellen():
        acties.extend(_open_met_context(model, user))
    acties.sort(key=lambda a: (a.deadline >= op, a.deadline, a.soort(), a.pk))
    return acties


def open_acties_tellen(user, op=None):
    """(open, overdue) actions of `user` in one query over the owner indexes."""
    op = op or timezone.localdate()
    delen = [
        model.objects.open()
        .van(user)
        .order_by()
        .values("eigenaar")
        .annotate(n=aantal(), te_laat=aantal(Q(deadline__lt=op)))
        .values_list("n", "te_laat")
        for model in actie_modellen()
    ]
    rijen = list(delen[0].union(*delen[1:], all=True)) if delen else []
    return sum(r[0] for r in rijen), sum(r[1] for r in rijen)


def _sleutel(actie):
    # The order of `open_acties_van`: overdue ones have the earliest deadlines anyway.
    return (actie.deadline, str(actie.soort()), actie.pk)


def _voorbij(soort, cursor, terug):
    """The actions of one kind that come after (`terug`: before) the cursor's
    (deadline, kind, id) in the order of `_sleutel`; the kind is fixed per model."""
    deadline, cursor_soort, pk = cursor
    na, gelijk_na = ("lt", "lte") if terug else ("gt", "gte")
    if soort == cursor_soort:
        return Q(**{f"deadline__{na}": deadline}) | Q(deadline=deadline, **{f"pk__{na}": pk})
    if (soort > cursor_soort) != terug:
        return Q(**{f"deadline__{gelijk_na}": deadline})
    return Q(**{f"deadline__{na}": deadline})


def _cursor_waarden(waarden):
    try:
        deadline, soort, pk = waarden
        return date.fromisoformat(deadline), str(soort), int(pk)
    except (TypeError, ValueError):
        return None


def open_acties_bladzijde(user, params, per_pagina):
    """One page of `open_acties_van(user)`, keyset-paged across the kinds of action.

    Per kind one query seeks the next `per_pagina + 1` rows on the owner index
    (eigenaar, deadline, id); the page is the first of their merge. So the query count
    is the number of kinds (plus their prefetches), whatever the number of actions.
    """
    cursor = cursor_lezen(params.get(CURSOR))
    richting, nummer, waarden = cursor or (None, 1, [])
    grens = None
    if richting in (NA, VOOR):
        grens = _cursor_waarden(waarden)
        if grens is None:  # a cursor edited by hand: start at the first page
            richting, nummer = None, 1
    terug = richting in (VOOR, LAATSTE)
    kandidaten = []
    for model in actie_modellen():
        qs = _open_met_context(model, user).order_by(
            *(("-deadline", "-pk") if terug else ("deadline", "pk"))
        )
        if grens is not None:
            qs = qs.filter(_voorbij(str(model.soort()), grens, terug))
        kandidaten.extend(qs[: per_pagina + 1])
    kandidaten.sort(key=_sleutel, reverse=terug)
    meer = len(kandidaten) > per_pagina
    acties = kandidaten[:per_pagina]
    if terug:
        acties.reverse()

    heeft_vorige, heeft_volgende = buren(richting, meer)

    def buur(n):
        return n if nummer and n >= 1 else 0

    def waarden_van(actie):
        return [actie.deadline, str(actie.soort()), actie.pk]

    vorige = volgende = None
    if acties and heeft_vorige:
        vorige = cursor_maken(VOOR, buur(nummer - 1), waarden_van(acties[0]))
    if acties and heeft_volgende:
        volgende = cursor_maken(NA, buur(nummer + 1), waarden_van(acties[-1]))
    pagina = Bladzijde(acties, nummer, vorige, volgende, eerste_link=heeft_vorige)
    pagina.laatste_cursor = cursor_maken(LAATSTE, 0) if heeft_volgende else None
    return pagina


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

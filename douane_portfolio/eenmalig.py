"""Creating is idempotent and atomic: a row, its history and its form token are
committed together, and a resubmitted create form finds the row it made."""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .models import Aanmaaktoken
from .transacties import opnieuw_bij_conflict

AL_VERSTUURD = "Dit formulier was al verstuurd; u ziet wat daarmee is vastgelegd."
ONBRUIKBAAR = "Dit formulier is al gebruikt. Open een nieuw formulier om opnieuw te beginnen."


class AlAangemaakt(Exception):
    """The token was used before; `object` is what that submission created."""

    def __init__(self, obj):
        self.object = obj
        super().__init__(AL_VERSTUURD)


def _eerder(token, door):
    rij = Aanmaaktoken.objects.select_related("content_type").filter(token=token).first()
    if rij is None:
        return None
    obj = rij.object if rij.gebruiker_id == door.pk else None
    if obj is None:
        # Someone else's token, or its record is gone: nothing to show, nothing to make.
        raise ValidationError(ONBRUIKBAAR, code="token_gebruikt")
    return obj


def eerder_aangemaakt(request):
    """What a resubmitted create form made before, or None (also for a token that is
    not this user's: the form then reports it when it saves)."""
    if request.method != "POST":
        return None
    try:
        token = uuid.UUID(request.POST.get("aanmaaktoken", ""))
    except ValueError:
        return None
    try:
        return _eerder(token, request.user)
    except ValidationError:
        return None


@opnieuw_bij_conflict
def eenmalig_aanmaken(token, *, door, maak):
    """Run `maak()` (which creates and returns one row) once per `token`.

    The token row is inserted first, inside the same transaction as the row and its
    history: a concurrent resubmit waits on the unique token and then finds the row;
    a failure anywhere leaves neither the row, nor its history, nor the token, so the
    user can correct the form and submit it again. Without a token the write is still
    atomic, only not deduplicated.
    """
    if token is None:
        with transaction.atomic():
            return maak()
    eerder = _eerder(token, door)
    if eerder is not None:
        raise AlAangemaakt(eerder)
    try:
        with transaction.atomic():
            rij = Aanmaaktoken.objects.create(token=token, gebruiker=door)
            obj = maak()
            rij.content_type = ContentType.objects.get_for_model(obj)
            rij.object_id = obj.pk
            rij.save(update_fields=["content_type", "object_id"])
    except IntegrityError:
        eerder = _eerder(token, door)
        if eerder is None:
            raise
        raise AlAangemaakt(eerder)
    return obj

from django.db import transaction
from django.utils import timezone

from .gegevens import rapport_gegevens
from .models import Rapportsnapshot


@transaction.atomic
def rapport_vastleggen(*, periode, door=None, reden="vastgelegd"):
    """Freeze the report of `periode` as it stands now (a retake keeps the old one in history)."""
    snapshot = Rapportsnapshot.objects.select_for_update().filter(
        periode=periode
    ).first() or Rapportsnapshot(periode=periode)
    snapshot.gegevens = rapport_gegevens(periode)
    snapshot.vastgelegd_op = timezone.now()
    snapshot.vastgelegd_door = door
    snapshot._history_user = door
    snapshot._change_reason = reden
    snapshot.save()
    return snapshot


def bij_sluiten_vastleggen(sender, periode, door, **kwargs):
    rapport_vastleggen(periode=periode, door=door, reden="periode gesloten")


def rapport_voor(periode):
    """(gegevens, snapshot or None): frozen once the period closed, else live."""
    snapshot = Rapportsnapshot.objects.filter(periode=periode).first()
    if snapshot is not None:
        return snapshot.gegevens, snapshot
    return rapport_gegevens(periode), None

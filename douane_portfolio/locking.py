"""Optimistic locking: refuse to save over a version someone else saved meanwhile."""

from django.db import transaction
from django.db.models import F

from .weigeringen import VerouderdeVersie

__all__ = ["VerouderdeVersie", "bewaar_met_versie", "eis_versie", "laatste_wijziging", "vergrendel"]


def bewaar_met_versie(instance, verwachte_versie, **save_kwargs):
    """Save `instance` only if the database still holds `verwachte_versie`.

    The conditional UPDATE takes the row lock, so of two concurrent saves of the
    same version exactly one wins; the other raises VerouderdeVersie and writes
    nothing (its transaction is rolled back).
    """
    if instance.pk is None or instance._state.adding:
        instance.save(**save_kwargs)
        return instance
    with transaction.atomic():
        bijgewerkt = (
            type(instance)
            ._base_manager.filter(pk=instance.pk, versie=verwachte_versie)
            .update(versie=F("versie") + 1)
        )
        if bijgewerkt != 1:
            raise VerouderdeVersie(instance)
        instance.versie = verwachte_versie + 1
        instance.save(**save_kwargs)
    return instance


def eis_versie(actueel, verwachte_versie):
    """Refuse when the caller saw another version than `actueel` (a row read under lock);
    None means the caller did not open a form on it."""
    if verwachte_versie is not None and actueel.versie != verwachte_versie:
        raise VerouderdeVersie(actueel)
    return actueel


def vergrendel(queryset, pk, verwachte_versie=None):
    """The row `pk` locked for update (SELECT ... FOR UPDATE), refused when stale."""
    return eis_versie(queryset.select_for_update().get(pk=pk), verwachte_versie)


def laatste_wijziging(instance):
    """(user, moment) of the newest history record, to tell who got there first."""
    history = getattr(instance, "history", None)
    if history is None:
        return None, None
    record = history.select_related("history_user").order_by("-history_date").first()
    if record is None:
        return None, None
    return record.history_user, record.history_date

"""Readable change history from django-simple-history records.

Every domain model has `history = HistoricalRecords()`; this turns its records into
"who, when, which field from what to what, why" for the history panels. Links
(many-to-many fields) count too where the model tracks them (`m2m_fields=`).
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils import formats, timezone

from .locking import bewaar_met_versie

VERBORGEN_VELDEN = {"versie", "id"}


def bewaar_met_historie(obj, *, door, reden=None, verwachte_versie=None, **save_kwargs):
    """Save `obj` with who and why on its history record; with `verwachte_versie`, only
    over that version (`locking.bewaar_met_versie`). The only way services save.

    The user and reason are taken off the instance afterwards, so a later save of the
    same instance does not repeat this reason.
    """
    obj._history_user = door
    if reden:
        obj._change_reason = reden
    try:
        if verwachte_versie is None:
            obj.save(**save_kwargs)
        else:
            bewaar_met_versie(obj, verwachte_versie, **save_kwargs)
    finally:
        obj.__dict__.pop("_history_user", None)
        obj.__dict__.pop("_change_reason", None)
    return obj


SOORTEN = {"+": "aangemaakt", "~": "gewijzigd", "-": "verwijderd"}


@dataclass
class Wijziging:
    veld: str
    oud: str
    nieuw: str


@dataclass
class Gebeurtenis:
    moment: object
    door: object
    soort: str
    reden: str
    wijzigingen: list = field(default_factory=list)
    object_label: str = ""


def _weergave(model_field, waarde, gerelateerd):
    if waarde is None or waarde == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(waarde, waarde))
    if isinstance(model_field, models.ForeignKey):
        obj = gerelateerd.get((model_field.related_model._meta.concrete_model, waarde))
        return str(obj) if obj is not None else f"#{waarde} (verwijderd)"
    if isinstance(model_field, models.BooleanField):
        return "ja" if waarde else "nee"
    if isinstance(model_field, models.DateTimeField):
        return formats.date_format(timezone.localtime(waarde), "j F Y H:i")
    if isinstance(model_field, models.DateField):
        return formats.date_format(waarde, "j F Y")
    return str(waarde)


def _bekend(objecten):
    """{(model, pk): object} of objects the page already holds, and of what they hold
    already loaded (a foreign key read with select_related, a prefetched many-to-many):
    the history names them without another query (issue 13)."""
    bekend = {}

    def toevoegen(obj):
        if obj is not None and obj.pk is not None:
            bekend.setdefault((type(obj)._meta.concrete_model, obj.pk), obj)

    for obj in objecten:
        toevoegen(obj)
        for f in obj._meta.concrete_fields:
            if f.is_relation and f.is_cached(obj):
                toevoegen(f.get_cached_value(obj))
        for gekoppeld in getattr(obj, "_prefetched_objects_cache", {}).values():
            for ander in gekoppeld:
                toevoegen(ander)
    return bekend


def _laden(te_laden, bekend):
    """`bekend`, plus the objects of `te_laden` {model: pks} it lacks: one query per model."""
    geladen = dict(bekend)
    for rel_model, pks in te_laden.items():
        rel_model = rel_model._meta.concrete_model
        ontbreekt = {pk for pk in pks if (rel_model, pk) not in geladen}
        if ontbreekt:
            for pk, obj in rel_model._base_manager.in_bulk(ontbreekt).items():
                geladen[(rel_model, pk)] = obj
    return geladen


def _koppelingen(records, model, bekend):
    """{field: {history_id: frozenset of linked pks}} for the tracked many-to-many fields,
    and the linked objects by (model, pk): one query per field, the linked objects
    joined in (a link to a deleted object is looked up by pk, if `bekend` lacks it)."""
    historisch = getattr(model, model._meta.simple_history_manager_attribute).model
    velden = getattr(historisch, "_history_m2m_fields", ())
    if not records or not velden:
        return {}, {}
    ids = [r.history_id for r in records]
    momentopnamen, gekoppeld, te_laden = {}, dict(bekend), {}
    for veld in velden:
        snapshot = getattr(historisch, veld.name).model
        doel = veld.m2m_reverse_field_name()
        doelmodel = veld.related_model._meta.concrete_model
        per_record = {}
        for rij in snapshot.objects.filter(history_id__in=ids).select_related(doel):
            pk = getattr(rij, f"{doel}_id")
            per_record.setdefault(rij.history_id, set()).add(pk)
            obj = getattr(rij, doel)
            if obj is not None:
                gekoppeld.setdefault((doelmodel, pk), obj)
            else:
                te_laden.setdefault(veld.related_model, set()).add(pk)
        momentopnamen[veld] = {h: frozenset(pks) for h, pks in per_record.items()}
    return momentopnamen, _laden(te_laden, gekoppeld)


def _lijst(veld, pks, gekoppeld):
    model = veld.related_model._meta.concrete_model
    namen = sorted(str(gekoppeld.get((model, pk), f"#{pk} (verwijderd)")) for pk in pks)
    return ", ".join(namen) or "—"


def gebeurtenissen(records, model, verborgen=VERBORGEN_VELDEN, label=None, bekend=()):
    """Turn history records (any objects of one model) into Gebeurtenis items, newest first.

    `records` must be ordered oldest first per object; records of several objects may
    be mixed (the diff is taken per object). One query per foreign-key target model,
    and per tracked many-to-many field, for what `bekend` (objects the page already
    holds) and the records' users do not name already.
    """
    records = list(records)
    bekend = _bekend([*bekend, *(r.history_user for r in records if r.history_user_id)])
    momentopnamen, gekoppeld = _koppelingen(records, model, bekend)
    velden = [
        f
        for f in model._meta.concrete_fields
        if f.name not in verborgen and f.editable and not f.auto_created
    ]
    veldnamen = {f.attname: f for f in velden}

    # Collect all foreign key values first, so names come from one query per model.
    te_laden = {}
    for record in records:
        for f in velden:
            if isinstance(f, models.ForeignKey):
                waarde = getattr(record, f.attname)
                if waarde is not None:
                    te_laden.setdefault(f.related_model, set()).add(waarde)
    gerelateerd = _laden(te_laden, bekend)

    vorige_per_object = {}
    resultaat = []
    for record in records:
        vorige = vorige_per_object.get(record.id)
        wijzigingen = []
        if vorige is not None and record.history_type == "~":
            for attname, f in veldnamen.items():
                oud, nieuw = getattr(vorige, attname), getattr(record, attname)
                if oud != nieuw:
                    wijzigingen.append(
                        Wijziging(
                            veld=str(f.verbose_name),
                            oud=_weergave(f, oud, gerelateerd),
                            nieuw=_weergave(f, nieuw, gerelateerd),
                        )
                    )
            for f, per_record in momentopnamen.items():
                if f.name in verborgen:
                    continue
                oud = per_record.get(vorige.history_id, frozenset())
                nieuw = per_record.get(record.history_id, frozenset())
                if oud != nieuw:
                    wijzigingen.append(
                        Wijziging(
                            veld=str(f.verbose_name),
                            oud=_lijst(f, oud, gekoppeld),
                            nieuw=_lijst(f, nieuw, gekoppeld),
                        )
                    )
            if not wijzigingen:
                vorige_per_object[record.id] = record
                continue
        vorige_per_object[record.id] = record
        resultaat.append(
            Gebeurtenis(
                moment=record.history_date,
                door=record.history_user,
                soort=SOORTEN.get(record.history_type, record.history_type),
                reden=record.history_change_reason or "",
                wijzigingen=wijzigingen,
                object_label=label(record) if label else "",
            )
        )
    resultaat.reverse()
    return resultaat


def geschiedenis_van(obj, bekend=(), **kwargs):
    """The history of one object, newest first; `obj` and `bekend` name what they can."""
    records = obj.history.select_related("history_user").order_by("history_date", "history_id")
    return gebeurtenissen(records, type(obj), bekend=[obj, *bekend], **kwargs)

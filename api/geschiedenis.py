"""Writes through the API say so in the history: "<reason> (via API)".

The services set the user and the reason themselves; this only adds where it came from,
so the services need not know about the API.
"""

import contextvars
from contextlib import contextmanager

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

VIA_API = " (via API)"
_via_api = contextvars.ContextVar("via_api", default=False)


@contextmanager
def via_api():
    token = _via_api.set(True)
    try:
        yield
    finally:
        _via_api.reset(token)


@receiver(pre_create_historical_record)
def markeer_via_api(sender, history_instance, **kwargs):
    if not _via_api.get():
        return
    reden = (history_instance.history_change_reason or "").strip()
    reden = f"{reden}{VIA_API}" if reden else VIA_API.strip(" ()")
    lengte = history_instance._meta.get_field("history_change_reason").max_length
    if lengte and len(reden) > lengte:
        reden = reden[: lengte - len(VIA_API) - 1] + "…" + VIA_API
    history_instance.history_change_reason = reden

"""The admin site (/beheer/): Django's, with each write request one transaction that runs
again as a whole when PostgreSQL aborts it for a deadlock (see `transacties`).

Hooked in at `admin_view`, which every page of every ModelAdmin passes through (change
form, delete, the list's actions and list_editable, the password form of an account):
Django itself makes only the change form and delete atomic, an action not at all, and
a retry of less than the whole request would redo part of it.
"""

import functools

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig

from .transacties import schrijftransactie

LEZEN = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _herhaalbaar(view):
    schrijven = schrijftransactie(view)

    @functools.wraps(view)
    def uitvoeren(request, *args, **kwargs):
        if request.method in LEZEN:
            return view(request, *args, **kwargs)
        return schrijven(request, *args, **kwargs)

    return uitvoeren


class Beheersite(AdminSite):
    def admin_view(self, view, cacheable=False):
        return super().admin_view(_herhaalbaar(view), cacheable)


class BeheerConfig(AdminConfig):
    default_site = "douane_portfolio.beheer.Beheersite"

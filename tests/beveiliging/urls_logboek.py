"""A URLconf for the logging tests: one view per kind of answer."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path

from douane_portfolio.urls import urlpatterns as project


def geweigerd(request):
    raise PermissionDenied


def onbekend(request):
    raise Http404


def kapot(request):
    raise RuntimeError("echte fout")


urlpatterns = [
    path("geweigerd/", geweigerd),
    path("onbekend/", onbekend),
    path("kapot/", kapot),
    *project,
]

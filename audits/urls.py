from django.urls import path

from . import views

app_name = "audits"

urlpatterns = [
    path("", views.BevindingLijst.as_view(), name="bevindingen"),
    path("opvolging/", views.opvolging, name="opvolging"),
    path("acties/", views.VervolgactieLijst.as_view(), name="acties"),
    path("rapporten/", views.AuditrapportLijst.as_view(), name="rapporten"),
    path("rapporten/nieuw/", views.AuditrapportNieuw.as_view(), name="rapport_nieuw"),
    path("rapporten/<int:pk>/", views.AuditrapportDetail.as_view(), name="rapport"),
    path(
        "rapporten/<int:pk>/bewerken/",
        views.AuditrapportBewerken.as_view(),
        name="rapport_bewerken",
    ),
    path("bevindingen/nieuw/", views.BevindingNieuw.as_view(), name="bevinding_nieuw"),
    path("bevindingen/<int:pk>/", views.BevindingDetail.as_view(), name="bevinding"),
    path(
        "bevindingen/<int:pk>/geschiedenis/",
        views.BevindingGeschiedenis.as_view(),
        name="bevinding_geschiedenis",
    ),
    path(
        "bevindingen/<int:pk>/bewerken/",
        views.BevindingBewerken.as_view(),
        name="bevinding_bewerken",
    ),
    path(
        "bevindingen/<int:pk>/aanbieden/",
        views.BevindingAanbieden.as_view(),
        name="bevinding_aanbieden",
    ),
    path(
        "bevindingen/<int:pk>/beoordelen/",
        views.BevindingBeoordelen.as_view(),
        name="bevinding_beoordelen",
    ),
    path(
        "bevindingen/<int:pk>/heropenen/",
        views.BevindingHeropenen.as_view(),
        name="bevinding_heropenen",
    ),
    path(
        "bevindingen/<int:pk>/oordelen/nieuw/",
        views.JaaroordeelNieuw.as_view(),
        name="jaaroordeel_nieuw",
    ),
    path(
        "bevindingen/<int:pk>/acties/nieuw/",
        views.VervolgactieNieuw.as_view(),
        name="vervolgactie_nieuw",
    ),
    path(
        "oordelen/<int:pk>/bewerken/",
        views.JaaroordeelBewerken.as_view(),
        name="jaaroordeel_bewerken",
    ),
    path(
        "acties/<int:pk>/bewerken/",
        views.VervolgactieBewerken.as_view(),
        name="vervolgactie_bewerken",
    ),
    path(
        "acties/<int:pk>/deadline/",
        views.DeadlineVerschuiven.as_view(),
        name="deadline_verschuiven",
    ),
    path("acties/<int:pk>/bewijs/nieuw/", views.BewijsstukNieuw.as_view(), name="bewijs_nieuw"),
    path(
        "bewijs/<int:pk>/download/",
        views.bewijsstuk_downloaden,
        name="bewijs_download",
    ),
]

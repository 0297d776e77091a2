from django.urls import path

from . import mijn_rapportage, views

app_name = "programmas"

urlpatterns = [
    path("", views.InitiatiefLijst.as_view(), name="portfolio"),
    path("activiteiten/", views.Activiteitentabel.as_view(), name="activiteiten"),
    path("ronde/", views.Rapportageronde.as_view(), name="ronde"),
    path(
        "mijn-rapportage/",
        mijn_rapportage.MijnRapportageView.as_view(),
        name="mijn_rapportage",
    ),
    path("ronde/nieuw/", views.PeriodeNieuw.as_view(), name="periode_nieuw"),
    path(
        "ronde/<int:pk>/openen/",
        views.PeriodeStatus.as_view(actie="openen"),
        name="periode_openen",
    ),
    path(
        "ronde/<int:pk>/sluiten/",
        views.PeriodeStatus.as_view(actie="sluiten"),
        name="periode_sluiten",
    ),
    path("indicatoren/", views.IndicatorwaardeLijst.as_view(), name="indicatoren"),
    path(
        "indicatoren/waarden/<int:pk>/",
        views.IndicatorwaardeBewerken.as_view(),
        name="indicatorwaarde_bewerken",
    ),
    path(
        "indicatoren/<int:indicator_pk>/periode/<int:periode_pk>/",
        views.IndicatorwaardeBewerken.as_view(),
        name="indicatorwaarde_nieuw",
    ),
    path("nieuw/", views.InitiatiefNieuw.as_view(), name="initiatief_nieuw"),
    path("<int:pk>/", views.InitiatiefDetail.as_view(), name="initiatief"),
    path(
        "<int:pk>/geschiedenis/",
        views.InitiatiefGeschiedenis.as_view(),
        name="initiatief_geschiedenis",
    ),
    path("<int:pk>/bewerken/", views.InitiatiefBewerken.as_view(), name="initiatief_bewerken"),
    path(
        "<int:pk>/status/<int:periode_pk>/",
        views.StatusIndienen.as_view(),
        name="status_indienen",
    ),
    path("<int:pk>/mijlpalen/nieuw/", views.MijlpaalNieuw.as_view(), name="mijlpaal_nieuw"),
    path(
        "mijlpalen/<int:pk>/bewerken/",
        views.MijlpaalBewerken.as_view(),
        name="mijlpaal_bewerken",
    ),
]

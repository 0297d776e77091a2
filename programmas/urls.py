from django.urls import path

from . import mijn_rapportage, views

app_name = "programmas"

urlpatterns = [
    path("", views.PortfolioView.as_view(), name="portfolio"),
    path("activiteiten/", views.ActiviteitentabelView.as_view(), name="activiteiten"),
    path("ronde/", views.RapportagerondeView.as_view(), name="ronde"),
    path(
        "mijn-rapportage/",
        mijn_rapportage.MijnRapportageView.as_view(),
        name="mijn_rapportage",
    ),
    path("ronde/nieuw/", views.PeriodeNieuwView.as_view(), name="periode_nieuw"),
    path(
        "ronde/<int:pk>/openen/",
        views.PeriodeStatusView.as_view(actie="openen"),
        name="periode_openen",
    ),
    path(
        "ronde/<int:pk>/sluiten/",
        views.PeriodeStatusView.as_view(actie="sluiten"),
        name="periode_sluiten",
    ),
    path("indicatoren/", views.IndicatorenView.as_view(), name="indicatoren"),
    path(
        "indicatoren/waarden/<int:pk>/",
        views.IndicatorwaardeView.as_view(),
        name="indicatorwaarde_bewerken",
    ),
    path(
        "indicatoren/<int:indicator_pk>/periode/<int:periode_pk>/",
        views.IndicatorwaardeView.as_view(),
        name="indicatorwaarde_nieuw",
    ),
    path("nieuw/", views.InitiatiefNieuwView.as_view(), name="initiatief_nieuw"),
    path("<int:pk>/", views.InitiatiefView.as_view(), name="initiatief"),
    path("<int:pk>/bewerken/", views.InitiatiefBewerkenView.as_view(), name="initiatief_bewerken"),
    path(
        "<int:pk>/status/<int:periode_pk>/",
        views.StatusIndienenView.as_view(),
        name="status_indienen",
    ),
    path("<int:pk>/mijlpalen/nieuw/", views.MijlpaalNieuwView.as_view(), name="mijlpaal_nieuw"),
    path(
        "mijlpalen/<int:pk>/bewerken/",
        views.MijlpaalBewerkenView.as_view(),
        name="mijlpaal_bewerken",
    ),
]

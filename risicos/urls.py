from django.urls import path

from . import views

app_name = "risicos"

urlpatterns = [
    path("", views.RegisterView.as_view(), name="register"),
    path("nieuw/", views.risico_nieuw, name="risico_nieuw"),
    path("<int:pk>/", views.risico_detail, name="risico"),
    path("<int:pk>/bewerken/", views.RisicoBewerkenView.as_view(), name="risico_bewerken"),
    path("<int:pk>/scoren/", views.risico_scoren, name="risico_scoren"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("maatregelen/", views.MaatregelLijstView.as_view(), name="maatregelen"),
    path("maatregelen/nieuw/", views.MaatregelNieuwView.as_view(), name="maatregel_nieuw"),
    path("maatregelen/<int:pk>/", views.maatregel_detail, name="maatregel"),
    path(
        "maatregelen/<int:pk>/bewerken/",
        views.MaatregelBewerkenView.as_view(),
        name="maatregel_bewerken",
    ),
    path(
        "maatregelen/<int:pk>/status/",
        views.MaatregelStatusView.as_view(),
        name="maatregel_status",
    ),
    path("dialogen/", views.DialoogLijstView.as_view(), name="dialogen"),
    path("dialogen/nieuw/", views.dialoog_nieuw, name="dialoog_nieuw"),
    path("dialogen/<int:pk>/", views.dialoog_detail, name="dialoog"),
    path("dialogen/<int:pk>/bewerken/", views.dialoog_bewerken, name="dialoog_bewerken"),
    path("dialogen/<int:pk>/sessie/", views.dialoog_sessie, name="dialoog_sessie"),
    path("dialogen/<int:pk>/gehouden/", views.dialoog_gehouden, name="dialoog_gehouden"),
    path("dialogen/<int:pk>/vaststellen/", views.dialoog_vaststellen, name="dialoog_vaststellen"),
    path("dialogen/<int:pk>/verslag/", views.dialoog_verslag, name="dialoog_verslag"),
]

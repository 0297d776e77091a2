from django.urls import path

from . import views

app_name = "risicos"

urlpatterns = [
    path("", views.RisicoLijst.as_view(), name="register"),
    path("nieuw/", views.RisicoNieuw.as_view(), name="risico_nieuw"),
    path("<int:pk>/", views.RisicoDetail.as_view(), name="risico"),
    path("<int:pk>/geschiedenis/", views.RisicoGeschiedenis.as_view(), name="risico_geschiedenis"),
    path("<int:pk>/bewerken/", views.RisicoBewerken.as_view(), name="risico_bewerken"),
    path("<int:pk>/scoren/", views.RisicoScoren.as_view(), name="risico_scoren"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("maatregelen/", views.MaatregelLijst.as_view(), name="maatregelen"),
    path("maatregelen/nieuw/", views.MaatregelNieuw.as_view(), name="maatregel_nieuw"),
    path("maatregelen/<int:pk>/", views.MaatregelDetail.as_view(), name="maatregel"),
    path(
        "maatregelen/<int:pk>/bewerken/",
        views.MaatregelBewerken.as_view(),
        name="maatregel_bewerken",
    ),
    path("maatregelen/<int:pk>/status/", views.MaatregelStatus.as_view(), name="maatregel_status"),
    path("dialogen/", views.DialoogLijst.as_view(), name="dialogen"),
    path("dialogen/nieuw/", views.DialoogNieuw.as_view(), name="dialoog_nieuw"),
    path("dialogen/<int:pk>/", views.DialoogDetail.as_view(), name="dialoog"),
    path("dialogen/<int:pk>/bewerken/", views.DialoogBewerken.as_view(), name="dialoog_bewerken"),
    path("dialogen/<int:pk>/sessie/", views.dialoog_sessie, name="dialoog_sessie"),
    path("dialogen/<int:pk>/gehouden/", views.dialoog_gehouden, name="dialoog_gehouden"),
    path("dialogen/<int:pk>/vaststellen/", views.dialoog_vaststellen, name="dialoog_vaststellen"),
    path("dialogen/<int:pk>/verslag/", views.DialoogVerslag.as_view(), name="dialoog_verslag"),
]

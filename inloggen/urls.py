from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.Inloggen.as_view(), name="login"),
    path("login/nood/", views.Noodtoegang.as_view(), name="login_nood"),
    path("logout/", views.Uitloggen.as_view(), name="logout"),
    path("tweestaps/", views.tweestaps, name="tweestaps"),
    path("tweestaps/instellen/", views.tweestaps_instellen, name="tweestaps_instellen"),
    path("tweestaps/beheren/", views.tweestaps_overzicht, name="tweestaps_overzicht"),
    path("tweestaps/herstelcodes/", views.herstelcodes_vernieuwen, name="herstelcodes_vernieuwen"),
    path("sso/", views.SsoStarten.as_view(), name="sso_starten"),
    path("sso/terug/", views.SsoTerug.as_view(), name="sso_terug"),
]

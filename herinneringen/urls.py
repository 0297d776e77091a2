# No app namespace: the names predate the app and templates, mails and tests use them.
from django.urls import path

from . import views

urlpatterns = [
    path("", views.mijn_herinneringen, name="mijn_herinneringen"),
    path("mail/<int:pk>/", views.mijn_verzending, name="mijn_verzending"),
    path("onverzonden/", views.onverzonden_herinneringen, name="onverzonden_herinneringen"),
    path("onverzonden/<int:pk>/", views.verzending_beslissen, name="verzending_beslissen"),
    path("meldingen/<int:pk>/gelezen/", views.melding_gelezen, name="melding_gelezen"),
]

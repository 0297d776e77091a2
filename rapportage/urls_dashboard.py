"""The dashboard at "/" (URL name `home`). The hub includes this module by its name, so it
imports no app; it is separate from urls.py, whose names live under `rapportage:`."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="home"),
]

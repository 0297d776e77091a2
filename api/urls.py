from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from . import paginas, views

# Swagger UI and Redoc set styles from their scripts; only those two pages allow inline
# styles. Scripts stay 'self' (the split view serves Swagger's set-up as a file).
documentatie = csp_update({"style-src": ["'unsafe-inline'"]})

# Path converters (not regexes): ids are <int:pk>, like every other URL of the site.
router = SimpleRouter(use_regex_path=False)
router.register("initiatieven", views.InitiatiefViewSet, basename="initiatief")
router.register("statusrapportages", views.StatusrapportageViewSet, basename="statusrapportage")
router.register("mijlpalen", views.MijlpaalViewSet, basename="mijlpaal")
router.register("indicatoren", views.IndicatorViewSet, basename="indicator")
router.register("indicatorwaarden", views.IndicatorwaardeViewSet, basename="indicatorwaarde")
router.register("risicos", views.RisicoViewSet, basename="risico")
router.register("maatregelen", views.MaatregelViewSet, basename="maatregel")
router.register("dialogen", views.DialoogViewSet, basename="dialoog")
router.register("bevindingen", views.BevindingViewSet, basename="bevinding")
router.register("vervolgacties", views.VervolgactieViewSet, basename="vervolgactie")
router.register("jaaroordelen", views.JaaroordeelViewSet, basename="jaaroordeel")

# The API authenticates itself (session or key, DRF); LoginRequiredMiddleware would
# redirect a key-only client to the log-in page instead of answering 401.
api_v1 = [
    *router.urls,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        documentatie(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path(
        "redoc/",
        documentatie(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
    # Anything else under /api/v1/ is a problem document too, never the HTML 404 page.
    re_path(r"^.*$", views.niet_gevonden),
]
for patroon in api_v1:
    patroon.callback = login_not_required(patroon.callback)

app_name = "api"
urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("accounts/api-sleutels/", paginas.sleutels, name="sleutels"),
    path("accounts/api-sleutels/<int:pk>/intrekken/", paginas.intrekken, name="intrekken"),
    path("accounts/agenda/", paginas.agenda_koppeling, name="agenda_koppeling"),
    path("agenda/<str:geheim>.ics", paginas.agenda_feed, name="agenda_feed"),
]

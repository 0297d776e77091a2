from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import TemplateView

from . import toegankelijkheid, views, zoeken

admin.site.site_header = "Douane Portfolio – beheer"
admin.site.site_title = "Douane Portfolio"

urlpatterns = [
    # The dashboard is rapportage's (a string: the hub imports no app).
    path("", include("rapportage.urls_dashboard")),
    path("acties/", views.mijn_acties, name="mijn_acties"),
    path("acties/herinneringen/", include("herinneringen.urls")),
    path("zoeken/<slug:bron>/", zoeken.zoeken, name="zoeken"),
    path("programmas/", include("programmas.urls")),
    path("risicos/", include("risicos.urls")),
    path("audits/", include("audits.urls")),
    path("rapportage/", include("rapportage.urls")),
    path("importeren/", include("importeren.urls")),
    path("accounts/", include("inloggen.urls")),
    path(
        "accounts/wachtwoord/",
        views.WachtwoordWijzigen.as_view(),
        name="password_change",
    ),
    path(
        "accounts/wachtwoord/gewijzigd/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("beheer/", admin.site.urls),
    # Public, like every government accessibility statement.
    path(
        "toegankelijkheid/",
        login_not_required(
            TemplateView.as_view(
                template_name="toegankelijkheid.html", extra_context=toegankelijkheid.verklaring()
            )
        ),
        name="toegankelijkheid",
    ),
    # The REST API, its key page and the calendar feed (a string: the hub imports no app).
    path("", include("api.urls")),
]

handler400 = "douane_portfolio.views.ongeldig_verzoek"

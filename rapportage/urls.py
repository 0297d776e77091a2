from django.urls import path, register_converter

from . import views


class SoortConverter:
    regex = "(?i:t1|t2|t3|jaar)"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value.lower()


register_converter(SoortConverter, "soort")

app_name = "rapportage"

urlpatterns = [
    path("", views.RapportIndexView.as_view(), name="index"),
    path("vergelijk/", views.VergelijkView.as_view(), name="vergelijk"),
    path("<int:pk>/vastleggen/", views.VastleggenView.as_view(), name="vastleggen"),
    path("bestand/<int:pk>/", views.BestandView.as_view(), name="bestand"),
    path(
        "bestand/<int:pk>/voortgang/",
        views.BestandVoortgangView.as_view(),
        name="bestand_voortgang",
    ),
    path("<int:jaar>/", views.RapportView.as_view(), name="jaar"),
    path("<int:jaar>.pdf", views.DownloadView.as_view(formaat="pdf"), name="jaar_pdf"),
    path("<int:jaar>.docx", views.DownloadView.as_view(formaat="docx"), name="jaar_docx"),
    path("<int:jaar>/hoofdstukken/", views.HoofdstukkenView.as_view(), name="hoofdstukken"),
    path("<int:jaar>/<soort:soort>/", views.RapportView.as_view(), name="periode"),
    path(
        "<int:jaar>/<soort:soort>/hoofdstukken/",
        views.HoofdstukkenView.as_view(),
        name="periode_hoofdstukken",
    ),
    path(
        "<int:jaar>/<soort:soort>.pdf",
        views.DownloadView.as_view(formaat="pdf"),
        name="periode_pdf",
    ),
    path(
        "<int:jaar>/<soort:soort>.docx",
        views.DownloadView.as_view(formaat="docx"),
        name="periode_docx",
    ),
]

from django.conf import settings
from django.contrib.auth.views import PasswordChangeView
from django.shortcuts import render
from django.utils import timezone

from .acties import open_acties_bladzijde, open_acties_tellen
from .forms import WachtwoordWijzigenForm


def mijn_acties(request):
    vandaag = timezone.localdate()
    pagina = open_acties_bladzijde(request.user, request.GET, settings.LIJST_PAGINA_GROOTTE)
    aantal, aantal_te_laat = open_acties_tellen(request.user, op=vandaag)
    return render(
        request,
        "acties/mijn_acties.html",
        {
            "acties": pagina.object_list,
            "pagina": pagina,
            "vandaag": vandaag,
            "aantal_acties": aantal,
            "aantal_te_laat": aantal_te_laat,
        },
    )


class WachtwoordWijzigen(PasswordChangeView):
    """Django's password change, with wrong old passwords throttled like log-ins."""

    form_class = WachtwoordWijzigenForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def ongeldig_verzoek(request, exception=None):
    """400 in the site's shell (Django's default renders without the request): a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE or with too many fields lands here."""
    return render(request, "400.html", status=400)

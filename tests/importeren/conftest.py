import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook


def csv_bestand(rijen, naam="register.csv", scheiding=",", codering="utf-8"):
    tekst = "\r\n".join(scheiding.join(str(c) for c in rij) for rij in rijen) + "\r\n"
    return SimpleUploadedFile(naam, tekst.encode(codering), content_type="text/csv")


def xlsx_bestand(rijen, naam="register.xlsx"):
    boek = Workbook()
    for rij in rijen:
        boek.active.append(list(rij))
    uit = io.BytesIO()
    boek.save(uit)
    return SimpleUploadedFile(naam, uit.getvalue())


@pytest.fixture
def uploaden(client_voor):
    """Upload a file as `user` and return (response, Importbestand or None)."""
    from importeren.models import Importbestand

    def uploaden(user, soort, bestand, follow=False):
        client = client_voor(user)
        response = client.post("/importeren/", {"soort": soort, "bestand": bestand}, follow=follow)
        return response, Importbestand.objects.filter(door=user).order_by("-pk").first()

    return uploaden


@pytest.fixture
def importeren(client_voor):
    def importeren(importbestand):
        client = client_voor(importbestand.door)
        response = client.post(f"/importeren/{importbestand.pk}/importeren/")
        importbestand.refresh_from_db()
        return response

    return importeren

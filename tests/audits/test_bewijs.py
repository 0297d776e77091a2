"""Uploaded evidence: limits, safe storage, and serving only through the checked view."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits.models import Bewijsstuk

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"


def _upload(client, actie, naam, inhoud, toelichting="Verslag van de controle"):
    return client.post(
        reverse("audits:bewijs_nieuw", args=[actie.pk]),
        {"toelichting": toelichting, "bestand": SimpleUploadedFile(naam, inhoud)},
    )


def _veldfouten(response, veld):
    return response.context["form"].errors.get(veld, [])


def test_a_pdf_is_stored_under_a_generated_name_and_downloaded_as_attachment(
    client_voor, pm2, actie, settings
):
    client = client_voor(pm2)
    response = _upload(client, actie, "Verslag hercontrole (definitief).pdf", PDF)
    assert response.status_code == 302
    stuk = Bewijsstuk.objects.get()
    assert stuk.bestandsnaam == "Verslag hercontrole (definitief).pdf"
    assert stuk.grootte == len(PDF)
    assert stuk.toegevoegd_door == pm2
    # A generated name under MEDIA_ROOT; the user's name never reaches the disk.
    assert stuk.bestand.name.startswith("bewijsstukken/")
    assert stuk.bestand.name.endswith(".pdf")
    assert "Verslag" not in stuk.bestand.name
    assert (settings.MEDIA_ROOT / stuk.bestand.name).read_bytes() == PDF

    download = client.get(reverse("audits:bewijs_download", args=[stuk.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Verslag hercontrole (definitief).pdf" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_too_large_file_is_refused_with_a_clear_message(client_voor, pm2, actie, settings):
    settings.AUDITS_BEWIJS_MAX_BYTES = 1024
    response = _upload(client_voor(pm2), actie, "scan.pdf", PDF + b"0" * 2048)
    assert response.status_code == 200
    fouten = [f.replace("\xa0", " ") for f in _veldfouten(response, "bestand")]
    assert fouten == ["Het bestand is te groot (2,0 KB). Het maximum is 1,0 KB."]
    assert "Het bestand is te groot" in response.content.decode()
    assert not Bewijsstuk.objects.exists()
    assert not (settings.MEDIA_ROOT / "bewijsstukken").exists()


@pytest.mark.parametrize("naam", ["setup.exe", "pagina.html", "script.svg", "archief.zip", "geen"])
def test_a_forbidden_type_is_refused_with_a_clear_message(client_voor, pm2, actie, naam):
    response = _upload(client_voor(pm2), actie, naam, b"MZ\x90\x00 niet toegestaan")
    fout = _veldfouten(response, "bestand")[0]
    assert fout.startswith("Dit bestandstype ")
    assert "is niet toegestaan. Toegestaan zijn: PDF, Word (.docx)" in fout
    assert not Bewijsstuk.objects.exists()


def test_a_file_that_is_not_what_its_extension_says_is_refused(client_voor, pm2, actie):
    response = _upload(client_voor(pm2), actie, "rapport.pdf", b"<html><script>alert(1)</script>")
    assert _veldfouten(response, "bestand") == [
        "De inhoud van het bestand past niet bij de extensie .pdf. Upload het oorspronkelijke "
        "bestand."
    ]


def test_plain_text_and_office_files_are_accepted(client_voor, pm2, actie):
    client = client_voor(pm2)
    assert (
        _upload(client, actie, "notulen.txt", "Overleg met de ADR – akkoord".encode()).status_code
        == 302
    )
    assert _upload(client, actie, "planning.xlsx", b"PK\x03\x04rest-van-zip").status_code == 302
    assert Bewijsstuk.objects.count() == 2


def test_the_name_of_the_upload_cannot_escape_its_folder(client_voor, pm2, actie, settings):
    _upload(client_voor(pm2), actie, "../../../etc/passwd.pdf", PDF)
    stuk = Bewijsstuk.objects.get()
    assert stuk.bestandsnaam == "passwd.pdf"
    pad = (settings.MEDIA_ROOT / stuk.bestand.name).resolve()
    assert pad.is_relative_to(settings.MEDIA_ROOT.resolve())


def test_evidence_as_text_only_needs_no_file(client_voor, pm2, actie):
    response = client_voor(pm2).post(
        reverse("audits:bewijs_nieuw", args=[actie.pk]),
        {"toelichting": "Besproken in het MT van 3 oktober."},
    )
    assert response.status_code == 302
    stuk = Bewijsstuk.objects.get()
    assert not stuk.bestand
    assert stuk.toelichting == "Besproken in het MT van 3 oktober."


def test_evidence_without_explanation_is_refused(client_voor, pm2, actie):
    response = _upload(client_voor(pm2), actie, "a.pdf", PDF, toelichting="")
    assert _veldfouten(response, "toelichting") == ["Beschrijf wat dit bewijs laat zien."]


def test_files_are_not_reachable_by_a_public_url(client_voor, auditor, pm2, actie):
    _upload(client_voor(pm2), actie, "a.pdf", PDF)
    stuk = Bewijsstuk.objects.get()
    client = client_voor(auditor)
    for pad in (f"/{stuk.bestand.name}", f"/media/{stuk.bestand.name}"):
        assert client.get(pad).status_code == 404


def test_a_missing_file_on_disk_gives_404_not_an_error(client_voor, auditor, pm2, actie, settings):
    _upload(client_voor(pm2), actie, "a.pdf", PDF)
    stuk = Bewijsstuk.objects.get()
    (settings.MEDIA_ROOT / stuk.bestand.name).unlink()
    response = client_voor(auditor).get(reverse("audits:bewijs_download", args=[stuk.pk]))
    assert response.status_code == 404

"""Uploaded evidence: limits, safe storage, and serving only through the checked view."""

import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.management import CommandError, call_command
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse

from audits import services
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
    assert fouten == ["Het bestand is te groot. Het maximum is 1,0 KB."]
    assert "Het bestand is te groot" in response.content.decode()
    # What the user typed comes back.
    assert "Verslag van de controle" in response.content.decode()
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


# --- Size limit while reading, and file and row together (issue 10 item 8, 11 item 8) --

MEGA = 1024 * 1024


class MeetTijdelijkBestand(TemporaryFileUploadHandler):
    """Django's own temporary-file handler, counting what reaches the disk."""

    geschreven = 0
    paden = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        MeetTijdelijkBestand.paden.append(self.file.temporary_file_path())

    def receive_data_chunk(self, raw_data, start):
        MeetTijdelijkBestand.geschreven += len(raw_data)
        return super().receive_data_chunk(raw_data, start)


@pytest.fixture
def gemeten_schijf(settings):
    MeetTijdelijkBestand.geschreven = 0
    MeetTijdelijkBestand.paden = []
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.MeetTijdelijkBestand"]
    return MeetTijdelijkBestand


def _bestanden_onder(map_):
    return [p for p in map_.rglob("*") if p.is_file()] if map_.exists() else []


def test_an_oversized_upload_is_dropped_at_the_limit_not_written_to_disk_whole(
    client_voor, pm2, actie, settings, gemeten_schijf
):
    settings.AUDITS_BEWIJS_MAX_BYTES = 100 * 1024
    response = _upload(client_voor(pm2), actie, "scan.pdf", PDF + b"0" * (3 * MEGA))

    assert response.status_code == 200
    assert _veldfouten(response, "bestand") == [
        "Het bestand is te groot. Het maximum is 100,0\xa0KB."
    ]
    assert "Verslag van de controle" in response.content.decode()
    # The temporary file got at most the limit (the chunk that crossed it never
    # reached it), not the 3 MB that were sent, and it is gone again.
    assert 0 < gemeten_schijf.geschreven <= settings.AUDITS_BEWIJS_MAX_BYTES
    assert gemeten_schijf.paden and not any(os.path.exists(p) for p in gemeten_schijf.paden)
    assert not Bewijsstuk.objects.exists()
    assert not _bestanden_onder(settings.MEDIA_ROOT)


def test_a_file_within_the_limit_passes_the_handler_whole(
    client_voor, pm2, actie, settings, gemeten_schijf
):
    settings.AUDITS_BEWIJS_MAX_BYTES = 100 * 1024
    inhoud = PDF + b"0" * (100 * 1024 - len(PDF))
    assert _upload(client_voor(pm2), actie, "scan.pdf", inhoud).status_code == 302
    stuk = Bewijsstuk.objects.get()
    assert (settings.MEDIA_ROOT / stuk.bestand.name).read_bytes() == inhoud


def test_a_body_that_ends_inside_the_file_stores_nothing(client_voor, pm2, actie, settings):
    body = (
        b'--XX\r\nContent-Disposition: form-data; name="toelichting"\r\n\r\nVerslag\r\n'
        b'--XX\r\nContent-Disposition: form-data; name="bestand"; filename="a.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + PDF + b"de rest kwam nooit aan"
    )
    response = client_voor(pm2).generic(
        "POST",
        reverse("audits:bewijs_nieuw", args=[actie.pk]),
        body,
        content_type="multipart/form-data; boundary=XX",
    )
    assert response.status_code == 200
    assert _veldfouten(response, "bestand") == [
        "Het bestand is niet volledig ontvangen. Kies het bestand opnieuw."
    ]
    assert not Bewijsstuk.objects.exists()
    assert not _bestanden_onder(settings.MEDIA_ROOT)


def test_the_upload_view_still_checks_csrf(pm2, actie):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pm2)
    assert _upload(client, actie, "scan.pdf", PDF).status_code == 403
    assert not Bewijsstuk.objects.exists()


@pytest.mark.parametrize("fout", [RuntimeError, SystemExit])
def test_a_failure_between_writing_the_file_and_committing_the_row_leaves_no_file(
    pm2, actie, settings, fout
):
    op_schijf = []

    def onderbreek(sender, instance, **kwargs):
        # The row is inserted and the file written; the commit has not happened yet.
        op_schijf.append((settings.MEDIA_ROOT / instance.bestand.name).exists())
        raise fout("onderbroken")

    post_save.connect(onderbreek, sender=Bewijsstuk, dispatch_uid="test_onderbreek")
    try:
        with pytest.raises(fout):
            services.bewijsstuk_toevoegen(
                actie=actie,
                door=pm2,
                toelichting="Verslag",
                bestand=SimpleUploadedFile("verslag.pdf", PDF),
            )
    finally:
        post_save.disconnect(dispatch_uid="test_onderbreek", sender=Bewijsstuk)

    assert op_schijf == [True]
    assert not Bewijsstuk.objects.exists()
    assert not _bestanden_onder(settings.MEDIA_ROOT)


def _oud_maken(pad, uren=2):
    moment = time.time() - uren * 3600
    os.utime(pad, (moment, moment))


def test_the_cleanup_command_finds_orphans_and_missing_files(pm2, actie, settings):
    def toevoegen(naam):
        return services.bewijsstuk_toevoegen(
            actie=actie, door=pm2, toelichting=naam, bestand=SimpleUploadedFile(naam, PDF)
        )

    goed = toevoegen("goed.pdf")
    kwijt = toevoegen("kwijt.pdf")
    (settings.MEDIA_ROOT / kwijt.bestand.name).unlink()
    _oud_maken(settings.MEDIA_ROOT / goed.bestand.name)
    wees = settings.MEDIA_ROOT / "bewijsstukken" / "2026" / "01" / "0123abcd.pdf"
    wees.parent.mkdir(parents=True)
    wees.write_bytes(PDF)
    _oud_maken(wees)
    # An upload that is still on its way to its commit is left alone.
    bezig = settings.MEDIA_ROOT / "bewijsstukken" / "2026" / "01" / "4567ef.pdf"
    bezig.write_bytes(PDF)

    uit, fout = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 bewijsstuk"):
        call_command("ruim_bewijs_op", stdout=uit, stderr=fout)
    assert "Weesbestand: bewijsstukken/2026/01/0123abcd.pdf" in uit.getvalue()
    assert "4567ef" not in uit.getvalue() and goed.bestand.name not in uit.getvalue()
    assert f"bewijsstuk {kwijt.pk} (kwijt.pdf)" in fout.getvalue()
    assert wees.exists(), "a dry run removes nothing"

    with pytest.raises(CommandError):
        call_command("ruim_bewijs_op", "--verwijder", stdout=io.StringIO(), stderr=fout)
    assert not wees.exists()
    assert bezig.exists() and (settings.MEDIA_ROOT / goed.bestand.name).exists()
    assert Bewijsstuk.objects.count() == 2


def test_the_cleanup_command_is_quiet_when_all_is_well(pm2, actie):
    services.bewijsstuk_toevoegen(
        actie=actie, door=pm2, toelichting="x", bestand=SimpleUploadedFile("a.pdf", PDF)
    )
    uit = io.StringIO()
    call_command("ruim_bewijs_op", "--ouder-dan", "0", stdout=uit)
    assert uit.getvalue() == "Geen weesbestanden.\n"

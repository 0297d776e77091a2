"""The streamed XLSX is read by a real spreadsheet program: LibreOffice, headless, turns
it into CSV, and every row equals the application's own CSV export of the same list.
Skipped where LibreOffice is not installed (`apt-get install libreoffice-calc`)."""

import csv
import io
import shutil
import subprocess

import pytest
from django.urls import reverse

from tests.audits.test_export import acties  # noqa: F401 - the fixture
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice niet geïnstalleerd"),
]


def _rijen(tekst):
    return list(csv.reader(io.StringIO(tekst)))


def test_libreoffice_reads_the_xlsx_as_the_csv_export(client_voor, acties, tmp_path):  # noqa: F811
    client = client_voor(UserFactory(is_superuser=True))
    url = reverse("audits:acties")
    als_csv = client.get(url, {"_export": "csv"}).getvalue().decode("utf-8-sig")
    (tmp_path / "acties.xlsx").write_bytes(client.get(url, {"_export": "xlsx"}).getvalue())
    # Its own profile: parallel test processes must not share LibreOffice's lock.
    subprocess.run(  # noqa: S603 - a fixed program and our own files
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{tmp_path}/profiel",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false",
            "--outdir",
            str(tmp_path / "uit"),
            str(tmp_path / "acties.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    gelezen = (tmp_path / "uit" / "acties.csv").read_text(encoding="utf-8-sig")
    verwacht = _rijen(als_csv)
    assert len(verwacht) == len(acties) + 1
    assert _rijen(gelezen) == verwacht

"""Uploaded evidence: which files are accepted, where they are stored, how they are served.

A file is accepted on its extension *and* its first bytes, so a renamed executable
or HTML page is refused. Files are stored under a generated name (the user's name is
kept only as a label) and served as an attachment by a permission-checked view.
"""

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

# 10 MB holds a long scanned PDF; settings.AUDITS_BEWIJS_MAX_BYTES overrides it.
STANDAARD_MAX_GROOTTE = 10 * 1024 * 1024


def max_grootte():
    return getattr(settings, "AUDITS_BEWIJS_MAX_BYTES", STANDAARD_MAX_GROOTTE)


ZIP = (b"PK\x03\x04",)
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # Outlook .msg
TEKST = None  # no signature: checked to be text instead

# extension -> (content type sent on download, accepted first bytes)
TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP,
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ZIP,
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".msg": ("application/vnd.ms-outlook", OLE),
    ".eml": ("message/rfc822", TEKST),
    ".txt": ("text/plain; charset=utf-8", TEKST),
    ".csv": ("text/csv; charset=utf-8", TEKST),
}

TOEGESTAAN_TEKST = (
    "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument (.odt, .ods), "
    "afbeeldingen (.png, .jpg), e-mail (.eml, .msg) en tekst (.txt, .csv)"
)


def te_groot_melding():
    return f"Het bestand is te groot. Het maximum is {filesizeformat(max_grootte())}."


class BegrensdeUpload(FileUploadHandler):
    """First in the request's upload handlers: passes a file's bytes on to Django's
    memory/temporary-file handlers only up to the limit, then drops the file.

    SkipFile (not StopUpload) lets Django read past the rest of the file without
    storing it and still parse the other fields, so the form comes back with the
    user's text and a message next to the file field instead of a reset connection.
    """

    def __init__(self, request=None, limiet=None):
        super().__init__(request)
        self.limiet = max_grootte() if limiet is None else limiet
        self.ontvangen = 0
        self.geweigerd = []
        self.onderbroken = False

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.ontvangen = 0

    def receive_data_chunk(self, raw_data, start):
        self.ontvangen += len(raw_data)
        if self.ontvangen > self.limiet:
            # Django closes (and so deletes) the partial temporary file on SkipFile.
            self.geweigerd.append(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        # The next handler (memory or temporary file) builds the uploaded file.
        return None

    def upload_interrupted(self):
        # The body ended inside a file: the rest of the form arrived, the file did not.
        self.onderbroken = True


ONVOLLEDIG_MELDING = "Het bestand is niet volledig ontvangen. Kies het bestand opnieuw."


def hulptekst():
    return f"Toegestaan: {TOEGESTAAN_TEKST}; hoogstens {filesizeformat(max_grootte())}."


def extensie(naam):
    return os.path.splitext(naam or "")[1].lower()


def inhoudstype(naam):
    return TYPES.get(extensie(naam), ("application/octet-stream", None))[0]


def _lijkt_op_tekst(begin):
    if b"\x00" in begin:
        return False
    try:
        begin.decode("utf-8")
    except UnicodeDecodeError as fout:
        # A multi-byte character cut off at the end of the sample is still text.
        if fout.start < len(begin) - 3:
            try:
                begin.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def valideer_bestand(bestand):
    """Refuse files that are too large, empty, of a type not listed or not what they say."""
    if not bestand:
        return
    # Already stored files (an unchanged FileField) were checked when they came in.
    if getattr(bestand, "_committed", False):
        return
    naam = os.path.basename(getattr(bestand, "name", "") or "")
    ext = extensie(naam)
    if ext not in TYPES:
        soort = f"({ext}) " if ext else "zonder extensie "
        raise ValidationError(
            f"Dit bestandstype {soort}is niet toegestaan. Toegestaan zijn: {TOEGESTAAN_TEKST}.",
            code="bestandstype",
        )
    grootte = bestand.size
    if grootte is None or grootte == 0:
        raise ValidationError("Het bestand is leeg.", code="leeg")
    if grootte > max_grootte():
        raise ValidationError(
            f"Het bestand is te groot ({filesizeformat(grootte)}). "
            f"Het maximum is {filesizeformat(max_grootte())}.",
            code="te_groot",
        )
    positie = bestand.tell() if hasattr(bestand, "tell") else 0
    bestand.seek(0)
    begin = bestand.read(2048)
    bestand.seek(positie)
    handtekeningen = TYPES[ext][1]
    klopt = (
        _lijkt_op_tekst(begin)
        if handtekeningen is TEKST
        else any(begin.startswith(h) for h in handtekeningen)
    )
    if not klopt:
        raise ValidationError(
            f"De inhoud van het bestand past niet bij de extensie {ext}. "
            "Upload het oorspronkelijke bestand.",
            code="inhoud",
        )


MAP = "bewijsstukken"


def opslagpad(instance, filename):
    """A generated name; the user's file name never reaches the file system."""
    return f"{MAP}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extensie(filename)}"


def veilige_naam(naam):
    """The name shown and offered on download: no folders, no control characters."""
    naam = os.path.basename((naam or "").replace("\\", "/"))
    naam = "".join(teken for teken in naam if teken.isprintable() and teken not in '"<>|')
    return naam.strip()[-200:] or "bewijsstuk"

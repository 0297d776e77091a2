"""Turn spreadsheet cells into model values; a bad value raises ValueError with a Dutch
message. Names of people, themes and choices are matched generously."""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.db.models import Exists, OuterRef

MAANDEN = {
    m: i
    for i, namen in enumerate(
        [
            ("jan", "januari"),
            ("feb", "februari"),
            ("mrt", "maart", "mar"),
            ("apr", "april"),
            ("mei",),
            ("jun", "juni"),
            ("jul", "juli"),
            ("aug", "augustus"),
            ("sep", "sept", "september"),
            ("okt", "oktober", "oct"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in namen
}


def normaal(tekst):
    """Lower case, no accents, punctuation as spaces, single spaces: for matching."""
    tekst = unicodedata.normalize("NFKD", str(tekst)).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", tekst.lower()).split())


def tekst(waarde):
    if waarde is None:
        return ""
    if isinstance(waarde, float) and waarde.is_integer():
        waarde = int(waarde)
    return str(waarde).strip()


def leeg(waarde):
    return tekst(waarde) in ("", "—", "–", "-")


def geheel(waarde, *, van=None, tot=None):
    if leeg(waarde):
        return None
    t = tekst(waarde)
    # "3 – gemiddeld", as the forms label a score.
    m = re.match(r"^\s*(-?\d+)(?:[.,]0+)?(?:\s*[–-]\s*\D.*)?$", t)
    if not m:
        raise ValueError(f"'{t}' is geen geheel getal.")
    getal = int(m.group(1))
    if van is not None and not (van <= getal <= tot):
        raise ValueError(f"{getal} ligt buiten {van}–{tot}.")
    return getal


def decimaal(waarde):
    if leeg(waarde):
        return None
    if isinstance(waarde, (int, float)):
        return Decimal(str(waarde))
    t = tekst(waarde).replace(" ", "").replace("%", "")
    # Dutch: 1.344,5; English: 1,344.5.
    if "," in t and "." in t:
        t = (
            t.replace(".", "").replace(",", ".")
            if t.rfind(",") > t.rfind(".")
            else t.replace(",", "")
        )
    elif "," in t:
        t = t.replace(",", ".")
    try:
        return Decimal(t)
    except InvalidOperation:
        raise ValueError(f"'{tekst(waarde)}' is geen getal.")


def datum(waarde):
    if leeg(waarde):
        return None
    if isinstance(waarde, datetime.datetime):
        return waarde.date()
    if isinstance(waarde, datetime.date):
        return waarde
    t = tekst(waarde)
    for vorm in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(t, vorm).date()
        except ValueError:
            pass
    m = re.match(r"^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$", t.lower())
    if m and m.group(2) in MAANDEN:
        return datetime.date(int(m.group(3)), MAANDEN[m.group(2)], int(m.group(1)))
    raise ValueError(f"'{t}' is geen datum (gebruik bijvoorbeeld 2025-03-31 of 31-03-2025).")


def ja_nee(waarde):
    if leeg(waarde):
        return None
    n = normaal(waarde)
    if n in ("ja", "j", "yes", "true", "waar", "1", "x"):
        return True
    if n in ("nee", "n", "no", "false", "onwaar", "0"):
        return False
    raise ValueError(f"'{tekst(waarde)}' is geen ja of nee.")


def keuze(waarde, choices, extra=None):
    """The value of a TextChoices member from its value, its label or an alias."""
    if leeg(waarde):
        return None
    n = normaal(waarde)
    for value, label in choices:
        if n in (normaal(value), normaal(label)):
            return value
    if extra and n in extra:
        return extra[n]
    toegestaan = ", ".join(label for _, label in choices)
    raise ValueError(f"'{tekst(waarde)}' is geen geldige waarde; kies uit: {toegestaan}.")


class Personen:
    """Owners by username, e-mail or (unique) full name, read in one query."""

    @staticmethod
    def kandidaten(user_model):
        """Every user, marked with whether they may own something: the same rule
        (`mogelijke_eigenaren`) as every owner field of the forms."""
        mogelijk = user_model.objects.mogelijke_eigenaren().filter(pk=OuterRef("pk"))
        return user_model.objects.annotate(mag_eigenaar=Exists(mogelijk))

    def __init__(self, users):
        self.op_sleutel = {}
        namen = {}
        for user in users:
            self.op_sleutel[user.username.lower()] = user
            if user.email:
                self.op_sleutel.setdefault(user.email.lower(), user)
            namen.setdefault(normaal(str(user)), []).append(user)
        self.op_naam = {n: u[0] for n, u in namen.items() if len(u) == 1}

    def zoek(self, waarde):
        if leeg(waarde):
            return None
        t = tekst(waarde)
        user = self.op_sleutel.get(t.lower()) or self.op_naam.get(normaal(t))
        if user is None:
            raise ValueError(
                f"Onbekende eigenaar '{t}': gebruik een gebruikersnaam of e-mailadres."
            )
        if not user.is_active:
            raise ValueError(f"Eigenaar '{t}' is geen actieve gebruiker.")
        if not getattr(user, "mag_eigenaar", True):
            raise ValueError(
                f"Eigenaar '{t}' heeft geen rol die eigenaar kan zijn (een Lezer leest alleen)."
            )
        return user

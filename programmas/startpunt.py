"""The previous period's report, shown next to the status form and offered as a starting
point. Carrying it over only fills the form: nothing is saved until the user submits."""

from dataclasses import dataclass

from .models import Statusrapportage

OVERNEMEN = "overnemen"


@dataclass(frozen=True)
class VorigeRapportage:
    periode: object  # Rapportageperiode
    status: str | None = None
    toelichting: str = ""
    pad_naar_groen: str = ""

    @property
    def gerapporteerd(self):
        return bool(self.status)

    def als_initial(self):
        """Initial values for StatusrapportageForm; empty when there was no report."""
        if not self.gerapporteerd:
            return {}
        return {
            "status": self.status,
            "toelichting": self.toelichting,
            "pad_naar_groen": self.pad_naar_groen,
        }


def vorige_rapportage(initiatief, periode):
    """The report of `initiatief` in the period before `periode`; None without one."""
    vorige = periode.vorige()
    if vorige is None:
        return None
    rapportage = Statusrapportage.objects.filter(initiatief=initiatief, periode=vorige).first()
    if rapportage is None:
        return VorigeRapportage(vorige)
    return VorigeRapportage(
        vorige, rapportage.status, rapportage.toelichting, rapportage.pad_naar_groen
    )


def uit_annotaties(initiatief, vorige, prefix="vorige"):
    """The same, read from `InitiatiefQuerySet.met_rapportage(vorige, prefix)`."""
    if vorige is None:
        return None
    return VorigeRapportage(
        vorige,
        getattr(initiatief, f"{prefix}_status"),
        getattr(initiatief, f"{prefix}_toelichting") or "",
        getattr(initiatief, f"{prefix}_pad") or "",
    )


def wil_overnemen(request, waarde="1"):
    return request.method == "GET" and request.GET.get(OVERNEMEN) == str(waarde)

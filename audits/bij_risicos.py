"""What audits adds to the risk register and the risk page (`risicos.bijdragen`): the
open findings per risk, scoped by what audits lets the user read."""

import django_tables2 as tables

from douane_portfolio.adressen import adres
from douane_portfolio.tabelrijen import html_invullen
from risicos import bijdragen


def _mag_lezen(user):
    return user.has_perm("audits.view_bevinding")


class OpenBevindingenKolom(tables.Column):
    def __init__(self):
        # Sorted by the counter the database keeps, through its index (risico_bev_open).
        super().__init__(
            "Open bevindingen",
            order_by=("bevindingen_open", "pk"),
            attrs={"td": {"class": "getal"}, "th": {"class": "getal"}},
        )

    def render(self, record, value):
        if not value:
            return "—"
        url = adres("audits:bevindingen") + f"?risico={record.pk}&status=nog_open"
        return html_invullen('<a href="{}">{}</a>', url, value)

    def value(self, value):
        return value


def _bevindingen(risico, user):
    """The findings on `risico` the user may read; None (no panel) without the right."""
    if not _mag_lezen(user):
        return {"bevindingen": None}
    return {"bevindingen": list(risico.bevindingen.zichtbaar_voor(user).select_related("rapport"))}


def registreren():
    bijdragen.kolom_registreren(
        bijdragen.Kolom(
            naam="open_bevindingen",
            maak=OpenBevindingenKolom,
            annoteer=lambda qs, user: qs.met_open_bevindingen(user),
            mag_zien=_mag_lezen,
            na="maatregelen",
        )
    )
    bijdragen.paneel_registreren(
        bijdragen.Paneel(template="audits/_bevindingen_bij_risico.html", gegevens=_bevindingen)
    )

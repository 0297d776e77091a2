import django_tables2 as tables
from django.db.models import F
from django.utils import timezone
from django.utils.encoding import force_str

from douane_portfolio.exporteren import in_stukken
from douane_portfolio.kolommen import DatumKolom
from douane_portfolio.opmaak import datum_kort
from douane_portfolio.tabelrijen import html_invullen
from douane_portfolio.templatetags.portfolio import status_stip

from .models import (
    INSTANTIE_KORT,
    OMSCHRIJVING_VOLGORDE,
    Auditrapport,
    Bevinding,
    Vervolgactie,
    rapportjaar_volgorde,
    verwacht_volgorde,
)

GETAL = {"td": {"class": "getal"}, "th": {"class": "getal"}}


def _labels(model, veld):
    """get_<veld>_display() as a dict, read once: Django rebuilds the field's choices
    for every call, which on a page of fifty rows and three such columns adds up."""
    return {k: force_str(v, strings_only=True) for k, v in model._meta.get_field(veld).flatchoices}


INSTANTIE = _labels(Auditrapport, "instantie")
BEVINDING_STATUS = _labels(Bevinding, "status")
ACTIE_STATUS = _labels(Vervolgactie, "status")


def _verwacht_tekst(bevinding):
    if bevinding.verwacht_opgelost_op:
        return datum_kort(bevinding.verwacht_opgelost_op)
    return str(bevinding.verwacht_opgelost_jaar or "")


class TellingColumn(tables.Column):
    """A count: right-aligned, a zero shown as a dash on screen and 0 in the export."""

    def __init__(self, *args, nadruk=False, **kwargs):
        kwargs.setdefault("attrs", GETAL)
        kwargs.setdefault("default", 0)
        super().__init__(*args, **kwargs)
        self.nadruk = nadruk

    def render(self, value):
        if not value:
            return "–"
        if self.nadruk:
            return html_invullen('<strong class="te-laat">{}</strong>', value)
        return value

    def value(self, value):
        return value or 0


# Sorts end on the id, so that descending flips every key and one index (keys…, id) serves
# both directions (audits.models.Bevinding.Meta.indexes). The owner's by name, then the
# owner's id, as risicos.tables.EIGENAAR_VOLGORDE: the planner walks the owners in name
# order and each owner's findings by index. The instantie's by report within the body
# (few bodies): the reports in (instantie, id) order, each into its findings.
EIGENAAR_VOLGORDE = ("eigenaar__first_name", "eigenaar__last_name", "eigenaar_id", "pk")
INSTANTIE_VOLGORDE = ("rapport__instantie", "rapport_id", "pk")


class BevindingTabel(tables.Table):
    instantie = tables.Column(
        "Instantie", accessor="rapport__instantie", order_by=INSTANTIE_VOLGORDE
    )
    titel = tables.Column("Bevinding", order_by=("titel", "pk"))
    # Shown under the finding on screen; its own column in the export.
    rapport = tables.Column("Rapport", accessor="rapport__titel", visible=False)
    soort = tables.Column("Soort", order_by=("soort", "pk"))
    domein = tables.Column("Domein", order_by=("domein", "pk"))
    status = tables.Column("Status", order_by=("status_volgorde", "titel", "pk"))
    # Sorted in order_verwacht.
    verwacht = tables.Column("Verwacht opgelost", accessor="verwacht_opgelost_jaar")
    eigenaar = tables.Column("Eigenaar", order_by=EIGENAAR_VOLGORDE)
    # On the counters the database keeps, through their indexes (migration 0017).
    open_acties = TellingColumn("Open acties", order_by=("acties_open", "pk"))
    te_late_acties = TellingColumn("Te laat", nadruk=True, order_by=("acties_te_laat", "pk"))
    verschuivingen = TellingColumn("Uitstel", order_by=("acties_uitstel", "pk"))

    class Meta:
        model = Bevinding
        fields = ()
        empty_text = "Geen bevindingen voor deze selectie."
        row_attrs = {"id": lambda record: f"bevinding-{record.pk}"}

    def __init__(self, *args, vandaag=None, **kwargs):
        self.vandaag = vandaag or timezone.localdate()
        self.instanties = {}  # instantie -> its <abbr>, built once per table
        self.rapportlinks = {}  # rapport id -> its link
        super().__init__(*args, **kwargs)

    def render_instantie(self, record):
        instantie = record.rapport.instantie
        html = self.instanties.get(instantie)
        if html is None:
            html = self.instanties[instantie] = html_invullen(
                '<abbr title="{}">{}</abbr>',
                INSTANTIE.get(instantie, instantie),
                INSTANTIE_KORT.get(instantie, instantie),
            )
        return html

    def value_instantie(self, record):
        return INSTANTIE.get(record.rapport.instantie, record.rapport.instantie)

    def render_titel(self, record):
        # A report has about ten findings: its link is built once per table.
        rapport = self.rapportlinks.get(record.rapport_id)
        if rapport is None:
            rapport = self.rapportlinks[record.rapport_id] = html_invullen(
                '<a class="meta" href="{}">{}</a>',
                record.rapport.get_absolute_url(),
                record.rapport.titel,
            )
        return html_invullen(
            '<a href="{}">{}</a><br>{}', record.get_absolute_url(), record.titel, rapport
        )

    def value_titel(self, record):
        return record.titel

    def render_status(self, record):
        return status_stip(record.status, ACTIE_STATUS.get(record.status, record.status))

    def value_status(self, record):
        return ACTIE_STATUS.get(record.status, record.status)

    def render_verwacht(self, record):
        tekst = _verwacht_tekst(record)
        if record.verwachting_is_verstreken(self.vandaag):
            return html_invullen('{} <span class="label label-rood">verstreken</span>', tekst)
        return tekst

    def value_verwacht(self, record):
        return _verwacht_tekst(record)

    def order_verwacht(self, queryset, is_descending):
        # Year, then date, unknown last ascending (and first descending) as NULLS LAST
        # put them, but as values: the seek past them is one range of bevinding_verwacht.
        sleutels = [*verwacht_volgorde(), F("pk")]
        return queryset.order_by(*(s.desc() if is_descending else s.asc() for s in sleutels)), True


class VervolgactieTabel(tables.Table):
    # Every sort ends on the id (issue 13): descending flips every key, so one index in
    # the list's order (audits/0014) serves both directions, first and deep pages alike.
    omschrijving = tables.Column("Actie", linkify=True)
    # Keys from other tables go by the small table's index into the actions per finding
    # (a nested loop in order, as the owner sort does), with its id before the action's:
    # findings by title, then id; bodies by report title (the report's unique index).
    bevinding = tables.Column(
        "Bevinding",
        accessor="bevinding__titel",
        linkify=lambda record: record.bevinding.get_absolute_url(),
        order_by=("bevinding__titel", "bevinding_id", "pk"),
    )
    instantie = tables.Column(
        "Instantie",
        accessor="bevinding__rapport__instantie",
        order_by=("bevinding__rapport__instantie", "bevinding__rapport__titel", "pk"),
    )
    # By name, as every other list: by the owner's id it was fast but in no order a
    # reader recognises. Owners walked by name, each owner's actions by index.
    eigenaar = tables.Column("Eigenaar", order_by=EIGENAAR_VOLGORDE)
    deadline = DatumKolom("Deadline", order_by=("deadline", "pk"))
    oorspronkelijke_deadline = DatumKolom(
        "Oorspronkelijke deadline", order_by=("oorspronkelijke_deadline", "pk")
    )
    aantal_verschuivingen = TellingColumn("Uitstel", order_by=("aantal_verschuivingen", "pk"))
    status = tables.Column("Status", order_by=("status", "pk"))

    class Meta:
        model = Vervolgactie
        fields = ()
        empty_text = "Geen vervolgacties voor deze selectie."
        row_attrs = {
            "class": lambda record, table: (
                "rij-te-laat" if record.dagen_te_laat(table.vandaag) else ""
            ),
        }

    def __init__(self, *args, vandaag=None, **kwargs):
        # One "today" for the whole page, as the findings and measures tables do.
        self.vandaag = vandaag or timezone.localdate()
        super().__init__(*args, **kwargs)

    def order_omschrijving(self, queryset, is_descending):
        # By the description's start (OMSCHRIJVING_VOLGORDE), the index's key.
        if is_descending:
            return queryset.order_by(OMSCHRIJVING_VOLGORDE.desc(), "-pk"), True
        return queryset.order_by(OMSCHRIJVING_VOLGORDE.asc(), "pk"), True

    def render_deadline(self, record, value):
        tekst = datum_kort(value)
        dagen = record.dagen_te_laat(self.vandaag)
        if dagen:
            return html_invullen(
                '{} <span class="label label-rood">{} dag{} te laat</span>',
                tekst,
                dagen,
                "" if dagen == 1 else "en",
            )
        return tekst

    def value_deadline(self, value):
        return value.isoformat()

    def render_oorspronkelijke_deadline(self, record, value):
        if value == record.deadline:
            return "–"
        return datum_kort(value)

    def value_oorspronkelijke_deadline(self, value):
        return value.isoformat()

    def render_instantie(self, record):
        return INSTANTIE_KORT.get(record.bevinding.rapport.instantie, "")

    def value_instantie(self, record):
        instantie = record.bevinding.rapport.instantie
        return INSTANTIE.get(instantie, instantie)

    def render_status(self, record):
        return status_stip(record.status, ACTIE_STATUS.get(record.status, record.status))

    def value_status(self, record):
        return ACTIE_STATUS.get(record.status, record.status)

    def exportrijen(self, acties, kolommen):
        """The export's rows (`exporteren.tabelrijen`): what the `value_` methods and
        the columns give, read with values_list instead of an action, its finding, report
        and owner as model instances per row (350 000 actions at scale 1.0)."""
        rijen = acties.prefetch_related(None).values_list(
            "omschrijving",
            "bevinding__titel",
            "bevinding__rapport__instantie",
            "eigenaar__first_name",
            "eigenaar__last_name",
            "eigenaar__username",
            "deadline",
            "oorspronkelijke_deadline",
            "aantal_verschuivingen",
            "status",
        )
        for stuk in in_stukken(rijen):
            for omschrijving, bevinding, instantie, voornaam, achternaam, *rest in stuk:
                gebruiker, deadline, oorspronkelijk, verschuivingen, status = rest
                waarden = {
                    "omschrijving": omschrijving,
                    "bevinding": bevinding,
                    "instantie": INSTANTIE.get(instantie, instantie),
                    # User.__str__: the full name, else the username.
                    "eigenaar": f"{voornaam} {achternaam}".strip() or gebruiker,
                    "deadline": deadline.isoformat(),
                    "oorspronkelijke_deadline": oorspronkelijk.isoformat(),
                    "aantal_verschuivingen": verschuivingen or 0,
                    "status": ACTIE_STATUS.get(status, status),
                }
                yield [waarden[k] for k in kolommen]


class AuditrapportTabel(tables.Table):
    # Ending on the id: one index per sort serves both directions (Auditrapport.Meta).
    instantie = tables.Column("Instantie", order_by=("instantie", "pk"))
    titel = tables.Column("Titel", linkify=True, order_by=("titel", "pk"))
    jaar = tables.Column("Jaar", default="niet vermeld")
    # On the counters the database keeps, through their indexes (migration 0018).
    aantal_bevindingen = TellingColumn("Bevindingen", order_by=("bevindingen_aantal", "pk"))
    nog_open = TellingColumn("Nog niet opgelost", order_by=("bevindingen_open", "pk"))

    class Meta:
        model = Auditrapport
        fields = ()
        empty_text = "Nog geen auditrapporten."

    def render_jaar(self, value):
        # A year, not a number: no thousands separator.
        return str(value)

    def order_jaar(self, queryset, is_descending):
        # Unknown last ascending and first descending, as NULLS LAST put it, as a value
        # (rapport_jaar_id).
        pk = "-pk" if is_descending else "pk"
        return queryset.order_by(rapportjaar_volgorde(is_descending), pk), True

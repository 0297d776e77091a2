import django_tables2 as tables

from douane_portfolio.adressen import adres
from douane_portfolio.kolommen import GetalKolom, StatusKolom, TelKolom
from douane_portfolio.tabelrijen import html_invullen

from .models import IndicatorStatus, Indicatorwaarde, Initiatief, Status, Trend

TREND_PIJL = {Trend.BETER: "↑", Trend.GELIJK: "→", Trend.SLECHTER: "↓"}


class TrendKolom(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        super().__init__(*args, **kwargs)

    # From the value alone (the record's `trend`), so the fast row renderer builds each
    # of the four cells once per table: the label is a lazy translation, ~10 µs a cell.
    def render(self, value):
        waarde = value
        if waarde is None:
            return html_invullen('<span class="trend trend-geen">{}</span>', "—")
        return html_invullen(
            '<span class="trend trend-{}"><span aria-hidden="true">{}</span> {}</span>',
            waarde,
            TREND_PIJL[waarde],
            Trend(waarde).label,
        )

    def value(self, record):
        return Trend(record.trend).label if record.trend else ""


class BewerkKolom(tables.Column):
    """ "Bijwerken" for whoever may change the value. In Python, not a TemplateColumn:
    that renders a template with the whole page's context for every row."""

    def __init__(self, *args, **kwargs):
        kwargs.update(verbose_name="", orderable=False, exclude_from_export=True, empty_values=())
        super().__init__(*args, **kwargs)

    def render(self, record, table):
        request = getattr(table, "request", None)
        if request is None or not request.user.has_perm(
            "programmas.change_indicatorwaarde", record
        ):
            return ""
        return html_invullen(
            '<a class="knop knop-klein" href="{}">Bijwerken<span class="sr-only"> {} {}</span></a>',
            adres("programmas:indicatorwaarde_bewerken", record.pk),
            record.indicator,
            record.periode,
        )


class InitiatiefTabel(tables.Table):
    thema = tables.Column("Thema", order_by=("thema__volgorde", "volgorde"))
    naam = tables.Column("Initiatief", linkify=True)
    huidige_status = StatusKolom(
        "Status", labels=dict(Status.choices), order_by=("huidige_status", "naam")
    )
    trend = TrendKolom("Trend t.o.v. vorige periode")
    eigenaar = tables.Column("Eigenaar", order_by=("eigenaar__first_name", "eigenaar__last_name"))
    # On the counters the database keeps, through their indexes (migration 0009).
    open_mijlpalen = TelKolom("Open mijlpalen", order_by=("mijlpalen_open", "pk"))
    te_late_mijlpalen = TelKolom(
        "Te late mijlpalen", alarm=True, order_by=("mijlpalen_te_laat", "pk")
    )

    class Meta:
        model = Initiatief
        fields = ()
        sequence = (
            "thema",
            "naam",
            "huidige_status",
            "trend",
            "eigenaar",
            "open_mijlpalen",
            "te_late_mijlpalen",
        )
        order_by = "thema"
        empty_text = "Geen initiatieven voor deze selectie."


class IndicatorwaardeTabel(tables.Table):
    # Sorted by the copies of the sort keys on the value row (Indicatorwaarde), which
    # its indexes serve without a join.
    indicator = tables.Column("Indicator", order_by=("indicator_groep", "indicator_volgorde"))
    groep = tables.Column("Groep", accessor="indicator__groep", order_by=("indicator_groep",))
    initiatief = tables.Column(
        "Initiatief", accessor="indicator__initiatief", linkify=True, default="—"
    )
    periode = tables.Column("Periode", order_by=("periode_einddatum", "periode_begindatum"))
    eenheid = tables.Column("Eenheid", accessor="indicator__eenheid", default="")
    doelstelling = GetalKolom("Doelstelling", default="—")
    realisatie = GetalKolom("Realisatie", default="—")
    percentage = GetalKolom(
        "% van doel",
        accessor="realisatie_percentage",
        decimalen=1,
        orderable=False,
        default="—",
    )
    bandbreedte = GetalKolom("Band (%)", default="—")
    # Ends on the id, so that descending flips both keys and one index (berekende_status,
    # id) serves both directions without sorting a status group (issue 13).
    berekende_status = StatusKolom(
        "Status", labels=dict(IndicatorStatus.choices), order_by=("berekende_status", "pk")
    )
    bewerken = BewerkKolom()

    class Meta:
        model = Indicatorwaarde
        fields = ()
        sequence = (
            "indicator",
            "groep",
            "initiatief",
            "periode",
            "eenheid",
            "doelstelling",
            "realisatie",
            "percentage",
            "bandbreedte",
            "berekende_status",
            "bewerken",
        )
        empty_text = "Geen indicatoren voor deze selectie."

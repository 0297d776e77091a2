from collections import defaultdict

import django_tables2 as tables
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import SafeString

from douane_portfolio.exporteren import in_stukken
from douane_portfolio.kolommen import DatumKolom
from douane_portfolio.opmaak import datum_kort
from douane_portfolio.tabelrijen import html_invullen

from .models import (
    GEEN_DIALOOG,
    GEEN_HERBEOORDELING,
    GEEN_RISICOBEREIDHEID,
    NIET_GESCOORD,
    Beheersmaatregel,
    Categorie,
    Risico,
    Risicodialoog,
    leeg_als,
    omschrijving_begin,
)
from .templatetags.risicos import score_html


def _datum(waarde):
    return datum_kort(waarde) if waarde else ""


# A score runs from 1 to 25; a risk not yet scored sorts as a value beyond them, so it
# goes last whichever way round, and the keyset seek past a scored row is one index range
# (the indexes of migrations 0003/0006/0010 are on exactly these expressions).
ONGESCOORD_AFLOPEND = 0
ONGESCOORD_OPLOPEND = 26


def _sorteer_met_id(queryset, expressie, is_descending):
    """By `expressie`, then the id, both flipped when descending: one index (`expressie`,
    id) serves both directions."""
    if is_descending:
        return queryset.order_by(expressie.desc(), "-pk"), True
    return queryset.order_by(expressie.asc(), "pk"), True


def score_volgorde(veld, aflopend):
    if aflopend:
        return Coalesce(F(veld), Value(ONGESCOORD_AFLOPEND)).desc()
    return Coalesce(F(veld), Value(ONGESCOORD_OPLOPEND)).asc()


def _sorteer_op_score(queryset, veld, is_descending):
    return queryset.order_by(score_volgorde(veld, is_descending), "titel"), True


class KeuzeKolom(tables.Column):
    """A check box per row that belongs to the form `form_id` elsewhere on the page
    (HTML `form` attribute), so the table needs no form around it."""

    def __init__(self, form_id, **kwargs):
        self.form_id = form_id
        kwargs.setdefault("verbose_name", "Kies")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("exclude_from_export", True)
        kwargs.setdefault("empty_values", ())
        super().__init__(**kwargs)

    def render(self, record):
        return html_invullen(
            '<input type="checkbox" name="risico" value="{}" form="{}" aria-label="Kies {}">',
            record.pk,
            self.form_id,
            record.titel,
        )


# Sorts end on the id (and the owner's id after the owner's name), so that descending
# flips every key and one index serves both directions, and the keyset seek and the
# join walk the owners in one order (issue 13).
EIGENAAR_VOLGORDE = ("eigenaar__first_name", "eigenaar__last_name", "eigenaar_id", "pk")


class RisicoTabel(tables.Table):
    kies = KeuzeKolom("dialoog-selectie", accessor="pk")
    titel = tables.Column("Risico", linkify=True, order_by=("titel", "pk"))
    categorie = tables.Column("Categorie", order_by=("categorie", "pk"))
    toprisico = tables.BooleanColumn("Toprisico", yesno="Ja,—", order_by=("toprisico", "pk"))
    eigenaar = tables.Column("Eigenaar", order_by=EIGENAAR_VOLGORDE)
    bruto = tables.Column("Bruto", accessor="score_bruto", empty_values=())
    netto = tables.Column("Netto", accessor="score_netto", empty_values=())
    risicobereidheid = tables.Column(
        "Risicobereidheid", empty_values=(), attrs={"td": {"class": "getal"}}
    )
    maatregelen = tables.Column(
        "Maatregelen",
        accessor="maatregelen_gereed",
        order_by=("maatregelen_gereed", "maatregelen_totaal", "pk"),
        attrs={"td": {"class": "getal"}},
    )
    herbeoordeling = tables.Column("Herbeoordeling", empty_values=())
    status = tables.Column("Status", order_by=("status", "pk"))
    # Export only: the separate numbers, for analysis in a spreadsheet.
    bruto_kans = tables.Column("Bruto kans", visible=False)
    bruto_impact = tables.Column("Bruto impact", visible=False)
    netto_kans = tables.Column("Netto kans", visible=False)
    netto_impact = tables.Column("Netto impact", visible=False)
    boven = tables.Column("Boven risicobereidheid", visible=False, empty_values=(), accessor="pk")

    class Meta:
        model = Risico
        fields = ()
        order_by = ("-netto",)
        empty_text = "Geen risico's voor deze selectie."
        row_attrs = {"class": lambda record: "rij-boven" if record.boven_risicobereidheid else ""}

    def __init__(self, *args, vandaag=None, kan_kiezen=False, bijdragen=(), **kwargs):
        """`bijdragen`: columns other apps add (`bijdragen.Kolom`), each in its place."""
        self.vandaag = vandaag or timezone.localdate()
        if not kan_kiezen:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "kies")
        if bijdragen:
            volgorde = list(self.base_columns)
            for kolom in bijdragen:
                plek = volgorde.index(kolom.na) + 1 if kolom.na in volgorde else len(volgorde)
                volgorde.insert(plek, kolom.naam)
            kwargs["extra_columns"] = [(k.naam, k.maak()) for k in bijdragen]
            kwargs["sequence"] = volgorde
        super().__init__(*args, **kwargs)

    def render_bruto(self, record):
        return score_html(record.bruto_kans, record.bruto_impact)

    def render_netto(self, record):
        return score_html(record.netto_kans, record.netto_impact)

    def value_bruto(self, record):
        return record.bruto_score if record.bruto_score is not None else NIET_GESCOORD

    def value_netto(self, record):
        return record.netto_score if record.netto_score is not None else NIET_GESCOORD

    def order_bruto(self, queryset, is_descending):
        return _sorteer_op_score(queryset, "score_bruto", is_descending)

    def order_netto(self, queryset, is_descending):
        return _sorteer_op_score(queryset, "score_netto", is_descending)

    def order_risicobereidheid(self, queryset, is_descending):
        return _sorteer_met_id(
            queryset, leeg_als("risicobereidheid", GEEN_RISICOBEREIDHEID), is_descending
        )

    def order_herbeoordeling(self, queryset, is_descending):
        return _sorteer_met_id(
            queryset, leeg_als("herbeoordeling", GEEN_HERBEOORDELING), is_descending
        )

    def render_risicobereidheid(self, record):
        if record.risicobereidheid is None:
            return html_invullen('<span class="leeg">{}</span>', "niet vastgesteld")
        if record.boven_risicobereidheid:
            return html_invullen(
                '{} <span class="label label-rood">overschreden</span>', record.risicobereidheid
            )
        return record.risicobereidheid

    def value_risicobereidheid(self, record):
        return record.risicobereidheid if record.risicobereidheid is not None else ""

    def render_maatregelen(self, record):
        return f"{record.maatregelen_gereed}/{record.maatregelen_totaal} gereed"

    def value_maatregelen(self, record):
        return f"{record.maatregelen_gereed}/{record.maatregelen_totaal}"

    def render_categorie(self, record):
        # Short in the table; the full name of the group is on the risk's page.
        return "Extern" if record.categorie == Categorie.EXTERN else "Intern"

    value_categorie = render_categorie

    def render_herbeoordeling(self, record):
        if record.herbeoordeling is None:
            return "—"
        if record.herbeoordeling_te_laat(self.vandaag):
            return html_invullen(
                '{} <span class="label label-rood">te laat</span>', _datum(record.herbeoordeling)
            )
        return _datum(record.herbeoordeling)

    def value_herbeoordeling(self, record):
        return record.herbeoordeling.isoformat() if record.herbeoordeling else ""

    # The separate numbers as numbers, not as their label "3 – gemiddeld".
    def value_bruto_kans(self, record):
        return record.bruto_kans

    def value_bruto_impact(self, record):
        return record.bruto_impact

    def value_netto_kans(self, record):
        return record.netto_kans

    def value_netto_impact(self, record):
        return record.netto_impact

    def value_toprisico(self, record):
        return "ja" if record.toprisico else "nee"

    def value_boven(self, record):
        return "ja" if record.boven_risicobereidheid else "nee"


class MaatregelTabel(tables.Table):
    omschrijving = tables.Column("Maatregel", linkify=True)
    risicos = tables.Column("Risico's", empty_values=(), orderable=False)
    eigenaar = tables.Column("Eigenaar", order_by=EIGENAAR_VOLGORDE)
    deadline = tables.Column("Deadline", order_by=("deadline", "pk"))
    status = tables.Column("Status", order_by=("status", "pk"))
    dialoog = tables.Column("Afgesproken in", linkify=True)

    class Meta:
        model = Beheersmaatregel
        fields = ()
        order_by = ("deadline",)
        empty_text = "Geen maatregelen voor deze selectie."

    def __init__(self, *args, vandaag=None, **kwargs):
        self.vandaag = vandaag or timezone.localdate()
        super().__init__(*args, **kwargs)

    def render_omschrijving(self, record):
        return str(record)

    def order_omschrijving(self, queryset, is_descending):
        return _sorteer_met_id(queryset, omschrijving_begin(), is_descending)

    def order_dialoog(self, queryset, is_descending):
        # By the dialogue's id, as the list sorted before (the keyset took the column).
        return _sorteer_met_id(queryset, leeg_als("dialoog", GEEN_DIALOOG), is_descending)

    def value_omschrijving(self, record):
        return record.omschrijving

    def render_risicos(self, record):
        risicos = list(record.risicos.all())
        if not risicos:
            return html_invullen('<span class="label label-grijs">{}</span>', "overkoepelend")
        items = "".join(
            html_invullen('<li><a href="{}">{}</a></li>', r.get_absolute_url(), r.titel)
            for r in risicos
        )
        # Each item was escaped by html_invullen.
        return SafeString(f'<ul class="kaal">{items}</ul>')  # nosec B703

    def value_risicos(self, record):
        return "; ".join(r.titel for r in record.risicos.all()) or "overkoepelend"

    def render_deadline(self, record):
        if record.dagen_te_laat(self.vandaag):
            return html_invullen(
                '{} <span class="label label-rood">te laat</span>', _datum(record.deadline)
            )
        return _datum(record.deadline)

    def value_deadline(self, record):
        return record.deadline.isoformat()

    def exportrijen(self, maatregelen, kolommen):
        """The export's rows (`exporteren.tabelrijen`): what the `value_` methods and
        the columns give, read with values_list and, per chunk, one query for the
        risks' titles, instead of model instances and a prefetch per chunk."""
        statussen = {k: str(v) for k, v in Beheersmaatregel._meta.get_field("status").flatchoices}
        Koppeling = Beheersmaatregel.risicos.through
        rijen = maatregelen.prefetch_related(None).values_list(
            "pk",
            "omschrijving",
            "eigenaar_id",
            "eigenaar__first_name",
            "eigenaar__last_name",
            "eigenaar__username",
            "deadline",
            "status",
            "dialoog__titel",
        )
        for stuk in in_stukken(rijen):
            # In the order of the prefetch: Risico's own ordering (the unique title).
            titels = defaultdict(list)
            for pk, titel in (
                Koppeling.objects.filter(beheersmaatregel__in=[r[0] for r in stuk])
                .order_by("risico__titel")
                .values_list("beheersmaatregel_id", "risico__titel")
            ):
                titels[pk].append(titel)
            for pk, omschrijving, eigenaar, voornaam, achternaam, gebruiker, *rest in stuk:
                deadline, status, dialoog = rest
                waarden = {
                    "omschrijving": omschrijving,
                    "risicos": "; ".join(titels.get(pk, ())) or "overkoepelend",
                    # User.__str__: the full name, else the username.
                    "eigenaar": eigenaar and (f"{voornaam} {achternaam}".strip() or gebruiker),
                    "deadline": deadline.isoformat(),
                    "status": statussen.get(status, status),
                    "dialoog": dialoog,
                }
                yield [waarden[k] for k in kolommen]


class DialoogTabel(tables.Table):
    titel = tables.Column("Risicodialoog", linkify=True)
    datum = DatumKolom("Datum")
    niveau = tables.Column("Niveau")
    voorzitter = tables.Column(
        "Voorzitter", order_by=("voorzitter__first_name", "voorzitter__last_name")
    )
    aantal_risicos = tables.Column("Risico's", attrs={"td": {"class": "getal"}})
    status = tables.Column("Status")

    class Meta:
        model = Risicodialoog
        fields = ()
        order_by = ("-datum",)
        empty_text = "Nog geen risicodialogen."

    def value_datum(self, record):
        return record.datum.isoformat()

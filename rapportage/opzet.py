"""The report as one typed outline, built once and walked by the HTML, PDF and Word renderers.

Like a Sphinx doctree or a pandoc AST: `bouw_rapport(gegevens)` turns the report's data
(`gegevens.rapport_gegevens`) into numbered sections of paragraphs, tables, bullet lists
and heat maps. Every sentence of the report is written here and nowhere else; the
renderers only decide how a block looks. A closed period's snapshot stores the outline
(`naar_dict`) with `SCHEMA_VERSIE`, so its report renders the same years later.
"""

import re
from dataclasses import dataclass, fields

from douane_portfolio.opmaak import datum, getal
from programmas.models import NIET_GERAPPORTEERD, STATUS_BETEKENIS, PeriodeStatus, Status
from risicos import heatmap
from risicos.models import NIET_GESCOORD

# Bump when a block changes shape; `van_dict` refuses other versions, and
# `services.opzet_van` converts older snapshots. Version 2 only added block types
# (Fragment, OpgemaakteAlinea, Lijst), so a version-1 outline still reads as it is.
SCHEMA_VERSIE = 2
LEESBARE_VERSIES = (1, 2)

AFZENDER = "Douane · Ministerie van Financiën"
INHOUDSOPGAVE = "Inhoudsopgave"
HOEK = "Kans \\ impact"
# The report explains only what does not go to plan (as the printed annual report does).
TOELICHTING_BIJ = (Status.ORANJE, Status.ROOD)

# Vertical tab and form feed are line breaks a user pasted (Word's Shift+Enter); the other
# C0 controls, DEL and non-characters have no meaning in a report and make XML (Word) fail.
_REGELEINDE = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_LEGE_REGELS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+\n")  # one blank line is enough
_ONGELDIG = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def tekst(waarde):
    """Text as every renderer can take it: newlines as "\\n", no control characters."""
    if waarde is None:
        return ""
    schoon = _ONGELDIG.sub("", _REGELEINDE.sub("\n", str(waarde)))
    return _LEGE_REGELS.sub("\n\n", schoon).strip()


def _een_regel(waarde):
    """Table cells and headings are one line: a pasted line break must not make a table row
    taller than a PDF page (ReportLab cannot split a row)."""
    if isinstance(waarde, str):
        return " ".join(waarde.split())
    if isinstance(waarde, tuple):
        return tuple(_een_regel(w) for w in waarde)
    return waarde


def _schoon(waarde):
    if isinstance(waarde, str):
        return tekst(waarde)
    if isinstance(waarde, list | tuple):
        return tuple(_schoon(w) for w in waarde)
    return waarde


class _Knoop:
    """Base of every block: cleans its text once, converts lists to tuples, (de)serialises."""

    EEN_REGEL = ()  # fields whose text is kept on one line

    def __post_init__(self):
        for veld in fields(self):
            waarde = _schoon(getattr(self, veld.name))
            if veld.name in self.EEN_REGEL:
                waarde = _een_regel(waarde)
            object.__setattr__(self, veld.name, waarde)

    def naar_dict(self):
        return {
            "_type": type(self).__name__,
            **{veld.name: _naar(getattr(self, veld.name)) for veld in fields(self)},
        }


def _naar(waarde):
    if isinstance(waarde, _Knoop):
        return waarde.naar_dict()
    if isinstance(waarde, tuple):
        return [_naar(w) for w in waarde]
    return waarde


def _van(waarde):
    if isinstance(waarde, dict):
        soort = TYPES[waarde["_type"]]
        return soort(**{k: _van(v) for k, v in waarde.items() if k != "_type"})
    if isinstance(waarde, list):
        return tuple(_van(w) for w in waarde)
    return waarde


@dataclass(frozen=True)
class Statusstip(_Knoop):
    """A status as a dot and its word (never the colour alone); no status: open dot."""

    status: str = ""
    label: str = NIET_GERAPPORTEERD

    EEN_REGEL = ("label",)

    @property
    def gevuld(self):
        return self.status in Status.values


@dataclass(frozen=True)
class Tekst(_Knoop):
    """A table cell with a second, smaller line (the report a finding comes from)."""

    tekst: str
    bijschrift: str = ""

    EEN_REGEL = ("tekst", "bijschrift")


@dataclass(frozen=True)
class Alinea(_Knoop):
    tekst: str
    label: str = ""  # a bold lead-in, "Pad naar groen:"
    soort: str = ""  # "" | "leeg" (an empty state) | "klein"


@dataclass(frozen=True)
class Opsomming(_Knoop):
    items: tuple = ()


@dataclass(frozen=True)
class Fragment(_Knoop):
    """A run of text inside a written paragraph, bold and/or italic."""

    tekst: str
    vet: bool = False
    cursief: bool = False

    def __post_init__(self):
        # Not `tekst()`: the spaces around a run separate it from its neighbours.
        object.__setattr__(self, "tekst", _ONGELDIG.sub("", " ".join(str(self.tekst).split("\n"))))


@dataclass(frozen=True)
class OpgemaakteAlinea(_Knoop):
    """A paragraph the portfolio office wrote (chapters 1 and 2): a tuple of Fragments."""

    delen: tuple


@dataclass(frozen=True)
class Lijst(_Knoop):
    """A written bullet or numbered list; each item a tuple of Fragments."""

    items: tuple
    genummerd: bool = False


@dataclass(frozen=True)
class Tabel(_Knoop):
    """Cells are str, Tekst or Statusstip; `voet` is a totals row."""

    kolommen: tuple
    rijen: tuple = ()
    getallen: tuple = ()  # indexes of right-aligned (number) columns
    voet: tuple = ()
    breedtes: tuple = ()  # relative column widths, for the PDF

    EEN_REGEL = ("kolommen", "rijen", "voet")


@dataclass(frozen=True)
class Heatmapcel(_Knoop):
    kans: int
    impact: int
    score: int
    niveau: str
    aantal: int


@dataclass(frozen=True)
class Heatmaprij(_Knoop):
    label: str
    cellen: tuple


@dataclass(frozen=True)
class Kaart(_Knoop):
    soort: str  # "bruto" | "netto"
    titel: str
    impacts: tuple  # column labels
    rijen: tuple  # highest kans first
    voet: str
    hoek: str = HOEK  # the top-left cell, naming the axes

    EEN_REGEL = ("titel", "impacts", "hoek")


@dataclass(frozen=True)
class Heatmap(_Knoop):
    """Bruto and netto maps, side by side where the page allows."""

    kaarten: tuple


@dataclass(frozen=True)
class Sectie(_Knoop):
    nummer: str  # "2.3", or "" for an unnumbered heading
    titel: str
    blokken: tuple = ()
    subsecties: tuple = ()
    anker: str = ""  # HTML id; the sections of the table of contents have one

    EEN_REGEL = ("nummer", "titel")  # also a bookmark and a contents entry

    @property
    def kop(self):
        return f"{self.nummer} {self.titel}".strip()


@dataclass(frozen=True)
class Rapport(_Knoop):
    titel: str
    afzender: str
    stand: str  # which moment the report shows
    secties: tuple
    schema_versie: int = SCHEMA_VERSIE

    @classmethod
    def van_dict(cls, data):
        if data.get("schema_versie") not in LEESBARE_VERSIES:
            raise ValueError(f"Onbekende schemaversie {data.get('schema_versie')!r}.")
        return _van(data)


TYPES = {
    soort.__name__: soort
    for soort in (
        Statusstip,
        Tekst,
        Alinea,
        Fragment,
        OpgemaakteAlinea,
        Lijst,
        Opsomming,
        Tabel,
        Heatmapcel,
        Heatmaprij,
        Kaart,
        Heatmap,
        Sectie,
        Rapport,
    )
}


def secties_met_diepte(secties, diepte=1):
    """(depth, section) in reading order: what every renderer walks."""
    for sectie in secties:
        yield diepte, sectie
        yield from secties_met_diepte(sectie.subsecties, diepte + 1)


# The builder: the only place where the report's wording lives.


def rapport_titel(periode):
    if periode["is_jaar"]:
        return f"Jaarrapportage Douane {periode['jaar']}"
    return f"Voortgangsrapportage Douane {periode['naam']}"


def stand(periode, *, gemaakt_op, vastgelegd_op=None):
    """Which moment the report shows (its first line under the title)."""
    peildatum = datum(periode["einddatum"])
    if vastgelegd_op is not None:
        return (
            f"Stand op de peildatum {peildatum}: momentopname vastgelegd op {datum(vastgelegd_op)}."
        )
    if periode["status"] == PeriodeStatus.GESLOTEN:
        return (
            "Let op: van deze gesloten periode is geen momentopname vastgelegd; "
            "het rapport toont de actuele gegevens."
        )
    return (
        f"Actuele stand van de periode {periode['naam']} (peildatum {peildatum}), "
        f"gegenereerd op {datum(gemaakt_op)}."
    )


def legenda(vorige_periode):
    kleuren = " ".join(
        f"{status.label}: {betekenis[0].lower()}{betekenis[1:]}"
        for status, betekenis in STATUS_BETEKENIS.items()
    )
    zin = (
        f"De activiteitentabel geeft de status weer van de activiteiten uit het jaarplan. {kleuren}"
    )
    if vorige_periode:
        zin += f" De trend vergelijkt met {vorige_periode}."
    return zin


def _leeg(zin):
    return Alinea(zin, soort="leeg")


def _risicos(aantal):
    return f"{aantal} risico" + ("" if aantal == 1 else "'s")


def _streep(waarde):
    return waarde or "—"


# Chapters 1 and 2 are written by the portfolio office in a small markup, parsed here once
# into outline blocks (never passed on as HTML): a blank line between paragraphs, "## " a
# numbered section, "### " an unnumbered heading, "- " or "* " a bullet, "1. " a numbered
# item, **bold**, *italic* or _italic_, and a backslash before * or _ to print it as is.
_KOP = re.compile(r"^(#{2,3})\s+(.+)$")
_OPSOMMING = re.compile(r"^[-*•]\s+(.+)$")
_GENUMMERD = re.compile(r"^\d+[.)]\s+(.+)$")
_NADRUK = re.compile(
    r"\\([*_\\])"  # an escaped marker
    r"|\*\*(?=\S)(.+?)(?<=\S)\*\*"  # **bold**
    r"|(?<![\w*\\])\*(?=[^\s*])(.+?)(?<=[^\s\\])\*(?!\w)"  # *italic*
    r"|(?<![\w\\])_(?=\S)(.+?)(?<=\S)_(?!\w)"  # _italic_
)


def nadruk(regel):
    """A line of the markup as Fragments (bold, italic, plain)."""
    delen, begin, los = [], 0, ""
    for treffer in _NADRUK.finditer(regel):
        los += regel[begin : treffer.start()]
        begin = treffer.end()
        if treffer.group(1):
            los += treffer.group(1)
            continue
        if los:
            delen.append(Fragment(los))
            los = ""
        if treffer.group(2):
            delen.append(Fragment(treffer.group(2), vet=True))
        else:
            delen.append(Fragment(treffer.group(3) or treffer.group(4), cursief=True))
    los += regel[begin:]
    if los:
        delen.append(Fragment(los))
    return delen


def opgemaakte_tekst(bron, *, nummer, anker):
    """(blocks, sections) of a written chapter; "## " sections are numbered `nummer.m`."""
    blokken, secties = [], []
    doel = blokken  # where the next block goes: the chapter, a section or a heading under it
    alinea, lijst = [], None

    def afsluiten():
        nonlocal alinea, lijst
        if alinea:
            doel.append(OpgemaakteAlinea(nadruk(" ".join(alinea))))
        if lijst is not None:
            doel.append(Lijst(lijst[1], genummerd=lijst[0]))
        alinea, lijst = [], None

    for regel in tekst(bron).split("\n"):
        regel = regel.strip()
        kop = _KOP.match(regel)
        item = _OPSOMMING.match(regel) or _GENUMMERD.match(regel)
        if not regel or kop:
            afsluiten()
        if kop:
            titel = kop.group(2).strip("# ")
            if len(kop.group(1)) == 2 or not secties:
                secties.append({"titel": titel, "blokken": [], "onder": []})
                if len(kop.group(1)) == 3:  # a "###" before any "##": its own section
                    secties[-1]["nummer"] = ""
                doel = secties[-1]["blokken"]
            else:
                secties[-1]["onder"].append({"titel": titel, "blokken": []})
                doel = secties[-1]["onder"][-1]["blokken"]
        elif item:
            genummerd = item.re is _GENUMMERD
            if alinea or (lijst is not None and lijst[0] != genummerd):
                afsluiten()
            if lijst is None:
                lijst = (genummerd, [])
            lijst[1].append(nadruk(item.group(1)))
        elif regel:
            if lijst is not None:
                afsluiten()
            alinea.append(regel)
    afsluiten()
    return blokken, [
        Sectie(
            sectie.get("nummer", f"{nummer}.{m}"),
            sectie["titel"],
            sectie["blokken"],
            [Sectie("", onder["titel"], onder["blokken"]) for onder in sectie["onder"]],
            anker=f"{anker}-{m}",
        )
        for m, sectie in enumerate(secties, start=1)
    ]


def _inleiding(n, gegevens):
    blokken, secties = opgemaakte_tekst(
        gegevens["teksten"]["inleiding"], nummer=n, anker="inleiding"
    )
    return Sectie(str(n), "Inleiding", blokken, secties, anker="inleiding")


def _verhaal(n, gegevens):
    teksten = gegevens["teksten"]
    titel = teksten.get("verhaal_titel") or f"De Douane in {gegevens['periode']['jaar']}"
    blokken, secties = opgemaakte_tekst(teksten["verhaal"], nummer=n, anker="verhaal")
    return Sectie(str(n), titel, blokken, secties, anker="verhaal")


def bouw_rapport(gegevens, *, vastgelegd_op=None):
    """The outline of the report from its data (live, or frozen in a snapshot)."""
    periode = gegevens["periode"]
    # The source's order: the written introduction and narrative, then the generated chapters.
    teksten = gegevens.get("teksten") or {}
    hoofdstukken = [
        hoofdstuk
        for hoofdstuk, veld in ((_inleiding, "inleiding"), (_verhaal, "verhaal"))
        if tekst(teksten.get(veld))
    ]
    hoofdstukken += [_prestaties, _activiteiten]
    if gegevens.get("risicos"):
        hoofdstukken.append(_risicomanagement)
    if gegevens.get("audits"):
        hoofdstukken.append(_tekortkomingen)
    return Rapport(
        titel=rapport_titel(periode),
        afzender=AFZENDER,
        stand=stand(periode, gemaakt_op=gegevens["gemaakt_op"], vastgelegd_op=vastgelegd_op),
        secties=[hoofdstuk(n, gegevens) for n, hoofdstuk in enumerate(hoofdstukken, start=1)],
    )


def _prestaties(n, gegevens):
    groepen = gegevens["indicatoren"]["groepen"]
    return Sectie(
        str(n),
        "Prestaties",
        anker="prestaties",
        blokken=[] if groepen else [_leeg("Geen indicatoren voor deze periode.")],
        subsecties=[
            Sectie("", groep["naam"], [_indicatortabel(groep)], anker=f"prestaties-{m}")
            for m, groep in enumerate(groepen, start=1)
        ],
    )


def _indicatornaam(rij):
    eenheid = rij.get("eenheid")
    return f"{rij['naam']} ({eenheid})" if eenheid and eenheid != "aantal" else rij["naam"]


def _indicatortabel(groep):
    if groep["heeft_doel"]:
        return Tabel(
            kolommen=["Indicator", "Doelstelling", "Realisatie", "Bandbreedte", "Status"],
            rijen=[
                [
                    _indicatornaam(i),
                    _streep(getal(i["doelstelling"])),
                    _streep(getal(i["realisatie"])),
                    f"{getal(i['bandbreedte'])}%" if i["bandbreedte"] else "—",
                    Statusstip(i["status"], i["status_label"]),
                ]
                for i in groep["rijen"]
            ],
            getallen=[1, 2, 3],
            breedtes=[0.42, 0.14, 0.14, 0.12, 0.18],
        )
    return Tabel(
        kolommen=["Indicator", "Realisatie"],
        rijen=[[_indicatornaam(i), _streep(getal(i["realisatie"]))] for i in groep["rijen"]],
        getallen=[1],
        voet=["Totaal", getal(groep["totaal"])] if groep["totaal"] else [],
        breedtes=[0.7, 0.3],
    )


def _activiteiten(n, gegevens):
    activiteiten = gegevens["activiteiten"]
    trend = bool(activiteiten.get("vorige_periode"))
    themas = []
    for m, thema in enumerate(activiteiten["themas"], start=1):
        rijen = []
        for i in thema["initiatieven"]:
            rij = [i["naam"], Statusstip(i["status"] or "", i["status_label"])]
            rijen.append(rij + [_streep(i.get("trend_label"))] if trend else rij)
        toelichtingen = [
            Sectie(
                "",
                f"{i['naam']} ({i['status_label'].lower()})",
                [Alinea(i["toelichting"])]
                + (
                    [Alinea(i["pad_naar_groen"], label="Pad naar groen:")]
                    if i["pad_naar_groen"]
                    else []
                ),
            )
            for i in thema["initiatieven"]
            if i["status"] in TOELICHTING_BIJ
        ]
        tabel = Tabel(
            kolommen=[thema["naam"], "Status"] + (["Trend"] if trend else []),
            rijen=rijen,
            breedtes=[0.56, 0.26, 0.18] if trend else [0.72, 0.28],
        )
        themas.append(Sectie(f"{n}.{m}", thema["naam"], [tabel], toelichtingen, anker=f"thema-{m}"))
    return Sectie(
        str(n),
        "Activiteiten uit het jaarplan",
        [Alinea(legenda(activiteiten.get("vorige_periode")))],
        themas,
        anker="activiteiten",
    )


def _score(score):
    return str(score) if score else NIET_GESCOORD


def _maatregel(m):
    return f"{m['omschrijving']} ({m['status'].lower()})"


def _risicomanagement(n, gegevens):
    risicos = gegevens["risicos"]
    jaar = gegevens["periode"]["jaar"]
    alle = [r for groep in risicos["groepen"] for r in groep["risicos"]]
    subsecties = [
        (
            "Toprisico's",
            [
                Alinea(
                    f"Eind {jaar} waren onderstaande risico's formeel de toprisico's "
                    "voor de Douane:"
                ),
                Opsomming([r["titel"] for r in alle]),
            ]
            if alle
            else [_leeg("Er zijn geen actieve toprisico's.")],
            [],
        ),
        (
            "Overkoepelende maatregelen",
            [
                Alinea(
                    "Maatregelen die zijn gericht op het voeren van regie om de gestelde doelen "
                    "blijvend te realiseren:"
                ),
                Opsomming([_maatregel(m) for m in risicos["overkoepelend"]]),
            ]
            if risicos["overkoepelend"]
            else [_leeg("Geen overkoepelende maatregelen.")],
            [],
        ),
    ]
    for groep in risicos["groepen"]:
        oorsprong = (
            "externe ontwikkelingen" if groep["categorie"] == "extern" else "interne organisatie"
        )
        subsecties.append(
            (
                f"Risico's voortkomend uit {oorsprong}",
                [] if groep["risicos"] else [_leeg("Geen toprisico's in deze groep.")],
                [Sectie("", r["titel"], _risicoblokken(r)) for r in groep["risicos"]],
            )
        )
    subsecties.append(("Heat map", [_heatmap(risicos)], []))
    subsecties.append(("Risicodialogen", _dialogen(risicos["dialogen"]), []))
    return Sectie(
        str(n),
        "Risicomanagement",
        anker="risicomanagement",
        subsecties=[
            Sectie(f"{n}.{m}", titel, blokken, onder, anker=f"risicomanagement-{m}")
            for m, (titel, blokken, onder) in enumerate(subsecties, start=1)
        ],
    )


def _risicoblokken(risico):
    netto = _score(risico["netto"])
    if risico["boven_bereidheid"]:
        netto += f" (boven risicobereidheid {risico['risicobereidheid']})"
    blokken = [Alinea(f"Bruto: {_score(risico['bruto'])} · Netto: {netto}", soort="klein")]
    if risico["maatregelen"]:
        blokken.append(Opsomming([_maatregel(m) for m in risico["maatregelen"]]))
    else:
        blokken.append(_leeg("Geen maatregelen vastgelegd."))
    return blokken


def _heatmap(risicos):
    kaarten = []
    for soort in ("bruto", "netto"):
        aantallen = {
            tuple(int(x) for x in sleutel.split(",")): aantal
            for sleutel, aantal in risicos["heatmap"][soort].items()
        }
        niet_gescoord = risicos["niet_gescoord"][soort]
        grid = heatmap.kaart(aantallen, soort, niet_gescoord)
        voet = f"{_risicos(grid['gescoord'])} in de kaart."
        if niet_gescoord:
            voet += f" {_risicos(niet_gescoord)} {NIET_GESCOORD} (niet in de kaart)."
        kaarten.append(
            Kaart(
                soort=soort,
                titel=grid["titel"],
                impacts=[label for _, label in grid["impacts"]],
                rijen=[
                    Heatmaprij(
                        rij["label"],
                        [
                            Heatmapcel(c["kans"], c["impact"], c["score"], c["niveau"], c["aantal"])
                            for c in rij["cellen"]
                        ],
                    )
                    for rij in grid["rijen"]
                ],
                voet=voet,
            )
        )
    return Heatmap(kaarten)


def _dialogen(dialogen):
    if not dialogen:
        return [_leeg("In deze periode zijn geen risicodialogen gehouden.")]
    tabel = Tabel(
        kolommen=["Datum", "Dialoog", "Niveau", "Status", "Risico's besproken"],
        rijen=[
            [datum(d["datum"]), d["titel"], d["niveau"], d["status"], str(d["aantal_risicos"])]
            for d in dialogen
        ],
        getallen=[4],
        breedtes=[0.18, 0.37, 0.15, 0.15, 0.15],
    )
    besluiten = [
        Alinea(d["besluiten"], label=f"Besluiten {d['titel']}:") for d in dialogen if d["besluiten"]
    ]
    return [tabel, *besluiten]


def _tekortkomingen(n, gegevens):
    audits = gegevens["audits"]
    instanties = [
        Sectie(
            f"{n}.{m}",
            groep["naam"],
            [
                Tabel(
                    kolommen=[
                        "Bevinding",
                        "Soort",
                        "Status",
                        "Verwacht opgelost",
                        f"Oordeel {audits['jaar']}",
                    ],
                    rijen=[
                        [
                            Tekst(b["titel"], b["rapport"]),
                            b["soort"],
                            b["status_label"],
                            datum(b["verwacht_opgelost"])
                            if b["verwacht_opgelost"]
                            else "niet vermeld",
                            b["oordeel"] or "niet vastgelegd",
                        ]
                        for b in groep["bevindingen"]
                    ],
                    breedtes=[0.36, 0.16, 0.15, 0.16, 0.17],
                )
            ],
            anker=f"tekortkomingen-{m}",
        )
        for m, groep in enumerate(audits["instanties"], start=1)
    ]
    return Sectie(
        str(n),
        "Aanpak tekortkomingen Auditdienst Rijk en Algemene Rekenkamer",
        [] if instanties else [_leeg("Geen bevindingen.")],
        instanties,
        anker="tekortkomingen",
    )

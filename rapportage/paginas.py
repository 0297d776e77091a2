"""The report on screen: its chapters as pages of bounded size, rendered once per state
of the data and cached, so that the table of contents and every page load without
gathering the data or reading the whole outline again.

A chapter that fits on one page stays one page (the 2023 demo report: every chapter).
A longer one is cut at its sections (a theme, an audit body), and a section too long for
one page at its table rows and list items, as a printed report continues a table on the
next page: the heading comes back with "(vervolg)" and the table with its column heads.
The size of a page is counted in lines (`gewicht`): a table row, a list item, a heading,
a paragraph per started 400 characters.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from programmas.models import PeriodeStatus, Rapportageperiode

from . import bestanden, html
from .models import BestandStatus, Rapportbestand
from .opzet import Heatmap, Lijst, Opsomming, Sectie, Tabel

VERVOLG = " (vervolg)"
BUNDEL = 20  # pages per cache entry: at most ~1 MB of HTML
BEWAARTIJD = 24 * 3600  # the key holds the date anyway: a live report is rebuilt daily
GEZIEN = "rapport-voorbouw-gezien"  # the state of the data beat saw last, and since when


def _tekstgewicht(tekst):
    return 1 + len(tekst) // 400


def _gewicht(blok):
    if isinstance(blok, Heatmap):
        return 12  # two 5 × 5 maps
    tekst = getattr(blok, "tekst", None)
    if tekst is not None:
        return _tekstgewicht(tekst)
    delen = getattr(blok, "delen", None)
    if delen is not None:
        return _tekstgewicht("".join(d.tekst for d in delen))
    return 1


@dataclass
class _Stuk:
    """One unit of a page: the heading of `pad[-1]`, a block, or row `van` of a table
    or list (`blok`); `pad` runs from the chapter down."""

    pad: tuple
    kop: bool = False
    blok: object = None
    van: int = -1
    gewicht: int = 1


def _stukken(sectie, pad=()):
    pad = (*pad, sectie)
    yield _Stuk(pad, kop=True)
    for blok in sectie.blokken:
        rijen = blok.rijen if isinstance(blok, Tabel) else None
        if isinstance(blok, Opsomming | Lijst):
            rijen = blok.items
        if rijen:
            for i in range(len(rijen)):
                # The column heads weigh with the first row.
                yield _Stuk(pad, blok=blok, van=i, gewicht=2 if i == 0 else 1)
        else:
            yield _Stuk(pad, blok=blok, gewicht=_gewicht(blok))
    for sub in sectie.subsecties:
        yield from _stukken(sub, pad)


def _pagineren(stukken, omvang):
    """Cut a chapter's units into pages of about `omvang` lines, preferring a cut before
    a section to a cut inside it."""
    totaal = {}
    for stuk in stukken:
        for sectie in stuk.pad:
            totaal[id(sectie)] = totaal.get(id(sectie), 0) + stuk.gewicht
    paginas, huidig, gewicht = [], [], 0
    for stuk in stukken:
        if huidig:
            # A chapter's section (a theme) that does not fit in what is left starts a
            # page, so its link in the contents lands on its heading; a smaller part
            # (one explanation) only where it would then fit whole.
            if stuk.kop and (len(stuk.pad) == 2 or omvang >= totaal[id(stuk.pad[-1])]):
                nieuw = gewicht + totaal[id(stuk.pad[-1])] > omvang
            else:
                nieuw = gewicht + stuk.gewicht > omvang
            if nieuw:
                mee = []  # a heading never ends a page: it goes with what follows
                while huidig and huidig[-1].kop:
                    mee.insert(0, huidig.pop())
                if huidig:
                    paginas.append(huidig)
                huidig = mee
                gewicht = sum(s.gewicht for s in mee)
        huidig.append(stuk)
        gewicht += stuk.gewicht
    if huidig:
        paginas.append(huidig)
    return paginas


class _Open:
    """A section being rebuilt for one page."""

    def __init__(self, sectie, vervolg):
        self.sectie, self.vervolg = sectie, vervolg
        self.blokken, self.subsecties = [], []

    def blok(self, stuk):
        if stuk.van < 0:
            self.blokken.append(stuk.blok)
        elif (
            self.blokken and isinstance(self.blokken[-1], list) and self.blokken[-1][0] is stuk.blok
        ):
            self.blokken[-1][2] = stuk.van + 1
        else:
            self.blokken.append([stuk.blok, stuk.van, stuk.van + 1])

    def sluiten(self, diepte):
        s = self.sectie
        return Sectie(
            s.nummer,
            s.titel + VERVOLG if self.vervolg else s.titel,
            [_deel(b) if isinstance(b, list) else b for b in self.blokken],
            self.subsecties,
            # A continued section keeps no anchor: the contents lead to where it starts.
            anker=s.anker if diepte == 1 or not self.vervolg else "",
        )


def _deel(snede):
    blok, van, tot = snede
    if van == 0 and tot == len(blok.rijen if isinstance(blok, Tabel) else blok.items):
        return blok
    if isinstance(blok, Tabel):
        return Tabel(
            kolommen=blok.kolommen,
            rijen=blok.rijen[van:tot],
            getallen=blok.getallen,
            voet=blok.voet if tot == len(blok.rijen) else (),
            breedtes=blok.breedtes,
        )
    if isinstance(blok, Lijst):
        return Lijst(blok.items[van:tot], genummerd=blok.genummerd)
    return Opsomming(blok.items[van:tot])


def _opbouwen(stukken):
    """The chapter as it stands on one page."""
    stapel = []

    def sluiten():
        sectie = stapel.pop().sluiten(len(stapel) + 1)
        if stapel:
            stapel[-1].subsecties.append(sectie)
        return sectie

    for stuk in stukken:
        gedeeld = 0
        while gedeeld < min(len(stapel), len(stuk.pad)) and (
            stapel[gedeeld].sectie is stuk.pad[gedeeld]
        ):
            gedeeld += 1
        while len(stapel) > gedeeld:
            sluiten()
        for sectie in stuk.pad[gedeeld:]:
            stapel.append(_Open(sectie, vervolg=not (stuk.kop and sectie is stuk.pad[-1])))
        if not stuk.kop:
            stapel[-1].blok(stuk)
    hoofdstuk = None
    while stapel:
        hoofdstuk = sluiten()
    return hoofdstuk


def indelen(rapport, omvang):
    """Per chapter its pages: (the chapter as it stands on the page, the sections whose
    heading is on it)."""
    uitkomst = []
    for hoofdstuk in rapport.secties:
        paginas = _pagineren(list(_stukken(hoofdstuk)), omvang)
        uitkomst.append(
            [(_opbouwen(p), [s.pad[-1] for s in p if s.kop and len(s.pad) == 2]) for p in paginas]
        )
    return uitkomst


def gewicht(rapport):
    return sum(s.gewicht for h in rapport.secties for s in _stukken(h))


# The cache: one small entry for the contents, one per page, and the whole report on
# one page only where it is small enough to read that way.


def _inhoud(rapport, indeling, alles):
    """What every page shows besides its own chapter: title, state, the contents."""
    hoofdstukken = []
    for n, (hoofdstuk, paginas) in enumerate(zip(rapport.secties, indeling, strict=True), 1):
        secties = [
            {"kop": s.kop, "anker": s.anker, "pagina": p}
            for p, (_, begonnen) in enumerate(paginas, start=1)
            for s in begonnen
        ]
        hoofdstukken.append(
            {
                "nummer": n,
                "kop": hoofdstuk.kop,
                "anker": hoofdstuk.anker,
                "paginas": len(paginas),
                "secties": secties,
            }
        )
    return {
        "titel": rapport.titel,
        "afzender": rapport.afzender,
        "stand": rapport.stand,
        "hoofdstukken": hoofdstukken,
        "alles": alles,
    }


def _sleutel(stand, deel):
    return f"rapport-scherm-{stand}-{deel}"


def _laatste_sleutel(periode):
    """Which state of `periode` was made last, and from data read when: shown, labelled
    as such, while a newer state is being made."""
    return f"rapport-scherm-laatste-{periode.pk}"


def _maken(periode, stand, rapportbestand=None, bewaakt=False):
    """Every cache entry of the report in this state of the data; with a record (a
    worker's build), its progress (`bewaakt`: see bestanden.stap)."""
    gelezen_op = timezone.now()
    rapport = bestanden.opzet(periode)[0]
    if rapportbestand is not None:
        bestanden.stap(rapportbestand, 1, bewaakt=bewaakt)
    indeling = indelen(rapport, settings.RAPPORT_PAGINA_OMVANG)
    alles = gewicht(rapport) <= settings.RAPPORT_ALLES_TOT
    inhoud = _inhoud(rapport, indeling, alles)
    waarden = {_sleutel(stand, "inhoud"): inhoud}
    for n, paginas in enumerate(indeling, start=1):
        for p, (pagina, _) in enumerate(paginas, start=1):
            bundel = waarden.setdefault(_sleutel(stand, _bundel(n, p)), {})
            bundel[p] = str(html.pagina(pagina))
    if alles:
        waarden[_sleutel(stand, "alles")] = str(html.inhoud(rapport))
    if rapportbestand is not None:
        bestanden.stap(rapportbestand, 2, bewaakt=bewaakt)
    cache.set_many(waarden, timeout=BEWAARTIJD)
    # After the pages, so that the pointer never leads to pages not yet there; never
    # back to an older state when two builds finish out of order.
    vorige = cache.get(_laatste_sleutel(periode))
    if vorige is None or vorige["op"] <= gelezen_op:
        cache.set(_laatste_sleutel(periode), {"stand": stand, "op": gelezen_op}, timeout=BEWAARTIJD)
    return waarden


def maken(rapportbestand, *, bewaakt=False):
    """A worker's build of the pages of the state its record names (tasks.py)."""
    try:
        _maken(rapportbestand.periode, rapportbestand.sleutel, rapportbestand, bewaakt)
    except bestanden.Ingehaald:
        raise
    except Exception as fout:
        bestanden.mislukt(rapportbestand, fout)
        raise
    return bestanden.gemaakt(rapportbestand)


@dataclass
class Gelezen:
    """What a request for one page finds. `inhoud` None: nothing to show yet, only the
    build in `bijwerken`. With `versie_van` the pages are those of an earlier state of
    the data (read at that moment) while `bijwerken` makes the current one."""

    inhoud: dict | None
    stuk: str | None = None
    bijwerken: object = None
    versie_van: object = None


def lezen(periode, deel, *, opnieuw=False):
    """The contents and the HTML of `deel`, (chapter, page) or "alles" (None when the
    report is too large for one page). A large report that is not yet made for the
    current state is made by a worker (settings.RAPPORT_VOORBOUW), never in the request;
    `opnieuw` retries a build that failed."""
    stand = bestanden.sleutel(periode)
    naam = "alles" if deel == "alles" else _bundel(*deel)
    sleutels = [_sleutel(stand, "inhoud"), _sleutel(stand, naam)]
    gevonden = cache.get_many([*sleutels, _laatste_sleutel(periode)])
    if _compleet(gevonden, sleutels, deel):
        return _uit(gevonden, sleutels, deel)
    if not settings.RAPPORT_VOORBOUW or bestanden.is_klein(periode):
        # The first request in this state, or evicted: small enough to make now.
        return _uit(_maken(periode, stand), sleutels, deel)
    rapportbestand = bestanden.aanvragen(
        periode, bestanden.SCHERM, stand, opnieuw_als=(BestandStatus.MISLUKT,) if opnieuw else ()
    )
    if rapportbestand.status == BestandStatus.KLAAR:
        opnieuw_gelezen = cache.get_many(sleutels)
        if _compleet(opnieuw_gelezen, sleutels, deel):  # made since this request began
            return _uit(opnieuw_gelezen, sleutels, deel)
        # Made, but its pages were evicted since: one request queues it again.
        bestanden.opnieuw_aanvragen(rapportbestand, (BestandStatus.KLAAR,))
    laatste = gevonden.get(_laatste_sleutel(periode))
    if laatste is not None and laatste["stand"] != stand:
        eerdere = [_sleutel(laatste["stand"], "inhoud"), _sleutel(laatste["stand"], naam)]
        eerder = cache.get_many(eerdere)
        inhoud = eerder.get(eerdere[0])
        if inhoud is not None and _bestaat(inhoud, deel) and _compleet(eerder, eerdere, deel):
            return _uit(eerder, eerdere, deel, bijwerken=rapportbestand, versie_van=laatste["op"])
    return Gelezen(None, bijwerken=rapportbestand)


def _compleet(gevonden, sleutels, deel):
    """Everything `deel` needs is in `gevonden` (a page that does not exist needs only
    the contents, to say so)."""
    inhoud = gevonden.get(sleutels[0])
    if inhoud is None:
        return False
    if not _bestaat(inhoud, deel) or (deel == "alles" and not inhoud["alles"]):
        return True
    return sleutels[1] in gevonden


def _uit(gevonden, sleutels, deel, **meer):
    inhoud = gevonden[sleutels[0]]
    if not _bestaat(inhoud, deel):
        raise Http404("Deze pagina van het rapport bestaat niet.")
    stuk = gevonden.get(sleutels[1])
    return Gelezen(inhoud, stuk if deel == "alles" else stuk[deel[1]], **meer)


def _stil_sinds(stand, nu):
    """Since when beat has seen the data in this state. Not the newest history entry's
    date: imported or generated history may be dated in the future, and clocks differ."""
    tekst = hashlib.sha256(str(stand).encode()).hexdigest()
    gezien = cache.get(GEZIEN)
    if gezien is not None and gezien[0] == tekst:
        return gezien[1]
    cache.set(GEZIEN, (tekst, nu), timeout=BEWAARTIJD)
    return nu


def voorbouwen():
    """Queue a build of the pages of each live report whose data changed, so that no
    reader waits for it (beat, every minute: settings.RAPPORT_VOORBOUW_SCHEMA). Waits
    until it saw the data unchanged for RAPPORT_VOORBOUW_RUST (the next run), so a burst
    of edits or an import gives one build, but not longer than
    RAPPORT_VOORBOUW_UITERLIJK after the previous build; and queues
    nothing for a report whose previous build still runs (one that was lost is sent
    again). Returns the queued records."""
    if not settings.RAPPORT_VOORBOUW:
        return []
    perioden = list(
        # Live: begun and not closed (closing takes a snapshot; its key never moves).
        Rapportageperiode.objects.exclude(status=PeriodeStatus.GESLOTEN).filter(
            begindatum__lte=timezone.localdate(), snapshot__isnull=True
        )
    )
    if not perioden:
        return []
    stand = bestanden.stand_van_de_gegevens()
    nu = timezone.now()
    uiterlijk = timedelta(seconds=settings.RAPPORT_VOORBOUW_UITERLIJK)
    stil = _stil_sinds(stand, nu) <= nu - timedelta(seconds=settings.RAPPORT_VOORBOUW_RUST)
    sleutels = {p.pk: bestanden.sleutel(p, snapshot=None, stand=stand) for p in perioden}
    gevonden = cache.get_many(
        [_sleutel(s, "inhoud") for s in sleutels.values()] + [_laatste_sleutel(p) for p in perioden]
    )
    bezig = set()
    for rapportbestand in Rapportbestand.objects.filter(
        periode__in=perioden,
        formaat=bestanden.SCHERM,
        status__in=(BestandStatus.WACHTRIJ, BestandStatus.BEZIG),
    ).only("periode_id", "status", "bijgewerkt_op"):
        # Its worker died, or its message was lost: sent again (the first to see it).
        bestanden.vergeten_opnieuw_sturen(rapportbestand, nu)
        bezig.add(rapportbestand.periode_id)
    gevraagd = []
    for periode in perioden:
        sleutel = sleutels[periode.pk]
        if _sleutel(sleutel, "inhoud") in gevonden or periode.pk in bezig:
            continue
        laatste = gevonden.get(_laatste_sleutel(periode))
        if not stil and laatste is not None and laatste["op"] > nu - uiterlijk:
            continue
        rapportbestand = bestanden.aanvragen(
            periode, bestanden.SCHERM, sleutel, opnieuw_als=(BestandStatus.KLAAR,)
        )
        if rapportbestand.status == BestandStatus.WACHTRIJ:  # not one that failed
            gevraagd.append(rapportbestand)
    return gevraagd


def _bundel(hoofdstuk, pagina):
    """Pages are cached BUNDEL at a time: a report of 2,000 initiatives has some 330
    pages, more entries than locmem keeps (300), and it evicted the contents with them."""
    return f"{hoofdstuk}-{(pagina - 1) // BUNDEL}"


def _bestaat(inhoud, deel):
    if deel == "alles":
        return True
    hoofdstuk, pagina = deel
    hoofdstukken = inhoud["hoofdstukken"]
    return (
        1 <= hoofdstuk <= len(hoofdstukken)
        and 1 <= pagina <= (hoofdstukken[hoofdstuk - 1]["paginas"])
    )

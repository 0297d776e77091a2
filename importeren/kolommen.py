"""Match a file's headers to a kind's fields: case, spaces, accents, the app's own
export headers and common synonyms."""

from .waarden import normaal

GENEGEERD = "-"


def herken(koppen, soort):
    """A field (or "" / GENEGEERD) per header; each field at most once."""
    bekend = {}
    for kolom in soort.kolommen:
        for naam in (kolom.kop, kolom.veld.replace("_", " "), *kolom.synoniemen):
            bekend.setdefault(normaal(naam), kolom.veld)
    genegeerd = {normaal(k) for k in soort.genegeerd}
    gekozen, resultaat = set(), []
    for kop in koppen:
        n = normaal(kop)
        veld = bekend.get(n, "")
        if veld and veld not in gekozen:
            gekozen.add(veld)
            resultaat.append(veld)
        elif n in genegeerd:
            resultaat.append(GENEGEERD)
        else:
            resultaat.append("")
    return resultaat

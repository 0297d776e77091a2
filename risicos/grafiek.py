"""Geometry of the score chart on the risk page: plain SVG coordinates, drawn by the
template (no chart library, no script)."""

from django.utils import timezone

# Plot area of the score chart, in SVG user units.
GRAFIEK_BREEDTE, GRAFIEK_HOOGTE, GRAFIEK_MARGE = 600, 200, 32


def scoregrafiek(wijzigingen, risico, aangemaakt=None):
    """Points of a step chart of the gross and net score over time, or None when the
    risk was never scored. Plain SVG coordinates, drawn by the template."""
    punten = [(w.moment, w.nieuw.bruto, w.nieuw.netto) for w in wijzigingen]
    if wijzigingen and aangemaakt and aangemaakt < wijzigingen[0].moment:
        # Scores it had before its first recorded change (loaded or imported with it).
        eerste = wijzigingen[0].oud
        punten.insert(0, (aangemaakt, eerste.bruto, eerste.netto))
    if not any(b is not None or n is not None for _, b, n in punten):
        return None
    nu = timezone.now()
    punten.append((nu, risico.bruto_score, risico.netto_score))
    begin = punten[0][0]
    duur = max((nu - begin).total_seconds(), 1)
    b, h, m = GRAFIEK_BREEDTE, GRAFIEK_HOOGTE, GRAFIEK_MARGE

    def x(moment):
        return round(m + (moment - begin).total_seconds() / duur * (b - 2 * m), 1)

    def y(score):
        return round(h - m - (score / 25) * (h - 2 * m), 1)

    def lijn(index):
        delen, vorige = [], None
        for moment, *scores in punten:
            score = scores[index]
            if score is None:
                vorige = None
                continue
            if vorige is None:
                delen.append(f"M{x(moment)},{y(score)}")
            else:
                delen.append(f"H{x(moment)}V{y(score)}")
            vorige = score
        return " ".join(delen)

    return {
        "breedte": b,
        "hoogte": h,
        "bruto": lijn(0),
        "netto": lijn(1),
        "rasters": [{"score": s, "y": y(s)} for s in (5, 10, 15, 20, 25)],
        "x_begin": m,
        "x_eind": b - m,
        "y_basis": y(0),
        "begin": begin,
        "eind": nu,
    }

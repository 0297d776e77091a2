import functools

from django import template
from django.utils.html import format_html

from risicos.models import NIET_GESCOORD, Scoreniveau, score_niveau

register = template.Library()

NIVEAU_WOORD = {
    Scoreniveau.LAAG: "laag",
    Scoreniveau.MIDDEN: "midden",
    Scoreniveau.HOOG: "hoog",
    Scoreniveau.ZEER_HOOG: "zeer hoog",
}


@functools.lru_cache(maxsize=64)
def score_html(kans, impact):
    """A score as its number on the band's colour, with kans × impact; never colour
    alone, and "niet gescoord" when there is no score. At most 26 different results
    (5 × 5 and none): kept, as a register page asks for 100 of them."""
    if kans is None or impact is None:
        return format_html('<span class="score score-geen">{}</span>', NIET_GESCOORD)
    score = kans * impact
    niveau = score_niveau(score)
    return format_html(
        '<span class="score score-{}" title="kans {} × impact {} = {} ({})">'
        '<span class="score-getal">{}</span>'
        '<span class="score-detail"><span class="sr-only">kans </span>{}'
        '<span aria-hidden="true">×</span><span class="sr-only"> maal impact </span>{}</span>'
        '<span class="sr-only">, {}</span></span>',
        niveau,
        kans,
        impact,
        score,
        NIVEAU_WOORD[niveau],
        score,
        kans,
        impact,
        NIVEAU_WOORD[niveau],
    )


@register.simple_tag
def score(kans, impact):
    return score_html(kans, impact)

"""The report outline as HTML: the table of contents and the chapters (the page chrome
stays in templates/rapportage/rapport.html). Every text is escaped by format_html."""

import re

from django.template.loader import render_to_string
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from douane_portfolio.templatetags.portfolio import status_stip

from .opzet import (
    INHOUDSOPGAVE,
    Alinea,
    Heatmap,
    Lijst,
    OpgemaakteAlinea,
    Opsomming,
    Statusstip,
    Tabel,
    Tekst,
)

# The two below run for every table cell: a large report has some 100,000, and
# format_html's generality costs more than the escaping itself.


def _samen(delen):
    return mark_safe("".join(conditional_escape(deel) for deel in delen))  # noqa: S308  # nosec B308 B703


def _regels(tekst):
    return mark_safe("<br>".join(escape(regel) for regel in tekst.split("\n")))  # noqa: S308  # nosec B308 B703


def _inhoudsopgave(items):
    """items: (href, heading, [(href, heading) of its sections], extra HTML)."""
    return format_html(
        '<nav class="inhoudsopgave" aria-labelledby="inhoud-kop">'
        '<h2 id="inhoud-kop">{}</h2><ol class="inhoud">{}</ol></nav>',
        INHOUDSOPGAVE,
        _samen(
            format_html(
                '<li><a href="{}">{}</a>{}{}</li>',
                href,
                kop,
                format_html(
                    "<ol>{}</ol>",
                    format_html_join("", '<li><a href="{}">{}</a></li>', secties),
                )
                if secties
                else "",
                extra,
            )
            for href, kop, secties, extra in items
        ),
    )


def inhoudsopgave(rapport):
    """Chapters and their sections (the two levels of the PDF and Word contents), for the
    whole report on one page."""
    return _inhoudsopgave(
        (f"#{h.anker}", h.kop, [(f"#{s.anker}", s.kop) for s in h.subsecties], "")
        for h in rapport.secties
    )


def pagina_link(hoofdstuk, pagina, anker=""):
    link = f"?hoofdstuk={hoofdstuk}" + (f"&pagina={pagina}" if pagina > 1 else "")
    return f"{link}#{anker}" if anker else link


def inhoudsopgave_per_pagina(inhoud):
    """The contents of the paged report (paginas.py): each link leads to the page that
    holds its heading; a chapter of several pages lists them."""

    def paginas(h):
        if h["paginas"] == 1:
            return ""
        return format_html(
            '<p class="rapportpaginas">Pagina\'s: {}</p>',
            _samen(
                format_html(
                    '<a href="{}" aria-label="{}, pagina {}">{}</a> ',
                    pagina_link(h["nummer"], p),
                    h["kop"],
                    p,
                    p,
                )
                for p in range(1, h["paginas"] + 1)
            ),
        )

    return _inhoudsopgave(
        (
            pagina_link(h["nummer"], 1, h["anker"]),
            h["kop"],
            [(pagina_link(h["nummer"], s["pagina"], s["anker"]), s["kop"]) for s in h["secties"]],
            paginas(h),
        )
        for h in inhoud["hoofdstukken"]
    )


def pagina(hoofdstuk):
    """One page of the report: its chapter, or the part of it on that page (paginas.py)."""
    return _sectie(hoofdstuk, 1)


def inhoud(rapport):
    return _samen([inhoudsopgave(rapport), *(_sectie(s, 1) for s in rapport.secties)])


def _sectie(sectie, diepte):
    kop = format_html(
        "<h{}{}>{}</h{}>",
        diepte + 1,
        format_html(' id="{}"', f"{sectie.anker}-kop" if diepte == 1 else sectie.anker)
        if sectie.anker
        else "",
        sectie.kop,
        diepte + 1,
    )
    binnen = _samen(
        [
            kop,
            *(_blok(b) for b in sectie.blokken),
            *(_sectie(s, diepte + 1) for s in sectie.subsecties),
        ]
    )
    if diepte == 1:
        return format_html(
            '<section id="{}" aria-labelledby="{}-kop">{}</section>',
            sectie.anker,
            sectie.anker,
            binnen,
        )
    if diepte >= 3:
        return format_html('<div class="rapport-onderdeel">{}</div>', binnen)
    return binnen


def _blok(blok):
    if isinstance(blok, Alinea):
        return _alinea(blok)
    if isinstance(blok, Opsomming):
        return format_html(
            "<ul>{}</ul>", _samen(format_html("<li>{}</li>", _regels(i)) for i in blok.items)
        )
    if isinstance(blok, OpgemaakteAlinea):
        return format_html("<p>{}</p>", _fragmenten(blok.delen))
    if isinstance(blok, Lijst):
        return format_html(
            "<{}>{}</{}>",
            "ol" if blok.genummerd else "ul",
            _samen(format_html("<li>{}</li>", _fragmenten(item)) for item in blok.items),
            "ol" if blok.genummerd else "ul",
        )
    if isinstance(blok, Tabel):
        return _tabel(blok)
    if isinstance(blok, Heatmap):
        return _heatmap(blok)
    raise TypeError(blok)


def _fragmenten(delen):
    def fragment(deel):
        html = format_html("{}", deel.tekst)
        if deel.cursief:
            html = format_html("<em>{}</em>", html)
        if deel.vet:
            html = format_html("<strong>{}</strong>", html)
        return html

    return _samen(fragment(deel) for deel in delen)


def _alinea(alinea):
    klasse = format_html(' class="{}"', alinea.soort) if alinea.soort else ""
    # A blank line starts a new paragraph, as in the text the user typed.
    delen = re.split(r"\n\s*\n", alinea.tekst) if alinea.tekst else [""]
    label = format_html("<strong>{}</strong> ", alinea.label) if alinea.label else ""
    return _samen(
        format_html("<p{}>{}{}</p>", klasse, label if n == 0 else "", _regels(deel))
        for n, deel in enumerate(delen)
    )


def _cel(cel):
    if isinstance(cel, Statusstip):
        return status_stip(cel.status, cel.label, leeg=cel.label)
    if isinstance(cel, Tekst):
        if cel.bijschrift:
            return format_html("{}<br><small>{}</small>", _regels(cel.tekst), cel.bijschrift)
        return _regels(cel.tekst)
    return _regels(cel)


_GETAL = mark_safe(' class="getal"')  # nosec B308 B703


def _getalklasse(tabel, kolom):
    return _GETAL if kolom in tabel.getallen else ""


def _tabel(tabel):
    kop = _samen(
        format_html('<th scope="col"{}>{}</th>', _getalklasse(tabel, k), naam)
        for k, naam in enumerate(tabel.kolommen)
    )
    # Every part is escaped or safe already (_cel), so plain joins build the rows.
    rijen = mark_safe(  # noqa: S308  # nosec B308 B703
        "".join(
            "<tr>"
            + "".join(f"<td{_getalklasse(tabel, k)}>{_cel(cel)}</td>" for k, cel in enumerate(rij))
            + "</tr>"
            for rij in tabel.rijen
        )
    )
    voet = ""
    if tabel.voet:
        eerste, *rest = tabel.voet
        voet = format_html(
            '<tfoot><tr><th scope="row">{}</th>{}</tr></tfoot>',
            _cel(eerste),
            _samen(
                format_html("<td{}><strong>{}</strong></td>", _getalklasse(tabel, k), _cel(c))
                for k, c in enumerate(rest, start=1)
            ),
        )
    # A wide table scrolls in its own box (reflow at 320 px and 200 % text), reachable by
    # keyboard; the page itself never scrolls sideways.
    return format_html(
        '<div class="tabelkader" role="region" tabindex="0" aria-label="Tabel {}">'
        '<table class="tabel rapporttabel"><thead><tr>{}</tr></thead><tbody>{}</tbody>{}</table>'
        "</div>",
        tabel.kolommen[0],
        kop,
        rijen,
        voet,
    )


def _heatmap(blok):
    return format_html(
        '<div class="heatmaps">{}</div>',
        _samen(
            render_to_string(
                "rapportage/_heatmap.html",
                {"prefix": "rapport", "kaart": _kaart_voor_template(kaart)},
            )
            for kaart in blok.kaarten
        ),
    )


def _kaart_voor_template(kaart):
    """The shape `_heatmap.html` shares with the dashboard (risicos.heatmap.kaart)."""
    return {
        "soort": kaart.soort,
        "titel": kaart.titel,
        "hoek": kaart.hoek,
        "impacts": list(enumerate(kaart.impacts, start=1)),
        "rijen": [
            {
                "label": rij.label,
                "cellen": [
                    {
                        "kans": c.kans,
                        "impact": c.impact,
                        "score": c.score,
                        "niveau": c.niveau,
                        "aantal": c.aantal,
                        "url": "",
                    }
                    for c in rij.cellen
                ],
            }
            for rij in kaart.rijen
        ],
        "voet": kaart.voet,
    }

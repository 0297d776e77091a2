"""Ids in templates are never localized: with USE_THOUSAND_SEPARATOR `{{ obj.pk }}` gives
"1.040", which breaks the links, filters and anchors that carry it."""

import re
from pathlib import Path

ONGEFORMATTEERD = re.compile(r"\{\{\s*[\w.]+\.(pk|id)\s*\}\}")


def test_no_template_renders_an_id_through_localization():
    templates = Path(__file__).resolve().parents[2] / "templates"
    gevonden = [
        f"{pad.relative_to(templates)}: {m.group(0)}"
        for pad in templates.rglob("*.html")
        for m in ONGEFORMATTEERD.finditer(pad.read_text())
    ]
    assert gevonden == []

"""django-tables2 columns shared by the apps: a status as dot + word, Dutch numbers."""

import django_tables2 as tables

from .opmaak import datum_kort, getal, platte_waarde
from .tabelrijen import html_invullen
from .templatetags.portfolio import status_stip


class StatusKolom(tables.Column):
    """Coloured dot plus word on screen; the word alone in exports."""

    def __init__(self, *args, leeg="niet gerapporteerd", labels=None, **kwargs):
        self.leeg = leeg
        self.labels = labels or {}
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def render(self, value):
        if not value:
            return status_stip(None, leeg=self.leeg)
        return status_stip(value, self.labels.get(value))

    def value(self, value):
        if not value:
            return self.leeg
        return str(self.labels.get(value, value))


class GetalKolom(tables.Column):
    def __init__(self, *args, decimalen=None, **kwargs):
        self.decimalen = decimalen
        kwargs.setdefault("attrs", {"th": {"class": "getal"}, "td": {"class": "getal"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return getal(value, self.decimalen)

    def value(self, value):
        return platte_waarde(value)


class TelKolom(GetalKolom):
    """A count that turns red when it is not zero (overdue items)."""

    def __init__(self, *args, alarm=False, **kwargs):
        self.alarm = alarm
        super().__init__(*args, **kwargs)

    def render(self, value):
        if self.alarm and value:
            return html_invullen('<span class="te-laat"><strong>{}</strong></span>', value)
        return getal(value)


class DatumKolom(tables.Column):
    """A date as '3 dec 2026', like DateColumn(format="j b Y"), without a template
    rendered per cell: DateColumn is a TemplateColumn (a quarter of the dialogues page)."""

    def render(self, value):
        return datum_kort(value)

    def value(self, value):
        return datum_kort(value)

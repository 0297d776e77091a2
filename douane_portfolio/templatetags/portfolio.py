from django import template
from django.utils.html import format_html

register = template.Library()

STIP = '<span class="status status-{}"><span class="stip" aria-hidden="true"></span>{}</span>'


@register.simple_tag
def status_stip(waarde, label=None, leeg="niet gerapporteerd"):
    """A status as a coloured dot plus its word; a missing status says so."""
    if not waarde:
        return format_html(STIP, "geen", leeg)
    return format_html(STIP, waarde, label or str(waarde).capitalize())

"""`{% meldingen %}`: the notifications section of Mijn acties. A tag, so the hub's page
shows what this app records without the hub importing it."""

from django import template

from herinneringen.models import Bezorging, HerinneringSoort

register = template.Library()


@register.inclusion_tag("herinneringen/_meldingen.html", takes_context=True)
def meldingen(context, aantal=20):
    """The user's latest notifications, unread first; one query."""
    gebruiker = context["request"].user
    bezorgingen = (
        Bezorging.objects.filter(ontvanger=gebruiker, herinnering__soort=HerinneringSoort.MELDING)
        .select_related("herinnering")
        .order_by("-herinnering__aangemaakt_op", "-pk")[:aantal]
    )
    lijst = sorted(bezorgingen, key=lambda b: b.gelezen_op is not None)
    return {
        "meldingen": lijst,
        "ongelezen": sum(1 for b in lijst if b.gelezen_op is None),
        "csrf_token": context.get("csrf_token"),
    }

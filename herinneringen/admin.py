from django.contrib import admin

from douane_portfolio.admin import AlleenLezenAdmin

from .models import Herinnering, Verzending


@admin.register(Herinnering)
class HerinneringAdmin(AlleenLezenAdmin):
    list_display = ("datum", "soort", "soortnaam", "omschrijving", "deadline", "periode")
    list_filter = ("soort", "soortnaam", "datum")
    search_fields = ("omschrijving", "context")
    date_hierarchy = "datum"


@admin.register(Verzending)
class VerzendingAdmin(AlleenLezenAdmin):
    list_display = (
        "aangemaakt_op",
        "ontvanger",
        "onderwerp",
        "status",
        "pogingen",
        "volgende_poging",
    )
    list_filter = ("status",)
    list_select_related = ("ontvanger",)
    search_fields = ("adres", "onderwerp")
    date_hierarchy = "aangemaakt_op"

from django.contrib import admin

from douane_portfolio.admin import AlleenLezenAdmin, HistoryAdmin

from .models import Rapportsnapshot, Rapporttekst


@admin.register(Rapportsnapshot)
class RapportsnapshotAdmin(AlleenLezenAdmin):
    """Snapshots are taken when a period closes (or retaken on purpose), never edited."""

    list_display = ("periode", "vastgelegd_op", "vastgelegd_door")
    list_select_related = ("periode", "vastgelegd_door")
    exclude = ("gegevens", "opzet")


@admin.register(Rapporttekst)
class RapporttekstAdmin(HistoryAdmin):
    list_display = ("periode", "bijgewerkt_op")
    list_select_related = ("periode",)

from django.contrib import admin

from douane_portfolio.admin import AlleenLezenHistoryAdmin, HistoryAdmin

from . import models


@admin.register(models.Thema)
class ThemaAdmin(HistoryAdmin):
    list_display = ("volgorde", "paragraaf", "naam")


@admin.register(models.Initiatief)
class InitiatiefAdmin(HistoryAdmin):
    list_display = ("naam", "thema", "eigenaar", "actief")
    list_filter = ("thema", "actief")
    list_select_related = ("thema", "eigenaar")
    search_fields = ("naam",)
    autocomplete_fields = ("eigenaar",)


@admin.register(models.Rapportageperiode)
class RapportageperiodeAdmin(HistoryAdmin):
    list_display = ("__str__", "begindatum", "einddatum", "indiendeadline", "status")
    readonly_fields = ("status", "geopend_op", "gesloten_op")

    def get_readonly_fields(self, request, obj=None):
        # Reports and values hang on a period's year and kind: they stay what they were.
        velden = super().get_readonly_fields(request, obj)
        return (*velden, "jaar", "soort") if obj else velden


@admin.register(models.Statusrapportage)
class StatusrapportageAdmin(AlleenLezenHistoryAdmin):
    """Submitted (by whom, when) and corrected only through the app's service, which
    checks the period and the version; here the reports are read."""

    list_display = ("initiatief", "periode", "status", "ingediend_door", "ingediend_op")
    list_filter = ("periode", "status")
    list_select_related = ("initiatief", "periode", "ingediend_door")


@admin.register(models.Mijlpaal)
class MijlpaalAdmin(HistoryAdmin):
    list_display = ("omschrijving", "initiatief", "eigenaar", "deadline", "status")
    list_filter = ("status",)
    list_select_related = ("initiatief", "eigenaar")
    search_fields = ("omschrijving",)
    autocomplete_fields = ("initiatief", "eigenaar")
    # Set by the model when the status becomes "afgerond"; not back-dated by hand.
    readonly_fields = ("afgerond_op",)


@admin.register(models.Prestatieindicator)
class PrestatieindicatorAdmin(HistoryAdmin):
    list_display = ("naam", "groep", "eenheid", "richting", "initiatief")
    list_select_related = ("initiatief",)
    autocomplete_fields = ("initiatief",)


@admin.register(models.Indicatorwaarde)
class IndicatorwaardeAdmin(HistoryAdmin):
    list_display = ("indicator", "periode", "doelstelling", "realisatie", "bandbreedte")
    list_select_related = ("indicator", "periode")

    def get_readonly_fields(self, request, obj=None):
        velden = super().get_readonly_fields(request, obj)
        return (*velden, "indicator", "periode") if obj else velden

from django.contrib import admin

from douane_portfolio.admin import AlleenLezenAdmin, HistoryAdmin

from .models import Beheersmaatregel, Dialoogrisico, Risico, Risicodialoog, Scorewijziging

SCOREVELDEN = ("bruto_kans", "bruto_impact", "netto_kans", "netto_impact")


@admin.register(Risico)
class RisicoAdmin(HistoryAdmin):
    list_display = ("titel", "categorie", "toprisico", "eigenaar", "status", "herbeoordeling")
    list_filter = ("categorie", "toprisico", "status")
    list_select_related = ("eigenaar",)
    search_fields = ("titel",)
    # Thousands of initiatives: search, not a select with every row (issue 13).
    autocomplete_fields = ("eigenaar", "initiatieven")
    # Scores change only through "Score wijzigen", which records who, when and why.
    readonly_fields = SCOREVELDEN


@admin.register(Scorewijziging)
class ScorewijzigingAdmin(AlleenLezenAdmin):
    list_display = ("risico", "moment", "door", "reden", "dialoog")
    list_select_related = ("risico", "door", "dialoog")
    date_hierarchy = "moment"


@admin.register(Beheersmaatregel)
class BeheersmaatregelAdmin(HistoryAdmin):
    list_display = ("__str__", "eigenaar", "deadline", "status")
    list_filter = ("status",)
    list_select_related = ("eigenaar",)
    search_fields = ("omschrijving",)
    autocomplete_fields = ("eigenaar", "risicos", "dialoog")
    # Set by the model when the status becomes "afgerond"; not back-dated by hand.
    readonly_fields = ("afgerond_op",)


class DialoogrisicoInline(admin.TabularInline):
    model = Dialoogrisico
    extra = 0
    autocomplete_fields = ("risico",)
    readonly_fields = ("vorige_netto_kans", "vorige_netto_impact")
    # The agenda carries history; a risk leaves it through the dialogue's page.
    can_delete = False


@admin.register(Risicodialoog)
class RisicodialoogAdmin(HistoryAdmin):
    list_display = ("titel", "datum", "niveau", "status")
    list_filter = ("status", "niveau")
    search_fields = ("titel",)
    autocomplete_fields = ("voorzitter", "deelnemers")
    inlines = [DialoogrisicoInline]
    # Adoption applies scores; only the app's "Vaststellen" does that, once.
    readonly_fields = ("status",)

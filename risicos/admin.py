from django.contrib import admin

from douane_portfolio.admin import HistoryAdmin

from .models import Beheersmaatregel, Dialoogrisico, Risico, Risicodialoog, Scorewijziging

SCOREVELDEN = ("bruto_kans", "bruto_impact", "netto_kans", "netto_impact")


class ObjectRegelsMixin:
    """The admin asks the same object rules as the app (rules.py), with the object."""

    def has_change_permission(self, request, obj=None):
        meta = self.model._meta
        return request.user.has_perm(f"{meta.app_label}.change_{meta.model_name}", obj)

    def has_delete_permission(self, request, obj=None):
        meta = self.model._meta
        return request.user.has_perm(f"{meta.app_label}.delete_{meta.model_name}", obj)


@admin.register(Risico)
class RisicoAdmin(ObjectRegelsMixin, HistoryAdmin):
    list_display = ("titel", "categorie", "toprisico", "eigenaar", "status", "herbeoordeling")
    list_filter = ("categorie", "toprisico", "status")
    list_select_related = ("eigenaar",)
    search_fields = ("titel",)
    autocomplete_fields = ("eigenaar",)
    filter_horizontal = ("initiatieven",)
    # Scores change only through "Score wijzigen", which records who, when and why.
    readonly_fields = SCOREVELDEN


@admin.register(Scorewijziging)
class ScorewijzigingAdmin(admin.ModelAdmin):
    list_display = ("risico", "moment", "door", "reden", "dialoog")
    list_select_related = ("risico", "door", "dialoog")
    date_hierarchy = "moment"

    # A ledger: nobody edits or deletes it, also not in the admin.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Beheersmaatregel)
class BeheersmaatregelAdmin(ObjectRegelsMixin, HistoryAdmin):
    list_display = ("__str__", "eigenaar", "deadline", "status")
    list_filter = ("status",)
    list_select_related = ("eigenaar",)
    search_fields = ("omschrijving",)
    autocomplete_fields = ("eigenaar",)
    filter_horizontal = ("risicos",)


class DialoogrisicoInline(admin.TabularInline):
    model = Dialoogrisico
    extra = 0
    autocomplete_fields = ("risico",)
    readonly_fields = ("vorige_netto_kans", "vorige_netto_impact")


@admin.register(Risicodialoog)
class RisicodialoogAdmin(ObjectRegelsMixin, HistoryAdmin):
    list_display = ("titel", "datum", "niveau", "status")
    list_filter = ("status", "niveau")
    search_fields = ("titel",)
    filter_horizontal = ("deelnemers",)
    inlines = [DialoogrisicoInline]
    # Adoption applies scores; only the app's "Vaststellen" does that, once.
    readonly_fields = ("status",)

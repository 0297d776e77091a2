"""Admin for the portfolio office. Status changes and verdicts go through the services,
so here `status` and the verdicts are read-only."""

from django.contrib import admin

from douane_portfolio.admin import HistoryAdmin

from .models import (
    Auditrapport,
    Beoordeling,
    Bevinding,
    Bewijsstuk,
    Deadlineverschuiving,
    Jaaroordeel,
    Vervolgactie,
)


@admin.register(Auditrapport)
class AuditrapportAdmin(HistoryAdmin):
    list_display = ("titel", "instantie", "jaar", "datum")
    list_filter = ("instantie",)
    search_fields = ("titel",)


class VervolgactieInline(admin.TabularInline):
    model = Vervolgactie
    fields = ("omschrijving", "eigenaar", "deadline", "oorspronkelijke_deadline", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    # New actions go through the finding's page (service: status, history).
    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bevinding)
class BevindingAdmin(HistoryAdmin):
    list_display = ("titel", "rapport", "soort", "domein", "status", "eigenaar")
    list_filter = ("status", "soort", "rapport__instantie")
    list_select_related = ("rapport", "eigenaar")
    search_fields = ("titel", "domein", "omschrijving")
    readonly_fields = ("status", "aangemaakt_op")
    autocomplete_fields = ("eigenaar",)
    filter_horizontal = ("initiatieven", "risicos")
    inlines = [VervolgactieInline]


@admin.register(Jaaroordeel)
class JaaroordeelAdmin(HistoryAdmin):
    list_display = ("bevinding", "jaar", "oordeel", "vastgelegd_door")
    list_filter = ("jaar", "oordeel")
    list_select_related = ("bevinding", "vastgelegd_door")
    autocomplete_fields = ("bevinding", "vastgelegd_door")


@admin.register(Vervolgactie)
class VervolgactieAdmin(HistoryAdmin):
    list_display = ("omschrijving", "bevinding", "eigenaar", "deadline", "status")
    list_filter = ("status",)
    list_select_related = ("bevinding", "eigenaar")
    search_fields = ("omschrijving", "bevinding__titel")
    # A new deadline is a postponement with a reason and an approver (the service).
    readonly_fields = ("oorspronkelijke_deadline", "afgerond_op")
    autocomplete_fields = ("bevinding", "eigenaar")

    def get_readonly_fields(self, request, obj=None):
        velden = super().get_readonly_fields(request, obj)
        return (*velden, "deadline") if obj else velden


@admin.register(Deadlineverschuiving)
class DeadlineverschuivingAdmin(HistoryAdmin):
    list_display = ("actie", "oude_deadline", "nieuwe_deadline", "goedgekeurd_door")
    list_select_related = ("actie", "goedgekeurd_door")
    readonly_fields = ("actie", "oude_deadline", "nieuwe_deadline", "vastgelegd_door")

    def has_add_permission(self, request):
        return False


@admin.register(Bewijsstuk)
class BewijsstukAdmin(HistoryAdmin):
    list_display = ("__str__", "actie", "toegevoegd_door", "toegevoegd_op", "grootte")
    list_select_related = ("actie", "toegevoegd_door")
    # The file itself is downloaded through the permission-checked view, not MEDIA_URL.
    fields = ("actie", "toelichting", "bestandsnaam", "grootte", "toegevoegd_door")
    readonly_fields = ("actie", "bestandsnaam", "grootte", "toegevoegd_door")

    def has_add_permission(self, request):
        return False


@admin.register(Beoordeling)
class BeoordelingAdmin(HistoryAdmin):
    list_display = ("bevinding", "aangeboden_door", "aangeboden_op", "oordeel", "beoordeeld_door")
    list_filter = ("oordeel",)
    list_select_related = ("bevinding", "aangeboden_door", "beoordeeld_door")

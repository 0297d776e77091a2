"""Admin for the portfolio office. Status changes and verdicts go through the services,
so here `status`, the verdicts, postponements and who-recorded-what are read-only, and
nothing about a resolved finding changes (that takes a reasoned reopening in the app)."""

from django.contrib import admin

from douane_portfolio.admin import AlleenLezenHistoryAdmin, HistoryAdmin

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


class OpgelostIsDicht:
    """A resolved finding, its actions and their evidence are read here, not edited."""

    def bevinding_van(self, obj):
        return obj

    def has_change_permission(self, request, obj=None):
        if obj is not None and self.bevinding_van(obj).is_opgelost:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Bevinding)
class BevindingAdmin(OpgelostIsDicht, HistoryAdmin):
    list_display = ("titel", "rapport", "soort", "domein", "status", "eigenaar")
    list_filter = ("status", "soort", "rapport__instantie")
    list_select_related = ("rapport", "eigenaar")
    search_fields = ("titel", "domein", "omschrijving")
    readonly_fields = ("status", "aangemaakt_op")
    # 20,000 risks and thousands of initiatives: search fields, not select boxes.
    autocomplete_fields = ("rapport", "eigenaar", "initiatieven", "risicos")
    inlines = [VervolgactieInline]


@admin.register(Jaaroordeel)
class JaaroordeelAdmin(AlleenLezenHistoryAdmin):
    """A judgement is the auditor's, recorded once per year by the service."""

    list_display = ("bevinding", "jaar", "oordeel", "vastgelegd_door")
    list_filter = ("jaar", "oordeel")
    list_select_related = ("bevinding", "vastgelegd_door")


@admin.register(Vervolgactie)
class VervolgactieAdmin(OpgelostIsDicht, HistoryAdmin):
    list_display = ("omschrijving", "bevinding", "eigenaar", "deadline", "status")
    list_filter = ("status",)
    list_select_related = ("bevinding", "eigenaar")
    search_fields = ("omschrijving", "bevinding__titel")
    # A new deadline is a postponement with a reason and an approver (the service).
    readonly_fields = ("oorspronkelijke_deadline", "aantal_verschuivingen", "afgerond_op")
    autocomplete_fields = ("bevinding", "eigenaar")

    def bevinding_van(self, obj):
        return obj.bevinding

    # New actions go through the finding's page (service: open finding, history).
    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        velden = super().get_readonly_fields(request, obj)
        return (*velden, "deadline", "bevinding") if obj else velden


@admin.register(Deadlineverschuiving)
class DeadlineverschuivingAdmin(AlleenLezenHistoryAdmin):
    """The ledger of postponements: written by the service with reason and approver."""

    list_display = ("actie", "oude_deadline", "nieuwe_deadline", "goedgekeurd_door")
    list_select_related = ("actie", "goedgekeurd_door")


@admin.register(Bewijsstuk)
class BewijsstukAdmin(OpgelostIsDicht, HistoryAdmin):
    list_display = ("__str__", "actie", "toegevoegd_door", "toegevoegd_op", "grootte")
    list_select_related = ("actie", "toegevoegd_door")
    # The file itself is downloaded through the permission-checked view, not MEDIA_URL.
    fields = ("actie", "toelichting", "bestandsnaam", "grootte", "toegevoegd_door", "toegevoegd_op")
    readonly_fields = ("actie", "bestandsnaam", "grootte", "toegevoegd_door", "toegevoegd_op")

    def bevinding_van(self, obj):
        return obj.actie.bevinding

    def has_add_permission(self, request):
        return False


@admin.register(Beoordeling)
class BeoordelingAdmin(AlleenLezenHistoryAdmin):
    """Offering a finding and the auditor's verdict happen only in the app (service)."""

    list_display = ("bevinding", "aangeboden_door", "aangeboden_op", "oordeel", "beoordeeld_door")
    list_filter = ("oordeel",)
    list_select_related = ("bevinding", "aangeboden_door", "beoordeeld_door")

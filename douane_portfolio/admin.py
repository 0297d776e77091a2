from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from rules.contrib.admin import ObjectPermissionsModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Herinnering, User, Verzending


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "manager", "is_active")
    list_select_related = ("manager",)
    list_filter = ("groups", "is_active", "is_staff")
    autocomplete_fields = ("manager",)
    fieldsets = DjangoUserAdmin.fieldsets + (
        ("Organisatie", {"fields": ("manager", "herinneringsfrequentie")}),
    )


class HistoryAdmin(ObjectPermissionsModelAdmin, SimpleHistoryAdmin):
    """Admin base for domain models: object rules from rules.py, and the history view."""


class AlleenLezenAdmin(admin.ModelAdmin):
    """For ledgers written only by their service (reminders, score changes): the admin
    shows them, nobody edits or deletes them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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

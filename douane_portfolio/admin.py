from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from rules.contrib.admin import ObjectPermissionsModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "manager", "is_active")
    list_select_related = ("manager",)
    list_filter = ("groups", "is_active", "is_staff")
    autocomplete_fields = ("manager",)
    fieldsets = DjangoUserAdmin.fieldsets + (("Organisatie", {"fields": ("manager",)}),)


class HistoryAdmin(ObjectPermissionsModelAdmin, SimpleHistoryAdmin):
    """Admin base for domain models: object rules from rules.py, and the history view."""

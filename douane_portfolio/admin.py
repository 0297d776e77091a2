"""The admin (/beheer/) for the portfolio office and superusers.

The admin is no way around the role model or a service: who may grant which role is
decided in `rollen`, fields only a service sets are read-only, ledgers are read-only,
records that carry history are never deleted, and no history version is reverted.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from rules.contrib.admin import ObjectPermissionsModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import rollen
from .models import Rolwijziging, User

RECHTEN_VELDEN = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "manager", "is_active")
    list_select_related = ("manager",)
    list_filter = ("groups", "is_active", "is_staff")
    autocomplete_fields = ("manager",)
    fieldsets = DjangoUserAdmin.fieldsets + (
        ("Organisatie", {"fields": ("manager", "herinneringsfrequentie")}),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        fieldsets = [*fieldsets, ("Rolwijzigingen", {"fields": ("rolgeschiedenis",)})]
        if request.user.is_superuser:
            return fieldsets
        # Model permissions per user would bypass the roles: not even shown.
        return [
            (naam, {**opties, "fields": [v for v in opties["fields"] if v != "user_permissions"]})
            for naam, opties in fieldsets
        ]

    @admin.display(description="wie gaf of nam welke rollen")
    def rolgeschiedenis(self, obj):
        rijen = obj.rolwijzigingen.select_related("door")[:50]
        if not rijen:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {} → {} (door {})</li>",
                (
                    (
                        formats.date_format(timezone.localtime(r.moment), "j F Y H:i"),
                        r.van or "geen",
                        r.naar or "geen",
                        r.door or "onbekend",
                    )
                    for r in rijen
                ),
            ),
        )

    def get_readonly_fields(self, request, obj=None):
        velden = {"last_login", "date_joined", "rolgeschiedenis"}
        if not request.user.is_superuser:
            velden |= {"is_staff", "is_superuser", "user_permissions"}
        if obj is not None and obj.pk == request.user.pk:
            # Nobody changes their own roles, status or activation.
            velden |= set(RECHTEN_VELDEN)
        return tuple(sorted(velden))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(
                name__in=rollen.toekenbare_rollen(request.user)
            ).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and rollen.mag_account_beheren(
            request.user, obj
        )

    def has_delete_permission(self, request, obj=None):
        # Accounts are named in history and ledgers: deactivate them instead.
        return False

    def user_change_password(self, request, id, form_url=""):
        # One's own password changes on the password page, which asks for the old one.
        if str(id) == str(request.user.pk):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        # Judged on the account as stored, not on what the POST made of it.
        bestaand = User.objects.get(pk=obj.pk) if change else None
        if bestaand is not None and not rollen.mag_account_beheren(request.user, bestaand):
            raise PermissionDenied
        status = (bestaand.is_superuser, bestaand.is_staff) if bestaand else (False, False)
        if not request.user.is_superuser and (obj.is_superuser, obj.is_staff) != status:
            raise PermissionDenied
        obj._rollen_voor = rollen.rollen_van(bestaand) if bestaand else set()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        gebruiker = form.instance
        voor = getattr(gebruiker, "_rollen_voor", set())
        na = rollen.rollen_van(gebruiker)
        if voor == na:
            return
        # Checked again on what was saved, so a crafted POST cannot slip past the form;
        # the admin's transaction rolls the whole save back.
        if gebruiker.pk == request.user.pk:
            raise PermissionDenied
        if not request.user.is_superuser and (voor ^ na) - rollen.toekenbare_rollen(request.user):
            raise PermissionDenied
        Rolwijziging.objects.create(
            gebruiker=gebruiker,
            door=request.user,
            van=", ".join(sorted(voor)),
            naar=", ".join(sorted(na)),
        )
        gebruiker.__dict__.pop("rollen", None)


class HistoryAdmin(ObjectPermissionsModelAdmin, SimpleHistoryAdmin):
    """Admin base for domain models: object rules from rules.py, and the history view.

    Records with history are never deleted here (close or deactivate them in the
    app), and an old version is only shown: reverting would write fields that only a
    service may set (a status, a verdict) without its checks.
    """

    # No COUNT(*) over the whole table on every changelist (issue 13).
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class AlleenLezen:
    """For what only a service writes (ledgers, verdicts, submissions): the admin shows
    it, nobody adds, edits or deletes it there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AlleenLezenHistoryAdmin(AlleenLezen, HistoryAdmin):
    pass


class AlleenLezenAdmin(AlleenLezen, admin.ModelAdmin):
    show_full_result_count = False


@admin.register(Rolwijziging)
class RolwijzigingAdmin(AlleenLezenAdmin):
    list_display = ("moment", "gebruiker", "van", "naar", "door")
    list_select_related = ("gebruiker", "door")
    list_filter = ("moment",)
    search_fields = ("gebruiker__username", "gebruiker__last_name", "van", "naar")
    date_hierarchy = "moment"

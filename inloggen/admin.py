"""The admin side of the second factor: the ledger, and a reset action on the user admin.

The user admin itself belongs to douane_portfolio; the action is added to it here so
that module need not know about this app.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from douane_portfolio.admin import AlleenLezenAdmin

from . import mfa
from .models import OidcIdentiteit, Tweestapsgebeurtenis


@admin.action(description="Tweede factor resetten", permissions=["change"])
def tweede_factor_resetten(modeladmin, request, queryset):
    gereset, geweigerd = [], []
    for user in queryset:
        # Only accounts this admin may change (the user admin decides, per account),
        # and a superuser's second factor only by a superuser.
        if not modeladmin.has_change_permission(request, user) or (
            user.is_superuser and not request.user.is_superuser
        ):
            geweigerd.append(str(user))
            continue
        mfa.tweede_factor_resetten(user, door=request.user)
        # Also in the user's own admin history.
        modeladmin.log_change(request, user, "Tweede factor gereset")
        gereset.append(str(user))
    if gereset:
        modeladmin.message_user(
            request,
            f"Tweede factor gereset voor {', '.join(gereset)}; "
            "bij de volgende keer inloggen stellen zij hem opnieuw in.",
            messages.SUCCESS,
        )
    if geweigerd:
        modeladmin.message_user(
            request,
            f"Niet gereset (u mag deze accounts niet wijzigen): {', '.join(geweigerd)}.",
            messages.ERROR,
        )


# django-otp's own admin shows the TOTP keys and recovery codes: whoever reads them
# holds the second factor. Resetting (above) is all the admin needs.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

_gebruikersbeheer = admin.site.get_model_admin(get_user_model())
_gebruikersbeheer.actions = [*(_gebruikersbeheer.actions or []), tweede_factor_resetten]


@admin.register(Tweestapsgebeurtenis)
class TweestapsgebeurtenisAdmin(AlleenLezenAdmin):
    list_display = ("op", "gebruiker", "soort", "door")
    list_filter = ("soort",)
    list_select_related = ("gebruiker", "door")
    search_fields = ("gebruiker__username", "gebruiker__last_name")
    date_hierarchy = "op"


@admin.register(OidcIdentiteit)
class OidcIdentiteitAdmin(AlleenLezenAdmin):
    list_display = ("user", "subject", "issuer", "laatst_ingelogd_op")
    list_select_related = ("user",)
    search_fields = ("user__username", "subject")

    def has_delete_permission(self, request, obj=None):
        # Unlinking lets the next SSO log-in create or match the account anew.
        return request.user.is_superuser

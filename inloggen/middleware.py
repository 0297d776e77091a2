from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from . import mfa, oidc

# Pages a half-logged-in user must reach to finish (or leave) the log-in.
VRIJ = {
    "login",
    "login_nood",
    "logout",
    "tweestaps",
    "tweestaps_instellen",
    "sso_starten",
    "sso_terug",
}


class InloggenMiddleware:
    """Without the second factor a local account that needs one reaches nothing, and
    nobody reaches the admin (/beheer/). After django-otp's OTPMiddleware and django-csp's.

    After an SSO log-in every page may also post its logout form on to the provider:
    the CSP's form-action covers redirects after a form, so it names the provider.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if oidc.aan() and request.user.is_authenticated and mfa.via_sso(request):
            herkomst = oidc.uitlog_herkomst()
            if herkomst:
                bijwerken = getattr(response, "_csp_update", None) or {}
                bijwerken.setdefault("form-action", []).append(herkomst)
                response._csp_update = bijwerken
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        naam = match.view_name if match else ""
        if naam == "admin:login":
            # The admin's own form would skip the second step; ours is the only door.
            return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
        user = request.user
        if mfa.modus() == "uit" or not user.is_authenticated or naam in VRIJ:
            return None
        if mfa.via_sso(request) or user.is_verified():
            return None
        if match.app_name == "admin" or mfa.vereist(user):
            return redirect_to_login(request.get_full_path(), login_url=reverse("tweestaps"))
        return None

"""Project middleware."""

import time

from django.conf import settings
from django.utils.cache import patch_cache_control

# Session key: when the session's expiry was last moved forward (Unix seconds).
VERNIEUWD = "_sessie_vernieuwd"
# At most one session write per this many seconds per session (issue 13).
VERNIEUWEN_NA = 60


class NietCachen:
    """Every page, export and report may carry private data: no browser or proxy keeps a
    copy (`Cache-Control: private, no-store`). Static files never get here (whitenoise
    answers them first) and keep their long cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response


def sessie_stempelen(sender, request, user, **kwargs):
    """At log-in the session is written anyway: stamp it then, not on the first page."""
    if request is not None and hasattr(request, "session"):
        request.session[VERNIEUWD] = int(time.time())


class SessieVernieuwen:
    """The idle timeout (SESSION_COOKIE_AGE after the last request) without a session write
    on every request, which SESSION_SAVE_EVERY_REQUEST would do (three queries a page).

    The expiry moves forward only when it was last moved VERNIEUWEN_NA seconds ago or more,
    so an idle session ends between SESSION_COOKIE_AGE minus that interval and
    SESSION_COOKIE_AGE after the last request: never later, at most a minute earlier.
    Directly after SessionMiddleware, so its save sees the change.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        sessie = getattr(request, "session", None)
        # Only a session this request already read: no query for one it never touched,
        # and no session for an anonymous visitor who has none.
        if sessie is None or not sessie.accessed or sessie.is_empty():
            return response
        # A view marks a request that is no activity of the user (a progress poll).
        if getattr(request, "geen_activiteit", False):
            return response
        nu = int(time.time())
        interval = min(VERNIEUWEN_NA, settings.SESSION_COOKIE_AGE // 2)
        if sessie.modified or nu - sessie.get(VERNIEUWD, 0) >= interval:
            sessie[VERNIEUWD] = nu
        return response

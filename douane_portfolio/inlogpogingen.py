"""How django-axes names a failed log-in attempt."""

from django.contrib.auth import get_user_model


def gebruikersnaam(request, credentials):
    """The user name as typed, cut to the longest a user can have: a longer one is no user,
    and must not make the attempt log fail (its column holds 255 characters)."""
    naam = (credentials or {}).get("username")
    if naam is None and request is not None:
        naam = request.POST.get("username", "")
    lengte = get_user_model()._meta.get_field("username").max_length
    return str(naam or "")[:lengte]

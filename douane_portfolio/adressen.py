"""URLs of objects by id, without resolving the URL pattern again for every row.

A list page links every row to its object: fifty `reverse()` calls, each walking the
resolver's candidates, checking the result against the pattern's regex and asking the
active language several times, were a fifth of a list's rows. `adres()` reverses a
name once with marker ids, keeps the text around them and fills in the ids after;
the result is what `reverse()` gives.
"""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Ids that stand in for the real ones in the one reverse() per name: digits only, as an
# <int:pk> gives, and long enough never to occur in a path by themselves.
_MERKERS = (918273645546372819, 918273645546372829, 918273645546372839)

# (resolver, script prefix, language, name, number of ids) -> the parts between the
# ids, or None where the name cannot be filled in this way (reverse() every time).
_SJABLONEN = {}

# The (URLconf, script prefix, language) of a block of rows being rendered, read once.
_vast = threading.local()


@contextmanager
def vaste_omgeving():
    """Within this block `adres()` reads the URLconf, script prefix and language once:
    each is a context-local lookup (about 15 µs together), and a page of rows makes a
    hundred links. For synchronous work that changes none of the three (rendering a
    table's rows); nested blocks keep the outer reading."""
    if getattr(_vast, "actief", False):
        yield
        return
    _vast.actief, _vast.omgeving = True, None
    try:
        yield
    finally:
        _vast.actief, _vast.omgeving = False, None


def _omgeving():
    omgeving = getattr(_vast, "omgeving", None)
    if omgeving is None:
        # The URLconf by name, not its resolver: get_resolver() costs as much again, and
        # a changed ROOT_URLCONF (override_settings) is another name.
        omgeving = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
        if getattr(_vast, "actief", False):
            _vast.omgeving = omgeving
    return omgeving


def _sjabloon(viewname, aantal):
    try:
        url = reverse(viewname, args=_MERKERS[:aantal])
    except Exception:
        return None
    delen, rest = [], url
    for merker in map(str, _MERKERS[:aantal]):
        if rest.count(merker) != 1:
            return None
        voor, rest = rest.split(merker)
        delen.append(voor)
    delen.append(rest)
    return tuple(delen)


def adres(viewname, *ids):
    """`reverse(viewname, args=ids)` for ids that are non-negative integers (primary
    keys), or none (the menu, the page's header); anything else goes to reverse()."""
    if len(ids) > len(_MERKERS) or any(type(i) is not int or i < 0 for i in ids):
        return reverse(viewname, args=ids)
    # The URLconf, the script prefix and the language can differ between requests
    # (tests, a mounted site, translated patterns): each has its own template.
    sleutel = (*_omgeving(), viewname, len(ids))
    try:
        delen = _SJABLONEN[sleutel]
    except KeyError:
        delen = _SJABLONEN[sleutel] = _sjabloon(viewname, len(ids))
        if delen is not None and _vul(delen, ids) != reverse(viewname, args=ids):
            # A pattern that takes the markers but not these ids (a regex of a fixed
            # length, two patterns of one name): never take the short way for it.
            delen = _SJABLONEN[sleutel] = None
    if delen is None:
        return reverse(viewname, args=ids)
    return _vul(delen, ids)


def _vul(delen, ids):
    tekst = delen[0]
    for i, deel in zip(ids, delen[1:], strict=True):
        tekst += f"{i}{deel}"
    return tekst

"""No 500 from what users put in URLs: path ids, periods, filters, sort keys, pages and
export formats. Every named URL of the application is walked; a new one is covered
automatically."""

import datetime
import string

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from douane_portfolio import rollen
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.factories import UserFactory
from tests.programmas.factories import (
    IndicatorwaardeFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
)
from tests.risicos.factories import (
    BeheersmaatregelFactory,
    DialoogrisicoFactory,
    RisicoFactory,
)

pytestmark = pytest.mark.django_db

# Values a URL path segment of <int:…> may carry: the converter only lets ASCII digits
# through, but of any size.
PAD_GETALLEN = ["0", "1", "2147483648", "9223372036854775808", "1" + "0" * 40]

# Query parameters the views read themselves (the filter sets add their own).
VASTE_PARAMETERS = [
    "sort",
    "page",
    "pagina",
    "_export",
    "periode",
    "van",
    "tot",
    "risico",
    "selectie",
    "rapport",
    "per_page",
]

VREEMDE_WAARDEN = st.one_of(
    st.sampled_from(
        [
            "²",
            "١٢",
            "-1",
            "0",
            "1e309",
            "NaN",
            "Infinity",
            "9" * 30,
            "-" + "9" * 30,
            "1.5",
            "\x00",
            "\x0b",
            "%",
            "' OR 1=1 --",
            "-id",
            "__class__",
            "csv",
            "xlsx",
            "yaml",
            "0001-01-01",
            "9999-12-31",
            "2023-02-30",
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(datetime.date.isoformat),
    st.text(max_size=20),
    st.text(alphabet=string.digits + "-+.,eE", max_size=12),
)


def benoemde_urls(resolvers=None, prefix=""):
    """(name, pattern) for every named URL outside the admin."""
    for patroon in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(patroon, URLResolver):
            if patroon.app_name == "admin":
                continue
            naamruimte = f"{patroon.namespace}:" if patroon.namespace else ""
            yield from benoemde_urls(patroon.url_patterns, prefix + naamruimte)
        elif isinstance(patroon, URLPattern) and patroon.name:
            yield prefix + patroon.name, patroon


def argumenten(patroon, waarde):
    converters = patroon.pattern.converters
    return {
        naam: ("t1" if type(conv).__name__ == "SoortConverter" else waarde)
        for naam, conv in converters.items()
    }


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True, rol=rollen.BEHEERDER))
    return client


@pytest.fixture
def gegevens(db):
    periode = PeriodeFactory()
    StatusrapportageFactory(periode=periode)
    MijlpaalFactory()
    IndicatorwaardeFactory(periode=periode)
    maatregel = BeheersmaatregelFactory(risicos=[RisicoFactory(gescoord=True)])
    DialoogrisicoFactory(risico=maatregel.risicos.get())
    VervolgactieFactory(bevinding=BevindingFactory())


@pytest.mark.parametrize("waarde", PAD_GETALLEN)
def test_no_path_id_gives_a_server_error(superuser_client, gegevens, waarde):
    for naam, patroon in benoemde_urls():
        url = reverse(naam, kwargs=argumenten(patroon, waarde))
        antwoord = superuser_client.get(url)
        assert antwoord.status_code < 500, (url, antwoord.status_code)
        if patroon.pattern.converters:
            antwoord = superuser_client.post(url, {"versie": waarde})
            assert antwoord.status_code < 500, ("POST", url, antwoord.status_code)


def test_every_named_url_is_walked():
    namen = {naam for naam, _ in benoemde_urls()}
    assert {"risicos:register", "rapportage:periode_pdf", "home", "audits:bewijs_download"} <= namen


def lijst_urls():
    """Every named URL without path arguments: lists, dashboard, compare page, forms."""
    return sorted(naam for naam, patroon in benoemde_urls() if not patroon.pattern.converters)


def parameternamen(client, url):
    antwoord = client.get(url)
    filterset = antwoord.context.get("filter") if antwoord.context else None
    namen = list(VASTE_PARAMETERS)
    if filterset is not None:
        namen += list(filterset.form.fields)
    return namen


@pytest.mark.parametrize("naam", lijst_urls())
def test_no_query_parameter_gives_a_server_error(superuser_client, gegevens, naam):
    url = reverse(naam)
    namen = parameternamen(superuser_client, url)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(st.dictionaries(st.sampled_from(namen), VREEMDE_WAARDEN, min_size=1, max_size=4))
    def probeer(parameters):
        antwoord = superuser_client.get(url, parameters)
        assert antwoord.status_code < 500, (url, parameters, antwoord.status_code)

    probeer()

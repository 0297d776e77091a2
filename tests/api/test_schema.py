"""Property-based test of the API against its own OpenAPI schema (schemathesis).

For every operation, generated requests as a user with a role and as one without: never
a 500, and every answer (status, content type, body, headers) as the schema says.
Bounded: few examples per operation, derandomized so a CI run is repeatable.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from schemathesis import checks

from api.models import ApiSleutel
from douane_portfolio import rollen
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.factories import UserFactory
from tests.programmas.factories import (
    IndicatorwaardeFactory,
    MijlpaalFactory,
    PeriodeFactory,
    StatusrapportageFactory,
)
from tests.risicos.factories import BeheersmaatregelFactory, RisicodialoogFactory, RisicoFactory

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()

CONTROLES = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def _verbinding_open():
    # The WSGI handler closes the database connection after each request, as a server
    # should; the test database lives in this connection, so keep it (as Django's test
    # client does).
    for signaal in (request_started, request_finished):
        signaal.disconnect(close_old_connections)
    yield
    for signaal in (request_started, request_finished):
        signaal.connect(close_old_connections)


@pytest.fixture
def sleutels(db, _verbinding_open):
    """A read-write key of a Beheerder (may do most) and of a user without any role."""
    periode = PeriodeFactory()
    StatusrapportageFactory(periode=periode)
    IndicatorwaardeFactory(periode=periode)
    MijlpaalFactory()
    RisicoFactory(netto_kans=2, netto_impact=2, bruto_kans=3, bruto_impact=3)
    BeheersmaatregelFactory()
    RisicodialoogFactory()
    VervolgactieFactory(bevinding=BevindingFactory())
    geheimen = {}
    for naam, rol in (("beheerder", rollen.BEHEERDER), ("niemand", None)):
        user = UserFactory(username=f"schema-{naam}", rol=rol)
        geheimen[naam] = ApiSleutel.aanmaken(gebruiker=user, naam="schema", bereik="schrijven")[1]
    return geheimen


@schema.parametrize()
@settings(
    max_examples=5,
    database=None,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.parametrize("wie", ["beheerder", "niemand"])
def test_every_answer_conforms_to_the_schema_and_none_is_a_500(case, sleutels, wie):
    case.call_and_validate(headers={"Authorization": f"Bearer {sleutels[wie]}"}, checks=CONTROLES)

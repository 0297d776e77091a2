"""The demo is data (`<app>/demo_data.py`) plus a loader (`<app>/demo.py`): the loader
creates one row per entry of the data, no more and no less."""

import io

import pytest
from django.core.management import call_command

from audits import demo_data as audits_data
from audits.models import Auditrapport, Bevinding
from programmas import demo_data as programmas_data
from programmas.models import Initiatief, Thema
from risicos import demo_data as risicos_data
from risicos.models import Risico

pytestmark = pytest.mark.django_db


def test_laad_demo_loads_one_row_per_entry_of_the_data(settings):
    settings.DEMO_PASSWORD = "demo"
    call_command("laad_demo", stdout=io.StringIO())

    assert Thema.objects.count() == len(programmas_data.THEMAS)
    assert sorted(Initiatief.objects.values_list("naam", flat=True)) == sorted(
        rij[1] for rij in programmas_data.INITIATIEVEN
    )
    assert Risico.objects.count() == len(risicos_data.RISICOS)
    assert Auditrapport.objects.count() == len(audits_data.RAPPORTEN)
    assert Bevinding.objects.count() == len(audits_data.BEVINDINGEN)

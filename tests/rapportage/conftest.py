import io

import pytest
from django.core.management import call_command

from programmas.models import Periodesoort, Rapportageperiode


@pytest.fixture
def demo(db):
    """The demo data; its 2023 annual report is a closed period with a snapshot."""
    call_command("laad_demo", stdout=io.StringIO())
    return Rapportageperiode.objects.get(jaar=2023, soort=Periodesoort.JAAR)

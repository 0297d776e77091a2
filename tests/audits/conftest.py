import datetime

import pytest
from django.utils import timezone

from tests.audits.factories import BevindingFactory, VervolgactieFactory


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    # Evidence written by a test lands in its own folder, never in var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def bevinding(pm):
    """A finding owned by pm, in uitvoering."""
    return BevindingFactory(eigenaar=pm, titel="Onvolkomenheid inkoopbeheer")


@pytest.fixture
def actie(bevinding, pm2):
    """An open action on pm's finding, owned by colleague pm2."""
    return VervolgactieFactory(
        bevinding=bevinding,
        eigenaar=pm2,
        omschrijving="Inkoopdossiers op orde brengen",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )

"""Export a list, import it again unchanged: nothing changes, for every kind."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audits.models import Bevinding, Vervolgactie
from importeren.models import ImportStatus
from programmas.models import Indicatorwaarde, Initiatief, PeriodeStatus, Statusrapportage
from risicos.models import Beheersmaatregel
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.programmas.factories import (
    IndicatorFactory,
    IndicatorwaardeFactory,
    InitiatiefFactory,
    PeriodeFactory,
    StatusrapportageFactory,
)
from tests.risicos.factories import BeheersmaatregelFactory, RisicoFactory

pytestmark = pytest.mark.django_db


def _portfolio(pm):
    periode = PeriodeFactory(status=PeriodeStatus.OPEN)
    a = InitiatiefFactory(eigenaar=pm, naam="Datalab")
    StatusrapportageFactory(initiatief=a, periode=periode, status="oranje",
                            toelichting="Later", pad_naar_groen="In mei")  # fmt: skip
    InitiatiefFactory(eigenaar=pm, naam="Zonder status")
    return [Initiatief, Statusrapportage]


def _indicatoren(pm):
    periode = PeriodeFactory(jaar=2025, soort="JAAR")
    IndicatorwaardeFactory(indicator=IndicatorFactory(naam="Controles", groep="Tabel"),
                           periode=periode, doelstelling=1000, realisatie="960.5",
                           bandbreedte=5)  # fmt: skip
    IndicatorwaardeFactory(indicator=IndicatorFactory(naam="Verzuim", groep="Personeel"),
                           periode=periode, doelstelling=None, realisatie="6.9")  # fmt: skip
    return [Indicatorwaarde]


def _maatregelen(pm):
    risico = RisicoFactory(titel="Cyberaanval")
    BeheersmaatregelFactory(omschrijving="Pentest", eigenaar=pm).risicos.add(risico)
    BeheersmaatregelFactory(omschrijving="Overkoepelend plan", eigenaar=pm, status="afgerond")
    return [Beheersmaatregel]


def _bevindingen(pm):
    BevindingFactory(titel="Inkoopbeheer", eigenaar=pm)
    BevindingFactory(titel="Geldstroom", eigenaar=pm,
                     verwacht_opgelost_op=datetime.date(2027, 3, 31))  # fmt: skip
    return [Bevinding]


def _acties(pm):
    bevinding = BevindingFactory(titel="Inkoopbeheer", eigenaar=pm)
    VervolgactieFactory(bevinding=bevinding, omschrijving="Proces herzien", eigenaar=pm)
    VervolgactieFactory(bevinding=bevinding, omschrijving="Training", eigenaar=pm,
                        status="in_uitvoering")  # fmt: skip
    return [Vervolgactie]


@pytest.mark.parametrize("formaat", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("soort", "lijst", "maak"),
    [
        ("initiatieven", "/programmas/", _portfolio),
        ("indicatorwaarden", "/programmas/indicatoren/", _indicatoren),
        ("maatregelen", "/risicos/maatregelen/", _maatregelen),
        ("bevindingen", "/audits/", _bevindingen),
        ("vervolgacties", "/audits/acties/", _acties),
    ],
)
def test_export_then_import_changes_nothing(
    client_voor, uploaden, importeren, beheerder, pm, soort, lijst, maak, formaat
):
    modellen = maak(pm)
    historie = [m.history.count() for m in modellen]
    export = client_voor(beheerder).get(f"{lijst}?_export={formaat}")
    assert export.status_code == 200

    bestand = SimpleUploadedFile(f"export.{formaat}", export.getvalue())
    _, importbestand = uploaden(beheerder, soort, bestand)

    assert importbestand.resultaat["ongewijzigd"] == 2, importbestand.resultaat
    assert "" not in importbestand.kolommen, importbestand.koppen
    importeren(importbestand)
    assert importbestand.status == ImportStatus.GEIMPORTEERD
    assert [m.history.count() for m in modellen] == historie

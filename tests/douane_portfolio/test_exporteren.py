"""The streaming export writes what the table shows, in chunks, with few queries."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from douane_portfolio import exporteren
from douane_portfolio.tekst import spreadsheetcel
from risicos.models import Beheersmaatregel
from tests.beveiliging.test_exports import LIJSTEN, kwaadaardige_gegevens  # noqa: F401
from tests.factories import UserFactory
from tests.risicos.factories import BeheersmaatregelFactory, RisicodialoogFactory, RisicoFactory

pytestmark = pytest.mark.django_db


def _referentie(client, lijst, **params):
    """The cells as django-tables2's as_values gives them (the former tablib export), in
    the screen's order: its sort, then the id (the keyset's tie-breaker). as_values reads
    the sorted queryset without it, and rows with an equal sort key (dialogues on one
    date) came in whatever order the index walk gave."""
    table = client.get(reverse(lijst), params).context["table"]
    rijen = table.data.data
    table.data.data = rijen.order_by(*(rijen.query.order_by or rijen.model._meta.ordering), "pk")
    return [[spreadsheetcel(w) for w in rij] for rij in table.as_values()]


def _csv(rijen):
    uit = io.StringIO()
    csv.writer(uit).writerows(rijen)
    return uit.getvalue()


@pytest.mark.parametrize("lijst", LIJSTEN)
def test_the_csv_export_streams_exactly_the_cells_of_the_table(
    client_voor,
    kwaadaardige_gegevens,  # noqa: F811
    lijst,
):
    client = client_voor(UserFactory(is_superuser=True))
    referentie = _referentie(client, lijst)
    response = client.get(reverse(lijst), {"_export": "csv"})
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.getvalue().decode() == _csv(referentie)
    assert len(referentie) > 7


def _gelijk(waarde):
    if waarde in ("", None):
        return None
    if isinstance(waarde, int | float | Decimal) and not isinstance(waarde, bool):
        return float(waarde)
    if isinstance(waarde, datetime.date) and not isinstance(waarde, datetime.datetime):
        return datetime.datetime.combine(waarde, datetime.time())
    return waarde


@pytest.mark.parametrize("lijst", LIJSTEN)
def test_the_xlsx_export_holds_the_same_cells_with_a_bold_header(
    client_voor,
    kwaadaardige_gegevens,  # noqa: F811
    lijst,
):
    client = client_voor(UserFactory(is_superuser=True))
    referentie = _referentie(client, lijst)
    response = client.get(reverse(lijst), {"_export": "xlsx"})
    assert response.streaming
    blad = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    assert [[_gelijk(w) for w in rij] for rij in blad.values] == [
        [_gelijk(w) for w in rij] for rij in referentie
    ]
    assert blad["A1"].font.bold
    assert blad.freeze_panes == "A2"


def test_the_filename_is_the_lists_title_and_date(client_voor, beheerder):
    response = client_voor(beheerder).get(reverse("risicos:maatregelen"), {"_export": "xlsx"})
    vandaag = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="beheersmaatregelen-{vandaag:%Y-%m-%d}.xlsx"'
    )
    assert openpyxl.load_workbook(io.BytesIO(response.getvalue())).active.title == (
        "Beheersmaatregelen"
    )


def test_the_measures_export_reads_values_not_model_instances(client_voor, beheerder, monkeypatch):
    # MaatregelTabel.exportrijen: the same cells as the table's value_ methods, without
    # building a measure per row (most of the time of 500 000 of them).
    client = client_voor(beheerder)
    b, a = RisicoFactory(titel="B-risico"), RisicoFactory(titel="A-risico")
    zonder_naam = UserFactory(first_name="", last_name="", username="zonder.naam")
    BeheersmaatregelFactory(risicos=[b, a], dialoog=RisicodialoogFactory(titel="Overleg"))
    BeheersmaatregelFactory(eigenaar=zonder_naam, status="in_uitvoering")
    BeheersmaatregelFactory(risicos=[b], omschrijving="")
    for sortering in ("", "-eigenaar", "status"):
        referentie = _referentie(client, "risicos:maatregelen", sort=sortering)
        assert "A-risico; B-risico" in str(referentie) and "zonder.naam" in str(referentie)
        with monkeypatch.context() as m:
            m.setattr(Beheersmaatregel, "from_db", _geen_instanties)
            response = client.get(
                reverse("risicos:maatregelen"), {"_export": "csv", "sort": sortering}
            )
            assert response.getvalue().decode() == _csv(referentie)


def _geen_instanties(*args, **kwargs):
    raise AssertionError("de export bouwt een modelobject per rij")


def _export_queries(client, formaat):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("risicos:maatregelen"), {"_export": formaat})
        inhoud = response.getvalue()
    assert response.status_code == 200
    return len(queries), inhoud


@pytest.mark.parametrize("formaat", ["csv", "xlsx"])
def test_the_export_queries_once_per_chunk_not_per_row(
    client_voor, beheerder, monkeypatch, formaat
):
    # Measures need their risks: a prefetch, which the chunked iterator runs per chunk.
    monkeypatch.setattr(exporteren, "STUK", 10)
    client = client_voor(beheerder)
    risicos = RisicoFactory.create_batch(3)
    BeheersmaatregelFactory.create_batch(5, risicos=risicos)
    client.get(reverse("risicos:maatregelen"))  # warm up: session, content types
    bij_5, inhoud = _export_queries(client, formaat)

    BeheersmaatregelFactory.create_batch(45, risicos=risicos)
    bij_50, inhoud = _export_queries(client, formaat)

    # 1 chunk against 5 chunks: four more prefetches, nothing per row.
    assert bij_50 == bij_5 + 4
    if formaat == "csv":
        assert len(inhoud.decode().splitlines()) == 51


def test_an_unknown_format_is_refused_before_any_row_is_read(client_voor, beheerder):
    with CaptureQueriesContext(connection) as queries:
        response = client_voor(beheerder).get(reverse("risicos:maatregelen"), {"_export": "ods"})
    assert response.status_code == 400
    assert not [q for q in queries if "beheersmaatregel" in q["sql"]]


def test_the_csv_export_sends_its_header_before_the_database_is_asked_for_rows(client_voor):
    RisicoFactory.create_batch(3)
    client = client_voor(UserFactory(is_superuser=True))
    response = client.get(reverse("risicos:register"), {"_export": "csv"})
    stukken = iter(response.streaming_content)

    with CaptureQueriesContext(connection) as vastgelegd:
        kop = next(stukken)

    assert kop.decode().startswith("Risico,") and kop.count(b"\n") == 1
    assert not vastgelegd.captured_queries
    assert b"".join(stukken).count(b"\n") == 3


def test_the_xlsx_export_starts_before_the_database_is_asked_for_rows_and_streams(client_voor):
    RisicoFactory.create_batch(3)
    client = client_voor(UserFactory(is_superuser=True))
    response = client.get(reverse("risicos:register"), {"_export": "xlsx"})
    stukken = iter(response.streaming_content)

    with CaptureQueriesContext(connection) as vastgelegd:
        begin = next(stukken)

    assert begin.startswith(b"PK\x03\x04")  # a zip entry's local header
    assert not vastgelegd.captured_queries
    blad = openpyxl.load_workbook(io.BytesIO(begin + b"".join(stukken))).active
    assert blad.max_row == 4


def test_a_large_xlsx_is_sent_in_pieces_while_its_rows_are_read():
    gelezen = []

    def rijen():
        yield ["Nummer", "Tekst"]
        for i in range(60_000):
            gelezen.append(i)
            yield [i, f"regel {i} met wat tekst die niet te goed inpakt {i * 7919 % 104729}"]

    stukken = exporteren.xlsx_stukken(rijen(), "proef")
    next(stukken)
    next(stukken)
    # The second piece left while most rows were still unread: nothing waits for the end.
    assert 0 < len(gelezen) < 60_000
    inhoud = b"".join(stukken)
    assert len(gelezen) == 60_000
    assert inhoud.endswith(b"\x00" * 2) or inhoud[-22:-18] == b"PK\x05\x06"

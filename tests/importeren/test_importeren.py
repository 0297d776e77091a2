"""Upload -> preview -> import of risks, initiatives and findings."""

import datetime

import pytest

from importeren.models import ImportStatus
from programmas.models import PeriodeStatus, Statusrapportage
from risicos.models import Risico, Scorewijziging
from tests.audits.factories import AuditrapportFactory, BevindingFactory
from tests.importeren.conftest import csv_bestand, xlsx_bestand
from tests.programmas.factories import InitiatiefFactory, PeriodeFactory, ThemaFactory
from tests.risicos.factories import RisicoFactory

pytestmark = pytest.mark.django_db

KOPPEN = ["Risico", "Categorie", "Eigenaar", "Bruto kans", "Bruto impact", "Netto kans",
          "Netto impact", "Risicobereidheid"]  # fmt: skip


def test_a_preview_writes_nothing_and_says_per_row_what_would_happen(uploaden, risicofunctionaris):
    RisicoFactory(titel="Bestaand", eigenaar=risicofunctionaris)
    bestand = csv_bestand(
        [
            KOPPEN,
            ["Cyberaanval", "Extern", "risicofunctionaris", 4, 4, 3, 3, 9],
            ["Bestaand", "Intern", risicofunctionaris.email, 2, 2, 1, 1, ""],
        ]
    )
    response, importbestand = uploaden(risicofunctionaris, "risicos", bestand)

    assert response.status_code == 302
    assert importbestand.status == ImportStatus.GECONTROLEERD
    assert [r.get("actie") for r in importbestand.resultaat["rijen"]] == ["nieuw", "gewijzigd"]
    assert not Risico.objects.filter(titel="Cyberaanval").exists()
    assert Risico.objects.get(titel="Bestaand").bruto_kans is None


def test_the_import_writes_everything_with_a_history_entry_naming_file_and_user(
    uploaden, importeren, risicofunctionaris
):
    bestand = csv_bestand([KOPPEN, ["Cyberaanval", "Extern", "risicofunctionaris", 4, 4, 3, 3, 9]])
    _, importbestand = uploaden(risicofunctionaris, "risicos", bestand)
    importeren(importbestand)

    assert importbestand.status == ImportStatus.GEIMPORTEERD
    risico = Risico.objects.get(titel="Cyberaanval")
    assert (risico.netto_kans, risico.netto_impact, risico.risicobereidheid) == (3, 3, 9)
    reden = "geïmporteerd uit register.csv door risicofunctionaris (Geregistreerd)"
    assert risico.history.first().history_change_reason == reden
    assert risico.history.first().history_user == risicofunctionaris
    assert Scorewijziging.objects.get(risico=risico).netto_kans == 3
    # The upload itself is not kept once imported.
    assert not importbestand.bestand


def test_a_file_with_one_bad_row_imports_nothing_and_names_row_and_column(
    uploaden, importeren, risicofunctionaris
):
    bestand = csv_bestand(
        [
            KOPPEN,
            ["Eerste", "Extern", "risicofunctionaris", 4, 4, 3, 3, ""],
            ["Tweede", "Intern", "risicofunctionaris", 2, 2, 3, 1, ""],
            ["Derde", "Intern", "niemand", 9, 2, 1, 1, ""],
        ]
    )
    _, importbestand = uploaden(risicofunctionaris, "risicos", bestand)

    fouten = {r["rij"]: r["fouten"] for r in importbestand.resultaat["rijen"] if r.get("fouten")}
    assert set(fouten) == {3, 4}
    assert fouten[3] == [
        {
            "kolom": "Netto kans",
            "melding": "De netto kans (3) kan niet hoger zijn dan de bruto kans (2): "
            "maatregelen verlagen een risico.",
        }
    ]
    meldingen = {f["kolom"]: f["melding"] for f in fouten[4]}
    assert "Onbekende eigenaar 'niemand'" in meldingen["Eigenaar"]
    assert meldingen["Bruto kans"] == "9 ligt buiten 1–5."
    assert not importbestand.kan_importeren

    response = importeren(importbestand)
    assert response.status_code == 302
    assert not Risico.objects.exists()


def test_a_duplicate_key_in_the_file_is_an_error_on_the_second_row(uploaden, risicofunctionaris):
    bestand = csv_bestand(
        [
            KOPPEN[:3],
            ["Cyberaanval", "Extern", "risicofunctionaris"],
            ["cyberaanval", "Intern", "risicofunctionaris"],
        ]
    )
    _, importbestand = uploaden(risicofunctionaris, "risicos", bestand)
    fout = importbestand.resultaat["rijen"][1]["fouten"][0]
    assert fout == {"kolom": "Risico", "melding": "Staat al in rij 2 van dit bestand."}


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    uploaden, importeren, risicofunctionaris
):
    rijen = [KOPPEN, ["Cyberaanval", "Extern", "risicofunctionaris", 4, 4, 3, 3, 9]]
    _, eerste = uploaden(risicofunctionaris, "risicos", csv_bestand(rijen))
    importeren(eerste)
    historie = Risico.history.count()

    _, tweede = uploaden(risicofunctionaris, "risicos", csv_bestand(rijen))
    assert tweede.resultaat["ongewijzigd"] == 1
    importeren(tweede)
    assert tweede.status == ImportStatus.GEIMPORTEERD
    assert Risico.history.count() == historie
    assert Scorewijziging.objects.count() == 1


def test_round_trip_export_to_import_changes_nothing(
    client_voor, uploaden, importeren, risicofunctionaris
):
    RisicoFactory(
        titel="Cyberaanval",
        eigenaar=risicofunctionaris,
        bruto_kans=4,
        bruto_impact=4,
        netto_kans=3,
        netto_impact=2,
        risicobereidheid=6,
        toprisico=True,
        herbeoordeling=datetime.date(2026, 6, 30),
    )
    RisicoFactory(titel="Personeelstekort", eigenaar=risicofunctionaris)
    historie = Risico.history.count()
    for formaat in ("csv", "xlsx"):
        export = client_voor(risicofunctionaris).get(f"/risicos/?_export={formaat}")
        bestand = (csv_bestand if formaat == "csv" else xlsx_bestand)([], naam=f"r.{formaat}")
        bestand.file.write(export.content)
        bestand.file.seek(0)
        bestand.size = len(export.content)
        _, importbestand = uploaden(risicofunctionaris, "risicos", bestand)

        assert importbestand.resultaat["ongewijzigd"] == 2, importbestand.resultaat
        assert "" not in importbestand.kolommen  # every export header is recognised
        importeren(importbestand)
        assert importbestand.status == ImportStatus.GEIMPORTEERD
    assert Risico.history.count() == historie


def test_semicolon_csv_in_windows_1252_with_dutch_headers(uploaden, importeren, beheerder, pm):
    thema = ThemaFactory(naam="Slimme handhaving, soepele logistiek")
    periode = PeriodeFactory(jaar=2026, status=PeriodeStatus.OPEN)
    bestand = csv_bestand(
        [
            [
                "THEMA",
                "Naam initiatief",
                "e-mail",
                "Periode",
                "Kleur",
                "Toelichting",
                "Pad naar groen",
            ],  # fmt: skip
            [
                thema.naam,
                "Douane-loket",
                pm.email,
                str(periode),
                "Oranje",
                "Vertraging door één leverancier",
                "Nieuwe gunning in maart",
            ],  # fmt: skip
        ],
        scheiding=";",
        codering="cp1252",
    )
    _, importbestand = uploaden(beheerder, "initiatieven", bestand)
    assert importbestand.kolommen == [
        "thema",
        "naam",
        "eigenaar",
        "periode",
        "status",
        "toelichting",
        "pad_naar_groen",
    ]
    importeren(importbestand)

    assert importbestand.status == ImportStatus.GEIMPORTEERD, importbestand.resultaat
    rapportage = Statusrapportage.objects.get(initiatief__naam="Douane-loket")
    assert rapportage.toelichting == "Vertraging door één leverancier"
    assert rapportage.initiatief.eigenaar == pm
    assert rapportage.history.first().history_change_reason.startswith("geïmporteerd uit")


def test_oranje_without_toelichting_is_refused_by_the_services_rule(uploaden, beheerder, pm):
    initiatief = InitiatiefFactory(eigenaar=pm)
    PeriodeFactory(status=PeriodeStatus.OPEN)
    bestand = csv_bestand(
        [["Thema", "Initiatief", "Status"], [initiatief.thema.naam, initiatief.naam, "oranje"]]
    )
    _, importbestand = uploaden(beheerder, "initiatieven", bestand)
    meldingen = {f["kolom"]: f["melding"] for f in importbestand.resultaat["rijen"][0]["fouten"]}
    assert meldingen["Toelichting"] == "Een toelichting is verplicht bij oranje en rood."


def test_unknown_theme_is_named(uploaden, beheerder, pm):
    bestand = csv_bestand([["Thema", "Initiatief", "Eigenaar"], ["Onbekend", "X", "pm"]])
    _, importbestand = uploaden(beheerder, "initiatieven", bestand)
    assert importbestand.resultaat["rijen"][0]["fouten"] == [
        {"kolom": "Thema", "melding": "Onbekend thema 'Onbekend'."}
    ]


def test_findings_are_matched_on_title_within_report_and_updated(uploaden, importeren, auditor, pm):
    rapport = AuditrapportFactory(titel="Verantwoordingsonderzoek 2024")
    bevinding = BevindingFactory(rapport=rapport, titel="Inkoopbeheer", eigenaar=pm)
    bestand = xlsx_bestand(
        [
            ["Rapport", "Bevinding", "Soort", "Domein", "Eigenaar", "Verwacht opgelost"],
            [rapport.titel, "Inkoopbeheer", "Ernstige onvolkomenheid", "inkoop", "pm", 2027],
            [rapport.titel, "Grote geldstroom", "Onzekerheid", "geldstroom", "pm", "31-03-2027"],
        ]
    )
    _, importbestand = uploaden(auditor, "bevindingen", bestand)
    assert [r["actie"] for r in importbestand.resultaat["rijen"]] == ["gewijzigd", "nieuw"]
    importeren(importbestand)

    bevinding.refresh_from_db()
    assert (bevinding.soort, bevinding.verwacht_opgelost_jaar) == ("ernstige_onvolkomenheid", 2027)
    nieuw = rapport.bevindingen.get(titel="Grote geldstroom")
    assert nieuw.verwacht_opgelost_op == datetime.date(2027, 3, 31)


def test_a_column_mapped_by_hand_is_used(client_voor, uploaden, risicofunctionaris):
    bestand = csv_bestand(
        [["Risico", "Groep", "Wie"], ["Cyberaanval", "Extern", "risicofunctionaris"]]
    )
    _, importbestand = uploaden(risicofunctionaris, "risicos", bestand)
    assert importbestand.kolommen == ["titel", "", ""]
    assert importbestand.resultaat["fouten"] == 1

    client_voor(risicofunctionaris).post(
        f"/importeren/{importbestand.pk}/kolommen/",
        {"kolom_0": "titel", "kolom_1": "categorie", "kolom_2": "eigenaar"},
    )
    importbestand.refresh_from_db()
    assert importbestand.kolommen == ["titel", "categorie", "eigenaar"]
    assert importbestand.resultaat["nieuw"] == 1
    assert importbestand.kan_importeren


@pytest.mark.parametrize(
    ("naam", "inhoud", "melding"),
    [
        ("register.xlsx", b"gewoon tekst", "Dit is geen Excel-bestand"),
        ("register.csv", b"PK\x03\x04rest", "Dit is geen tekstbestand"),
        ("register.exe", b"MZ", "Kies een Excel-bestand"),
        ("register.csv", b"Risico,Categorie\r\n=HYPERLINK(1),Extern\r\n", "bevat een formule"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(
    uploaden, risicofunctionaris, naam, inhoud, melding
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response, importbestand = uploaden(
        risicofunctionaris, "risicos", SimpleUploadedFile(naam, inhoud)
    )
    assert response.status_code == 200
    assert melding in response.content.decode()
    assert importbestand is None


def test_an_xlsx_with_a_formula_is_refused(uploaden, risicofunctionaris):
    bestand = xlsx_bestand([KOPPEN[:3], ["Cyberaanval", "=1+1", "risicofunctionaris"]])
    response, importbestand = uploaden(risicofunctionaris, "risicos", bestand)
    assert "Rij 2 bevat een formule" in response.content.decode()
    assert importbestand is None


def test_a_zip_bomb_is_refused(uploaden, risicofunctionaris):
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    uit = io.BytesIO()
    with zipfile.ZipFile(uit, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/sharedStrings.xml", "A" * 50_000_000)
    response, importbestand = uploaden(
        risicofunctionaris, "risicos", SimpleUploadedFile("bom.xlsx", uit.getvalue())
    )
    assert "onredelijke grootte" in response.content.decode()
    assert importbestand is None


def test_size_and_row_caps_come_from_the_settings(uploaden, risicofunctionaris, settings):
    settings.IMPORTEREN_MAX_RIJEN = 2
    rijen = [KOPPEN[:3]] + [[f"R{i}", "Extern", "risicofunctionaris"] for i in range(3)]
    response, _ = uploaden(risicofunctionaris, "risicos", csv_bestand(rijen))
    assert "hoogstens 2 tegelijk" in response.content.decode()

    settings.IMPORTEREN_MAX_BYTES = 10
    response, _ = uploaden(risicofunctionaris, "risicos", csv_bestand(rijen[:2]))
    assert "groter dan" in response.content.decode()


def test_the_template_has_the_headers_a_sample_row_and_lists(client_voor, risicofunctionaris):
    import io

    from openpyxl import load_workbook

    response = client_voor(risicofunctionaris).get("/importeren/sjabloon/risicos.xlsx")
    blad = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in blad[1]][:3] == ["Risico", "Categorie", "Eigenaar"]
    assert blad["B2"].value == "Intern"
    lijsten = {str(v.sqref): v.formula1 for v in blad.data_validations.dataValidation}
    assert lijsten["B2:B5000"] == '"Extern,Intern"'


def test_a_redelivered_task_does_not_run_a_file_twice(uploaden, risicofunctionaris):
    from importeren import tasks, verwerken

    bestand = csv_bestand([KOPPEN[:3], ["Cyberaanval", "Extern", "risicofunctionaris"]])
    _, importbestand = uploaden(risicofunctionaris, "risicos", bestand)
    importbestand.status = ImportStatus.WACHTRIJ
    importbestand.opslaan = True
    importbestand.save()

    tasks.importbestand_verwerken(importbestand.pk)
    importbestand.refresh_from_db()
    assert importbestand.status == ImportStatus.GEIMPORTEERD
    historie = Risico.history.count()
    assert verwerken.claim(importbestand.pk) is None
    tasks.importbestand_verwerken(importbestand.pk)
    assert Risico.history.count() == historie


def test_uploads_never_imported_lose_their_file_after_a_day(uploaden, risicofunctionaris):
    import time_machine
    from django.utils import timezone

    from importeren import verwerken

    bestand = csv_bestand([KOPPEN[:3], ["Cyberaanval", "Extern", "risicofunctionaris"]])
    _, importbestand = uploaden(risicofunctionaris, "risicos", bestand)
    pad = importbestand.bestand.path
    verwerken.opruimen()
    importbestand.refresh_from_db()
    assert importbestand.bestand

    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        verwerken.opruimen()
    importbestand.refresh_from_db()
    assert not importbestand.bestand
    assert importbestand.resultaat["nieuw"] == 1
    import os

    assert not os.path.exists(pad)

    # A preview asked for afterwards says so, instead of failing.
    from importeren.verwerken import verwerk

    assert verwerk(importbestand, opslaan=False)["bestandsfouten"] == [
        "Het bestand is niet meer bewaard; upload het opnieuw."
    ]


def test_an_id_column_matches_explicitly_and_allows_renaming(
    uploaden, importeren, risicofunctionaris
):
    risico = RisicoFactory(titel="Cyberaanval", eigenaar=risicofunctionaris)
    rijen = [["ID", "Risico"], [risico.pk, "Cyberaanval op de aangifteketen"], [999999, "X"]]
    _, importbestand = uploaden(risicofunctionaris, "risicos", csv_bestand(rijen))
    assert importbestand.resultaat["rijen"][1]["fouten"] == [
        {"kolom": "ID", "melding": "Er is geen risico met ID 999999."}
    ]

    _, importbestand = uploaden(risicofunctionaris, "risicos", csv_bestand(rijen[:2]))
    importeren(importbestand)
    risico.refresh_from_db()
    assert risico.titel == "Cyberaanval op de aangifteketen"
    assert Risico.objects.count() == 1


def test_a_status_in_a_closed_period_keeps_the_services_own_reason(
    uploaden, importeren, beheerder, pm
):
    initiatief = InitiatiefFactory(eigenaar=pm, naam="Datalab")
    periode = PeriodeFactory(jaar=2025, soort="JAAR", status=PeriodeStatus.GESLOTEN)
    Statusrapportage.objects.create(initiatief=initiatief, periode=periode, status="groen")
    rijen = [
        ["Thema", "Initiatief", "Periode", "Status", "Toelichting"],
        [initiatief.thema.naam, "Datalab", "Jaar 2025", "rood", "Bijgesteld na de audit"],
    ]
    _, importbestand = uploaden(beheerder, "initiatieven", csv_bestand(rijen))
    importeren(importbestand)

    rapportage = Statusrapportage.objects.get(initiatief=initiatief, periode=periode)
    assert rapportage.status == "rood"
    assert rapportage.history.first().history_change_reason == (
        "geïmporteerd uit register.csv door beheerder (gewijzigd na sluiting van de periode)"
    )


def test_a_lezer_cannot_be_made_owner_by_import_as_in_the_forms(uploaden, risicofunctionaris):
    from douane_portfolio import rollen
    from tests.factories import UserFactory

    UserFactory(username="alleen_lezen", rol=rollen.LEZER)
    bestand = csv_bestand([KOPPEN, ["Eerste", "Extern", "alleen_lezen", 4, 4, 3, 3, ""]])
    _, importbestand = uploaden(risicofunctionaris, "risicos", bestand)

    fouten = importbestand.resultaat["rijen"][0]["fouten"]
    meldingen = {f["kolom"]: f["melding"] for f in fouten}
    assert meldingen["Eigenaar"] == (
        "Eigenaar 'alleen_lezen' heeft geen rol die eigenaar kan zijn (een Lezer leest alleen)."
    )
    assert not importbestand.kan_importeren

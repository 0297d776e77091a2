"""Downloadable XLSX templates: the headers, a sample row and the allowed values as
data-validation lists."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation


def sjabloon(soort):
    boek = Workbook()
    blad = boek.active
    blad.title = soort.label[:31]
    blad.append([k.kop for k in soort.kolommen])
    blad.append([k.voorbeeld for k in soort.kolommen])
    for cel in blad[1]:
        cel.font = Font(bold=True)
    for i, kolom in enumerate(soort.kolommen, start=1):
        letter = get_column_letter(i)
        blad.column_dimensions[letter].width = max(14, len(kolom.kop) + 4)
        if kolom.keuzes:
            lijst = DataValidation(
                type="list",
                formula1='"' + ",".join(kolom.keuzes) + '"',
                allow_blank=not kolom.verplicht,
                showErrorMessage=True,
                errorTitle="Ongeldige waarde",
                error="Kies een waarde uit de lijst.",
            )
            blad.add_data_validation(lijst)
            lijst.add(f"{letter}2:{letter}5000")
    blad.freeze_panes = "A2"
    uit = io.BytesIO()
    boek.save(uit)
    return uit.getvalue()

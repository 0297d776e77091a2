"""Loads chapter 3 of the Jaarrapportage Douane 2023 (the data: `demo_data`) for
`laad_demo`. Idempotent: rows are looked up before they are created."""

import datetime
from decimal import Decimal

from django.utils import timezone

from .demo_data import (
    AFDRACHTEN,
    AFDRACHTEN_RIJEN,
    BAND_CONTROLES,
    BAND_TOELICHTING,
    BRON,
    INDICATOREN,
    INITIATIEF_INDICATOREN,
    INITIATIEVEN,
    MIJLPALEN,
    THEMAS,
)
from .models import (
    Indicatorwaarde,
    Initiatief,
    Mijlpaal,
    Periodesoort,
    PeriodeStatus,
    Prestatieindicator,
    Rapportageperiode,
    Richting,
    Statusrapportage,
    Thema,
)


def _maak(model, zoek, velden, gebruiker=None):
    """get-or-create that writes nothing when the row exists (idempotent demo loading)."""
    bestaand = model.objects.filter(**zoek).first()
    if bestaand is not None:
        return bestaand, False
    obj = model(**zoek, **velden)
    obj._history_user = gebruiker
    obj._change_reason = f"overgenomen uit {BRON}"
    obj.save()
    return obj, True


def laad(*, gebruikers, stdout):
    themas = []
    for volgorde, (paragraaf, naam, doel) in enumerate(THEMAS, start=1):
        thema, _ = _maak(
            Thema, {"naam": naam}, {"paragraaf": paragraaf, "doel": doel, "volgorde": volgorde}
        )
        themas.append(thema)

    jaar_2023, _ = _maak(
        Rapportageperiode,
        {"jaar": 2023, "soort": Periodesoort.JAAR},
        {"status": PeriodeStatus.GESLOTEN},
    )

    initiatieven = {}
    nieuw = 0
    for volgorde, (thema_i, naam, eigenaar, status, toelichting, omschrijving) in enumerate(
        INITIATIEVEN, start=1
    ):
        initiatief, gemaakt = _maak(
            Initiatief,
            {"thema": themas[thema_i], "naam": naam},
            {"eigenaar": gebruikers[eigenaar], "omschrijving": omschrijving, "volgorde": volgorde},
        )
        nieuw += gemaakt
        initiatieven[naam] = initiatief
        if status:
            _maak(
                Statusrapportage,
                {"initiatief": initiatief, "periode": jaar_2023},
                {"status": status, "toelichting": toelichting, "bron": BRON},
            )

    for naam, omschrijving, deadline, status, afgerond_op in MIJLPALEN:
        initiatief = initiatieven[naam]
        _maak(
            Mijlpaal,
            {"initiatief": initiatief, "omschrijving": omschrijving},
            {
                "eigenaar": initiatief.eigenaar,
                "deadline": deadline,
                "status": status,
                "afgerond_op": afgerond_op,
            },
        )

    for volgorde, (groep, naam, eenheid, doel, realisatie) in enumerate(INDICATOREN, start=1):
        indicator, _ = _maak(
            Prestatieindicator,
            {"groep": groep, "naam": naam},
            {"eenheid": eenheid, "richting": Richting.HOGER, "volgorde": volgorde},
        )
        _maak(
            Indicatorwaarde,
            {"indicator": indicator, "periode": jaar_2023},
            {
                "doelstelling": Decimal(doel),
                "realisatie": Decimal(realisatie),
                "bandbreedte": BAND_CONTROLES,
                "toelichting": BAND_TOELICHTING,
            },
        )
    for volgorde, (naam, bedrag) in enumerate(AFDRACHTEN_RIJEN, start=1):
        indicator, _ = _maak(
            Prestatieindicator,
            {"groep": AFDRACHTEN, "naam": naam},
            {"eenheid": "x € 1.000", "richting": Richting.HOGER, "volgorde": volgorde},
        )
        _maak(
            Indicatorwaarde,
            {"indicator": indicator, "periode": jaar_2023},
            {"realisatie": Decimal(bedrag)},
        )
    for volgorde, (
        naam,
        indicator_naam,
        eenheid,
        richting,
        doel,
        realisatie,
        toelichting,
    ) in enumerate(INITIATIEF_INDICATOREN, start=1):
        initiatief = initiatieven[naam]
        indicator, _ = _maak(
            Prestatieindicator,
            {"groep": initiatief.naam, "naam": indicator_naam},
            {
                "eenheid": eenheid,
                "richting": richting,
                "initiatief": initiatief,
                "volgorde": volgorde,
            },
        )
        _maak(
            Indicatorwaarde,
            {"indicator": indicator, "periode": jaar_2023},
            {
                "doelstelling": None if doel is None else Decimal(doel),
                "realisatie": Decimal(realisatie),
                "toelichting": toelichting,
            },
        )

    open_periode = _open_ronde(gebruikers["beheerder"])
    stdout.write(
        f"Programma's: {len(themas)} thema's, {len(initiatieven)} initiatieven "
        f"({nieuw} nieuw); open ronde: {open_periode or 'geen'}."
    )


def _open_ronde(beheerder):
    """An open round for the current tertiary period, so the forms can be used at once."""
    if Rapportageperiode.objects.open().exists():
        return Rapportageperiode.objects.open().first()
    vandaag = timezone.localdate()
    soort = {1: Periodesoort.T1, 2: Periodesoort.T2, 3: Periodesoort.T3}[
        (vandaag.month - 1) // 4 + 1
    ]
    bestaand = Rapportageperiode.objects.filter(jaar=vandaag.year, soort=soort).first()
    if bestaand is not None:
        return None  # closed or planned by someone: leave the decision to them
    _, einde = Rapportageperiode.datums(vandaag.year, soort)
    periode, _ = _maak(
        Rapportageperiode,
        {"jaar": vandaag.year, "soort": soort},
        {
            "status": PeriodeStatus.OPEN,
            "geopend_op": timezone.now(),
            "indiendeadline": einde + datetime.timedelta(days=14),
        },
        gebruiker=beheerder,
    )
    return periode

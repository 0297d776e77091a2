"""Loads the audit findings of the report (the data: `demo_data`) for `laad_demo`.
Idempotent: rows are looked up by their natural key and only created when missing."""

from .demo_data import (
    BEVINDINGEN,
    OVERGENOMEN,
    RAPPORTEN,
    REDEN_TEM,
)
from .models import Auditrapport, Bevinding, Vervolgactie


def _maak(obj, reden=OVERGENOMEN):
    obj._change_reason = reden
    obj.full_clean()
    obj.save()
    return obj


def laad(*, gebruikers, stdout):
    rapporten = {}
    for sleutel, velden in RAPPORTEN.items():
        rapport = Auditrapport.objects.filter(
            instantie=velden["instantie"], titel=velden["titel"]
        ).first()
        if rapport is None:
            rapport = _maak(Auditrapport(**velden))
            stdout.write(f"Auditrapport '{rapport}' aangemaakt.")
        rapporten[sleutel] = rapport

    niet_gevonden = {"Initiatieven": set(), "Risico's": set()}
    for gegevens in BEVINDINGEN:
        rapport = rapporten[gegevens["rapport"]]
        bevinding = Bevinding.objects.filter(rapport=rapport, titel=gegevens["titel"]).first()
        if bevinding is None:
            bevinding = Bevinding(
                rapport=rapport,
                eigenaar=gebruikers[gegevens["eigenaar"]],
                **{
                    k: gegevens[k]
                    for k in (
                        "titel",
                        "soort",
                        "domein",
                        "status",
                        "verwacht_opgelost_jaar",
                        "omschrijving",
                        "bron",
                    )
                },
            )
            _maak(bevinding, gegevens.get("reden", OVERGENOMEN))
            stdout.write(f"Bevinding '{bevinding}' aangemaakt.")
        niet_gevonden["Initiatieven"] |= _koppel(
            bevinding, "initiatieven", "naam", gegevens["initiatieven"], OVERGENOMEN
        )
        niet_gevonden["Risico's"] |= _koppel(
            bevinding, "risicos", "titel", gegevens["risicos"], REDEN_TEM
        )
        for actie in gegevens["acties"]:
            if not Vervolgactie.objects.filter(
                bevinding=bevinding, omschrijving=actie["omschrijving"]
            ).exists():
                _maak(
                    Vervolgactie(
                        bevinding=bevinding,
                        oorspronkelijke_deadline=actie["deadline"],
                        **{**actie, "eigenaar": gebruikers[actie["eigenaar"]]},
                    )
                )
    for soort, namen in niet_gevonden.items():
        if namen:
            stdout.write(
                f"{soort} niet gevonden, bevindingen (nog) niet gekoppeld: "
                + ", ".join(sorted(namen))
            )


def _koppel(bevinding, relatie, veld, namen, reden):
    """Link initiatives or risks by name (`veld`); they exist only when the demo of their
    app ran first. Only missing links are added, so a second run writes nothing.

    Returns the names not found."""
    if not namen:
        return set()
    gekoppeld = getattr(bevinding, relatie)
    gevonden = list(gekoppeld.model.objects.filter(**{f"{veld}__in": namen}))
    al_gekoppeld = set(gekoppeld.values_list("pk", flat=True))
    ontbrekend = [o for o in gevonden if o.pk not in al_gekoppeld]
    if ontbrekend:
        # The reason goes on the history record of the link.
        bevinding._change_reason = reden
        gekoppeld.add(*ontbrekend)
    return set(namen) - {getattr(o, veld) for o in gevonden}

"""The audit findings of the Jaarrapportage Douane 2023 (§2.8, §3.4 and §4.2).

Only what the report says: the bodies, years, statuses and expected years as written.
The report names no owners, so demo users own the findings and actions. Where it gives
a year but no deadline for an action, the deadline is the last day of that year and
`bron` says so; where it names no year for an expected resolution, none is filled in.
The report gives no yearly judgements (nieuw / niet verbeterd / ...), so none are loaded.

Idempotent: every row is looked up by its natural key and only created when missing,
so a second run writes nothing (no rows, no history).
"""

import datetime

from .models import BevindingStatus, Instantie, Soort

BRON_28 = "Jaarrapportage Douane 2023, §2.8 Privacy op orde"
BRON_34 = "Jaarrapportage Douane 2023, §3.4 Verbetering interne beheersing Grote geldstroom"
BRON_42 = "Jaarrapportage Douane 2023, §4.2 Aanpak tekortkomingen ADR en Algemene Rekenkamer"
OVERGENOMEN = "Overgenomen uit de Jaarrapportage Douane 2023"

EIND_2024 = datetime.date(2024, 12, 31)
EIND_2025 = datetime.date(2025, 12, 31)
GEEN_DEADLINE = "geen deadline genoemd; hier het einde van {jaar}, {waarom}"

RAPPORTEN = {
    "vo2022": {
        "instantie": Instantie.ARK,
        "titel": "Verantwoordingsonderzoek 2022",
        "jaar": 2022,
        "toelichting": "De Algemene Rekenkamer merkt in het verantwoordingsonderzoek 2022 het "
        "inkoopbeheer en de grote geldstroom van de Douane aan als onvolkomenheid "
        "(jaarrapportage 2023, §4.2). De datum van het rapport staat niet in de "
        "jaarrapportage.",
    },
    "onzekerheden": {
        "instantie": Instantie.ADR,
        "titel": "Onzekerheden grote geldstroom",
        "jaar": None,
        "toelichting": "De ADR constateerde onzekerheden in de grote geldstroom: Diplomaten, "
        "Accijns en Verkeersbegeleidingstarief (jaarrapportage 2023, §3.4). Titel, jaar en "
        "datum van het ADR-rapport staan niet in de jaarrapportage; de titel hier is een "
        "werktitel.",
    },
    "wpg": {
        "instantie": Instantie.ADR,
        "titel": "Audit Wet politiegegevens (Wpg)",
        "jaar": 2021,
        "toelichting": "Audit van de Auditdienst Rijk in 2021 op de Wet politiegegevens. De "
        "Douane stelde een verbeterrapport op om de vastgestelde tekortkomingen op te lossen; "
        "in Q4 2023 voerde de ADR een hercontrole uit op de actiepunten met een deadline tot "
        "en met Q3 2023 (jaarrapportage 2023, §2.8).",
    },
    "toegang": {
        "instantie": Instantie.OVERIG,
        "titel": "Tekortkoming logische toegangsbeveiliging (rapport niet vermeld)",
        "jaar": None,
        "toelichting": "§4.2 van de jaarrapportage noemt deze tekortkoming onder 'Aanpak "
        "tekortkomingen Auditdienst Rijk en Algemene Rekenkamer', maar niet welke van beide "
        "haar vaststelde, in welk rapport of wanneer.",
    },
}

INITIATIEF_GROTE_GELDSTROOM = "Verbeteren Beheersing Grote Geldstroom"
INITIATIEF_SCRIPTBEHEER = "Verbeteren scriptbeheer"

# §3.4: the verbeterplan for the grote geldstroom addresses the ADR's onzekerheden and
# the ARK's onvolkomenheid; chapter 4 names that plan as the measure under this risk.
RISICO_TEM = (
    "Nederland moet Traditionele Eigen Middelen (TEM) en verdragingsrente nabetalen aan de EU"
)
REDEN_TEM = (
    f"{OVERGENOMEN}: het verbeterplan grote geldstroom pakt deze bevinding aan (§3.4) en is "
    "de maatregel bij het TEM-risico (hoofdstuk 4)"
)

BEVINDINGEN = (
    {
        "rapport": "vo2022",
        "titel": "Onvolkomenheid inkoopbeheer",
        "soort": Soort.ONVOLKOMENHEID,
        "domein": "inkoopbeheer",
        "status": BevindingStatus.IN_UITVOERING,
        "verwacht_opgelost_jaar": 2024,
        "eigenaar": "programmamanager",
        "bron": BRON_42,
        "omschrijving": "De Algemene Rekenkamer merkt het inkoopbeheer aan als onvolkomenheid "
        "in het verantwoordingsonderzoek 2022. De Douane heeft de aanpak geïntensiveerd: via "
        "een meerjarige programmatische aanpak worden verbeteringen uitgewerkt en "
        "geïmplementeerd, conform planning. De verwachting is dat de onvolkomenheid in 2024 "
        "is opgelost.",
        "initiatieven": (),
        "risicos": (),
        "acties": (
            {
                "omschrijving": "Verbeteringen in het inkoopbeheer uitwerken en implementeren "
                "via de meerjarige programmatische aanpak",
                "deadline": EIND_2024,
                "status": "in_uitvoering",
                "eigenaar": "programmamanager",
                "bron": f"{BRON_42}; "
                + GEEN_DEADLINE.format(jaar=2024, waarom="het verwachte jaar van oplossing"),
            },
        ),
    },
    {
        "rapport": "vo2022",
        "titel": "Onvolkomenheid grote geldstroom",
        "soort": Soort.ONVOLKOMENHEID,
        "domein": "grote geldstroom",
        "status": BevindingStatus.IN_UITVOERING,
        "verwacht_opgelost_jaar": 2025,
        "eigenaar": "programmamanager2",
        "bron": f"{BRON_42}; {BRON_34}",
        "omschrijving": "De Algemene Rekenkamer merkt de grote geldstroom aan als "
        "onvolkomenheid in het verantwoordingsonderzoek 2022. De inzet van de Douane is erop "
        "gericht deze onvolkomenheid in 2025 op te lossen. Sinds 1 september 2023 voert de "
        "Douane het Verbeterplan 'Interne beheersing Grote geldstromen' uit.",
        "initiatieven": (INITIATIEF_GROTE_GELDSTROOM, INITIATIEF_SCRIPTBEHEER),
        "risicos": (RISICO_TEM,),
        "acties": (
            {
                "omschrijving": "Verbeterplan 'Interne beheersing Grote geldstromen' uitvoeren: "
                "het proces van interne beheersing versterken en managementinformatie beter "
                "ontsluiten",
                "deadline": EIND_2025,
                "status": "in_uitvoering",
                "eigenaar": "programmamanager2",
                "bron": f"{BRON_34}: uitvoering sinds 1 september 2023; "
                + GEEN_DEADLINE.format(
                    jaar=2025, waarom="het jaar waarin de onvolkomenheid opgelost moet zijn"
                ),
            },
            {
                "omschrijving": "Procesbeschrijvingen opstellen voor de 14 procesketens van de "
                "grote geldstroom, met een gekoppeld risicoregister (weging van de risico's en "
                "(voorstellen voor) beheersmaatregelen)",
                "deadline": EIND_2025,
                "status": "in_uitvoering",
                "eigenaar": "programmamanager2",
                "bron": f"{BRON_34}: 'Voor deze ketens loopt de planning op schema'; "
                + GEEN_DEADLINE.format(
                    jaar=2025, waarom="het jaar waarin de onvolkomenheid opgelost moet zijn"
                ),
            },
            {
                "omschrijving": "Eigen procedures voor scriptbeheer (datafixes met scripts) "
                "formuleren en met de gekoppelde beheersmaatregelen implementeren",
                "deadline": EIND_2024,
                "status": "in_uitvoering",
                "eigenaar": "programmamanager2",
                "bron": f"{BRON_34}: gestart eind 2023 en begin 2024, implementatie gepland "
                "voor 2024; deadline: het einde van 2024",
            },
        ),
    },
    {
        "rapport": "onzekerheden",
        "titel": "Onzekerheid Diplomaten",
        "soort": Soort.ONZEKERHEID,
        "domein": "grote geldstroom",
        "status": BevindingStatus.OPGELOST,
        "verwacht_opgelost_jaar": None,
        "eigenaar": "programmamanager2",
        "bron": BRON_34,
        "omschrijving": "De onzekerheid die de ADR constateerde met betrekking tot Diplomaten "
        "wordt op dit moment niet meer als onzekerheid aangemerkt.",
        "reden": f"{OVERGENOMEN} (§3.4): niet meer als onzekerheid aangemerkt.",
        "initiatieven": (INITIATIEF_GROTE_GELDSTROOM,),
        "risicos": (RISICO_TEM,),
        "acties": (),
    },
    {
        "rapport": "onzekerheden",
        "titel": "Onzekerheid Accijns",
        "soort": Soort.ONZEKERHEID,
        "domein": "grote geldstroom",
        "status": BevindingStatus.IN_UITVOERING,
        "verwacht_opgelost_jaar": None,
        "eigenaar": "programmamanager2",
        "bron": BRON_34,
        "omschrijving": "Met betrekking tot Accijns lopen bepaalde acties nog door in 2024. De "
        "Douane kreeg in 2023 meer inzicht in de beheersmaatregelen en zette enkele "
        "aanvullende maatregelen in. De verwachting is dat de acties in de loop van 2024 "
        "leiden tot verdere versterking van de interne beheersing en een reductie van de "
        "onzekerheid. Een jaar waarin de onzekerheid is opgelost noemt de jaarrapportage niet.",
        "initiatieven": (INITIATIEF_GROTE_GELDSTROOM,),
        "risicos": (RISICO_TEM,),
        "acties": (
            {
                "omschrijving": "Lopende acties Accijns afronden: interne beheersing verder "
                "versterken en de onzekerheid verminderen",
                "deadline": EIND_2024,
                "status": "in_uitvoering",
                "eigenaar": "programmamanager2",
                "bron": f"{BRON_34}: de acties lopen door in 2024; deadline: het einde van 2024",
            },
        ),
    },
    {
        "rapport": "onzekerheden",
        "titel": "Onzekerheid Verkeersbegeleidingstarief",
        "soort": Soort.ONZEKERHEID,
        "domein": "grote geldstroom",
        "status": BevindingStatus.IN_UITVOERING,
        "verwacht_opgelost_jaar": None,
        "eigenaar": "programmamanager2",
        "bron": BRON_34,
        "omschrijving": "Met betrekking tot het Verkeersbegeleidingstarief lopen bepaalde "
        "acties nog door in 2024. De verwachting is dat de acties in de loop van 2024 leiden "
        "tot verdere versterking van de interne beheersing en een reductie van de "
        "onzekerheid. Een jaar waarin de onzekerheid is opgelost noemt de jaarrapportage niet.",
        "initiatieven": (INITIATIEF_GROTE_GELDSTROOM,),
        "risicos": (RISICO_TEM,),
        "acties": (
            {
                "omschrijving": "Lopende acties Verkeersbegeleidingstarief afronden: interne "
                "beheersing verder versterken en de onzekerheid verminderen",
                "deadline": EIND_2024,
                "status": "in_uitvoering",
                "eigenaar": "programmamanager2",
                "bron": f"{BRON_34}: de acties lopen door in 2024; deadline: het einde van 2024",
            },
        ),
    },
    {
        "rapport": "wpg",
        "titel": "Tekortkomingen Wet politiegegevens",
        "soort": Soort.TEKORTKOMING,
        "domein": "privacy (Wpg)",
        "status": BevindingStatus.IN_UITVOERING,
        "verwacht_opgelost_jaar": None,
        "eigenaar": "programmamanager",
        "bron": BRON_28,
        "omschrijving": "Na de audit van de ADR in 2021 op de Wet politiegegevens stelde de "
        "Douane een verbeterrapport op om de vastgestelde tekortkomingen op te lossen. In Q4 "
        "2023 voerde de ADR een hercontrole uit, beperkt tot de actiepunten met een deadline "
        "tot en met Q3 2023; de uitkomst daarvan staat niet in de jaarrapportage. In 2024 gaat "
        "de Douane verder met de uitkomsten van het verbeterrapport.",
        "initiatieven": (),
        "risicos": (),
        "acties": (
            {
                "omschrijving": "Verder gaan met de uitkomsten van het verbeterrapport Wpg",
                "deadline": EIND_2024,
                "status": "open",
                "eigenaar": "programmamanager",
                "bron": f"{BRON_28}: 'In 2024 gaan we verder met de uitkomsten van het "
                "verbeterrapport'; deadline: het einde van 2024",
            },
            {
                "omschrijving": "Jaarlijkse interne Wpg-audit 2024 uitvoeren",
                "deadline": EIND_2024,
                "status": "open",
                "eigenaar": "auditor",
                "bron": f"{BRON_28}: 'Daarnaast vindt in 2024 ook de jaarlijkse interne Wpg "
                "audit plaats'; deadline: het einde van 2024",
            },
        ),
    },
    {
        "rapport": "toegang",
        "titel": "Tekortkoming logische toegangsbeveiliging",
        "soort": Soort.TEKORTKOMING,
        "domein": "logische toegangsbeveiliging",
        "status": BevindingStatus.OPGELOST,
        "verwacht_opgelost_jaar": None,
        "eigenaar": "programmamanager",
        "bron": BRON_42,
        "omschrijving": "De Douane heeft in 2023 gewerkt aan het oplossen van geconstateerde "
        "tekortkomingen. Dit resulteerde in het oplossen van de tekortkoming op de logische "
        "toegangsbeveiliging.",
        "reden": f"{OVERGENOMEN} (§4.2): opgelost in 2023.",
        "initiatieven": (),
        "risicos": (),
        "acties": (),
    },
)

"""The risks of chapter 4 of the Jaarrapportage Douane 2023, for `laad_demo`.

Only what the report says: the 7 top risks of end 2023 in its two groups, the measures
it lists under each, the 4 overarching measures and the risk dialogue of end October
2023. The report gives no scores, no risk appetite and no review dates, so none are
loaded: the risks show as "niet gescoord". Idempotent: rows are looked up before they
are created, so a second run writes nothing (no rows, no history).
"""

import datetime

from .models import (
    Categorie,
)

BRON = "Jaarrapportage Douane 2023, hoofdstuk 4"

# The report names no deadlines; its measures run under the jaarplan 2024 ("in 2024
# verder", "te beginnen met het jaarplan 2024"), so the end of 2024 is the deadline.
DEADLINE = datetime.date(2024, 12, 31)
# The report describes the state at the end of 2023.
PEILDATUM = datetime.date(2023, 12, 31)

# (title, category, initiatives of chapter 3 it plainly concerns, extra description,
#  [(measure, owner, done by the end of 2023?)])
RISICOS = (
    (
        "Onvoldoende medewerkers met de juiste kwalificaties beschikbaar voor het werk van "
        "de Douane",
        Categorie.INTERN,
        ("Vakmanschap behouden en versterken",),
        "",
        [
            (
                "Er is een omvangrijke set maatregelen in uitvoering, gericht op werving "
                "(campagne), maar ook op opleiden en binden en boeien van medewerkers (bijv. "
                "exitgesprekken).",
                "programmamanager2",
                False,
            ),
            (
                "Daarnaast onderkent het MT dat er ook andere, minder voor de hand liggende "
                "(meer creatieve) mitigerende maatregelen nodig zijn. Bijvoorbeeld automatisering "
                "en robotisering. Hier kijken we in 2024 verder naar.",
                "programmamanager2",
                False,
            ),
        ],
    ),
    (
        "Personele veiligheid en integriteit",
        Categorie.INTERN,
        ("Integriteit",),
        "",
        [
            (
                "Bureau BV&I is formeel gestart en wordt verder ingericht. Binnen het bureau "
                "plaatsen we specifieke expertise voor het maken van structurele risicoanalyses, "
                "het bepalen van (bij)passende maatregelen, het afhandelen van incidenten en het "
                "vergroten van het lerende vermogen. Daarbij staat de medewerker centraal.",
                "programmamanager2",
                False,
            ),
        ],
    ),
    (
        "Enorme toename van het aanbod van aangiftes dat tot knelpunten in de handhaving leidt",
        Categorie.EXTERN,
        ("E-Commerce",),
        "",
        [
            (
                "Samenwerking met de EU; DG-budget, DG-taxud, Belgische douane en andere "
                "lidstaten succesvol.",
                "programmamanager2",
                False,
            ),
            (
                "Minder controledruk bij bewezen betrouwbaarheid na herbeoordeling conformiteit "
                "van de aangiftes AEO vergunningen.",
                "programmamanager2",
                False,
            ),
            (
                "E-commerce, project actorgerichte aanpak is succesvol, er is een slag dieper "
                "gekeken naar waarden en oorsprong.",
                "programmamanager2",
                False,
            ),
            ("Duidelijk toekomstbeeld, zonodig opgeknipt in tranches", "programmamanager2", False),
        ],
    ),
    (
        "Ontbreken integrale inrichting en governance van Gegevensmanagement",
        Categorie.INTERN,
        ("Datamanagement",),
        "",
        [
            (
                "Verbetering datakwaliteit vanuit heldere verantwoordelijkheid, governancekant",
                "programmamanager",
                False,
            ),
            ("'Harde kant', neerzetten van een eigen dataplatform.", "programmamanager", False),
            (
                "Verbeteren van de datageletterdheid (onboarding, introductie nieuwe applicaties "
                "etc.)",
                "programmamanager",
                False,
            ),
            (
                "meer / betere samenwerking met HHB en DLTC, maar ook binnen IM",
                "programmamanager",
                False,
            ),
            (
                "Menskant deels opnieuw inrichten, zodat een volwassen dataorganisatie kan "
                "ontstaan.",
                "programmamanager",
                False,
            ),
        ],
    ),
    (
        "Een organisatiestructuur die niet flexibel genoeg is om op veranderingen te kunnen "
        "inspelen",
        Categorie.INTERN,
        ("Leiderschap en cultuur",),
        # The report's list of measures words this risk differently.
        "Bij de maatregelen in de jaarrapportage staat dit risico als: 'Niet flexibel genoeg "
        "zijn qua organisatiecultuur om op veranderingen te kunnen inspelen'.",
        [
            (
                "Specifieke aandacht voor cultuur en leiderschap (programma) en de "
                "veranderbereidheid (verandervermogen) van de organisatie",
                "programmamanager2",
                False,
            ),
            (
                "Oppakken 'rode draden' uit theatervoorstelling, extra voorstellingen voor "
                "nieuwe instroom.",
                "programmamanager2",
                False,
            ),
            # "op orde gebracht": done by the end of 2023, the report's reference date.
            ("MD beleid op orde gebracht", "programmamanager2", True),
            (
                "Basis 30 vormt belangrijk platform, verbeteren communicatie",
                "programmamanager2",
                False,
            ),
        ],
    ),
    (
        "Nederland moet Traditionele Eigen Middelen (TEM) en verdragingsrente nabetalen aan de EU",
        Categorie.INTERN,
        ("Verbeteren Beheersing Grote Geldstroom",),
        "",
        [
            (
                "Directie Operaties heeft een verbeterplan opgesteld voor het verbeteren van de "
                "z.g. grote geldstroom, zowel uitvoerend als qua monitoring. Dit plan wordt "
                "uitgevoerd met behulp van externe specialisten.",
                "programmamanager2",
                False,
            ),
            ("Wegwerken oude dossiers, opschonen boekhouding", "programmamanager2", False),
        ],
    ),
    (
        "DWU-verplichtingen",
        Categorie.EXTERN,
        (),
        "",
        [
            ("Ontwikkelen EU-datahub", "programmamanager", False),
            (
                "Heldere besluitvorming en betere communicatie, niet naar elkaar wijzen, "
                "ombuigen negatief sentiment (cultuur).",
                "programmamanager2",
                False,
            ),
            (
                "Samenwerking HHB (keuzes), IM (voortbrenging), OPS (implementeren), "
                "bijeenkomst organiseren medewerkers HHB en IM",
                "programmamanager2",
                False,
            ),
            ("Passend maken in (over)volle portfolio.", "beheerder", False),
        ],
    ),
)

# "Maatregelen welke zijn gericht op het voeren van regie om de gestelde doelen blijvend
# te realiseren": they belong to no single risk.
OVERKOEPELEND = (
    (
        "Groei naar risicovolwassen organisatie (ontwikkeling van risicomanagement)",
        "risicofunctionaris",
    ),
    ("Monitoren van de kwantitatieve doelstellingen/prestatie-indicatoren", "beheerder"),
    (
        "Risicomanagement in samenhang strategisch, tachtisch en operationeel niveau uitvoeren, "
        "ook binnen programma's en projecten",
        "risicofunctionaris",
    ),
    ("Programmatische aansturing met een integrale aanpak van thema's", "beheerder"),
)

DIALOOG_TITEL = "Risicodialoog oktober 2023"
# "De laatste sessie in 2023 was eind oktober"; the exact day is not in the report.
DIALOOG_DATUM = datetime.date(2023, 10, 31)
DIALOOG_BESLUITEN = (
    "De hele strategische risicomix is opnieuw besproken. Besloten is om de (top)risico's in "
    "2024 weer een verbetering aan te brengen en de strategische risico's nog meer/beter in "
    "lijn te brengen met de strategische plannen van de Douane, te beginnen met het jaarplan "
    "2024."
)
DIALOOG_CONCLUSIE = (
    "Besproken als onderdeel van de strategische risicomix. Besloten de (top)risico's in 2024 "
    "te verbeteren en beter in lijn te brengen met de strategische plannen, te beginnen met "
    "het jaarplan 2024."
)

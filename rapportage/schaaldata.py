"""A deterministic data set at the size of a whole ministry, for the scale benchmark.

Rows are built as model instances with ids chosen here (so links need no round trip)
and written in large batches: `COPY` on PostgreSQL, `executemany` elsewhere. Model
`save()` and signals are bypassed, so every constraint is honoured by construction;
history rows are written in bulk for the models whose pages read history.

Everything depends only on the seed, the scale and the reference date (`peildatum`):
deadlines and periods lie around that date, so "overdue" means the same on every run.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from audits.models import (
    Auditrapport,
    Beoordeling,
    Bevinding,
    BevindingStatus,
    Deadlineverschuiving,
    Instantie,
    Jaaroordeel,
    Oordeel,
    Soort,
    Verdict,
    Vervolgactie,
)
from douane_portfolio import rollen
from douane_portfolio.models import ActieStatus
from programmas.models import (
    Indicatorwaarde,
    Initiatief,
    Mijlpaal,
    Periodesoort,
    PeriodeStatus,
    Prestatieindicator,
    Rapportageperiode,
    Richting,
    Status,
    Statusrapportage,
    Thema,
)
from risicos.models import (
    Beheersmaatregel,
    Categorie,
    Dialoogrisico,
    DialoogStatus,
    Risico,
    Risicodialoog,
    RisicoStatus,
    Scorewijziging,
)

# Sizes at --schaal 1.0: ten times a single agency (issue 13).
BASIS = {
    "programmamanagers": 200,
    "beheerders": 10,
    "risicofunctionarissen": 40,
    "auditors": 40,
    "medewerkers": 1_710,
    "themas": 40,
    "initiatieven": 2_000,
    "statusrapportages": 12_000,
    "mijlpalen": 150_000,
    "indicatoren": 4_000,
    "indicatorwaarden": 20_000,
    "risicos": 20_000,
    "scorewijzigingen": 15_000,
    "maatregelen": 500_000,
    "dialogen": 200,
    "dialoogrisicos": 4_000,
    "auditrapporten": 2_000,
    "bevindingen": 20_000,
    "vervolgacties": 350_000,
    "jaaroordelen": 10_000,
}

# Above this scale SQLite is refused: the benchmark means PostgreSQL.
MAX_SCHAAL_SQLITE = 0.1
VOORVOEGSEL = "schaal-"
BATCH = 20_000

WOORDEN = (  # noqa: SIM905 (a word list reads best as words)
    "aangifte beheersing douane controle proces keten gegevens systeem levering "
    "risico analyse toezicht handhaving logistiek haven grens invoer uitvoer accijns "
    "verbetering planning capaciteit personeel opleiding informatie beveiliging "
    "toegang rapportage verantwoording kwaliteit monitoring ketenpartner ambulant "
    "scanner container vracht post e-commerce dienstverlening wetgeving uitvoering "
    "architectuur migratie vervanging aanbesteding contract leverancier budget "
    "prioriteit besluit overleg stuurgroep programma project mijlpaal oplevering "
).split()
DOMEINEN = (  # noqa: SIM905 (a word list reads best as words)
    "inkoopbeheer grote geldstroom logische toegangsbeveiliging accijns "
    "douanerechten IT-beheer scriptbeheer personeelsdossiers verplichtingenbeheer "
    "voorraadbeheer continuïteit privacy archivering subsidies btw-import "
    "vergunningen procesbeschrijvingen datakwaliteit wijzigingenbeheer back-up "
).split()


def omvang(schaal):
    """{what: how many} at `schaal`; at least one of each, so tiny scales stay whole."""
    return {k: max(1, round(v * schaal)) for k, v in BASIS.items()}


@dataclass
class Resultaat:
    aantallen: dict = field(default_factory=dict)
    historie: int = 0
    tabellen: list = field(default_factory=list)


class Schrijver:
    """Writes model instances in batches without `save()` or signals; counts rows."""

    def __init__(self, nu, resultaat):
        self.nu = nu
        self.resultaat = resultaat
        self.tabellen = set()
        self.postgres = connection.vendor == "postgresql"

    def schrijf(self, model, objs, naam=None):
        if not objs:
            return
        meta = model._meta
        velden = [
            f
            for f in meta.concrete_fields
            if not (f.primary_key and getattr(objs[0], f.attname) is None) and not f.generated
        ]
        rijen = [
            tuple(f.get_db_prep_save(self._waarde(f, o), connection) for f in velden) for o in objs
        ]
        qn = connection.ops.quote_name
        self.tabellen.add(meta.db_table)
        tabel = qn(meta.db_table)
        kolommen = ", ".join(qn(f.column) for f in velden)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.copy(f"COPY {tabel} ({kolommen}) FROM STDIN") as copy:
                    for rij in rijen:
                        copy.write_row(rij)
            else:
                plekken = ", ".join(["%s"] * len(velden))
                # Quoted identifiers from the model's metadata; the values are parameters.
                sql = f"INSERT INTO {tabel} ({kolommen}) VALUES ({plekken})"  # nosec B608
                cursor.executemany(sql, rijen)
        if naam:
            self.resultaat.aantallen[naam] = self.resultaat.aantallen.get(naam, 0) + len(objs)

    def _waarde(self, f, obj):
        waarde = getattr(obj, f.attname)
        if waarde is None and (getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)):
            return self.nu
        return waarde

    def historie(self, model, objs, moment, door, begin=None):
        """History rows for `objs`: "+" at `moment(o)` by `door(o)`; with `begin(o)`
        (field values at creation) a "~" row for the present state when it differs."""
        historisch = model.history.model
        velden = [f.attname for f in historisch.tracked_fields]
        rijen = []
        for o in objs:
            huidig = {v: getattr(o, v) for v in velden}
            eerst = {**huidig, **(begin(o) if begin else {})}
            wanneer = moment(o)
            rijen.append(
                historisch(
                    history_date=wanneer,
                    history_type="+",
                    history_user_id=door(o),
                    history_change_reason=None,
                    **eerst,
                )
            )
            if eerst != huidig:
                rijen.append(
                    historisch(
                        history_date=wanneer + datetime.timedelta(days=30),
                        history_type="~",
                        history_user_id=door(o),
                        history_change_reason=None,
                        **huidig,
                    )
                )
        self.schrijf(historisch, rijen)
        self.resultaat.historie += len(rijen)


def volgende_id(model):
    laatste = model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (laatste or 0) + 1


def leegmaken():
    """Remove every domain row (all four apps, the reminder ledger) and generated users."""
    modellen = []
    for label in ("rapportage", "audits", "risicos", "programmas"):
        modellen += list(apps.get_app_config(label).get_models(include_auto_created=True))
    for naam in ("Bezorging", "Verzending", "Herinnering"):
        modellen.append(apps.get_model("herinneringen", naam))
    tabellen = [m._meta.db_table for m in modellen]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            qn = connection.ops.quote_name
            # TRUNCATE refuses tables with deferred foreign-key checks still pending
            # (rows written earlier in the same transaction): run those checks first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"TRUNCATE {', '.join(qn(t) for t in tabellen)} RESTART IDENTITY CASCADE"
            )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            qn = connection.ops.quote_name
            for tabel in tabellen:
                # Table names from the models' metadata, quoted; no user input.
                cursor.execute(f"DELETE FROM {qn(tabel)}")  # nosec B608
    get_user_model().objects.filter(username__startswith=VOORVOEGSEL).delete()


def bestaat_al():
    return get_user_model().objects.filter(username__startswith=VOORVOEGSEL).exists()


class Generator:
    def __init__(self, *, schaal, zaad=42, peildatum=None):
        self.n = omvang(schaal)
        self.rnd = random.Random(zaad)
        self.peil = peildatum or timezone.localdate()
        self.nu = timezone.make_aware(datetime.datetime.combine(self.peil, datetime.time(9, 0)))
        self.resultaat = Resultaat()
        self.s = Schrijver(self.nu, self.resultaat)

    # -- small helpers --------------------------------------------------------------

    def tekst(self, minimum, maximum):
        woorden = self.rnd.choices(WOORDEN, k=self.rnd.randint(minimum, maximum))
        return (" ".join(woorden)).capitalize() + "."

    def dag(self, van, tot):
        """A date between peildatum + `van` and + `tot` days."""
        return self.peil + datetime.timedelta(days=self.rnd.randint(van, tot))

    def moment(self, datum):
        return timezone.make_aware(datetime.datetime.combine(datum, datetime.time(10, 0)))

    def actiestatus(self, deadline):
        """Status and completion date as an action around peildatum would have them."""
        r = self.rnd.random()
        if deadline < self.peil:
            if r < 0.72:
                return ActieStatus.AFGEROND, min(deadline, self.peil)
            if r < 0.77:
                return ActieStatus.VERVALLEN, None
        elif r < 0.1:
            return ActieStatus.AFGEROND, self.peil - datetime.timedelta(days=1)
        if self.rnd.random() < 0.5:
            return ActieStatus.OPEN, None
        return ActieStatus.IN_UITVOERING, None

    # -- the data set ----------------------------------------------------------------

    @transaction.atomic
    def genereer(self):
        self.gebruikers()
        self.programmas()
        self.risicos()
        self.audits()
        if connection.vendor == "postgresql":
            self.reeksen_bijwerken()
        self.resultaat.tabellen = sorted(self.s.tabellen)
        return self.resultaat

    def reeksen_bijwerken(self):
        modellen = []
        for label in ("douane_portfolio", "programmas", "risicos", "audits"):
            modellen += list(apps.get_app_config(label).get_models(include_auto_created=True))
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), modellen):
                cursor.execute(sql)

    def gebruikers(self):
        User = get_user_model()
        rollen.rollen_bijwerken()
        groepen = dict(Group.objects.values_list("name", "pk"))
        n = self.n
        soorten = (
            ("beheerder", n["beheerders"], rollen.BEHEERDER),
            ("pm", n["programmamanagers"], rollen.PROGRAMMAMANAGER),
            ("rf", n["risicofunctionarissen"], rollen.RISICOFUNCTIONARIS),
            ("auditor", n["auditors"], rollen.AUDITOR),
            ("medewerker", n["medewerkers"], rollen.LEZER),
        )
        pk = volgende_id(User)
        self.per_rol = {}
        users, lidmaatschappen = [], []
        Lid = User.groups.through
        for soort, aantal, rol in soorten:
            ids = []
            for i in range(1, aantal + 1):
                # Managers: beheerders lead the PMs, risk officers and auditors; each
                # employee reports to a programme manager.
                if soort == "beheerder":
                    manager = None
                elif soort == "medewerker":
                    manager = self.rnd.choice(self.per_rol["pm"])
                else:
                    manager = self.rnd.choice(self.per_rol["beheerder"])
                naam = f"{VOORVOEGSEL}{soort}-{i:04d}"
                users.append(
                    User(
                        pk=pk,
                        username=naam,
                        password="!",  # unusable: these accounts never log in
                        first_name=soort.capitalize(),
                        last_name=f"{i:04d}",
                        email=f"{naam}@douane.example",
                        is_staff=soort == "beheerder",
                        is_active=True,
                        is_superuser=False,
                        date_joined=self.nu,
                        manager_id=manager,
                    )
                )
                lidmaatschappen.append(Lid(user_id=pk, group_id=groepen[rol]))
                ids.append(pk)
                pk += 1
            self.per_rol[soort] = ids
        self.s.schrijf(User, users, "gebruikers")
        self.s.schrijf(Lid, lidmaatschappen)
        self.iedereen = [u.pk for u in users]

    def programmas(self):
        n, rnd = self.n, self.rnd
        # Themes and periods are few: saved one by one (their history comes along).
        # Numbered after the demo's themes, so `laad_demo` still fits in alongside.
        bestaand = Thema.objects.order_by("-volgorde").values_list("volgorde", flat=True)
        begin = max(bestaand.first() or 0, 100)
        themas = [
            Thema.objects.create(
                naam=f"Schaalthema {i:03d}",
                paragraaf=f"9.{i}",
                volgorde=begin + i,
                doel=self.tekst(8, 20),
            ).pk
            for i in range(1, n["themas"] + 1)
        ]
        self.perioden = self.maak_perioden()
        gesloten = [p for p in self.perioden if p.status == PeriodeStatus.GESLOTEN]

        pk = volgende_id(Initiatief)
        initiatieven = []
        for i in range(n["initiatieven"]):
            initiatieven.append(
                Initiatief(
                    pk=pk + i,
                    thema_id=themas[i % len(themas)],
                    naam=f"Initiatief {i + 1:05d} {rnd.choice(WOORDEN)}",
                    omschrijving=self.tekst(20, 80),
                    eigenaar_id=rnd.choice(self.per_rol["pm"]),
                    volgorde=i // len(themas),
                    actief=rnd.random() < 0.95,
                    versie=1,
                )
            )
        self.s.schrijf(Initiatief, initiatieven, "initiatieven")
        beheerder = self.per_rol["beheerder"][0]
        self.s.historie(
            Initiatief,
            initiatieven,
            lambda o: self.moment(self.peil - datetime.timedelta(days=800)),
            lambda o: beheerder,
        )
        self.initiatieven = [(o.pk, o.eigenaar_id) for o in initiatieven]

        # Status reports: an exact number of (initiative, period) pairs, drawn at random.
        paren = [(ini, p) for ini in initiatieven for p in self.perioden]
        gekozen = sorted(rnd.sample(range(len(paren)), min(n["statusrapportages"], len(paren))))
        pk = volgende_id(Statusrapportage)
        rapportages = []
        for j, index in enumerate(gekozen):
            ini, periode = paren[index]
            status = rnd.choices(Status.values, weights=(60, 28, 12))[0]
            ingediend = self.moment(min(periode.einddatum, self.peil))
            rapportages.append(
                Statusrapportage(
                    pk=pk + j,
                    initiatief_id=ini.pk,
                    periode_id=periode.pk,
                    status=status,
                    toelichting=self.tekst(15, 60)
                    if status != Status.GROEN or rnd.random() < 0.3
                    else "",
                    pad_naar_groen=self.tekst(10, 40) if status != Status.GROEN else "",
                    ingediend_door_id=ini.eigenaar_id,
                    ingediend_op=ingediend,
                    bron="",
                    versie=1,
                )
            )
        self.s.schrijf(Statusrapportage, rapportages, "statusrapportages")
        self.s.historie(
            Statusrapportage, rapportages, lambda o: o.ingediend_op, lambda o: o.ingediend_door_id
        )

        # Milestones, in batches (150,000 at full size).
        pk = volgende_id(Mijlpaal)
        medewerkers = self.per_rol["medewerker"]
        batch = []
        for i in range(n["mijlpalen"]):
            ini_pk, pm = self.initiatieven[i % len(self.initiatieven)]
            oorspronkelijk = self.dag(-730, 365)
            deadline = (
                oorspronkelijk
                if rnd.random() < 0.85
                else oorspronkelijk + datetime.timedelta(days=rnd.randint(14, 120))
            )
            status, afgerond = self.actiestatus(deadline)
            batch.append(
                Mijlpaal(
                    pk=pk + i,
                    initiatief_id=ini_pk,
                    omschrijving=self.tekst(6, 30),
                    eigenaar_id=pm if rnd.random() < 0.6 else rnd.choice(medewerkers),
                    deadline=deadline,
                    oorspronkelijke_deadline=oorspronkelijk,
                    status=status,
                    afgerond_op=afgerond,
                    aangemaakt_op=self.moment(oorspronkelijk - datetime.timedelta(days=200)),
                    versie=1,
                )
            )
            if len(batch) == BATCH:
                self.acties_schrijven(Mijlpaal, batch, "mijlpalen")
                batch = []
        self.acties_schrijven(Mijlpaal, batch, "mijlpalen")

        # Indicators: general ones and per initiative, with values in closed periods.
        pk = volgende_id(Prestatieindicator)
        indicatoren = []
        for i in range(n["indicatoren"]):
            ini = initiatieven[i % len(initiatieven)] if i % 5 else None
            indicatoren.append(
                Prestatieindicator(
                    pk=pk + i,
                    naam=f"Indicator {i + 1:05d} {rnd.choice(WOORDEN)}",
                    groep=f"Schaalgroep {i % 25:02d}",
                    eenheid=rnd.choice(("%", "aantal", "EUR", "dagen")),
                    richting=Richting.LAGER if rnd.random() < 0.2 else Richting.HOGER,
                    initiatief_id=ini.pk if ini else None,
                    volgorde=i,
                    versie=1,
                )
            )
        self.s.schrijf(Prestatieindicator, indicatoren, "indicatoren")
        self.s.historie(
            Prestatieindicator,
            indicatoren,
            lambda o: self.moment(self.peil - datetime.timedelta(days=800)),
            lambda o: beheerder,
        )
        paren = [(ind, p) for ind in indicatoren for p in gesloten]
        gekozen = sorted(rnd.sample(range(len(paren)), min(n["indicatorwaarden"], len(paren))))
        pk = volgende_id(Indicatorwaarde)
        waarden = []
        for j, index in enumerate(gekozen):
            ind, periode = paren[index]
            doel = Decimal(rnd.randint(50, 1000)) if rnd.random() < 0.8 else None
            realisatie = (
                (doel or Decimal(500)) * Decimal(rnd.randint(80, 110)) / 100
                if rnd.random() < 0.9
                else None
            )
            waarden.append(
                Indicatorwaarde(
                    pk=pk + j,
                    indicator_id=ind.pk,
                    periode_id=periode.pk,
                    doelstelling=doel,
                    realisatie=realisatie.quantize(Decimal("0.01"))
                    if realisatie is not None
                    else None,
                    bandbreedte=Decimal(rnd.choice((0, 2, 5, 10))) if doel is not None else None,
                    toelichting=self.tekst(5, 20) if rnd.random() < 0.3 else "",
                    versie=1,
                )
            )
        self.s.schrijf(Indicatorwaarde, waarden, "indicatorwaarden")
        self.s.historie(
            Indicatorwaarde,
            waarden,
            lambda o: self.moment(self.peil - datetime.timedelta(days=100)),
            lambda o: beheerder,
        )

    def maak_perioden(self):
        """The six closed periods before peildatum's tertial, and its tertial as the open
        round (unless another round is already open). Existing periods are reused."""
        tertiaal = (self.peil.month - 1) // 4 + 1
        wensen = []
        jaar, t = self.peil.year, tertiaal
        for _ in range(6):
            t -= 1
            if t == 0:
                jaar, t = jaar - 1, 3
            wensen.append((jaar, f"T{t}", PeriodeStatus.GESLOTEN))
        wensen[-1] = (self.peil.year - 1, Periodesoort.JAAR, PeriodeStatus.GESLOTEN)
        al_open = Rapportageperiode.objects.open().exists()
        wensen.append(
            (
                self.peil.year,
                f"T{tertiaal}",
                PeriodeStatus.GEPLAND if al_open else PeriodeStatus.OPEN,
            )
        )
        perioden = []
        for jaar, soort, status in wensen:
            periode = Rapportageperiode.objects.filter(jaar=jaar, soort=soort).first()
            if periode is None:
                begin, eind = Rapportageperiode.datums(jaar, soort)
                periode = Rapportageperiode.objects.create(
                    jaar=jaar,
                    soort=soort,
                    status=status,
                    indiendeadline=eind + datetime.timedelta(days=14),
                    geopend_op=self.moment(eind - datetime.timedelta(days=14)),
                    gesloten_op=self.moment(eind + datetime.timedelta(days=30))
                    if status == PeriodeStatus.GESLOTEN
                    else None,
                )
            perioden.append(periode)
        return perioden

    def acties_schrijven(self, model, batch, naam):
        """Actions and their history: created open, then the change to today's state."""
        self.s.schrijf(model, batch, naam)
        self.s.historie(
            model,
            batch,
            lambda o: o.aangemaakt_op,
            lambda o: o.eigenaar_id,
            begin=lambda o: {
                "status": ActieStatus.OPEN,
                "afgerond_op": None,
                "deadline": o.oorspronkelijke_deadline,
            },
        )

    def risicos(self):
        n, rnd = self.n, self.rnd
        eigenaren = self.per_rol["rf"] + self.per_rol["pm"][:20]
        pk = volgende_id(Risico)
        risicos, koppelingen, wijzigingen = [], [], []
        Koppeling = Risico.initiatieven.through
        for i in range(n["risicos"]):
            scores = {}
            if rnd.random() < 0.85:
                bk, bi = rnd.randint(1, 5), rnd.randint(1, 5)
                scores = {
                    "bruto_kans": bk,
                    "bruto_impact": bi,
                    "netto_kans": rnd.randint(1, bk),
                    "netto_impact": rnd.randint(1, bi),
                }
            risico = Risico(
                pk=pk + i,
                titel=f"Risico {i + 1:05d}: {' '.join(rnd.choices(WOORDEN, k=4))}",
                omschrijving=self.tekst(40, 120),
                oorzaak=self.tekst(15, 50),
                gevolg=self.tekst(15, 50),
                categorie=rnd.choice(Categorie.values),
                eigenaar_id=rnd.choice(eigenaren),
                risicobereidheid=rnd.randint(4, 16) if rnd.random() < 0.7 else None,
                toprisico=rnd.random() < 0.05,
                status=RisicoStatus.ACTIEF if rnd.random() < 0.9 else RisicoStatus.GESLOTEN,
                herbeoordeling=self.dag(-180, 180) if rnd.random() < 0.8 else None,
                bron="",
                versie=1,
                **scores,
            )
            risicos.append(risico)
            if rnd.random() < 0.3:
                for ini in rnd.sample(self.initiatieven, min(2, len(self.initiatieven))):
                    koppelingen.append(Koppeling(risico_id=risico.pk, initiatief_id=ini[0]))
                    if rnd.random() < 0.5:
                        break
        self.s.schrijf(Risico, risicos, "risicos")
        self.s.schrijf(Koppeling, koppelingen)
        self.s.historie(
            Risico,
            risicos,
            lambda o: self.moment(self.peil - datetime.timedelta(days=700)),
            lambda o: o.eigenaar_id,
        )
        gescoord = [r for r in risicos if r.netto_kans is not None]
        pk = volgende_id(Scorewijziging)
        for j, r in enumerate(rnd.sample(gescoord, min(n["scorewijzigingen"], len(gescoord)))):
            wijzigingen.append(
                Scorewijziging(
                    pk=pk + j,
                    risico_id=r.pk,
                    moment=self.moment(self.peil - datetime.timedelta(days=rnd.randint(30, 600))),
                    door_id=r.eigenaar_id,
                    reden="Eerste beoordeling. " + self.tekst(5, 15),
                    bruto_kans=r.bruto_kans,
                    bruto_impact=r.bruto_impact,
                    netto_kans=r.netto_kans,
                    netto_impact=r.netto_impact,
                )
            )
        self.s.schrijf(Scorewijziging, wijzigingen, "scorewijzigingen")
        self.risico_ids = [r.pk for r in risicos]

        # Dialogues with their agenda.
        pk = volgende_id(Risicodialoog)
        dialogen, deelnemers, punten = [], [], []
        Deelnemer = Risicodialoog.deelnemers.through
        for i in range(n["dialogen"]):
            datum = self.dag(-700, 90)
            if datum >= self.peil:
                status = DialoogStatus.GEPLAND
            else:
                status = DialoogStatus.VASTGESTELD if rnd.random() < 0.8 else DialoogStatus.GEHOUDEN
            voorzitter = rnd.choice(self.per_rol["rf"])
            dialogen.append(
                Risicodialoog(
                    pk=pk + i,
                    titel=f"Risicodialoog {i + 1:04d}",
                    datum=datum,
                    niveau=rnd.choice(("strategisch", "tactisch", "operationeel")),
                    voorzitter_id=voorzitter,
                    externe_deelnemers="",
                    besluiten=self.tekst(10, 40) if status != DialoogStatus.GEPLAND else "",
                    status=status,
                    vastgesteld_op=self.moment(datum)
                    if status == DialoogStatus.VASTGESTELD
                    else None,
                    vastgesteld_door_id=voorzitter if status == DialoogStatus.VASTGESTELD else None,
                    bron="",
                    versie=1,
                )
            )
            for u in rnd.sample(self.iedereen, min(4, len(self.iedereen))):
                deelnemers.append(Deelnemer(risicodialoog_id=pk + i, user_id=u))
        per_dialoog = max(1, n["dialoogrisicos"] // len(dialogen))
        dpk = volgende_id(Dialoogrisico)
        for d in dialogen:
            for volgorde, risico_pk in enumerate(
                rnd.sample(self.risico_ids, min(per_dialoog, len(self.risico_ids)))
            ):
                afgesproken = d.status != DialoogStatus.GEPLAND
                kans, impact = (
                    (rnd.randint(1, 5), rnd.randint(1, 5)) if afgesproken else (None, None)
                )
                punten.append(
                    Dialoogrisico(
                        pk=dpk,
                        dialoog_id=d.pk,
                        risico_id=risico_pk,
                        volgorde=volgorde,
                        netto_kans=kans,
                        netto_impact=impact,
                        conclusie=self.tekst(5, 20) if afgesproken else "",
                    )
                )
                dpk += 1
        self.s.schrijf(Risicodialoog, dialogen, "dialogen")
        self.s.schrijf(Deelnemer, deelnemers)
        self.s.schrijf(Dialoogrisico, punten, "dialoogrisicos")
        self.s.historie(
            Risicodialoog,
            dialogen,
            lambda o: self.moment(o.datum - datetime.timedelta(days=30)),
            lambda o: o.voorzitter_id,
        )
        self.s.historie(Dialoogrisico, punten, lambda o: self.nu, lambda o: None)
        dialoog_ids = [d.pk for d in dialogen]

        # Measures: most lower one or two risks, a few are overarching.
        pk = volgende_id(Beheersmaatregel)
        Link = Beheersmaatregel.risicos.through
        eigenaren = self.per_rol["rf"] + self.per_rol["medewerker"][:400] + self.per_rol["pm"]
        batch, links = [], []
        for i in range(n["maatregelen"]):
            oorspronkelijk = self.dag(-730, 365)
            status, afgerond = self.actiestatus(oorspronkelijk)
            m = Beheersmaatregel(
                pk=pk + i,
                omschrijving=self.tekst(6, 40),
                eigenaar_id=rnd.choice(eigenaren),
                deadline=oorspronkelijk,
                oorspronkelijke_deadline=oorspronkelijk,
                status=status,
                afgerond_op=afgerond,
                aangemaakt_op=self.moment(oorspronkelijk - datetime.timedelta(days=200)),
                dialoog_id=rnd.choice(dialoog_ids) if rnd.random() < 0.05 else None,
                bron="",
                versie=1,
            )
            batch.append(m)
            if rnd.random() >= 0.05:
                eerste = rnd.choice(self.risico_ids)
                links.append(Link(beheersmaatregel_id=m.pk, risico_id=eerste))
                if rnd.random() < 0.1:
                    tweede = rnd.choice(self.risico_ids)
                    if tweede != eerste:
                        links.append(Link(beheersmaatregel_id=m.pk, risico_id=tweede))
            if len(batch) == BATCH:
                self.maatregelen_schrijven(batch, links)
                batch, links = [], []
        self.maatregelen_schrijven(batch, links)

    def maatregelen_schrijven(self, batch, links):
        self.s.schrijf(Beheersmaatregel, batch, "maatregelen")
        self.s.schrijf(Beheersmaatregel.risicos.through, links)
        self.s.historie(Beheersmaatregel, batch, lambda o: o.aangemaakt_op, lambda o: o.eigenaar_id)

    def audits(self):
        n, rnd = self.n, self.rnd
        pk = volgende_id(Auditrapport)
        rapporten = []
        for i in range(n["auditrapporten"]):
            jaar = self.peil.year - rnd.randint(1, 5)
            rapporten.append(
                Auditrapport(
                    pk=pk + i,
                    instantie=rnd.choices(Instantie.values, weights=(50, 20, 25, 5))[0],
                    titel=f"Schaalrapport {i + 1:05d}",
                    jaar=jaar,
                    datum=datetime.date(jaar, rnd.randint(1, 12), rnd.randint(1, 28)),
                    toelichting=self.tekst(10, 30),
                    versie=1,
                )
            )
        self.s.schrijf(Auditrapport, rapporten, "auditrapporten")
        auditor = self.per_rol["auditor"]
        self.s.historie(
            Auditrapport, rapporten, lambda o: self.moment(o.datum), lambda o: auditor[0]
        )

        eigenaren = self.per_rol["pm"] + self.per_rol["medewerker"][:300]
        pk = volgende_id(Bevinding)
        bevindingen, risico_links, ini_links = [], [], []
        RisicoLink = Bevinding.risicos.through
        IniLink = Bevinding.initiatieven.through
        for i in range(n["bevindingen"]):
            rapport = rnd.choice(rapporten)
            status = rnd.choices(BevindingStatus.values, weights=(10, 55, 10, 25))[0]
            datum = self.dag(-200, 500) if rnd.random() < 0.2 else None
            jaar = (
                datum.year
                if datum
                else (self.peil.year + rnd.randint(-2, 2) if rnd.random() < 0.8 else None)
            )
            domein = rnd.choice(DOMEINEN)
            b = Bevinding(
                pk=pk + i,
                rapport_id=rapport.pk,
                titel=f"Bevinding {i + 1:05d}: {domein}",
                soort=rnd.choice(Soort.values),
                domein=domein,
                omschrijving=self.tekst(30, 100),
                eigenaar_id=rnd.choice(eigenaren),
                status=status,
                verwacht_opgelost_jaar=jaar,
                verwacht_opgelost_op=datum,
                bron="",
                aangemaakt_op=self.moment(rapport.datum),
                versie=1,
            )
            bevindingen.append(b)
            if rnd.random() < 0.4:
                for risico_pk in set(rnd.choices(self.risico_ids, k=rnd.randint(1, 2))):
                    risico_links.append(RisicoLink(bevinding_id=b.pk, risico_id=risico_pk))
            if rnd.random() < 0.3:
                ini_links.append(
                    IniLink(bevinding_id=b.pk, initiatief_id=rnd.choice(self.initiatieven)[0])
                )
        self.s.schrijf(Bevinding, bevindingen, "bevindingen")
        self.s.schrijf(RisicoLink, risico_links)
        self.s.schrijf(IniLink, ini_links)
        self.s.historie(Bevinding, bevindingen, lambda o: o.aangemaakt_op, lambda o: auditor[0])

        # Verdicts of the body per year, for a sample of findings.
        pk = volgende_id(Jaaroordeel)
        oordelen = []
        for j, b in enumerate(rnd.sample(bevindingen, min(n["jaaroordelen"], len(bevindingen)))):
            oordelen.append(
                Jaaroordeel(
                    pk=pk + j,
                    bevinding_id=b.pk,
                    jaar=self.peil.year - 1,
                    oordeel=Oordeel.OPGELOST
                    if b.status == BevindingStatus.OPGELOST
                    else rnd.choice((Oordeel.NIEUW, Oordeel.NIET_VERBETERD, Oordeel.VERBETERD)),
                    toelichting=self.tekst(5, 20),
                    vastgelegd_door_id=rnd.choice(auditor),
                    vastgelegd_op=self.moment(datetime.date(self.peil.year - 1, 12, 1)),
                    versie=1,
                )
            )
        self.s.schrijf(Jaaroordeel, oordelen, "jaaroordelen")
        self.s.historie(
            Jaaroordeel, oordelen, lambda o: o.vastgelegd_op, lambda o: o.vastgelegd_door_id
        )

        # Reviews: pending for findings under review, agreed for resolved ones.
        beoordelingen = []
        pk = volgende_id(Beoordeling)
        for b in bevindingen:
            if b.status not in (BevindingStatus.TER_BEOORDELING, BevindingStatus.OPGELOST):
                continue
            akkoord = b.status == BevindingStatus.OPGELOST
            beoordelingen.append(
                Beoordeling(
                    pk=pk + len(beoordelingen),
                    bevinding_id=b.pk,
                    aangeboden_door_id=b.eigenaar_id,
                    aangeboden_op=self.moment(self.peil - datetime.timedelta(days=40)),
                    aanbieding=self.tekst(8, 25),
                    oordeel=Verdict.AKKOORD if akkoord else "",
                    toelichting="",
                    beoordeeld_door_id=rnd.choice(auditor) if akkoord else None,
                    beoordeeld_op=self.moment(self.peil - datetime.timedelta(days=20))
                    if akkoord
                    else None,
                )
            )
        self.s.schrijf(Beoordeling, beoordelingen, "beoordelingen")

        # Follow-up actions on findings that are being worked on (not the open ones).
        werk = [b for b in bevindingen if b.status != BevindingStatus.OPEN] or bevindingen
        pk = volgende_id(Vervolgactie)
        vpk = volgende_id(Deadlineverschuiving)
        actiehouders = self.per_rol["medewerker"] + self.per_rol["pm"]
        batch, verschuivingen = [], []
        for i in range(n["vervolgacties"]):
            b = werk[i % len(werk)] if i < len(werk) else rnd.choice(werk)
            oorspronkelijk = self.dag(-730, 365)
            uitgesteld = rnd.random() < 0.1
            deadline = (
                oorspronkelijk + datetime.timedelta(days=rnd.randint(14, 120))
                if uitgesteld
                else oorspronkelijk
            )
            if b.status in (BevindingStatus.TER_BEOORDELING, BevindingStatus.OPGELOST):
                status = ActieStatus.AFGEROND if rnd.random() < 0.9 else ActieStatus.VERVALLEN
                afgerond = (
                    min(deadline, self.peil - datetime.timedelta(days=41))
                    if status == ActieStatus.AFGEROND
                    else None
                )
            else:
                status, afgerond = self.actiestatus(deadline)
            eigenaar = rnd.choice(actiehouders)
            batch.append(
                Vervolgactie(
                    pk=pk + i,
                    bevinding_id=b.pk,
                    omschrijving=self.tekst(6, 40),
                    eigenaar_id=eigenaar,
                    deadline=deadline,
                    oorspronkelijke_deadline=oorspronkelijk,
                    status=status,
                    afgerond_op=afgerond,
                    aangemaakt_op=self.moment(oorspronkelijk - datetime.timedelta(days=200)),
                    bron="",
                    versie=1,
                    aantal_verschuivingen=int(uitgesteld),
                )
            )
            if uitgesteld:
                goedkeurder = b.eigenaar_id if b.eigenaar_id != eigenaar else auditor[0]
                verschuivingen.append(
                    Deadlineverschuiving(
                        pk=vpk,
                        actie_id=pk + i,
                        oude_deadline=oorspronkelijk,
                        nieuwe_deadline=deadline,
                        reden=self.tekst(5, 20),
                        goedgekeurd_door_id=goedkeurder,
                        vastgelegd_door_id=goedkeurder,
                        vastgelegd_op=self.moment(oorspronkelijk - datetime.timedelta(days=7)),
                    )
                )
                vpk += 1
            if len(batch) == BATCH:
                self.acties_schrijven(Vervolgactie, batch, "vervolgacties")
                self.s.schrijf(Deadlineverschuiving, verschuivingen, "deadlineverschuivingen")
                batch, verschuivingen = [], []
        self.acties_schrijven(Vervolgactie, batch, "vervolgacties")
        self.s.schrijf(Deadlineverschuiving, verschuivingen, "deadlineverschuivingen")

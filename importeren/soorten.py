"""What can be imported: per kind its columns, its key and how one row is written.

A row is written through the owning app's service where there is one, else with
`full_clean()` and a save that records who and why: the same rules as the forms.
The preview runs exactly this code and rolls it back (see verwerken.py).
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from audits.models import Auditrapport, Bevinding, Instantie, Soort, Vervolgactie
from audits.rules import beheert_audits
from audits.services import vervolgactie_toevoegen
from douane_portfolio.geschiedenis import bewaar_met_historie
from douane_portfolio.models import ActieStatus
from douane_portfolio.rules import is_beheerder
from programmas.models import (
    Indicatorwaarde,
    Initiatief,
    Prestatieindicator,
    Rapportageperiode,
    Status,
    Statusrapportage,
    Thema,
)
from programmas.services import indicatorwaarde_opslaan, statusrapportage_indienen
from programmas.views import standaard_periode
from risicos.models import Beheersmaatregel, Categorie, Risico, RisicoStatus
from risicos.rules import beheert_risicos
from risicos.services import risico_registreren, risico_scoren

from . import waarden as w


class RijFout(Exception):
    """Problems of one row: {field: message}."""

    def __init__(self, fouten):
        self.fouten = fouten
        super().__init__(fouten)


NIEUW, GEWIJZIGD, ONGEWIJZIGD = "nieuw", "gewijzigd", "ongewijzigd"


@dataclass(frozen=True)
class Kolom:
    veld: str
    kop: str  # the header of the app's own export and the template
    synoniemen: tuple = ()
    verplicht: bool = False  # for a new record
    voorbeeld: str = ""
    keuzes: tuple = ()  # allowed values, offered as a list in the template


@dataclass
class Context:
    """What a run reads once: people, lookups, existing records by key."""

    personen: w.Personen
    cache: dict = field(default_factory=dict)


def _stempel(obj, reden):
    """Give the newest history record of `obj` the import's reason, keeping the reason
    the service recorded (such as "gewijzigd na sluiting van de periode") after it."""
    laatste = obj.history.order_by("-history_id").first()
    if laatste is None or laatste.history_change_reason == reden:
        return
    eigen = laatste.history_change_reason
    nieuw = f"{reden} ({eigen})" if eigen and len(reden) + len(eigen) + 3 <= 100 else reden
    type(laatste).objects.filter(pk=laatste.pk).update(history_change_reason=nieuw)


class Lezer:
    """Reads the present columns of one row, collecting every problem at once."""

    def __init__(self, rij):
        self.rij = rij
        self.fouten = {}

    def __contains__(self, veld):
        return veld in self.rij

    def __call__(self, veld, omzetten=w.tekst, *args, **kwargs):
        try:
            return omzetten(self.rij.get(veld), *args, **kwargs)
        except ValueError as fout:
            self.fouten[veld] = str(fout)
            return None

    def klaar(self):
        if self.fouten:
            raise RijFout(self.fouten)


class Importsoort:
    naam = ""
    label = ""
    wie = staticmethod(is_beheerder)
    model = None
    kolommen = ()
    # The columns that identify a record; without them a file cannot be matched.
    sleutelvelden = ()
    # Computed columns of the app's export: recognised, never imported.
    genegeerd = ()
    # Model field -> column field, for messages of full_clean().
    veldnamen = {}

    def mag(self, user):
        # The role model of the issue, from the apps' own rules: the office imports
        # everything, risk officers risks and measures, auditors findings and actions.
        return self.wie(user)

    def kolom(self, veld):
        return next((k for k in self.kolommen if k.veld == veld), None)

    def context(self):
        return Context(personen=w.Personen(w.Personen.kandidaten(get_user_model())))

    def sleutel(self, rij):
        raise NotImplementedError

    def sleutel_van(self, rij):
        """The row's key within the file: its ID when it has one."""
        if not w.leeg(rij.get("id")):
            return ("id", w.tekst(rij["id"]))
        return self.sleutel(rij)

    def op_id(self, rij):
        """The record an explicit ID column names, or None without one."""
        if w.leeg(rij.get("id")):
            return None
        try:
            pk = w.geheel(rij["id"])
        except ValueError as fout:
            raise RijFout({"id": str(fout)})
        obj = self.model._default_manager.filter(pk=pk).first()
        if obj is None:
            raise RijFout({"id": f"Er is geen {self.model._meta.verbose_name} met ID {pk}."})
        return obj

    def verwerk(self, rij, *, door, reden, ctx):
        """Write one row; return NIEUW, GEWIJZIGD or ONGEWIJZIGD."""
        raise NotImplementedError


def _wijzig(obj, nieuw):
    """Set the values in `nieuw` that differ; return the names of those fields."""
    anders = [veld for veld, waarde in nieuw.items() if getattr(obj, veld, None) != waarde]
    for veld in anders:
        setattr(obj, veld, nieuw[veld])
    return anders


def _periodes():
    return {w.normaal(str(p)): p for p in Rapportageperiode.objects.all()}


def _periode(waarde, periodes):
    if w.leeg(waarde):
        return None
    periode = periodes.get(w.normaal(waarde))
    if periode is None:
        raise ValueError(
            f"Onbekende periode '{w.tekst(waarde)}' (bijvoorbeeld 2025 T1 of Jaar 2024)."
        )
    return periode


# An explicit ID (the record's number) wins over the natural key and allows renaming.
ID_KOLOM = Kolom("id", "ID", ("nummer", "id nummer"))

SCOREVELDEN = ("bruto_kans", "bruto_impact", "netto_kans", "netto_impact")


class Risicos(Importsoort):
    naam = "risicos"
    label = "Risico's"
    wie = staticmethod(beheert_risicos)
    model = Risico
    sleutelvelden = ("titel",)
    kolommen = (
        Kolom("titel", "Risico", ("titel", "naam", "risico titel"), True, "Tekort aan personeel"),
        Kolom("categorie", "Categorie", (), True, "Intern", ("Extern", "Intern")),
        Kolom("eigenaar", "Eigenaar", ("risico eigenaar", "e-mail", "gebruiker"), True, "risico"),
        Kolom("bruto_kans", "Bruto kans", ("kans bruto",), False, "4", ("1", "2", "3", "4", "5")),
        Kolom(
            "bruto_impact", "Bruto impact", ("impact bruto",), False, "4", ("1", "2", "3", "4", "5")
        ),
        Kolom("netto_kans", "Netto kans", ("kans netto",), False, "3", ("1", "2", "3", "4", "5")),
        Kolom(
            "netto_impact", "Netto impact", ("impact netto",), False, "3", ("1", "2", "3", "4", "5")
        ),
        Kolom("risicobereidheid", "Risicobereidheid", ("bereidheid", "risk appetite"), False, "9"),
        Kolom("toprisico", "Toprisico", ("top",), False, "ja", ("ja", "nee")),
        Kolom("status", "Status", (), False, "Actief", tuple(RisicoStatus.labels)),
        Kolom(
            "herbeoordeling", "Herbeoordeling", ("volgende herbeoordeling",), False, "2026-06-30"
        ),
        Kolom("omschrijving", "Omschrijving", ("beschrijving",)),
        Kolom("oorzaak", "Oorzaak"),
        Kolom("gevolg", "Gevolg", ("gevolgen",)),
        ID_KOLOM,
    )
    genegeerd = ("Bruto", "Netto", "Maatregelen", "Open bevindingen", "Boven risicobereidheid")

    def context(self):
        ctx = super().context()
        ctx.cache = {r.titel.lower(): r for r in Risico.objects.all()}
        return ctx

    def sleutel(self, rij):
        return w.tekst(rij.get("titel")).lower()

    def verwerk(self, rij, *, door, reden, ctx):
        lees = Lezer(rij)
        titel = lees("titel")
        nieuw = {}
        if "categorie" in lees:
            nieuw["categorie"] = lees("categorie", w.keuze, Categorie.choices)
        if "eigenaar" in lees:
            nieuw["eigenaar"] = lees("eigenaar", ctx.personen.zoek)
        for veld in ("omschrijving", "oorzaak", "gevolg"):
            if veld in lees:
                nieuw[veld] = lees(veld)
        if "risicobereidheid" in lees:
            nieuw["risicobereidheid"] = lees("risicobereidheid", w.geheel)
        if "toprisico" in lees:
            nieuw["toprisico"] = bool(lees("toprisico", w.ja_nee))
        if "status" in lees:
            nieuw["status"] = lees("status", w.keuze, RisicoStatus.choices) or RisicoStatus.ACTIEF
        if "herbeoordeling" in lees:
            nieuw["herbeoordeling"] = lees("herbeoordeling", w.datum)
        scores = {v: lees(v, w.geheel, van=1, tot=5) for v in SCOREVELDEN if v in lees}
        lees.klaar()

        risico = self.op_id(rij)
        if risico is not None:
            nieuw["titel"] = titel
        else:
            risico = ctx.cache.get(titel.lower())
        if risico is None:
            if not door.has_perm("risicos.add_risico"):
                raise PermissionDenied("U mag geen risico's toevoegen.")
            risico = Risico(titel=titel, **{k: v for k, v in nieuw.items() if v is not None})
            for veld, waarde in scores.items():
                setattr(risico, veld, waarde)
            risico_registreren(risico=risico, door=door)
            _stempel(risico, reden)
            ctx.cache[titel.lower()] = risico
            return NIEUW

        anders = _wijzig(risico, nieuw)
        nieuwe_scores = {v: scores.get(v, getattr(risico, v)) for v in SCOREVELDEN}
        scores_anders = any(getattr(risico, v) != nieuwe_scores[v] for v in SCOREVELDEN)
        if not anders and not scores_anders:
            return ONGEWIJZIGD
        if not door.has_perm("risicos.change_risico", risico):
            raise PermissionDenied("U mag dit risico niet wijzigen.")
        if anders:
            risico.full_clean()
            bewaar_met_historie(risico, door=door, reden=reden, verwachte_versie=risico.versie)
        if scores_anders:
            risico_scoren(risico=risico, reden=reden, door=door, **nieuwe_scores)
        return GEWIJZIGD


class Initiatieven(Importsoort):
    naam = "initiatieven"
    label = "Initiatieven"
    model = Initiatief
    sleutelvelden = ("thema", "naam")
    kolommen = (
        Kolom("thema", "Thema", ("doel",), True, "Datagedreven organisatie"),
        Kolom(
            "naam",
            "Initiatief",
            ("naam", "initiatief naam", "naam initiatief", "titel"),
            True,
            "Datalab",
        ),
        Kolom("eigenaar", "Eigenaar", ("programmamanager", "e-mail", "gebruiker"), True, "pm"),
        Kolom("omschrijving", "Omschrijving", ("beschrijving",)),
        Kolom("actief", "Actief", (), False, "ja", ("ja", "nee")),
        Kolom("volgorde", "Volgorde", (), False, "1"),
        Kolom("periode", "Periode", ("rapportageperiode",), False, "2025 T1"),
        Kolom("status", "Status", ("kleur",), False, "Oranje", tuple(Status.labels)),
        Kolom("toelichting", "Toelichting", ("uitleg",), False, "Vertraging in de aanbesteding"),
        Kolom(
            "pad_naar_groen", "Pad naar groen", ("pad", "terug naar groen"), False, "Gunning in mei"
        ),
        ID_KOLOM,
    )
    genegeerd = ("Trend t.o.v. vorige periode", "Trend", "Open mijlpalen", "Te late mijlpalen")

    def context(self):
        ctx = super().context()
        ctx.cache = {
            "initiatieven": {
                (i.thema_id, i.naam.lower()): i for i in Initiatief.objects.select_related("thema")
            },
            "themas": {w.normaal(t.naam): t for t in Thema.objects.all()}
            | {w.normaal(t.paragraaf): t for t in Thema.objects.exclude(paragraaf="")},
            "periodes": _periodes(),
        }
        return ctx

    def sleutel(self, rij):
        return (w.normaal(w.tekst(rij.get("thema"))), w.tekst(rij.get("naam")).lower())

    def _thema(self, waarde, ctx):
        if w.leeg(waarde):
            return None
        thema = ctx.cache["themas"].get(w.normaal(waarde))
        if thema is None:
            raise ValueError(f"Onbekend thema '{w.tekst(waarde)}'.")
        return thema

    def _status(self, waarde):
        if w.normaal(waarde) == "niet gerapporteerd":
            return None
        return w.keuze(waarde, Status.choices)

    def verwerk(self, rij, *, door, reden, ctx):
        lees = Lezer(rij)
        thema = lees("thema", self._thema, ctx)
        naam = lees("naam")
        nieuw = {}
        if "eigenaar" in lees:
            nieuw["eigenaar"] = lees("eigenaar", ctx.personen.zoek)
        if "omschrijving" in lees:
            nieuw["omschrijving"] = lees("omschrijving")
        if "actief" in lees:
            actief = lees("actief", w.ja_nee)
            nieuw["actief"] = True if actief is None else actief
        if "volgorde" in lees:
            nieuw["volgorde"] = lees("volgorde", w.geheel) or 0
        periode = lees("periode", _periode, ctx.cache["periodes"]) if "periode" in lees else None
        status = lees("status", self._status) if "status" in lees else None
        if thema is None and "thema" not in lees.fouten:
            lees.fouten["thema"] = "Vul het thema in."
        if not naam:
            lees.fouten["naam"] = "Vul de naam van het initiatief in."
        lees.klaar()

        resultaat = ONGEWIJZIGD
        initiatief = self.op_id(rij)
        if initiatief is not None:
            nieuw.update(thema=thema, naam=naam)
        else:
            initiatief = ctx.cache["initiatieven"].get((thema.pk, naam.lower()))
        if initiatief is None:
            if not door.has_perm("programmas.add_initiatief"):
                raise PermissionDenied("U mag geen initiatieven toevoegen.")
            initiatief = Initiatief(thema=thema, naam=naam)
            _wijzig(initiatief, {k: v for k, v in nieuw.items() if v is not None})
            initiatief.full_clean()
            bewaar_met_historie(initiatief, door=door, reden=reden)
            ctx.cache["initiatieven"][(thema.pk, naam.lower())] = initiatief
            resultaat = NIEUW
        elif _wijzig(initiatief, nieuw):
            if not door.has_perm("programmas.add_initiatief"):
                # The owner edits only the description on the web; the import is the office's.
                raise PermissionDenied("U mag dit initiatief niet wijzigen.")
            initiatief.full_clean()
            bewaar_met_historie(
                initiatief, door=door, reden=reden, verwachte_versie=initiatief.versie
            )
            resultaat = GEWIJZIGD

        if status:
            if periode is None:
                # The period the portfolio page (and so its export) shows by default.
                periode = standaard_periode()
                if periode is None:
                    raise RijFout(
                        {"periode": "Geef de periode van de status; er is nog geen enkele periode."}
                    )
            bestaand = Statusrapportage.objects.filter(
                initiatief=initiatief, periode=periode
            ).first()
            toelichting = lees("toelichting") if "toelichting" in lees else None
            pad = lees("pad_naar_groen") if "pad_naar_groen" in lees else None
            if bestaand is not None:
                toelichting = bestaand.toelichting if toelichting is None else toelichting
                pad = bestaand.pad_naar_groen if pad is None else pad
                if (bestaand.status, bestaand.toelichting, bestaand.pad_naar_groen) == (
                    status,
                    toelichting,
                    pad,
                ):
                    return resultaat
            rapportage = statusrapportage_indienen(
                initiatief=initiatief,
                periode=periode,
                status=status,
                toelichting=toelichting or "",
                pad_naar_groen=pad or "",
                door=door,
                verwachte_versie=bestaand.versie if bestaand else None,
            )
            _stempel(rapportage, reden)
            resultaat = GEWIJZIGD if resultaat == ONGEWIJZIGD else resultaat
        return resultaat


class Bevindingen(Importsoort):
    naam = "bevindingen"
    label = "Bevindingen"
    wie = staticmethod(beheert_audits)
    model = Bevinding
    sleutelvelden = ("rapport", "titel")
    kolommen = (
        Kolom(
            "instantie",
            "Instantie",
            ("auditor", "auditdienst"),
            False,
            "ADR",
            tuple(Instantie.labels),
        ),
        Kolom(
            "rapport",
            "Rapport",
            ("auditrapport", "rapport titel"),
            True,
            "Verantwoordingsonderzoek 2024",
        ),
        Kolom("titel", "Bevinding", ("titel", "naam"), True, "Inkoopbeheer"),
        Kolom(
            "soort", "Soort", ("type", "classificatie"), True, "Onvolkomenheid", tuple(Soort.labels)
        ),
        Kolom("domein", "Domein", ("terrein",), True, "inkoopbeheer"),
        Kolom("omschrijving", "Omschrijving", ("tekst", "beschrijving", "bevinding tekst")),
        Kolom("eigenaar", "Eigenaar", ("e-mail", "gebruiker"), True, "auditor"),
        Kolom(
            "verwacht",
            "Verwacht opgelost",
            ("verwacht jaar", "verwacht opgelost in"),
            False,
            "2026",
        ),
        ID_KOLOM,
    )
    genegeerd = ("Status", "Open acties", "Te laat", "Uitstel")
    veldnamen = {"verwacht_opgelost_jaar": "verwacht", "verwacht_opgelost_op": "verwacht"}

    def context(self):
        ctx = super().context()
        rapporten = list(Auditrapport.objects.all())
        per_titel = {}
        for r in rapporten:
            per_titel.setdefault(r.titel.lower(), []).append(r)
        ctx.cache = {
            "rapporten": per_titel,
            "bevindingen": {(b.rapport_id, b.titel.lower()): b for b in Bevinding.objects.all()},
        }
        return ctx

    def sleutel(self, rij):
        return (
            w.normaal(w.tekst(rij.get("instantie"))),
            w.tekst(rij.get("rapport")).lower(),
            w.tekst(rij.get("titel")).lower(),
        )

    def _rapport(self, titel, instantie, ctx):
        kandidaten = ctx.cache["rapporten"].get(titel.lower(), [])
        if instantie:
            kandidaten = [r for r in kandidaten if r.instantie == instantie]
        if not kandidaten:
            raise ValueError(f"Onbekend auditrapport '{titel}'; leg het rapport eerst vast.")
        if len(kandidaten) > 1:
            raise ValueError(f"Meer rapporten heten '{titel}'; vul ook de instantie in.")
        return kandidaten[0]

    def _verwacht(self, waarde):
        if w.leeg(waarde):
            return None, None
        if isinstance(waarde, int) or w.tekst(waarde).isdigit():
            return w.geheel(waarde), None
        d = w.datum(waarde)
        return d.year, d

    def verwerk(self, rij, *, door, reden, ctx):
        lees = Lezer(rij)
        instantie = lees("instantie", w.keuze, Instantie.choices, {"adr": "adr", "ark": "ark"})
        rapport_titel = lees("rapport")
        titel = lees("titel")
        rapport = None
        if rapport_titel:
            try:
                rapport = self._rapport(rapport_titel, instantie, ctx)
            except ValueError as fout:
                lees.fouten["rapport"] = str(fout)
        else:
            lees.fouten["rapport"] = "Vul het auditrapport in."
        if not titel:
            lees.fouten["titel"] = "Vul de titel van de bevinding in."
        nieuw = {}
        if "soort" in lees:
            nieuw["soort"] = lees("soort", w.keuze, Soort.choices)
        for veld in ("domein", "omschrijving"):
            if veld in lees:
                nieuw[veld] = lees(veld)
        if "eigenaar" in lees:
            nieuw["eigenaar"] = lees("eigenaar", ctx.personen.zoek)
        if "verwacht" in lees:
            verwacht = lees("verwacht", self._verwacht)
            if verwacht is not None:
                nieuw["verwacht_opgelost_jaar"], nieuw["verwacht_opgelost_op"] = verwacht
        lees.klaar()

        sleutel = (rapport.pk, titel.lower())
        bevinding = self.op_id(rij)
        if bevinding is not None:
            nieuw.update(rapport=rapport, titel=titel)
        else:
            bevinding = ctx.cache["bevindingen"].get(sleutel)
        if bevinding is None:
            if not door.has_perm("audits.add_bevinding"):
                raise PermissionDenied("U mag geen bevindingen vastleggen.")
            bevinding = Bevinding(rapport=rapport, titel=titel)
            _wijzig(bevinding, {k: v for k, v in nieuw.items() if v is not None})
            bevinding.full_clean()
            bewaar_met_historie(bevinding, door=door, reden=reden)
            ctx.cache["bevindingen"][sleutel] = bevinding
            return NIEUW
        # A year in the file does not wipe a known date in the same year.
        bekende_datum = bevinding.verwacht_opgelost_op
        if (
            nieuw.get("verwacht_opgelost_op", False) is None
            and bekende_datum
            and bekende_datum.year == nieuw["verwacht_opgelost_jaar"]
        ):
            nieuw.pop("verwacht_opgelost_op")
        if not _wijzig(bevinding, nieuw):
            return ONGEWIJZIGD
        if not door.has_perm("audits.change_bevinding", bevinding):
            raise PermissionDenied("U mag deze bevinding niet wijzigen.")
        bevinding.full_clean()
        bewaar_met_historie(bevinding, door=door, reden=reden, verwachte_versie=bevinding.versie)
        return GEWIJZIGD


# Actie.save() fills in the completion date from the status; the forms leave it out of
# validation the same way (it is no form field).
ACTIE_AFGELEID = ["afgerond_op"]

ACTIEKOLOMMEN = (
    Kolom("eigenaar", "Eigenaar", ("actiehouder", "e-mail", "gebruiker"), True, "pm"),
    Kolom("deadline", "Deadline", ("uiterlijk", "einddatum"), True, "2026-12-31"),
    Kolom("status", "Status", (), False, "Open", tuple(ActieStatus.labels)),
)


class Maatregelen(Importsoort):
    naam = "maatregelen"
    label = "Beheersmaatregelen"
    wie = staticmethod(beheert_risicos)
    model = Beheersmaatregel
    sleutelvelden = ("omschrijving",)
    kolommen = (
        Kolom("omschrijving", "Maatregel", ("omschrijving", "beheersmaatregel"), True, "Training"),
        Kolom("risicos", "Risico's", ("risico", "risicos"), False, "Tekort aan personeel"),
        *ACTIEKOLOMMEN,
        ID_KOLOM,
    )
    genegeerd = ("Afgesproken in",)

    def context(self):
        ctx = super().context()
        per_omschrijving = {}
        for m in Beheersmaatregel.objects.prefetch_related("risicos"):
            per_omschrijving.setdefault(m.omschrijving.strip().lower(), []).append(m)
        ctx.cache = {
            "maatregelen": per_omschrijving,
            "risicos": {r.titel.lower(): r for r in Risico.objects.all()},
        }
        return ctx

    def sleutel(self, rij):
        return w.tekst(rij.get("omschrijving")).lower()

    def _risicos(self, waarde, ctx):
        if w.leeg(waarde) or w.normaal(waarde) == "overkoepelend":
            return []
        titels = [t.strip() for t in w.tekst(waarde).split(";") if t.strip()]
        onbekend = [t for t in titels if t.lower() not in ctx.cache["risicos"]]
        if onbekend:
            raise ValueError(f"Onbekend risico: {', '.join(onbekend)}.")
        return [ctx.cache["risicos"][t.lower()] for t in titels]

    def _bestaand(self, rij, omschrijving, ctx):
        maatregel = self.op_id(rij)
        if maatregel is not None:
            return maatregel
        kandidaten = ctx.cache["maatregelen"].get(omschrijving.lower(), [])
        if len(kandidaten) > 1:
            raise RijFout(
                {"omschrijving": "Meer maatregelen hebben deze omschrijving; vul de kolom ID in."}
            )
        return kandidaten[0] if kandidaten else None

    def verwerk(self, rij, *, door, reden, ctx):
        lees = Lezer(rij)
        omschrijving = lees("omschrijving")
        nieuw = {}
        if "eigenaar" in lees:
            nieuw["eigenaar"] = lees("eigenaar", ctx.personen.zoek)
        if "deadline" in lees:
            nieuw["deadline"] = lees("deadline", w.datum)
        if "status" in lees:
            nieuw["status"] = lees("status", w.keuze, ActieStatus.choices) or ActieStatus.OPEN
        risicos = lees("risicos", self._risicos, ctx) if "risicos" in lees else None
        if not omschrijving:
            lees.fouten["omschrijving"] = "Vul de omschrijving van de maatregel in."
        lees.klaar()

        maatregel = self._bestaand(rij, omschrijving, ctx)
        if maatregel is None:
            if not door.has_perm("risicos.add_beheersmaatregel"):
                raise PermissionDenied("U mag geen beheersmaatregelen toevoegen.")
            maatregel = Beheersmaatregel(omschrijving=omschrijving)
            _wijzig(maatregel, {k: v for k, v in nieuw.items() if v is not None})
            maatregel.full_clean(exclude=ACTIE_AFGELEID)
            bewaar_met_historie(maatregel, door=door, reden=reden)
            maatregel.risicos.set(risicos or [])
            ctx.cache["maatregelen"].setdefault(omschrijving.lower(), []).append(maatregel)
            return NIEUW
        nieuw["omschrijving"] = omschrijving
        anders = _wijzig(maatregel, nieuw)
        risicos_anders = risicos is not None and {r.pk for r in risicos} != {
            r.pk for r in maatregel.risicos.all()
        }
        if not anders and not risicos_anders:
            return ONGEWIJZIGD
        if not door.has_perm("risicos.change_beheersmaatregel", maatregel):
            raise PermissionDenied("U mag deze maatregel niet wijzigen.")
        maatregel.full_clean(exclude=ACTIE_AFGELEID)
        bewaar_met_historie(maatregel, door=door, reden=reden, verwachte_versie=maatregel.versie)
        if risicos_anders:
            maatregel.risicos.set(risicos)
        return GEWIJZIGD


class Vervolgacties(Importsoort):
    naam = "vervolgacties"
    label = "Vervolgacties"
    wie = staticmethod(beheert_audits)
    model = Vervolgactie
    sleutelvelden = ("bevinding", "omschrijving")
    kolommen = (
        Kolom("bevinding", "Bevinding", ("bevinding titel",), True, "Inkoopbeheer"),
        Kolom("omschrijving", "Actie", ("omschrijving", "vervolgactie"), True, "Proces herzien"),
        *ACTIEKOLOMMEN,
        ID_KOLOM,
    )
    genegeerd = ("Instantie", "Oorspronkelijke deadline", "Uitstel")

    def context(self):
        ctx = super().context()
        bevindingen = {}
        for b in Bevinding.objects.all():
            bevindingen.setdefault(b.titel.lower(), []).append(b)
        ctx.cache = {
            "bevindingen": bevindingen,
            "acties": {
                (a.bevinding_id, a.omschrijving.strip().lower()): a
                for a in Vervolgactie.objects.all()
            },
        }
        return ctx

    def sleutel(self, rij):
        return (w.tekst(rij.get("bevinding")).lower(), w.tekst(rij.get("omschrijving")).lower())

    def _bevinding(self, waarde, ctx):
        kandidaten = ctx.cache["bevindingen"].get(w.tekst(waarde).lower(), [])
        if not kandidaten:
            raise ValueError(f"Onbekende bevinding '{w.tekst(waarde)}'.")
        if len(kandidaten) > 1:
            raise ValueError(f"Meer bevindingen heten '{w.tekst(waarde)}'.")
        return kandidaten[0]

    def verwerk(self, rij, *, door, reden, ctx):
        lees = Lezer(rij)
        bevinding = lees("bevinding", self._bevinding, ctx)
        omschrijving = lees("omschrijving")
        nieuw = {}
        if "eigenaar" in lees:
            nieuw["eigenaar"] = lees("eigenaar", ctx.personen.zoek)
        if "deadline" in lees:
            nieuw["deadline"] = lees("deadline", w.datum)
        if "status" in lees:
            nieuw["status"] = lees("status", w.keuze, ActieStatus.choices) or ActieStatus.OPEN
        if not omschrijving:
            lees.fouten["omschrijving"] = "Vul de omschrijving van de actie in."
        lees.klaar()

        sleutel = (bevinding.pk, omschrijving.lower())
        actie = self.op_id(rij)
        if actie is not None:
            if actie.bevinding_id != bevinding.pk:
                raise RijFout({"bevinding": "Deze actie hoort bij een andere bevinding."})
            nieuw["omschrijving"] = omschrijving
        else:
            actie = ctx.cache["acties"].get(sleutel)
        if actie is None:
            actie = vervolgactie_toevoegen(
                bevinding=bevinding,
                omschrijving=omschrijving,
                eigenaar=nieuw.get("eigenaar"),
                deadline=nieuw.get("deadline"),
                door=door,
            )
            status = nieuw.get("status")
            if status and status != actie.status:
                actie.status = status
                actie.full_clean(exclude=ACTIE_AFGELEID)
                bewaar_met_historie(actie, door=door, reden=reden, verwachte_versie=actie.versie)
            _stempel(actie, reden)
            ctx.cache["acties"][sleutel] = actie
            return NIEUW
        deadline = nieuw.pop("deadline", None)
        if deadline is not None and deadline != actie.deadline:
            raise RijFout(
                {
                    "deadline": "Een deadline verschuift alleen via 'Deadline verschuiven', "
                    "met reden en goedkeuring."
                }  # fmt: skip
            )
        if not _wijzig(actie, nieuw):
            return ONGEWIJZIGD
        if not door.has_perm("audits.change_vervolgactie", actie):
            raise PermissionDenied("U mag deze vervolgactie niet wijzigen.")
        actie.full_clean(exclude=ACTIE_AFGELEID)
        bewaar_met_historie(actie, door=door, reden=reden, verwachte_versie=actie.versie)
        return GEWIJZIGD


class Indicatorwaarden(Importsoort):
    naam = "indicatorwaarden"
    label = "Indicatorwaarden"
    model = Indicatorwaarde
    sleutelvelden = ("indicator", "periode")
    kolommen = (
        Kolom("indicator", "Indicator", ("naam", "prestatie-indicator", "kpi"), True, "Controles"),
        Kolom("groep", "Groep", ("tabel",), False, "Controles"),
        Kolom("periode", "Periode", ("rapportageperiode",), True, "Jaar 2025"),
        Kolom("doelstelling", "Doelstelling", ("doel", "norm", "target"), False, "1000"),
        Kolom("realisatie", "Realisatie", ("werkelijk", "resultaat"), False, "960"),
        Kolom("bandbreedte", "Band (%)", ("bandbreedte", "band"), False, "5"),
        Kolom("toelichting", "Toelichting", ("uitleg",)),
    )
    genegeerd = ("Initiatief", "Eenheid", "% van doel", "Status")
    veldnamen = {"indicator": "indicator"}

    def context(self):
        ctx = super().context()
        indicatoren = {}
        for i in Prestatieindicator.objects.all():
            indicatoren.setdefault(i.naam.lower(), []).append(i)
        ctx.cache = {
            "indicatoren": indicatoren,
            "periodes": _periodes(),
            "waarden": {(v.indicator_id, v.periode_id): v for v in Indicatorwaarde.objects.all()},
        }
        return ctx

    def sleutel(self, rij):
        return (
            w.normaal(w.tekst(rij.get("groep"))),
            w.tekst(rij.get("indicator")).lower(),
            w.normaal(w.tekst(rij.get("periode"))),
        )

    def _indicator(self, naam, groep, ctx):
        kandidaten = ctx.cache["indicatoren"].get(naam.lower(), [])
        if groep:
            kandidaten = [i for i in kandidaten if w.normaal(i.groep) == w.normaal(groep)]
        if not kandidaten:
            raise ValueError(f"Onbekende indicator '{naam}'.")
        if len(kandidaten) > 1:
            raise ValueError(f"Meer indicatoren heten '{naam}'; vul ook de groep in.")
        return kandidaten[0]

    def verwerk(self, rij, *, door, reden, ctx):
        lees = Lezer(rij)
        naam, groep = lees("indicator"), lees("groep")
        periode = lees("periode", _periode, ctx.cache["periodes"])
        getallen = {
            v: lees(v, w.decimaal)
            for v in ("doelstelling", "realisatie", "bandbreedte")
            if v in lees
        }
        toelichting = lees("toelichting") if "toelichting" in lees else None
        indicator = None
        if naam:
            try:
                indicator = self._indicator(naam, groep, ctx)
            except ValueError as fout:
                lees.fouten["indicator"] = str(fout)
        else:
            lees.fouten["indicator"] = "Vul de indicator in."
        if periode is None and "periode" not in lees.fouten:
            lees.fouten["periode"] = "Vul de periode in."
        lees.klaar()

        bestaand = ctx.cache["waarden"].get((indicator.pk, periode.pk))
        huidig = {
            "doelstelling": bestaand.doelstelling if bestaand else None,
            "realisatie": bestaand.realisatie if bestaand else None,
            "bandbreedte": bestaand.bandbreedte if bestaand else None,
        }
        waarden = {**huidig, **getallen}
        if toelichting is None:
            toelichting = bestaand.toelichting if bestaand else ""
        if bestaand is not None and (
            all(waarden[v] == huidig[v] for v in waarden) and toelichting == bestaand.toelichting
        ):
            return ONGEWIJZIGD
        waarde = indicatorwaarde_opslaan(
            indicator=indicator,
            periode=periode,
            toelichting=toelichting,
            door=door,
            verwachte_versie=bestaand.versie if bestaand else None,
            **waarden,
        )
        _stempel(waarde, reden)
        ctx.cache["waarden"][(indicator.pk, periode.pk)] = waarde
        return GEWIJZIGD if bestaand else NIEUW


SOORTEN = {
    s.naam: s
    for s in (
        Initiatieven(),
        Indicatorwaarden(),
        Risicos(),
        Maatregelen(),
        Bevindingen(),
        Vervolgacties(),
    )
}

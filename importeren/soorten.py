"""What can be imported: per kind its columns, its key and how one row is written.

A row is written through the owning app's service where there is one, else with
`full_clean()` and a save that records who and why: the same rules as the forms.
The preview runs exactly this code and rolls it back (see verwerken.py).
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from audits.models import Auditrapport, Bevinding, Instantie, Soort
from douane_portfolio.locking import bewaar_met_versie
from programmas.models import Initiatief, Rapportageperiode, Status, Statusrapportage, Thema
from programmas.services import statusrapportage_indienen
from risicos.models import Categorie, Risico, RisicoStatus
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
    """Give the newest history record of `obj` the import's reason (services that take
    no reason record their own; the import says where the change came from)."""
    laatste = obj.history.order_by("-history_id").first()
    if laatste is not None and laatste.history_change_reason != reden:
        type(laatste).objects.filter(pk=laatste.pk).update(history_change_reason=reden)


def _bewaar(obj, *, door, reden, versie=None):
    obj._history_user = door
    obj._change_reason = reden
    try:
        if versie is None:
            obj.save()
        else:
            bewaar_met_versie(obj, versie)
    finally:
        obj.__dict__.pop("_history_user", None)
        obj.__dict__.pop("_change_reason", None)


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
    perm = ""  # the add permission that marks who may import this kind
    kolommen = ()
    # Computed columns of the app's export: recognised, never imported.
    genegeerd = ()
    # Model field -> column field, for messages of full_clean().
    veldnamen = {}

    def mag(self, user):
        return user.has_perm(self.perm)

    def kolom(self, veld):
        return next((k for k in self.kolommen if k.veld == veld), None)

    def context(self):
        return Context(personen=w.Personen(get_user_model().objects.all()))

    def sleutel(self, rij):
        raise NotImplementedError

    def verwerk(self, rij, *, door, reden, ctx):
        """Write one row; return NIEUW, GEWIJZIGD or ONGEWIJZIGD."""
        raise NotImplementedError


def _wijzig(obj, nieuw):
    """Set the values in `nieuw` that differ; return the names of those fields."""
    anders = [veld for veld, waarde in nieuw.items() if getattr(obj, veld, None) != waarde]
    for veld in anders:
        setattr(obj, veld, nieuw[veld])
    return anders


SCOREVELDEN = ("bruto_kans", "bruto_impact", "netto_kans", "netto_impact")


class Risicos(Importsoort):
    naam = "risicos"
    label = "Risico's"
    perm = "risicos.add_risico"
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
            _bewaar(risico, door=door, reden=reden, versie=risico.versie)
        if scores_anders:
            risico_scoren(risico=risico, reden=reden, door=door, **nieuwe_scores)
        return GEWIJZIGD


class Initiatieven(Importsoort):
    naam = "initiatieven"
    label = "Initiatieven"
    perm = "programmas.add_initiatief"
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
            "periodes": {w.normaal(str(p)): p for p in Rapportageperiode.objects.all()},
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

    def _periode(self, waarde, ctx):
        if w.leeg(waarde):
            return None
        periode = ctx.cache["periodes"].get(w.normaal(waarde))
        if periode is None:
            raise ValueError(
                f"Onbekende periode '{w.tekst(waarde)}' (bijvoorbeeld 2025 T1 of Jaar 2024)."
            )
        return periode

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
        periode = lees("periode", self._periode, ctx) if "periode" in lees else None
        status = lees("status", self._status) if "status" in lees else None
        if thema is None and "thema" not in lees.fouten:
            lees.fouten["thema"] = "Vul het thema in."
        if not naam:
            lees.fouten["naam"] = "Vul de naam van het initiatief in."
        lees.klaar()

        resultaat = ONGEWIJZIGD
        initiatief = ctx.cache["initiatieven"].get((thema.pk, naam.lower()))
        if initiatief is None:
            if not door.has_perm("programmas.add_initiatief"):
                raise PermissionDenied("U mag geen initiatieven toevoegen.")
            initiatief = Initiatief(thema=thema, naam=naam)
            _wijzig(initiatief, {k: v for k, v in nieuw.items() if v is not None})
            initiatief.full_clean()
            _bewaar(initiatief, door=door, reden=reden)
            ctx.cache["initiatieven"][(thema.pk, naam.lower())] = initiatief
            resultaat = NIEUW
        elif _wijzig(initiatief, nieuw):
            if not door.has_perm("programmas.add_initiatief"):
                # The owner edits only the description on the web; the import is the office's.
                raise PermissionDenied("U mag dit initiatief niet wijzigen.")
            initiatief.full_clean()
            _bewaar(initiatief, door=door, reden=reden, versie=initiatief.versie)
            resultaat = GEWIJZIGD

        if status:
            if periode is None:
                periode = Rapportageperiode.objects.open().first()
                if periode is None:
                    raise RijFout(
                        {"periode": "Geef de periode van de status; er is geen open ronde."}
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
                versie=bestaand.versie if bestaand else None,
            )
            _stempel(rapportage, reden)
            resultaat = GEWIJZIGD if resultaat == ONGEWIJZIGD else resultaat
        return resultaat


class Bevindingen(Importsoort):
    naam = "bevindingen"
    label = "Bevindingen"
    perm = "audits.add_bevinding"
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
        bevinding = ctx.cache["bevindingen"].get(sleutel)
        if bevinding is None:
            if not door.has_perm("audits.add_bevinding"):
                raise PermissionDenied("U mag geen bevindingen vastleggen.")
            bevinding = Bevinding(rapport=rapport, titel=titel)
            _wijzig(bevinding, {k: v for k, v in nieuw.items() if v is not None})
            bevinding.full_clean()
            _bewaar(bevinding, door=door, reden=reden)
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
        _bewaar(bevinding, door=door, reden=reden, versie=bevinding.versie)
        return GEWIJZIGD


SOORTEN = {s.naam: s for s in (Initiatieven(), Risicos(), Bevindingen())}

"""What `benchmark_schaal` measures, and how: every screen through the test client, each
list next to the Django admin changelist and the bare ORM query for the same rows.

Each measurement runs once instrumented (queries counted, Python memory traced; this
run also warms caches), then `keer` times bare for p50/p95. Timings never enter the
test suite; the figures are ratios on a shared machine, not absolute promises.
"""

import gc
import math
import os
import platform
import statistics
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

import django
from django.conf import settings
from django.contrib.admin import site
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, Q
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tables2 import SingleTableMixin

from audits.models import Auditrapport, Bevinding, Vervolgactie
from douane_portfolio import rollen
from douane_portfolio.bladeren import CURSOR, LAATSTE, cursor_maken, cursor_voor_positie
from douane_portfolio.models import OPEN_STATUSSEN
from herinneringen.services import herinneringen_versturen
from programmas.models import Indicatorwaarde, Initiatief, Periodesoort, Rapportageperiode
from risicos.models import Beheersmaatregel, Risico, Risicodialoog, RisicoStatus
from risicos.tables import score_volgorde

from . import schaaldata, veegmeting


@dataclass
class Meting:
    groep: str
    naam: str
    rol: str
    soort: str  # pagina, detail, admin, orm, rapport, export, veeg
    url: str = ""
    status: int | str = 200
    keer: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    min_ms: float | None = None
    queries: int | None = None
    bytes: int | None = None
    piek_mb: float | None = None
    # Streamed exports: time to the first piece of the body, and the growth of the
    # process's resident memory (RSS) while the whole body is read.
    eerste_byte_ms: float | None = None
    rss_mb: float | None = None
    rss_proces_mb: float | None = None  # the whole process's peak during that read
    # For list pages: the admin changelist and the bare query for the same rows.
    admin_p50_ms: float | None = None
    orm_p50_ms: float | None = None


@dataclass
class Lijst:
    """One list screen with its default selection as a bare queryset."""

    groep: str
    naam: str
    url: str
    kaal: object  # () -> QuerySet of the rows the screen shows by default, in its order
    admin: str | None = None
    filters: dict = field(default_factory=dict)  # label -> query string
    sorteringen: tuple = ()  # empty: every sort the screen offers (zichtbare_sorteringen)
    zoek: str | None = None


def tabel_voor(url, user):
    """The table the list view at `url` builds for `user` (its filterset's rows), without
    rendering it."""
    request = RequestFactory().get(url)
    request.user = user
    view = resolve(url).func.view_class()
    view.setup(request)
    view.filterset = view.get_filterset(view.get_filterset_class())
    view.object_list = view.filterset.qs
    return SingleTableMixin.get_table(view, **view.get_table_kwargs())


def zichtbare_sorteringen(url, user=None):
    """Every sort the list at `url` offers on screen, both ways: each visible orderable
    column of its table. A hand-picked few missed sorts that read a whole table. With a
    user, the columns of the table as the view builds it for them: the class alone
    missed the columns other apps add (the register's open findings, 80-660 ms)."""
    if user is not None:
        namen = [kolom.name for kolom in tabel_voor(url, user).columns if kolom.orderable]
    else:
        tabel = resolve(url).func.view_class.table_class
        namen = [
            naam
            for naam, kolom in tabel.base_columns.items()
            if kolom.visible and kolom.orderable is not False
        ]
    return tuple(s for naam in namen for s in (naam, f"-{naam}"))


def filterkeuzes(url):
    """ "veld=waarde" for every value of every choice filter of the list at `url`: one
    value of a yes/no filter ("binnen risicobereidheid") read the whole risk table while
    the other was measured and fast. Filters on an owner, a risk or a period are named
    per list (`Lijst.filters`): their values are rows, not choices."""
    filterset = resolve(url).func.view_class.filterset_class
    keuzes = []
    for naam, filter_ in filterset.base_filters.items():
        opties = filter_.extra.get("choices")
        for waarde, label in (opties() if callable(opties) else opties) or ():
            groep = label if isinstance(label, (list, tuple)) else [(waarde, label)]
            keuzes += [f"{naam}={w}" for w, _ in groep]
    return keuzes


def p95(tijden):
    if len(tijden) < 2:
        return tijden[0]
    return statistics.quantiles(tijden, n=20, method="inclusive")[18]


def _tijden(tijden):
    """p50, p95 and minimum in ms of the timed runs."""
    return {
        "p50_ms": round(statistics.median(tijden), 1) if tijden else None,
        "p95_ms": round(p95(tijden), 1) if tijden else None,
        "min_ms": round(min(tijden), 1) if tijden else None,
    }


def _opvragen(client, url):
    """A request of `url` as a `doe` for the Meter: (status, bytes)."""

    def doe():
        response = client.get(url, secure=True)
        return response.status_code, _grootte(response)

    return doe


def _grootte(response):
    """Bytes of the body; a streamed body is read piece by piece, as a client would, so
    the memory peak is the server's and not the joined download's."""
    return lees_stroom(response, time.perf_counter())[0]


def _status_kb(veld):
    try:
        with open("/proc/self/status") as f:
            for regel in f:
                if regel.startswith(f"{veld}:"):
                    return int(regel.split()[1])
    except OSError:
        pass
    return None


class RssPiek:
    """The peak growth of the resident set while a block runs, in MB: the kernel's
    high-water mark (VmHWM), reset on entry through /proc/self/clear_refs. Unlike
    tracemalloc it sees every allocation (psycopg's buffers, openpyxl's zip) and costs
    nothing while it runs. None where the kernel offers neither file."""

    def __enter__(self):
        gc.collect()
        self.mb = self.proces_mb = None
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            self.begin = None
        else:
            self.begin = _status_kb("VmRSS")
        return self

    def __exit__(self, *exc):
        piek = _status_kb("VmHWM")
        if self.begin is not None and piek is not None:
            self.mb = round(max(piek - self.begin, 0) / 1024, 1)
            self.proces_mb = round(piek / 1024, 1)


def lees_stroom(response, begin):
    """Read a (streamed) body as a client would: (bytes, ms from `begin` to its first
    piece). The pieces are dropped as they come, so memory is the server's alone."""
    if not response.streaming:
        return len(response.content), (time.perf_counter() - begin) * 1000
    # Read to the end: the test client then closes the response itself, without
    # closing the database connection as response.close() would (request_finished).
    eerste, grootte = None, 0
    for stuk in response.streaming_content:
        if eerste is None:
            eerste = (time.perf_counter() - begin) * 1000
        grootte += len(stuk)
    return grootte, eerste


class Meter:
    def __init__(
        self, *, keer=7, keer_zwaar=1, zwaar=False, alleen=None, uit=None, veeg_echt=False
    ):
        self.keer = keer
        self.veeg_echt = veeg_echt
        self.keer_zwaar = keer_zwaar
        self.zwaar = zwaar
        self.alleen = alleen
        self.uit = uit or (lambda tekst: None)
        self.metingen = []
        self.te_vergelijken = []  # [((groep, titel), list page measurement)]
        self.referenties = {}  # (groep, titel) -> (admin measurement, bare query measurement)
        self.per_pagina = settings.LIJST_PAGINA_GROOTTE

    # -- the measuring itself ---------------------------------------------------------

    def meet(self, doe, keer, opwarmen=True):
        """Run `doe` once to warm up (unless heavy), once instrumented, then `keer` times;
        `doe` returns (status, bytes)."""
        return self.meet_samen([doe], keer, opwarmen)[0]

    def meet_samen(self, doeners, keer, opwarmen=True):
        """As `meet` for several requests, timed in turn, round by round: a page and the
        admin changelist it is compared with then share every change in machine load. In
        separate passes, the admin's p50 for the same page differed up to 2x between runs."""
        uitkomsten = [self._instrumenteren(doe, opwarmen) for doe in doeners]
        tijden = [[] for _ in doeners]
        for _ in range(keer):
            for doe, reeks in zip(doeners, tijden, strict=True):
                begin = time.perf_counter()
                doe()
                reeks.append((time.perf_counter() - begin) * 1000)
        return [
            {**uitkomst, "keer": keer, **_tijden(reeks)}
            for uitkomst, reeks in zip(uitkomsten, tijden, strict=True)
        ]

    def _instrumenteren(self, doe, opwarmen):
        # The first request of a session also renews the session stamp and compiles the
        # page's templates: counted, it overstated the steady count that the page-walk
        # test asserts (a dialogue showed 11 here, 10 there).
        if opwarmen:
            doe()
        # The query log is a bounded deque: once full, its length no longer grows.
        connection.queries_log.clear()
        tracemalloc.start()
        try:
            with CaptureQueriesContext(connection) as vastgelegd:
                status, grootte = doe()
            piek = tracemalloc.get_traced_memory()[1]
            # Read now: the next request clears the log this count is taken from.
            queries = len(vastgelegd.captured_queries)
        finally:
            tracemalloc.stop()
        return {
            "status": status,
            "queries": queries,
            "bytes": grootte,
            "piek_mb": round(piek / 1024 / 1024, 1),
        }

    def meet_export(self, doe, keer):
        """As `meet`, for a streamed body: `doe` returns (status, bytes, ms to the first
        piece). The instrumented run takes RSS, not tracemalloc, which would slow 500 000
        rows down several times; the later runs give p50/p95 and the first-byte time."""
        connection.queries_log.clear()
        with RssPiek() as rss, CaptureQueriesContext(connection) as vastgelegd:
            status, grootte, eerste = doe()
        queries = len(vastgelegd.captured_queries)
        tijden, eersten = [], [eerste]
        for _ in range(keer):
            begin = time.perf_counter()
            eersten.append(doe()[2])
            tijden.append((time.perf_counter() - begin) * 1000)
        eersten = [e for e in eersten if e is not None]
        return {
            "status": status,
            "keer": keer,
            **_tijden(tijden),
            "queries": queries,
            "bytes": grootte,
            "eerste_byte_ms": round(statistics.median(eersten), 1) if eersten else None,
            "rss_mb": rss.mb,
            "rss_proces_mb": rss.proces_mb,
        }

    def export(self, client, groep, naam, url):
        if not self.gevraagd(groep, naam):
            return None
        meting = Meting(groep, naam, "beheerder", "export", url)

        def doe():
            begin = time.perf_counter()
            response = client.get(url, secure=True)
            return (response.status_code, *lees_stroom(response, begin))

        try:
            for sleutel, waarde in self.meet_export(doe, self.keer_zwaar).items():
                setattr(meting, sleutel, waarde)
        except Exception as fout:
            meting.status = f"fout: {type(fout).__name__}: {fout}"[:200]
        self.metingen.append(meting)
        self.uit(
            f"{meting.groep:<12} {meting.naam:<44} export     p50 {meting.p50_ms} ms  "
            f"eerste byte {meting.eerste_byte_ms} ms  RSS +{meting.rss_mb} MB  [{meting.status}]"
        )
        return meting

    def gevraagd(self, groep, naam):
        return not self.alleen or any(a in f"{groep} {naam}" for a in self.alleen)

    def pagina(self, client, rol, groep, naam, url, soort="pagina", zwaar=False):
        if not self.gevraagd(groep, naam):
            return None
        return self.vastleggen(Meting(groep, naam, rol, soort, url), _opvragen(client, url), zwaar)

    def functie(self, groep, naam, soort, doe, zwaar=False):
        if not self.gevraagd(groep, naam):
            return None
        return self.vastleggen(Meting(groep, naam, "—", soort), doe, zwaar)

    def vastleggen(self, meting, doe, zwaar):
        keer = self.keer_zwaar if zwaar else self.keer
        return self.samen_vastleggen([(meting, doe)], keer, opwarmen=not zwaar)[0]

    def samen_vastleggen(self, paren, keer=None, opwarmen=True):
        """[(Meting, doe)] measured together (`meet_samen`), each recorded and printed."""
        keer = self.keer if keer is None else keer
        metingen = [meting for meting, _ in paren]
        try:
            uitkomsten = self.meet_samen([doe for _, doe in paren], keer, opwarmen)
        except Exception as fout:  # a broken page is a result too; keep measuring
            for meting in metingen:
                meting.status = f"fout: {type(fout).__name__}: {fout}"[:200]
        else:
            for meting, uitkomst in zip(metingen, uitkomsten, strict=True):
                for sleutel, waarde in uitkomst.items():
                    setattr(meting, sleutel, waarde)
        for meting in metingen:
            self.metingen.append(meting)
            self.uit(
                f"{meting.groep:<12} {meting.naam:<44} {meting.rol:<10} "
                f"p50 {meting.p50_ms} ms  q {meting.queries}  [{meting.status}]"
            )
        return metingen

    # -- what is measured -------------------------------------------------------------

    def alles(self):
        User = get_user_model()
        beheerder = (
            User.objects.filter(groups__name=rollen.BEHEERDER, is_staff=True, is_active=True)
            .order_by("pk")
            .first()
        )
        # The programme manager with the most open milestones: the heaviest "own" pages.
        pm = (
            User.objects.filter(groups__name=rollen.PROGRAMMAMANAGER, is_active=True)
            .annotate(
                n=Count(
                    "programmas_mijlpaal_acties",
                    filter=Q(programmas_mijlpaal_acties__status__in=OPEN_STATUSSEN),
                )
            )
            .order_by("-n", "pk")
            .first()
        )
        if beheerder is None or pm is None:
            raise LookupError("Geen beheerder (staf) of programmamanager: genereer eerst de data.")
        lijsten = self.lijsten()
        with tweede_factor(beheerder) as device:
            for rol, user in (("beheerder", beheerder), ("pm", pm)):
                client = ingelogd(user, device if user == beheerder else None)
                for lijst in lijsten:
                    self.lijst_meten(client, rol, lijst, user)
                self.paginas_meten(client, rol)
                if rol == "beheerder":
                    self.wijzigformulieren_meten(client)
            self.vergelijken()
            if self.zwaar:
                self.zwaar_meten(ingelogd(beheerder, device))
        return self.metingen

    def lijsten(self):
        initiatief = _midden(Initiatief.objects.all())
        risico = _midden(Risico.objects.all())
        maatregel = _midden(Beheersmaatregel.objects.all())
        bevinding = _midden(Bevinding.objects.all())
        actie = _midden(Vervolgactie.objects.all())
        periode = (
            Rapportageperiode.objects.filter(rapportages__isnull=False)
            .order_by("-einddatum")
            .first()
        )
        eigenaar = initiatief.eigenaar_id if initiatief else ""
        return [
            Lijst(
                "programmas",
                "portfolio",
                "/programmas/",
                lambda: Initiatief.objects.select_related("thema", "eigenaar").order_by(
                    "thema__volgorde", "volgorde", "naam"
                ),
                admin="/beheer/programmas/initiatief/",
                filters={
                    "thema": f"thema={initiatief.thema_id if initiatief else ''}",
                    "status rood": "status=rood",
                    "niet gerapporteerd": "status=geen",
                    "eigenaar": f"eigenaar={eigenaar}",
                },
            ),
            Lijst(
                "programmas",
                "indicatoren",
                "/programmas/indicatoren/",
                lambda: Indicatorwaarde.objects.select_related(
                    "indicator__initiatief", "periode"
                ).order_by("-periode__einddatum", "indicator__groep", "indicator__volgorde"),
                admin="/beheer/programmas/indicatorwaarde/",
                filters={
                    "status rood": "status=rood",
                    "periode": f"periode={periode.pk if periode else ''}",
                },
            ),
            Lijst(
                "risicos",
                "register",
                "/risicos/",
                lambda: (
                    Risico.objects.filter(status=RisicoStatus.ACTIEF)
                    .select_related("eigenaar")
                    .annotate(score_netto=F("netto_kans") * F("netto_impact"))
                    .order_by(score_volgorde("score_netto", aflopend=True), "titel")
                ),
                admin="/beheer/risicos/risico/",
                filters={
                    "categorie": "categorie=extern",
                    "toprisico": "toprisico=ja",
                    "eigenaar": f"eigenaar={risico.eigenaar_id if risico else ''}",
                    "netto hoog": "netto=hoog",
                    "boven risicobereidheid": "boven_risicobereidheid=ja",
                    "herbeoordeling te laat": "herbeoordeling_te_laat=ja",
                    "ook gesloten": "status=alle",
                },
                zoek="zoek=keten",
            ),
            Lijst(
                "risicos",
                "maatregelen",
                "/risicos/maatregelen/",
                lambda: Beheersmaatregel.objects.select_related("eigenaar", "dialoog").order_by(
                    "deadline", "pk"
                ),
                admin="/beheer/risicos/beheersmaatregel/",
                filters={
                    "lopend": "status=lopend",
                    "te laat": "te_laat=ja",
                    "overkoepelend": "soort=overkoepelend",
                    "eigenaar": f"eigenaar={maatregel.eigenaar_id if maatregel else ''}",
                    "bij één risico": f"risico={risico.pk if risico else ''}",
                },
                zoek="zoek=keten",
            ),
            Lijst(
                "risicos",
                "dialogen",
                "/risicos/dialogen/",
                lambda: Risicodialoog.objects.select_related("voorzitter").order_by(
                    "-datum", "-pk"
                ),
                admin="/beheer/risicos/risicodialoog/",
                filters={"vastgesteld": "status=vastgesteld"},
            ),
            Lijst(
                "audits",
                "bevindingen",
                "/audits/",
                lambda: Bevinding.objects.select_related("rapport", "eigenaar").order_by(
                    "status", "titel"
                ),
                admin="/beheer/audits/bevinding/",
                filters={
                    "nog niet opgelost": "status=nog_open",
                    "instantie ADR": "instantie=adr",
                    "met te late acties": "te_laat=ja",
                    "verwachting verstreken": "verstreken=ja",
                    "eigenaar": f"eigenaar={bevinding.eigenaar_id if bevinding else ''}",
                    "risico": f"risico={_gekoppeld_risico()}",
                },
                zoek="zoek=keten",
            ),
            Lijst(
                "audits",
                "vervolgacties",
                "/audits/acties/",
                lambda: Vervolgactie.objects.select_related(
                    "bevinding__rapport", "eigenaar"
                ).order_by("deadline", "pk"),
                admin="/beheer/audits/vervolgactie/",
                filters={
                    "open": "status=nog_open",
                    "te laat": "te_laat=ja",
                    "uitgesteld": "uitgesteld=ja",
                    "instantie ARK": "instantie=ark",
                    "eigenaar": f"eigenaar={actie.eigenaar_id if actie else ''}",
                },
                zoek="zoek=keten",
            ),
            Lijst(
                "audits",
                "rapporten",
                "/audits/rapporten/",
                lambda: Auditrapport.objects.order_by(
                    F("jaar").desc(nulls_last=True), "instantie", "titel"
                ),
                admin="/beheer/audits/auditrapport/",
                filters={"instantie ADR": "instantie=adr"},
            ),
        ]

    def paginanummers(self, lijst):
        """{label: page}: the first, a deep one (300 where the list is that long, else
        halfway) and the last page of the list's default selection; no page twice."""
        laatste = max(1, math.ceil(lijst.kaal().count() / self.per_pagina))
        nummers = {}
        for naam, nummer in (
            ("eerste pagina", 1),
            ("diepe pagina", 300 if laatste > 300 else max(1, laatste // 2)),
            ("laatste pagina", laatste),
        ):
            if nummer not in nummers.values():
                nummers[naam] = nummer
        return nummers

    def pagina_url(self, lijst, naam, nummer, user):
        """The lists page by cursor: the URL a reader reaches by "Laatste" or by following
        "Volgende" to page `nummer` (computed here, outside the measurement)."""
        if nummer == 1:
            return lijst.url
        if naam == "laatste pagina":
            return f"{lijst.url}?{CURSOR}={cursor_maken(LAATSTE, 0)}"
        table = tabel_voor(lijst.url, user)
        cursor = cursor_voor_positie(table, (nummer - 1) * self.per_pagina - 1, self.per_pagina)
        return f"{lijst.url}?{CURSOR}={cursor}"

    def lijst_meten(self, client, rol, lijst, user):
        for naam, nummer in self.paginanummers(lijst).items():
            url = self.pagina_url(lijst, naam, nummer, user)
            titel = f"{lijst.naam}: {naam} ({nummer})"
            if rol == "beheerder":
                meting = self.met_referenties(client, lijst, titel, nummer, url)
            else:
                meting = self.pagina(client, rol, lijst.groep, titel, url)
            if meting is not None:
                self.te_vergelijken.append(((lijst.groep, titel), meting))
        gemeten = set(lijst.filters.values())
        for naam, query in [
            *lijst.filters.items(),
            *((q, q) for q in filterkeuzes(lijst.url) if q not in gemeten),
        ]:
            titel = f"{lijst.naam}: filter {naam}"
            self.pagina(client, rol, lijst.groep, titel, f"{lijst.url}?{query}")
        for sortering in lijst.sorteringen or zichtbare_sorteringen(lijst.url, user):
            titel = f"{lijst.naam}: sorteer {sortering}"
            self.pagina(client, rol, lijst.groep, titel, f"{lijst.url}?sort={sortering}")
        if lijst.zoek:
            self.pagina(
                client, rol, lijst.groep, f"{lijst.naam}: zoeken", f"{lijst.url}?{lijst.zoek}"
            )

    def vergelijken(self):
        """Put the admin's and the bare query's p50 next to each list page they match."""
        for sleutel, meting in self.te_vergelijken:
            admin, orm = self.referenties.get(sleutel, (None, None))
            meting.admin_p50_ms = admin.p50_ms if admin and admin.status == 200 else None
            meting.orm_p50_ms = orm.p50_ms if orm and orm.status == 200 else None

    def met_referenties(self, client, lijst, titel, nummer, url):
        """A list page measured in turn with the admin changelist and the bare query for
        the same rows; returns the page's measurement."""
        if not self.gevraagd(lijst.groep, titel):
            return None
        paren = [(Meting(lijst.groep, titel, "beheerder", "pagina", url), _opvragen(client, url))]
        begin = (nummer - 1) * self.per_pagina
        admin = None
        if lijst.admin:
            # The admin pages by its own size (100 rows): the page with the same rows.
            per_admin = site.get_model_admin(lijst.kaal().model).list_per_page
            admin_url = f"{lijst.admin}?p={begin // per_admin + 1}"
            admin = Meting(lijst.groep, titel, "beheerder", "admin", admin_url)
            paren.append((admin, _opvragen(client, admin_url)))

        def kaal():
            rijen = list(lijst.kaal()[begin : begin + self.per_pagina])
            return 200, len(rijen)

        orm = Meting(lijst.groep, titel, "—", "orm")
        paren.append((orm, kaal))
        pagina = self.samen_vastleggen(paren)[0]
        self.referenties[(lijst.groep, titel)] = (admin, orm)
        return pagina

    def wijzigformulieren_meten(self, client):
        """The admin's own change forms (a finding's, a measure's) at this size."""
        bevinding = _midden(Bevinding.objects.all())
        if bevinding:
            self.pagina(
                client,
                "beheerder",
                "audits",
                "bevinding: wijzigformulier",
                f"/beheer/audits/bevinding/{bevinding.pk}/change/",
                soort="admin",
            )
        maatregel = _midden(Beheersmaatregel.objects.all())
        if maatregel:
            self.pagina(
                client,
                "beheerder",
                "risicos",
                "maatregel: wijzigformulier",
                f"/beheer/risicos/beheersmaatregel/{maatregel.pk}/change/",
                soort="admin",
            )

    def paginas_meten(self, client, rol):
        for groep, naam, url in (
            ("dashboard", "dashboard", "/"),
            ("acties", "mijn acties", "/acties/"),
            ("acties", "mijn herinneringen", "/acties/herinneringen/"),
            ("programmas", "activiteitentabel", "/programmas/activiteiten/"),
            ("programmas", "rapportageronde", "/programmas/ronde/"),
            ("risicos", "heatmap", "/risicos/heatmap/"),
            ("audits", "opvolging", "/audits/opvolging/"),
            ("rapportage", "rapporten", "/rapportage/"),
        ):
            self.pagina(client, rol, groep, naam, url)
        for groep, naam, obj in (
            ("programmas", "initiatief", _midden(Initiatief.objects.all())),
            ("risicos", "risico", _midden(Risico.objects.all())),
            ("risicos", "maatregel", _midden(Beheersmaatregel.objects.all())),
            ("risicos", "risicodialoog", _midden(Risicodialoog.objects.all())),
            ("audits", "bevinding", _midden(Bevinding.objects.all())),
            ("audits", "auditrapport", _midden(Auditrapport.objects.all())),
        ):
            if obj is not None:
                self.pagina(
                    client, rol, groep, f"{naam} (detail)", obj.get_absolute_url(), "detail"
                )
        jaar = _rapportjaar()
        if jaar:
            # The first request builds and caches the outline; the table of contents with
            # chapter 1, a later chapter and the whole report on one page read it.
            for naam, query in (
                ("HTML", ""),
                ("HTML hoofdstuk 4", "?hoofdstuk=4"),
                ("HTML alles", "?hoofdstuk=alle"),
            ):
                url = f"/rapportage/{jaar}/{query}"
                self.pagina(client, rol, "rapportage", f"rapport {jaar} {naam}", url, "rapport")

    def zwaar_meten(self, client):
        # The exports first: the report's PDF leaves a large heap behind that they could
        # reuse without the resident set growing, which would flatter their figure.
        for groep, naam, url in (
            ("programmas", "portfolio", "/programmas/"),
            ("risicos", "register", "/risicos/?status=alle"),
            ("risicos", "maatregelen", "/risicos/maatregelen/"),
            ("audits", "bevindingen", "/audits/"),
            ("audits", "vervolgacties", "/audits/acties/"),
        ):
            for formaat in ("csv", "xlsx"):
                scheiding = "&" if "?" in url else "?"
                self.export(
                    client,
                    groep,
                    f"{naam}: export {formaat.upper()}",
                    f"{url}{scheiding}_export={formaat}",
                )
        jaar = _rapportjaar()
        if jaar:
            for formaat in ("pdf", "docx"):
                self.pagina(
                    client,
                    "beheerder",
                    "rapportage",
                    f"rapport {jaar} {formaat.upper()}",
                    f"/rapportage/{jaar}.{formaat}",
                    "rapport",
                    zwaar=True,
                )

        def veeg():
            uitslag = herinneringen_versturen(op=timezone.localdate(), proefdraai=True)
            return "proefdraai", len(uitslag.geplande)

        self.functie(
            "herinneringen", "veeg (proefdraai), aantal = herinneringen", "veeg", veeg, zwaar=True
        )
        self.veeg_meten()

    def veeg_meten(self):
        """Finding what is due (database only), then a real sweep and a second one in a
        child process (veegmeting.py); the real ones write the ledger, so only when asked."""

        def vinden():
            return "proefdraai", veegmeting.verschuldigd_tellen()

        self.functie(
            "herinneringen", "veeg: vinden wat verschuldigd is", "veeg", vinden, zwaar=True
        )
        if not self.veeg_echt or not self.gevraagd("herinneringen", "veeg echt"):
            return
        if not schaaldata.bestaat_al():
            raise LookupError("--veeg-echt schrijft het grootboek: alleen op schaalgegevens.")
        u = veegmeting.veeg_echt()
        for run in ("eerste", "tweede"):
            r = u[run]
            naam = (
                f"veeg echt, {run} run: {r['vastgelegd']} vastgelegd, {r['delen']} delen, "
                f"{r['verzonden']} verzonden, db {r['db_s']} s"
            )
            if run == "eerste":
                naam += f"; grootste mail {u['grootste_mail'] / 1024:.0f} KB"
            meting = Meting(
                "herinneringen",
                naam,
                "—",
                "veeg",
                status="verzonden" if not r["mislukt"] else f"{r['mislukt']} mislukt",
                keer=1,
                p50_ms=r["s"] * 1000,
                queries=r["queries"],
                piek_mb=r["rss_mb"],
            )
            self.metingen.append(meting)
            self.uit(f"herinneringen {naam}: {r['s']} s, {r['queries']} queries, {r['rss_mb']} MB")


@contextmanager
def tweede_factor(user):
    """A confirmed TOTP device of `user`: the Beheerder must pass the second factor
    (MFA_VERPLICHT), or every page and the whole admin redirect to it. A device made
    here for the measurement is removed afterwards."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        yield device
        return
    device = TOTPDevice.objects.create(user=user, name="benchmark_schaal", confirmed=True)
    try:
        yield device
    finally:
        device.delete()


def ingelogd(user, device=None):
    """A test client logged in as `user`, with the session verified by `device` as
    django_otp.login() leaves it after a correct code (force_login has no request.user
    for django-otp's own signal handler to do so)."""
    client = Client(SERVER_NAME="localhost", raise_request_exception=False)
    client.force_login(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _midden(qs):
    """The object halfway the table by id: typical, and the same on every run."""
    ids = qs.order_by("pk").values_list("pk", flat=True)
    aantal = ids.count()
    if not aantal:
        return None
    return qs.model._base_manager.get(pk=ids[aantal // 2])


def _gekoppeld_risico():
    return (
        Risico.objects.filter(bevindingen__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
        or ""
    )


def _rapportjaar():
    periode = (
        Rapportageperiode.objects.filter(soort=Periodesoort.JAAR, rapportages__isnull=False)
        .order_by("-jaar")
        .first()
    )
    return periode.jaar if periode else None


# -- reporting -----------------------------------------------------------------------


def omgeving():
    """What the figures were measured on: they mean little without it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            database = f"{connection.vendor} {connection.Database.sqlite_version}"
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((r.split(":", 1)[1].strip() for r in f if r.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "datum": timezone.now().isoformat(timespec="seconds"),
        "database": database,
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpu": cpu,
        "kernen": os.cpu_count(),
        "load_begin": list(os.getloadavg()),
        "debug": settings.DEBUG,
    }


def aantallen():
    """Rows per table the measurements ran against."""
    modellen = {
        "initiatieven": Initiatief,
        "statusrapportages": Initiatief.rapportages.rel.related_model,
        "mijlpalen": Initiatief.mijlpalen.rel.related_model,
        "risicos": Risico,
        "maatregelen": Beheersmaatregel,
        "bevindingen": Bevinding,
        "vervolgacties": Vervolgactie,
        "gebruikers": get_user_model(),
    }
    return {naam: model._base_manager.count() for naam, model in modellen.items()}


def _getal(waarde, cijfers=0):
    if waarde is None:
        return "—"
    return f"{waarde:,.{cijfers}f}".replace(",", ".") if cijfers == 0 else f"{waarde:.{cijfers}f}"


def _lijst_en_wat(naam):
    lijst, _, wat = naam.partition(": ")
    return lijst, wat


def samenvatting(resultaat):
    """One row per screen with both roles side by side: every page of a list next to the
    admin and the bare query, per list only its slowest filter, sort or search."""
    rijen = {}
    for m in resultaat["metingen"]:
        if m["soort"] not in ("admin", "orm", "export"):
            rijen.setdefault((m["groep"], m["naam"]), {})[m["rol"]] = m

    def hoofd(per_rol):
        return per_rol.get("beheerder") or per_rol.get("—") or next(iter(per_rol.values()))

    traagste = {}
    for (groep, naam), per_rol in rijen.items():
        lijst, wat = _lijst_en_wat(naam)
        if wat.startswith(("filter ", "sorteer ", "zoeken")):
            p50 = hoofd(per_rol)["p50_ms"] or 0
            if p50 >= traagste.get((groep, lijst), (None, -1))[1]:
                traagste[(groep, lijst)] = (naam, p50)
    regels = [
        "| wat | p50 ms | p95 ms | queries | KB | piek MB | p50 ms PM | queries PM "
        "| admin p50 ms | kaal p50 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (groep, naam), per_rol in rijen.items():
        lijst, wat = _lijst_en_wat(naam)
        if wat.startswith(("filter ", "sorteer ", "zoeken")):
            if traagste[(groep, lijst)][0] != naam:
                continue
            naam = f"{lijst}: traagste filter/sortering: {wat}"
        m, pm = hoofd(per_rol), per_rol.get("pm", {})
        kb = m["bytes"] / 1024 if m["soort"] != "veeg" and m["bytes"] is not None else None
        status = "" if m["status"] in (200, "proefdraai") else f" (status {m['status']})"
        regels.append(
            f"| {groep}: {naam}{status} | {_getal(m['p50_ms'])} | {_getal(m['p95_ms'])} | "
            f"{_getal(m['queries'])} | {_getal(kb)} | {_getal(m['piek_mb'], 1)} | "
            f"{_getal(pm.get('p50_ms'))} | {_getal(pm.get('queries'))} | "
            f"{_getal(m['admin_p50_ms'])} | {_getal(m['orm_p50_ms'])} |"
        )
    return "\n".join(regels) + "\n"


def exporttabel(resultaat):
    """The streamed exports: when the first bytes leave, and how far the resident memory
    of the process grows while the whole file is read (the goal: under a second and
    at most 200 MB, for 500 000 rows as for 50)."""
    exports = [m for m in resultaat["metingen"] if m["soort"] == "export"]
    if not exports:
        return ""
    regels = [
        "| export | p50 ms | eerste byte ms | KB | RSS-groei MB | RSS proces MB | queries |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for m in exports:
        status = "" if m["status"] == 200 else f" (status {m['status']})"
        kb = m["bytes"] / 1024 if m["bytes"] is not None else None
        regels.append(
            f"| {m['groep']}: {m['naam']}{status} | {_getal(m['p50_ms'])} | "
            f"{_getal(m['eerste_byte_ms'])} | {_getal(kb)} | {_getal(m['rss_mb'], 1)} | "
            f"{_getal(m['rss_proces_mb'], 1)} | {_getal(m['queries'])} |"
        )
    return "\n".join(regels) + "\n"


def markdown(resultaat):
    meta = resultaat["meta"]
    regels = [
        f"Gemeten {meta['datum']} op {meta['database']}, {meta['cpu']} ({meta['kernen']} kernen), "
        f"load {meta['load_begin'][0]:.1f} bij de start; {meta['keer']}× per meting "
        f"(p50/p95), Django test client in één proces, DEBUG {'aan' if meta['debug'] else 'uit'}.",
        "Aantallen: " + ", ".join(f"{k} {_getal(v)}" for k, v in meta["aantallen"].items()) + ".",
        "",
        "Samenvatting (rol Beheerder, tenzij PM; admin en kaal: dezelfde rijen in de "
        "Django-admin en als kale ORM-query):",
        "",
        samenvatting(resultaat),
        *(
            [
                "Exports (als Beheerder; eerste byte: tot het eerste stuk van de gestreamde "
                "inhoud; RSS-groei: piek van het residente geheugen boven de stand bij de "
                "start, terwijl het hele bestand wordt gelezen; RSS proces: de piek van het hele "
                "proces in die tijd):",
                "",
                exporttabel(resultaat),
            ]
            if exporttabel(resultaat)
            else []
        ),
        "Alle metingen:",
        "",
        "| groep | wat | rol | soort | p50 ms | p95 ms | queries | KB | piek MB "
        "| admin p50 ms | kaal p50 ms | status |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for m in resultaat["metingen"]:
        kb = (
            m["bytes"] / 1024
            if m["soort"] not in ("orm", "veeg") and m["bytes"] is not None
            else None
        )
        regels.append(
            f"| {m['groep']} | {m['naam']} | {m['rol']} | {m['soort']} | {_getal(m['p50_ms'])} | "
            f"{_getal(m['p95_ms'])} | {_getal(m['queries'])} | {_getal(kb)} | "
            f"{_getal(m['piek_mb'], 1)} | {_getal(m['admin_p50_ms'])} | "
            f"{_getal(m['orm_p50_ms'])} | {m['status']} |"
        )
    return "\n".join(regels) + "\n"


def resultaat(meter, meta):
    return {"meta": meta, "metingen": [asdict(m) for m in meter.metingen]}

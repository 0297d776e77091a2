"""The portfolio while a round is open: the colours of the last closed period stay in
view next to the progress of the open round, instead of a page of "niet gerapporteerd"."""

from django.db.models import BooleanField, Case, DateField, Exists, IntegerField, OuterRef, When
from django.db.models.expressions import RawSQL

from douane_portfolio.kolommen import StatusKolom
from douane_portfolio.models import Tellerdatum
from douane_portfolio.parameters import id_uit
from douane_portfolio.tellers import GEEN_DATUM

from .models import (
    Initiatief,
    Initiatiefteller,
    Periodesoort,
    PeriodeStatus,
    Rapportageperiode,
    Status,
    Statusrapportage,
    Statusteller,
)


class Perioden:
    """Every period (a few a year) in one query, and the page's choices read from that
    list: the portfolio asked the table five times (issue 13). Each rule is the one of the
    queryset method or view function it names."""

    def __init__(self, voortgang=False, gebruiker=None):
        perioden = Rapportageperiode.objects.annotate(
            met_rapportages=Exists(Statusrapportage.objects.filter(periode=OuterRef("pk")))
        )
        if voortgang:
            perioden = perioden.annotate(**_voortgang())
        if gebruiker is not None and gebruiker.is_authenticated:
            perioden = perioden.annotate(eigen_nog_open=_eigen_nog_open(gebruiker))
        self.voortgang = voortgang
        self.alle = list(perioden.order_by("-einddatum", "-begindatum"))

    def open(self):
        return next((p for p in self.alle if p.status == PeriodeStatus.OPEN), None)

    def peildatum(self):
        """The counters' peildatum read with the periods (with `voortgang`): GEEN_DATUM
        when it has no row (nothing counts as overdue then), None when there was no
        period to read it with (then it still has to be read)."""
        if not (self.voortgang and self.alle):
            return None
        return self.alle[0].peildatum or GEEN_DATUM

    def laatst_gesloten(self):
        """`Rapportageperiode.objects.laatst_gesloten()`."""
        return next(
            (
                p
                for p in self.alle
                if p.status == PeriodeStatus.GESLOTEN and p.soort != Periodesoort.JAAR
            ),
            None,
        )

    def vorige(self, periode):
        """`Rapportageperiode.vorige()`."""
        if periode is None:
            return None
        jaar = periode.soort == Periodesoort.JAAR
        return next(
            (
                p
                for p in self.alle
                if p.einddatum < periode.einddatum and (p.soort == Periodesoort.JAAR) == jaar
            ),
            None,
        )

    def standaard(self):
        """`views.standaard_periode()`."""
        met_rapportages = next((p for p in self.alle if p.met_rapportages), None)
        return met_rapportages or self.open() or (self.alle[0] if self.alle else None)

    def gekozen(self, request):
        """`views.gekozen_periode()`."""
        pk = id_uit(request.GET.get("periode"))
        gekozen = next((p for p in self.alle if p.pk == pk), None) if pk is not None else None
        return gekozen or self.standaard()

    def bij_open_ronde(self, request):
        """With a round open and no period chosen: the last closed period, else None."""
        if id_uit(request.GET.get("periode")) is not None or self.open() is None:
            return None
        return self.laatst_gesloten()


class NaastOpenRonde:
    """A column with the colour in the other period that matters while a round is open:
    the open round next to a closed period, the last closed period next to the open
    round. One subquery, so the page's query count does not grow with its rows."""

    def _tweede_periode(self):
        if not hasattr(self, "_tweede"):
            open_ronde = self.perioden.open()
            periode = self.periode()
            self._open_ronde = open_ronde
            if open_ronde is None or periode is None:
                self._tweede = None
            elif periode.pk != open_ronde.pk:
                self._tweede = open_ronde
            else:
                self._tweede = self.perioden.laatst_gesloten()
        return self._tweede

    def get_queryset(self):
        return super().get_queryset().met_status_in(self._tweede_periode(), "tweede_status")

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        tweede = self._tweede_periode()
        if tweede is None:
            return kwargs
        if tweede.is_open:
            kop, leeg = f"Open ronde {tweede}", "nog niet ingediend"
        else:
            kop, leeg = f"Laatst gesloten: {tweede}", "niet gerapporteerd"
        kolom = StatusKolom(
            kop,
            leeg=leeg,
            labels=dict(Status.choices),
            accessor="tweede_status",
            order_by=("tweede_status", "naam"),
        )
        kwargs["extra_columns"] = [*kwargs.get("extra_columns", []), ("tweede_status", kolom)]
        kwargs["sequence"] = ("thema", "naam", "huidige_status", "tweede_status", "...")
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tweede = self._tweede_periode()
        context["tweede_periode"] = tweede
        open_ronde = self._open_ronde
        if open_ronde is not None:
            context["ronde_totaal"] = open_ronde.initiatieven_actief
            context["ronde_ingediend"] = open_ronde.ingediend
        return context


def _eigen_nog_open(gebruiker):
    """Whether `gebruiker` still has an active initiative without a report in the open
    period (False for every other period): the portfolio asks for that list only when
    there is one, not on every page of someone who owns none or has submitted all."""
    zonder_rapportage = (
        Initiatief.objects.actief()
        .van(gebruiker)
        .exclude(
            Exists(
                Statusrapportage.objects.filter(
                    initiatief=OuterRef("pk"), periode=OuterRef(OuterRef("pk"))
                )
            )
        )
    )
    return Case(
        When(status=PeriodeStatus.OPEN, then=Exists(zonder_rapportage)),
        default=False,
        output_field=BooleanField(),
    )


def _voortgang():
    """`initiatieven_actief` (active initiatives) and `ingediend` (those with a report in
    the period) on every period, from the counters the database keeps (`Initiatiefteller`,
    `Statusteller`, as the dashboard reads them): a few rows in the periods' own query,
    not an EXISTS per active initiative in a query of its own (issue 13)."""
    periode, teller = Rapportageperiode._meta, Statusteller._meta
    return {
        # Table and column names from the models' metadata; no value from outside.
        "initiatieven_actief": RawSQL(  # nosec B611
            f"SELECT COALESCE(SUM(aantal), 0) FROM {Initiatiefteller._meta.db_table}",  # nosec B608
            (),
            output_field=IntegerField(),
        ),
        # The counters' peildatum, read along: the portfolio sorts by overdue milestones
        # counted against it (douane_portfolio.tellers.peildatum_op).
        "peildatum": RawSQL(  # nosec B611
            f"SELECT datum FROM {Tellerdatum._meta.db_table} WHERE id = 1",  # nosec B608
            (),
            output_field=DateField(),
        ),
        "ingediend": RawSQL(  # nosec B611
            f"SELECT COALESCE(SUM(aantal), 0) FROM {teller.db_table} "  # nosec B608
            f"WHERE {teller.get_field('periode').column} = {periode.db_table}.{periode.pk.column}",
            (),
            output_field=IntegerField(),
        ),
    }

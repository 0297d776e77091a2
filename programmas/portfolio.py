"""The portfolio while a round is open: the colours of the last closed period stay in
view next to the progress of the open round, instead of a page of "niet gerapporteerd"."""

from douane_portfolio.kolommen import StatusKolom
from douane_portfolio.parameters import id_uit

from .models import Initiatief, Rapportageperiode, Status


def periode_bij_open_ronde(request):
    """With a round open and no period chosen: the last closed period, else None."""
    if id_uit(request.GET.get("periode")) is not None:
        return None
    if not Rapportageperiode.objects.open().exists():
        return None
    return Rapportageperiode.objects.laatst_gesloten()


class NaastOpenRonde:
    """A column with the colour in the other period that matters while a round is open:
    the open round next to a closed period, the last closed period next to the open
    round. One subquery, so the page's query count does not grow with its rows."""

    def _tweede_periode(self):
        if not hasattr(self, "_tweede"):
            open_ronde = Rapportageperiode.objects.open().first()
            periode = self.periode()
            self._open_ronde = open_ronde
            if open_ronde is None or periode is None:
                self._tweede = None
            elif periode.pk != open_ronde.pk:
                self._tweede = open_ronde
            else:
                self._tweede = Rapportageperiode.objects.laatst_gesloten()
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
            actief = Initiatief.objects.filter(actief=True)
            context["ronde_totaal"] = actief.count()
            context["ronde_ingediend"] = actief.filter(rapportages__periode=open_ronde).count()
        return context

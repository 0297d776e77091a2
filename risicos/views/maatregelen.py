"""The measures that lower risks: list, page, create, edit and the owner's status."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from douane_portfolio.geschiedenis import geschiedenis_van
from douane_portfolio.lijsten import LijstView
from douane_portfolio.objectviews import ObjectBewerkenView, ObjectNieuwView
from douane_portfolio.parameters import id_uit

from .. import services
from ..filters import MaatregelFilter
from ..forms import MaatregelForm, MaatregelStatusForm
from ..models import Beheersmaatregel, Risico
from ..tables import MaatregelTabel
from .basis import LeesView


class MaatregelLijst(LijstView):
    model = Beheersmaatregel
    table_class = MaatregelTabel
    filterset_class = MaatregelFilter
    permission_required = "risicos.view_beheersmaatregel"
    template_name = "risicos/maatregelen.html"
    titel = "Beheersmaatregelen"
    intro = (
        "Alle maatregelen die risico's verlagen, ook de overkoepelende maatregelen die bij "
        "geen enkel risico in het bijzonder horen."
    )

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("eigenaar", "dialoog")
            .prefetch_related(Prefetch("risicos", queryset=Risico.objects.only("pk", "titel")))
        )


class MaatregelDetail(LeesView):
    model = Beheersmaatregel
    template_name = "risicos/maatregel_detail.html"
    context_object_name = "maatregel"

    def get_queryset(self):
        return super().get_queryset().select_related("eigenaar", "dialoog")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        maatregel, user = self.object, self.request.user
        context.update(
            {
                "titel": "Beheersmaatregel",
                "risicos": list(maatregel.risicos.all()),
                "vandaag": timezone.localdate(),
                "geschiedenis": geschiedenis_van(maatregel),
                "mag_wijzigen": user.has_perm("risicos.change_beheersmaatregel", maatregel),
                "mag_status": user.has_perm("risicos.change_status_beheersmaatregel", maatregel),
            }
        )
        return context


class MaatregelNieuw(ObjectNieuwView):
    model = Beheersmaatregel
    form_class = MaatregelForm
    permissie = "risicos.add_beheersmaatregel"
    template_name = "risicos/formulier.html"
    succes_bericht = "De beheersmaatregel is toegevoegd."

    def get_initial(self):
        initial = super().get_initial()
        risico = id_uit(self.request.GET.get("risico"))
        if risico is not None:
            initial["risicos"] = [risico]
        return initial

    def uitvoeren(self, form):
        return services.maatregel_toevoegen(
            maatregel=form.instance, door=self.request.user, bewaar_koppelingen=form.save_m2m
        )

    def get_success_url(self):
        risicos = list(self.resultaat.risicos.all())
        return (
            risicos[0].get_absolute_url()
            if len(risicos) == 1
            else self.resultaat.get_absolute_url()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = "Nieuwe beheersmaatregel"
        context["annuleer_url"] = reverse("risicos:maatregelen")
        return context


class MaatregelBewerken(ObjectBewerkenView):
    model = Beheersmaatregel
    form_class = MaatregelForm
    permissie = "risicos.change_beheersmaatregel"
    template_name = "risicos/formulier.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = "Beheersmaatregel bewerken"
        return context

    def uitvoeren(self, form):
        return services.maatregel_bijwerken(
            maatregel=form.instance,
            door=self.request.user,
            verwachte_versie=form.verwachte_versie,
            bewaar_koppelingen=form.save_m2m,
        )


class MaatregelStatus(ObjectBewerkenView):
    """The owner of a measure reports its progress; only the status changes."""

    model = Beheersmaatregel
    form_class = MaatregelStatusForm
    permissie = "risicos.change_status_beheersmaatregel"
    template_name = "risicos/formulier.html"
    succes_bericht = "De status van de maatregel is bijgewerkt."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = "Status van de maatregel bijwerken"
        context["toelichting"] = str(self.object.omschrijving)
        return context

    def uitvoeren(self, form):
        return services.maatregelstatus_melden(
            maatregel=form.instance,
            door=self.request.user,
            verwachte_versie=form.verwachte_versie,
        )

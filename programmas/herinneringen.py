"""Missing status reports in the open round, as subjects for the reminder sweep."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from douane_portfolio import rollen
from douane_portfolio.acties import Onderwerp

from .models import Initiatief, Rapportageperiode


def ontbrekende_statusrapportages(tot):
    """Every active initiative without a report in the open round, due at its deadline.

    The owner of the initiative reports; escalation goes to their manager, else to the
    portfolio office (Beheerder). Two queries, whatever the number of initiatives.
    """
    periode = Rapportageperiode.objects.open().filter(indiendeadline__lte=tot).first()
    if periode is None:
        return []
    soort = ContentType.objects.get_for_model(Initiatief)
    initiatieven = (
        Initiatief.objects.actief()
        .zonder_rapportage_in(periode)
        .select_related("eigenaar__manager")
        .order_by("pk")
    )
    return [
        Onderwerp(
            content_type_id=soort.pk,
            object_id=initiatief.pk,
            # One report per initiative per round: the round is part of the period.
            reeks=f"ronde-{periode.pk}",
            soortnaam="statusrapportage",
            omschrijving=f"Status {periode} indienen",
            context=initiatief.naam,
            deadline=periode.indiendeadline,
            pad=reverse("programmas:status_indienen", args=[initiatief.pk, periode.pk]),
            eigenaar=initiatief.eigenaar,
            escalatie_kandidaten=[initiatief.eigenaar.manager],
            escalatie_rol=rollen.BEHEERDER,
        )
        for initiatief in initiatieven
    ]

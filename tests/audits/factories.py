import datetime

import factory
from django.utils import timezone

from audits.models import (
    Auditrapport,
    Bevinding,
    BevindingStatus,
    Instantie,
    Soort,
    Vervolgactie,
)
from tests.factories import UserFactory


class AuditrapportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Auditrapport

    instantie = Instantie.ARK
    titel = factory.Sequence(lambda n: f"Verantwoordingsonderzoek {n}")
    jaar = 2022


class BevindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bevinding
        skip_postgeneration_save = True

    rapport = factory.SubFactory(AuditrapportFactory)
    titel = factory.Sequence(lambda n: f"Onvolkomenheid {n}")
    soort = Soort.ONVOLKOMENHEID
    domein = "inkoopbeheer"
    eigenaar = factory.SubFactory(UserFactory)
    status = BevindingStatus.IN_UITVOERING
    verwacht_opgelost_jaar = factory.LazyFunction(lambda: timezone.localdate().year + 1)


class VervolgactieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vervolgactie

    bevinding = factory.SubFactory(BevindingFactory)
    omschrijving = factory.Sequence(lambda n: f"Verbetermaatregel {n} uitvoeren")
    eigenaar = factory.LazyAttribute(lambda a: a.bevinding.eigenaar)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    status = "in_uitvoering"

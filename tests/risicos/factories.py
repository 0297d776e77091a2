import datetime

import factory

from douane_portfolio import rollen
from risicos.models import (
    Beheersmaatregel,
    Categorie,
    Dialoogrisico,
    DialoogStatus,
    Risico,
    Risicodialoog,
)
from tests.factories import UserFactory


class RisicoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risico
        skip_postgeneration_save = True

    titel = factory.Sequence(lambda n: f"Risico {n:03d}")
    categorie = Categorie.INTERN
    eigenaar = factory.SubFactory(UserFactory, rol=rollen.RISICOFUNCTIONARIS)

    class Params:
        gescoord = factory.Trait(bruto_kans=4, bruto_impact=4, netto_kans=3, netto_impact=3)


class BeheersmaatregelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beheersmaatregel
        skip_postgeneration_save = True

    omschrijving = factory.Sequence(lambda n: f"Maatregel {n}")
    eigenaar = factory.SubFactory(UserFactory, rol=rollen.PROGRAMMAMANAGER)
    deadline = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))

    @factory.post_generation
    def risicos(self, create, extracted, **kwargs):
        if create and extracted:
            self.risicos.add(*extracted)


class RisicodialoogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risicodialoog
        skip_postgeneration_save = True

    titel = factory.Sequence(lambda n: f"Risicodialoog {n}")
    datum = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=1))
    voorzitter = factory.SubFactory(UserFactory, rol=rollen.RISICOFUNCTIONARIS)
    status = DialoogStatus.GEPLAND

    @factory.post_generation
    def risicos(self, create, extracted, **kwargs):
        if create and extracted:
            for volgorde, risico in enumerate(extracted, start=1):
                Dialoogrisico.objects.create(dialoog=self, risico=risico, volgorde=volgorde)


class DialoogrisicoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dialoogrisico

    dialoog = factory.SubFactory(RisicodialoogFactory)
    risico = factory.SubFactory(RisicoFactory)

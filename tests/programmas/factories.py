import datetime

import factory

from programmas import models
from tests.factories import UserFactory


class ThemaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Thema
        django_get_or_create = ("naam",)

    naam = factory.Sequence(lambda n: f"Thema {n}")
    volgorde = factory.Sequence(lambda n: n + 1)


class InitiatiefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Initiatief

    thema = factory.SubFactory(ThemaFactory)
    naam = factory.Sequence(lambda n: f"Initiatief {n}")
    eigenaar = factory.SubFactory(UserFactory)
    volgorde = factory.Sequence(lambda n: n)


class PeriodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Rapportageperiode
        django_get_or_create = ("jaar", "soort")

    jaar = 2026
    soort = models.Periodesoort.T3
    status = models.PeriodeStatus.OPEN
    indiendeadline = datetime.date(2027, 1, 15)


class StatusrapportageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Statusrapportage

    initiatief = factory.SubFactory(InitiatiefFactory)
    periode = factory.SubFactory(PeriodeFactory)
    status = models.Status.GROEN
    toelichting = factory.LazyAttribute(
        lambda r: "" if r.status == models.Status.GROEN else "Loopt anders dan gepland."
    )


class MijlpaalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Mijlpaal

    initiatief = factory.SubFactory(InitiatiefFactory)
    omschrijving = factory.Sequence(lambda n: f"Mijlpaal {n}")
    eigenaar = factory.LazyAttribute(lambda m: m.initiatief.eigenaar)
    deadline = datetime.date(2026, 12, 31)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Prestatieindicator

    naam = factory.Sequence(lambda n: f"Indicator {n}")
    groep = "Testgroep"
    eenheid = "aantal"


class IndicatorwaardeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Indicatorwaarde

    indicator = factory.SubFactory(IndicatorFactory)
    periode = factory.SubFactory(PeriodeFactory)

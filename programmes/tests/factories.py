"""Factories for programmes and their configured items.

Most tests take the real configuration (the ``configuration``/``children``/``working_age``
fixtures run ``load_configuration``); these build a minimal programme where that is enough.
Items are fetched by (programme, code) when they exist, so a factory given a configured
programme reuses its configured kinds and life areas.
"""

import factory
from factory.django import DjangoModelFactory

from programmes.models import LifeArea, ParticipantKind, Programme, ProgrammeRole


class ProgrammeFactory(DjangoModelFactory[Programme]):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"programme-{n}")
    name_fi = factory.Sequence(lambda n: f"Ohjelma {n}")
    common_goal_fi = "Lapsen toimiva arki"
    order = factory.Sequence(int)


class LifeAreaFactory(DjangoModelFactory[LifeArea]):
    class Meta:
        model = LifeArea
        django_get_or_create = ("programme", "code")

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"life-area-{n}")
    name_fi = factory.Sequence(lambda n: f"Elämänalue {n}")
    order = factory.Sequence(int)


class ParticipantKindFactory(DjangoModelFactory[ParticipantKind]):
    """A family member's kind (``parent``) unless told otherwise."""

    class Meta:
        model = ParticipantKind
        django_get_or_create = ("programme", "code")

    programme = factory.SubFactory(ProgrammeFactory)
    code = "parent"
    name_fi = "Vanhempi"
    is_family = True

    class Params:
        professional = factory.Trait(code="professional", name_fi="Ammattilainen", is_family=False)


class ProgrammeRoleFactory(DjangoModelFactory[ProgrammeRole]):
    class Meta:
        model = ProgrammeRole
        django_get_or_create = ("programme", "code")

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"role-{n}")
    name_fi = factory.Sequence(lambda n: f"Rooli {n}")

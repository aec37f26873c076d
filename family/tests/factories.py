"""Factories for personal links. Only hashes are stored, so the factory keeps the plain token and
code on the built link (``link.token``, ``link.code``) for the test to use."""

from datetime import timedelta

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from factory.django import DjangoModelFactory

from family.models import FamilyLink
from family.services import CODE_HOURS, LINK_DAYS, hash_token
from networks.tests.factories import ParticipantFactory


class FamilyLinkFactory(DjangoModelFactory[FamilyLink]):
    """A family member's usable link with a fresh code (what ``create_link`` issues)."""

    class Meta:
        model = FamilyLink

    token = factory.Sequence(lambda n: f"family-link-token-{n:04d}")
    code = factory.Sequence(lambda n: f"{n % 1_000_000:06d}")
    participant = factory.SubFactory(ParticipantFactory)
    token_hash = factory.LazyAttribute(lambda link: hash_token(link.token))
    created_by = factory.SelfAttribute("participant.network.coordinator")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=LINK_DAYS))
    code_hash = factory.LazyAttribute(lambda link: make_password(link.code))
    code_expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=CODE_HOURS))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        token, code = kwargs.pop("token"), kwargs.pop("code")
        link = super()._create(model_class, *args, **kwargs)
        vars(link).update(token=token, code=code)  # shown once, never stored
        return link

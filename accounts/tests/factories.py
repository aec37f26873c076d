"""Factories for users and their roles."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import Membership, Role, User

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.fi")
    full_name = factory.Faker("name", locale="fi_FI")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            Membership.objects.create(user=self, role=role)


def user_with_role(role: str, **fields) -> User:
    return UserFactory(roles=[role], **fields)


__all__ = ["PASSWORD", "Role", "UserFactory", "user_with_role"]

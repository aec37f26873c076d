"""Factories for users and their roles: the one user factory of the test suite."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import Membership, User
from audit.roles import Role

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory[User]):
    """A user account; ``roles=[...]`` gives it unscoped memberships of those roles."""

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
            MembershipFactory(user=self, role=role)


class MembershipFactory(DjangoModelFactory[Membership]):
    """A role, optionally limited to an area, a programme and an organisation (all empty)."""

    class Meta:
        model = Membership
        django_get_or_create = ("user", "role", "area", "programme", "organisation")

    user = factory.SubFactory(UserFactory)
    role = Role.PROFESSIONAL
    area = None
    programme = None
    organisation = None


def user_with_role(role: str, **fields) -> User:
    return UserFactory(roles=[role], **fields)


__all__ = ["PASSWORD", "MembershipFactory", "Role", "UserFactory", "user_with_role"]

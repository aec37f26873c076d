"""The roles a staff member can hold: the vocabulary of the access rules (`HasRole`) and of
memberships (`accounts.Membership.role`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    COORDINATOR = "coordinator", _("Coordinator")
    LEADERSHIP_MEMBER = "leadership_member", _("Leadership team member")
    DEVELOPER_WORKER = "developer_worker", _("Developer worker (backbone)")
    LEARNING_NETWORK = "learning_network", _("Learning-network coordinator")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")
    ADMINISTRATOR = "administrator", _("Administrator")

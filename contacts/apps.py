from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from audit.policy import Kind, register_bases
        from contacts.access import contact_bases
        from contacts.models import Contact

        register_bases(Kind.CONTACT, Contact, contact_bases)

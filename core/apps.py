from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Base pages")

    def ready(self) -> None:
        from django import forms

        from core.forms import ChoiceIterator

        # Django's documented hook for the choices of a model choice field (and of the multiple
        # one, its subclass): read them in one query (core.forms.ChoiceIterator).
        forms.ModelChoiceField.iterator = ChoiceIterator

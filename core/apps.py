from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Base pages")

    def ready(self) -> None:
        from django import forms
        from django.db import models

        from core.forms import ChoiceIterator
        from core.lookups import AnyOf

        # Django's documented hook for the choices of a model choice field (and of the multiple
        # one, its subclass): read them in one query (core.forms.ChoiceIterator).
        forms.ModelChoiceField.iterator = ChoiceIterator
        # field__any_of=[…]: one parameter however many values (core.lookups), so that a
        # query with a list of ids keeps its SQL text and can be compiled once (core.db.Prepared).
        models.IntegerField.register_lookup(AnyOf)
        models.ForeignKey.register_lookup(AnyOf)

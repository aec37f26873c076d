"""The form renderer: Django's own field and widget templates in their Jinja2 form.

A meeting record form renders some fifty fields, each through six or more small templates
(field, label, widget, attrs, options, errors). Django ships the same templates for Jinja2,
which renders them several times faster (docs/decisions/0007-jinja2-form-renderer-and-
compiled-queries.md). Arki's own widget templates (the professional picker) stay in Django's
template language: a template the Jinja2 side does not have is taken from the Django side, as
Django's default renderer does.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)

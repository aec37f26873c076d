"""The form renderer: Django's own field and widget templates in their Jinja2 form.

A meeting record form renders some fifty fields, each through six or more small templates
(field, label, widget, attrs, options, errors). Django ships the same templates for Jinja2,
which renders them several times faster (docs/decisions/0007-jinja2-form-renderer-and-
compiled-queries.md). Arki's own widget templates (the professional picker) stay in Django's
template language: a template the Jinja2 side does not have is taken from the Django side, as
Django's default renderer does.

Two of Django's Jinja2 widget templates have Arki versions (core/jinja2), which come first:
``select.html`` and ``multiple_input.html`` write Django's option, input and attrs templates
inline, so that a drop-down of thirty areas is one template instead of thirty-one includes
(each include makes a new Jinja2 context). They render the same HTML as Django's own
(core/tests/test_renderers.py); an option with another template is still included.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    @cached_property
    def engine(self) -> Any:
        # Arki's own versions of some of Django's widget templates (core/jinja2) come first.
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(__file__).parent / "jinja2",
                    Path(forms.__file__).parent / "jinja2",
                ],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )

    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)

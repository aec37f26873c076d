"""The form renderer: Django's Jinja2 field templates, Arki's own widgets in Django's language."""

from django.forms.renderers import get_default_renderer
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template

from contacts.forms import ProfessionalPicker
from core.renderers import FormRenderer


def test_the_default_renderer_is_arki_s():
    assert isinstance(get_default_renderer(), FormRenderer)


def test_django_s_field_templates_come_from_jinja2():
    renderer = FormRenderer()
    for name in ("django/forms/field.html", "django/forms/widgets/select.html"):
        assert isinstance(renderer.get_template(name), Jinja2Template), name


def test_a_widget_template_only_in_django_s_language_is_still_found():
    template = FormRenderer().get_template(ProfessionalPicker.template_name)
    assert isinstance(template, DjangoTemplate)

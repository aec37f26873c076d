"""The form renderer: Django's Jinja2 field templates, Arki's own widgets in Django's language."""

from pathlib import Path

import pytest
from django import forms
from django.forms.renderers import Jinja2, get_default_renderer
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template

import core
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


# Arki's select and radio/checkbox templates write Django's option templates inline; what they
# render must stay what Django's own Jinja2 templates render, for every kind of choice.
class _Choices(forms.Form):
    plain = forms.ChoiceField(
        choices=[("", "—"), ("x", "X & <y>"), ("z", 'Z "quoted"')], help_text="Help"
    )
    grouped = forms.MultipleChoiceField(
        choices=[("Group <1>", [("1", "one"), ("2", "two")]), ("3", "three")], required=False
    )
    attrs = forms.ChoiceField(
        choices=[(1, "a"), (2, "b")],
        widget=forms.Select(attrs={"class": "k", "disabled": True, "data-x": '"q"'}),
    )
    radio = forms.ChoiceField(
        choices=[("k", "Kept <b>"), ("n", "Not kept")], widget=forms.RadioSelect, required=False
    )
    boxes = forms.MultipleChoiceField(
        choices=[("G", [("1", "one"), ("2", "two")]), ("3", "three")],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "c"}),
        required=False,
    )
    no_boxes = forms.MultipleChoiceField(
        choices=[], widget=forms.CheckboxSelectMultiple, required=False
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "x", "grouped": ["1", "3"], "attrs": "2", "radio": "k", "boxes": ["2", "3"]},
        {"plain": "nothing", "grouped": ["9"], "radio": "bad", "boxes": ["x"]},
    ],
)
def test_inline_option_templates_render_what_django_s_own_render(data):
    ours, django_s = _Choices(data, renderer=FormRenderer()), _Choices(data, renderer=Jinja2())
    for name in _Choices.base_fields:
        assert str(ours[name]) == str(django_s[name]), name
        assert ours[name].as_field_group() == django_s[name].as_field_group(), name
    assert "<option" in str(ours["plain"]) and 'type="radio"' in str(ours["radio"])


def test_arki_s_own_widget_templates_come_first():
    source = FormRenderer().get_template("django/forms/widgets/select.html").template
    assert "inline" in Path(source.filename).read_text(encoding="utf-8")
    assert Path(source.filename).is_relative_to(Path(core.__file__).parent)


def test_an_option_with_a_template_of_its_own_is_still_included():
    class Own(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    class Form(forms.Form):
        choice = forms.ChoiceField(choices=[("a", "A")], widget=Own)

    ours, django_s = Form(renderer=FormRenderer()), Form(renderer=Jinja2())
    assert str(ours["choice"]) == str(django_s["choice"])
    assert 'type="select"' in str(ours["choice"])

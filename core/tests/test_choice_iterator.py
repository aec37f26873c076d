"""A model choice field reads its choices in one query, never through a server-side cursor
(issue #21: on PostgreSQL ``QuerySet.iterator()`` costs DECLARE, FETCH and CLOSE per field)."""

import pytest
from django import forms
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from core.forms import (
    ChoiceIterator,
    CompiledChoiceField,
    compiled_choice_field,
    compiled_read,
    limit_choices,
    read_choices,
)
from directory.models import Area

pytestmark = pytest.mark.django_db


class Form(forms.Form):
    area = forms.ModelChoiceField(queryset=Area.objects.order_by("name"), required=False)
    areas = forms.ModelMultipleChoiceField(queryset=Area.objects.order_by("name"), required=False)


def test_every_model_choice_field_reads_its_choices_as_a_list(monkeypatch):
    Area.objects.create(code="b", name="Bravo")
    Area.objects.create(code="a", name="Alfa")

    def no_cursor(self, *args, **kwargs):
        raise AssertionError("a model choice field asked for a server-side cursor")

    monkeypatch.setattr(QuerySet, "iterator", no_cursor)
    form = Form()
    assert forms.ModelChoiceField.iterator is ChoiceIterator
    with CaptureQueriesContext(connection) as captured:
        html = str(form["area"]) + str(form["areas"])
    assert html.index("Alfa") < html.index("Bravo")
    assert len(captured) == 2  # one query per field, each rendering reading afresh
    assert not any("DECLARE" in query["sql"] for query in captured)
    # Validation still looks the choice up in the queryset.
    chosen = Area.objects.get(code="a")
    bound = Form({"area": str(chosen.pk), "areas": [str(chosen.pk)]})
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["area"] == chosen


class RequiredForm(forms.Form):
    area = forms.ModelChoiceField(queryset=Area.objects.order_by("name"), empty_label=None)


def test_a_form_reads_its_choices_once_and_the_next_form_afresh():
    """A select with no empty choice is iterated twice when drawn (whether its first choice is
    empty, then the options): one query. The next form reads the rows again."""
    Area.objects.create(code="a", name="Alfa")
    form = RequiredForm()
    with CaptureQueriesContext(connection) as captured:
        html = str(form["area"])
    assert len(captured) == 1 and "Alfa" in html
    assert "required" not in html  # the first choice is not empty: no "required" (as Django)
    Area.objects.create(code="b", name="Bravo")
    with CaptureQueriesContext(connection) as captured:
        again = str(RequiredForm()["area"])
    assert len(captured) == 1 and "Bravo" in again
    # The form class's own field never keeps rows for the forms copied from it.
    assert RequiredForm.base_fields["area"].widget.choices._rows is None


class CompiledForm(forms.Form):
    area = CompiledChoiceField(queryset=Area.objects.order_by("name"), required=False)


def test_a_compiled_choice_field_offers_what_its_queryset_holds_compiled_once():
    Area.objects.create(code="b", name="Bravo")
    Area.objects.create(code="a", name="Alfa")
    declared = CompiledForm.base_fields["area"].compiled_choices
    assert declared is not None
    first = CompiledForm()
    # Every form shares the declaration's compiled query (Django copies the field per form).
    assert first.fields["area"].compiled_choices is declared
    django_s = Form()
    assert list(first.fields["area"].choices) == list(django_s.fields["area"].choices)
    assert str(first["area"]) == str(django_s["area"])
    with CaptureQueriesContext(connection) as captured:
        html = str(CompiledForm()["area"])
    assert len(captured) == 1 and html.index("Alfa") < html.index("Bravo")
    # The rows are read afresh: a new area is offered by the next form.
    Area.objects.create(code="c", name="Charlie")
    assert "Charlie" in str(CompiledForm()["area"])


def test_a_compiled_choice_field_given_another_queryset_offers_that_one():
    alfa = Area.objects.create(code="a", name="Alfa")
    Area.objects.create(code="b", name="Bravo")
    form = CompiledForm()
    limit_choices(form, "area", Area.objects.filter(pk=alfa.pk))
    assert form.fields["area"].compiled_choices is None
    html = str(form["area"])
    assert "Alfa" in html and "Bravo" not in html
    # The declaration itself is untouched: the next form offers every area again.
    assert "Bravo" in str(CompiledForm()["area"])


def test_a_compiled_choice_field_validates_against_its_queryset():
    alfa = Area.objects.create(code="a", name="Alfa")
    bravo = Area.objects.create(code="b", name="Bravo")
    bound = CompiledForm({"area": str(alfa.pk)})
    assert bound.is_valid() and bound.cleaned_data["area"] == alfa
    limited = CompiledForm({"area": str(bravo.pk)})
    limit_choices(limited, "area", Area.objects.filter(pk=alfa.pk))
    assert not limited.is_valid()
    assert not CompiledForm({"area": "999999"}).is_valid()


def test_a_field_limited_to_some_rows_offers_and_accepts_only_those_in_the_declared_order():
    alfa = Area.objects.create(code="a", name="Alfa")
    bravo = Area.objects.create(code="b", name="Bravo")
    charlie = Area.objects.create(code="c", name="Charlie")
    form = CompiledForm()
    compiled_choice_field(form, "area").limit_to([charlie.pk, alfa.pk, alfa.pk])
    assert compiled_read(form.fields["area"]) is not None  # still read with compiled SQL
    html = str(form["area"])
    assert "Bravo" not in html and html.index("Alfa") < html.index("Charlie")
    django_s = CompiledForm()
    limit_choices(django_s, "area", Area.objects.filter(pk__in=[alfa.pk, charlie.pk]))
    assert html == str(django_s["area"])
    accepted = CompiledForm({"area": str(charlie.pk)})
    compiled_choice_field(accepted, "area").limit_to([alfa.pk, charlie.pk])
    assert accepted.is_valid() and accepted.cleaned_data["area"] == charlie
    refused = CompiledForm({"area": str(bravo.pk)})
    compiled_choice_field(refused, "area").limit_to([alfa.pk, charlie.pk])
    assert not refused.is_valid() and "area" in refused.errors
    # The declaration is untouched: the next form offers every area again.
    assert "Bravo" in str(CompiledForm()["area"])
    with pytest.raises(TypeError):
        compiled_choice_field(Form(), "area")


def test_read_choices_reads_every_compiled_drop_down_before_the_page_renders():
    Area.objects.create(code="a", name="Alfa")
    Area.objects.create(code="b", name="Bravo")

    class Two(forms.Form):
        area = CompiledChoiceField(queryset=Area.objects.order_by("name"), required=False)
        other = CompiledChoiceField(queryset=Area.objects.order_by("-name"), required=False)
        plain = forms.ModelChoiceField(queryset=Area.objects.order_by("name"), required=False)

    expected = str(Two()["area"]) + str(Two()["other"])
    first, second = Two(), CompiledForm()
    compiled_choice_field(second, "area").limit_to([Area.objects.get(code="b").pk])
    with CaptureQueriesContext(connection) as read:
        read_choices(first, second)
    assert len(read) == 3  # the plain field is read as before, when rendered
    with CaptureQueriesContext(connection) as rendering:
        html = str(first["area"]) + str(first["other"])
        limited = str(second["area"])
    assert len(rendering) == 0
    assert html == expected
    assert "Bravo" in limited and "Alfa" not in limited
    Area.objects.create(code="c", name="Charlie")
    assert "Charlie" in str(Two()["area"])  # another form reads afresh

"""core.forms.submit: the one way a view calls a service and shows what it answered."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from core.errors import StaleEdit, ValidationError
from core.forms import submit


class NoteForm(forms.Form):
    title = forms.CharField()


@pytest.fixture
def request_():
    request = RequestFactory().post("/", {"title": "A note"})
    request._messages = CookieStorage(request)
    return request


def flashed(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def valid_form():
    form = NoteForm({"title": "A note"})
    assert form.is_valid()
    return form


def refuse(error):
    def call():
        raise error

    return call


def test_success_flashes_the_message_and_gives_the_value(request_):
    form = valid_form()
    result = submit(request_, form, lambda: 42, "Saved.")
    assert result
    assert result.value == 42
    assert flashed(request_) == [("success", "Saved.")]
    assert not form.errors


def test_the_message_may_depend_on_the_value_or_be_left_out(request_):
    assert submit(request_, None, lambda: (7, False), lambda r: "New." if r[1] else None)
    assert submit(request_, None, lambda: 3, lambda n: f"{n} saved.")
    assert submit(request_, None, lambda: None)
    assert flashed(request_) == [("success", "3 saved.")]


def test_field_errors_go_on_their_fields_and_the_rest_on_top(request_):
    form = valid_form()
    error = ValidationError({"title": "Too long.", "other": "Not a field here."})
    result = submit(request_, form, refuse(error), "Saved.")
    assert not result
    assert form.errors["title"] == ["Too long."]
    assert form.non_field_errors() == ["Not a field here."]
    assert flashed(request_) == []
    with pytest.raises(ValueError):
        result.value  # noqa: B018


def test_without_a_form_the_refusal_is_an_error_message(request_):
    result = submit(request_, None, refuse(ValidationError(["Full.", "Closed."])), "Saved.")
    assert not result
    assert flashed(request_) == [("error", "Full. Closed.")]


def test_a_stale_edit_shows_the_given_message(request_):
    form = valid_form()
    assert not submit(request_, form, refuse(StaleEdit()), "Saved.", stale="Someone else saved.")
    assert form.non_field_errors() == ["Someone else saved."]
    assert not submit(request_, None, refuse(StaleEdit()), stale="Someone else saved.")
    assert flashed(request_) == [("error", "Someone else saved.")]


def test_a_stale_edit_without_a_message_is_the_views_to_handle(request_):
    with pytest.raises(StaleEdit):
        submit(request_, valid_form(), refuse(StaleEdit()), "Saved.")

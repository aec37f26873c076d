"""core.addresses.reverse and the {% url %} tag give exactly Django's addresses."""

import uuid

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, set_script_prefix
from django.urls import reverse as django_reverse
from django.utils import translation

from core import addresses
from core.addresses import reverse


def _named_patterns(resolver=None, namespace=""):
    """(view name, parameter names) of every named pattern Arki serves."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", tuple(entry.pattern.converters)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_arki_view_with_numbers_gets_djangos_address(language):
    checked = 0
    with translation.override(language):
        for name, params in _named_patterns():
            for values in (
                [0] * len(params),
                [7 + n for n in range(len(params))],
                [10**12] * len(params),
            ):
                try:
                    expected = django_reverse(name, args=values)
                except NoReverseMatch:
                    with pytest.raises(NoReverseMatch):
                        reverse(name, args=values)
                    continue
                assert reverse(name, args=values) == expected
                assert reverse(
                    name, kwargs=dict(zip(params, values, strict=True))
                ) == django_reverse(name, kwargs=dict(zip(params, values, strict=True)))
                checked += 1
    assert checked > 100


@override_settings(ROOT_URLCONF="core.tests.addresses_urls")
def test_numbers_a_converter_changes_or_refuses_are_left_to_django():
    assert reverse("padded", args=[42]) == "/padded/000042/" == django_reverse("padded", args=[42])
    assert reverse("year", args=[2026]) == "/year/2026/"
    with pytest.raises(NoReverseMatch):
        reverse("year", args=[26])
    with pytest.raises(NoReverseMatch):
        reverse("year", args=[20260])
    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert reverse("uuid", args=[key]) == f"/uuid/{key}/"
    assert reverse("two", args=[3, 4]) == "/two/3/at/4/"
    assert reverse("two", kwargs={"other": 4, "pk": 3}) == "/two/3/at/4/"


@override_settings(ROOT_URLCONF="core.tests.addresses_urls")
@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ([-1], None),  # the int converter refuses a sign
        ([True], None),  # a boolean is not a number here
        ([1, 2], None),  # too many
        ([], None),  # too few
        (None, {"nothing": 1}),
    ],
)
def test_what_django_refuses_is_refused(args, kwargs):
    with pytest.raises(NoReverseMatch):
        django_reverse("plain", args=args, kwargs=kwargs)
    with pytest.raises(NoReverseMatch):
        reverse("plain", args=args, kwargs=kwargs)


@override_settings(ROOT_URLCONF="core.tests.addresses_urls")
def test_anything_but_whole_numbers_goes_to_django():
    assert reverse("word", args=["hello world"]) == django_reverse("word", args=["hello world"])
    assert reverse("word", args=["ä"]) == django_reverse("word", args=["ä"]) == "/word/%C3%A4/"
    assert reverse("plain", args=["12"]) == django_reverse("plain", args=["12"]) == "/plain/12/"
    with pytest.raises(NoReverseMatch):
        reverse("word", args=["ä/ö"])
    assert reverse("word", args=[17]) == "/word/17/"
    with pytest.raises(ValueError, match="mix"):
        reverse("two", args=[1], kwargs={"other": 2})


def test_a_new_url_configuration_is_learnt_again():
    assert reverse("contacts:queue") == "/contacts/queue/"
    with override_settings(ROOT_URLCONF="core.tests.addresses_urls"):
        assert reverse("plain", args=[9]) == "/plain/9/"
        with pytest.raises(NoReverseMatch):
            reverse("contacts:queue")
    assert reverse("contacts:queue") == "/contacts/queue/"


def test_the_script_prefix_is_part_of_the_address():
    try:
        set_script_prefix("/arki/")
        assert reverse("directory:service_detail", args=[5]) == "/arki/directory/services/5/"
    finally:
        set_script_prefix("/")
    assert reverse("directory:service_detail", args=[5]) == "/directory/services/5/"


def test_the_kept_shapes_are_bounded(monkeypatch):
    monkeypatch.setattr(addresses, "_SHAPES_KEPT", 3)
    addresses._shapes.clear()
    for n in range(5):
        with translation.override(["fi", "sv", "en", "de", "fr"][n]):
            reverse("contacts:queue")
    assert len(addresses._shapes) <= 3


def test_the_url_tag_is_arkis_and_renders_as_djangos():
    template = Template(
        "{% url 'directory:service_detail' pk %}|{% url 'directory:service_detail' pk=pk %}|"
        "{% url 'contacts:queue' as queue %}{{ queue }}|{% url 'nothing:here' as none %}[{{ none }}]"
    )
    assert template.render(Context({"pk": 12})) == (
        "/directory/services/12/|/directory/services/12/|/contacts/queue/|[]"
    )
    node = template.nodelist[0]
    assert type(node).__name__ == "AddressNode"
    with pytest.raises(NoReverseMatch):
        Template("{% url 'nothing:here' %}").render(Context())
    with pytest.raises(NoReverseMatch):
        Template("{% url 'directory:service_detail' -3 %}").render(Context())

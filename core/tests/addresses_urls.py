"""A URL configuration for core/tests/test_addresses.py: converters that change or refuse
numbers, which core.addresses must leave to Django's reverse."""

from django.http import HttpResponse
from django.urls import path, re_path, register_converter


class Padded:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:06d}"


register_converter(Padded, "padded")


def view(request, **kwargs):
    return HttpResponse("")


urlpatterns = [
    path("plain/<int:pk>/", view, name="plain"),
    path("two/<int:pk>/at/<int:other>/", view, name="two"),
    path("padded/<padded:pk>/", view, name="padded"),
    re_path(r"^year/(?P<year>[0-9]{4})/$", view, name="year"),
    path("uuid/<uuid:key>/", view, name="uuid"),
    path("word/<str:word>/", view, name="word"),
]

"""Addresses of views with whole-number arguments, reversed once per view and then filled in.

Django's ``reverse`` walks the view's URL patterns and checks the arguments against each
pattern's regular expression on every call: about 45 µs for an address with one number, and a
page with a table of 25 rows reverses 50 or more (the directory's results, the network page,
"my promises"). Almost every address in Arki's templates is a view name and some primary keys.

:func:`reverse` learns, per view name, argument count (or keyword names), ``current_app``, URL
configuration, script prefix and language, what Django's ``reverse`` makes of stand-in numbers,
and then writes the address with the real numbers in their places: the same string Django
gives, in about 3 µs. It learns only a shape Django's own ``reverse`` confirms three times
(two sets of large stand-ins and one of single digits), so a pattern that formats a number
(a converter that pads it) or refuses some numbers (``[0-9]{4}``, a UUID) is never learnt:
such a view, any other argument (a string, a model, ``True``, a negative number) and mixed
positional and keyword arguments go to Django's ``reverse`` as before, and so does every
``NoReverseMatch``. A shape is kept with the URL resolver it was learnt from: when the URL
configuration changes (``clear_url_caches``, ``override_settings(ROOT_URLCONF=…)``), Django
makes a new resolver and the shape is learnt again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.translation import get_language

# Stand-ins whose digits cannot occur by chance in an address (19 digits, all different).
_LARGE = (
    tuple(7_301_948_265_000_000_000 + 111 * n for n in range(8)),
    tuple(8_462_019_375_000_000_000 + 333 * n for n in range(8)),
)
# Kept per process: a few hundred view names × argument shapes × three languages.
_SHAPES_KEPT = 4096


class _Shape(NamedTuple):
    resolver: Any  # the resolver the shape was learnt from: another one means learn again
    pieces: tuple[str | int, ...] | None  # text, or the argument's index; None: use Django's


_shapes: dict[tuple[Any, ...], _Shape] = {}


def _whole(value: Any) -> bool:
    return type(value) is int and value >= 0


def reverse(
    viewname: str,
    args: Sequence[Any] | None = None,
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    """Django's ``reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)``."""
    args = args or ()
    kwargs = kwargs or {}
    names = tuple(kwargs)
    values: Sequence[Any] = tuple(kwargs.values()) if names else args
    if not isinstance(viewname, str) or (args and names) or not all(map(_whole, values)):
        return django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    urlconf = get_urlconf()
    resolver = get_resolver(urlconf)
    key = (
        viewname,
        names or len(args),
        current_app,
        urlconf or settings.ROOT_URLCONF,
        get_script_prefix(),
        get_language(),
    )
    shape = _shapes.get(key)
    if shape is None or shape.resolver is not resolver:
        shape = _Shape(resolver, _learn(viewname, names, len(values), current_app))
        if len(_shapes) >= _SHAPES_KEPT:
            _shapes.clear()
        _shapes[key] = shape
    if shape.pieces is None:
        return django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    return "".join(
        piece if type(piece) is str else str(values[piece])  # type: ignore[index]
        for piece in shape.pieces
    )


def _reversed(
    viewname: str, names: tuple[str, ...], values: Sequence[int], current_app: str | None
) -> str:
    if names:
        return django_reverse(
            viewname, kwargs=dict(zip(names, values, strict=True)), current_app=current_app
        )
    return django_reverse(viewname, args=list(values), current_app=current_app)


def _fill(pieces: tuple[str | int, ...], values: Sequence[int]) -> str:
    return "".join(piece if isinstance(piece, str) else str(values[piece]) for piece in pieces)


def _learn(
    viewname: str, names: tuple[str, ...], count: int, current_app: str | None
) -> tuple[str | int, ...] | None:
    """The address's pieces (text and argument indexes), or None when Django's ``reverse``
    must make every address of this shape (a converter that changes or refuses numbers)."""
    first = _LARGE[0][:count]
    try:
        address = _reversed(viewname, names, first, current_app)
    except NoReverseMatch:
        return None
    pieces: list[str | int] = []
    found = sorted(
        (position, index)
        for index, value in enumerate(first)
        if address.count(str(value)) == 1 and (position := address.find(str(value))) >= 0
    )
    if len(found) != count:
        return None
    start = 0
    for position, index in found:
        pieces.append(address[start:position])
        pieces.append(index)
        start = position + len(str(first[index]))
    pieces.append(address[start:])
    shape = tuple(piece for piece in pieces if piece != "")
    for check in (_LARGE[1][:count], tuple(range(count))):
        try:
            if _reversed(viewname, names, check, current_app) != _fill(shape, check):
                return None
        except NoReverseMatch:
            return None
    return shape

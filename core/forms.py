"""Form helpers shared by the apps, and :func:`submit`: the one way a view calls a service."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest

from core.db import Prepared, Run, objects_together
from core.errors import StaleEdit, ValidationError

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

T = TypeVar("T")


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors by field, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's choice field ``name``, typed as one, to set its choices."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    return field


def choice_pairs(field: forms.ChoiceField) -> list[tuple[Any, Any]]:
    """A choice field's choices as pairs (Django keeps them normalised to a list once set)."""
    return list(cast("list[tuple[Any, Any]]", field.choices))


class ChoiceIterator(forms.models.ModelChoiceIterator):
    """A model choice field's choices read in one query, as any list is.

    Django's own iterator reads them with ``QuerySet.iterator()``: on PostgreSQL a server-side
    cursor (DECLARE … WITH HOLD, FETCH, CLOSE: three round trips and a result the server keeps
    until the transaction ends) for a few dozen rows that are rendered whole anyway. The rows
    and their order are the same.

    The rows are read once per form: each form gets its own iterator (Django sets a new one when
    it copies a model choice field into a form), and rendering a select iterates it twice, once
    for whether its first choice is empty (``Select.use_required_attribute``) and once for the
    options. A copy of an iterator (Django copies a widget's choices) starts without the rows.
    Set as every model choice field's iterator when Arki starts (``core.apps``)."""

    _rows: list[Any] | None = None

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self._rows is None:
            run = compiled_read(self.field)
            self._rows = (
                run.prepared.objects(**run.values) if run is not None else list(self.queryset.all())
            )
        for obj in self._rows:
            yield self.choice(obj)

    def __copy__(self) -> ChoiceIterator:
        fresh = self.__class__(self.field)
        fresh.__dict__.update({k: v for k, v in self.__dict__.items() if k != "_rows"})
        return fresh


class CompiledChoiceField(forms.ModelChoiceField[Any]):
    """A drop-down of rows that is the same query on every request (the areas, the sectors, the
    programmes in use): its choices are read with SQL compiled once per process
    (``core.db.Prepared`` of the declared queryset) instead of compiled again for every form.
    The rows are read afresh each time, and a chosen value is checked against the queryset as
    Django checks it. :meth:`limit_to` offers some of the declared rows, still compiled once.
    Given another queryset (``limit_choices``), the field reads that one as any model choice
    field does."""

    def __init__(self, queryset: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(queryset, **kwargs)
        declared = queryset.all()
        self.declared = declared
        self.compiled_choices: Prepared | None = Prepared(lambda: declared.all())
        self.compiled_values: dict[str, Any] = {}
        self.limited_choices = Prepared(lambda ids: declared.all().filter(pk__any_of=ids), ids=list)

    def __deepcopy__(self, memo: dict[int, Any]) -> CompiledChoiceField:
        # Django copies the declared field into every form and sets its queryset again.
        result = cast(CompiledChoiceField, super().__deepcopy__(memo))  # type: ignore[misc]
        result.compiled_choices, result.compiled_values = self.compiled_choices, {}
        result.declared, result.limited_choices = self.declared, self.limited_choices
        return result

    def _set_queryset(self, queryset: QuerySet[Any] | None) -> None:
        forms.ModelChoiceField._set_queryset(self, queryset)  # type: ignore[attr-defined]
        self.compiled_choices = None

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)  # type: ignore[attr-defined]

    def limit_to(self, ids: Iterable[int]) -> None:
        """Offer and accept only the declared rows with these keys (a coordinator's own areas),
        read with SQL compiled once; a chosen value is checked against them as Django checks."""
        chosen = sorted(set(ids))
        self.queryset = self.declared.filter(pk__in=chosen)
        self.compiled_choices, self.compiled_values = self.limited_choices, {"ids": chosen}


def compiled_choice_field(form: forms.BaseForm, name: str) -> CompiledChoiceField:
    """The form's :class:`CompiledChoiceField` ``name``, typed as one, to limit its choices."""
    field = form.fields[name]
    if not isinstance(field, CompiledChoiceField):
        raise TypeError(f"{name} is not a compiled choice field")
    return field


def compiled_read(field: forms.Field) -> Run | None:
    """The read of a :class:`CompiledChoiceField`'s choices, or None for any other field (and for
    one given another queryset)."""
    compiled: Prepared | None = getattr(field, "compiled_choices", None)
    if compiled is None:
        return None
    return Run(compiled, getattr(field, "compiled_values", {}))


def read_choices(*forms_: forms.BaseForm) -> None:
    """Read the choices of the forms' drop-downs whose SQL is compiled once all together (on
    PostgreSQL one wait for the database, core.db.objects_together), before the page renders
    them: each would otherwise wait for its own rows. The rows are the same, read afresh."""
    iterators: list[ChoiceIterator] = []
    runs: list[Run] = []
    for form in forms_:
        for field in form.fields.values():
            run = compiled_read(field)
            choices = getattr(field.widget, "choices", None)
            if run is not None and isinstance(choices, ChoiceIterator) and choices._rows is None:
                iterators.append(choices)
                runs.append(run)
    for iterator, rows in zip(iterators, objects_together(runs), strict=True):
        iterator._rows = rows


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's model choice field ``name``, typed as one, to set its queryset."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    return field


def limit_choices(form: forms.BaseForm, name: str, queryset: Any) -> None:
    """Set the queryset of a model choice field, if the form has that field."""
    if name in form.fields:
        cast(forms.ModelChoiceField[Any], form.fields[name]).queryset = queryset


def share_choices(form: forms.BaseForm, names: Iterable[str], queryset: QuerySet[Any]) -> None:
    """:func:`share_choices_among` the form's fields ``names``."""
    share_choices_among([(form, name) for name in names], queryset)


def share_choices_among(
    fields: Iterable[tuple[forms.BaseForm, str]],
    queryset: QuerySet[Any],
    *,
    rows: Callable[[], list[Any]] | None = None,
) -> None:
    """Offer one queryset's rows, read once when first shown, as the choices of several model
    choice fields (each a form and a field name: of one form, or of several on one page).

    Rendering each field would otherwise read the rows again (a query per field: a record form's
    "present" and every "who promises" row). Validation is unchanged: a posted choice is still
    looked up in ``queryset``, so a row removed meanwhile is refused. ``rows``: reads the same
    rows as ``queryset`` another way (SQL compiled once, core.db.Prepared)."""
    read: list[Any] = []
    read_rows = rows if rows is not None else lambda: list(queryset)

    def shared_rows() -> list[Any]:
        if not read:
            read.append(read_rows())
        return cast("list[Any]", read[0])

    class Listed(forms.models.ModelChoiceIterator):
        def __iter__(self) -> Iterator[tuple[Any, Any]]:
            if self.field.empty_label is not None:
                yield ("", self.field.empty_label)
            for obj in shared_rows():
                yield self.choice(obj)

        def __len__(self) -> int:
            return len(shared_rows()) + (self.field.empty_label is not None)

        def __bool__(self) -> bool:
            return self.field.empty_label is not None or bool(shared_rows())

    for form, name in fields:
        field = model_choice_field(form, name)
        field.iterator = Listed  # before the queryset: setting it hands the widget the choices
        field.queryset = queryset


class Submitted(Generic[T]):
    """What :func:`submit` got: true with the service's ``value``, or false (errors shown)."""

    __slots__ = ("_value", "ok")

    def __init__(self, ok: bool, value: T | None = None) -> None:
        self.ok = ok
        self._value = value

    def __bool__(self) -> bool:
        return self.ok

    @property
    def value(self) -> T:
        if not self.ok:
            raise ValueError("the service refused; there is no value")
        return cast(T, self._value)


def submit(
    request: HttpRequest,
    form: forms.BaseForm | None,
    call: Callable[[], T],
    success: StrOrPromise | Callable[[T], StrOrPromise | None] | None = None,
    *,
    stale: StrOrPromise | None = None,
) -> Submitted[T]:
    """The one way a view submits to a service: call it, show what it refused, flash success.

    With a ``form``, the service is called only for a POST whose form is valid. A
    ``ValidationError`` goes on ``form`` (field errors by field, the rest on top), or without a
    form into an error message; ``StaleEdit`` shows ``stale`` the same way (without ``stale`` it
    propagates). On success the ``success`` message (or ``success(value)``, when not None) is
    flashed. The view redirects when the answer is true and re-renders the form when false.
    """
    if form is not None and not (request.method == "POST" and form.is_valid()):
        return Submitted(False)
    try:
        value = call()
    except StaleEdit:
        if stale is None:
            raise
        _refuse(request, form, ValidationError(stale))
        return Submitted(False)
    except ValidationError as error:
        _refuse(request, form, error)
        return Submitted(False)
    message = success(value) if callable(success) else success
    if message is not None:
        messages.success(request, message)
    return Submitted(True, value)


def _refuse(request: HttpRequest, form: forms.BaseForm | None, error: ValidationError) -> None:
    if form is not None:
        apply_errors(form, error)
    else:
        messages.error(request, " ".join(error.messages))

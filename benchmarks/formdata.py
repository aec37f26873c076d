"""What a browser would submit: the fields of an HTML form with their current values.

Used by the load generator (locust, no Django) and the query counter (Django's test client) to
save a meeting record exactly as the page offers it, optimistic-lock version included.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: dict[str, str | None] | None = None
        self._option_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._fields = []
            return
        if self._fields is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self._fields.append((name, a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._close_option()
            self._option, self._option_text = a, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)
        elif self._option is not None:
            self._option_text.append(data)

    def _close_option(self) -> None:
        if self._option is not None:
            value = self._option.get("value")
            text = "".join(self._option_text).strip()
            self._options.append((text if value is None else value, "selected" in self._option))
            self._option = None

    def handle_endtag(self, tag: str) -> None:
        if self._fields is None:
            return
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # A browser drops the one newline right after <textarea>.
            self._fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "option":
            self._close_option()
        elif tag == "select" and self._select is not None:
            self._close_option()
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options:
                chosen = [self._options[0][0]]  # a single select submits its first option
            self._fields += [(self._select, value) for value in chosen[:1]]
            self._select = None
        elif tag == "form":
            self.forms.append(self._fields)
            self._fields = None


def form_fields(html: str, having: str) -> list[tuple[str, str]]:
    """The (name, value) pairs of the first form that has a field named ``having``."""
    parser = _Forms()
    parser.feed(html)
    parser.close()
    for fields in parser.forms:
        if any(name == having for name, _value in fields):
            return fields
    raise LookupError(f"no form with a field {having!r}")


def replace(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """The fields with every ``name`` set to ``value`` (added when absent)."""
    kept = [(n, v) for n, v in fields if n != name]
    return [*kept, (name, value)]


def value_of(fields: list[tuple[str, str]], name: str) -> str:
    for field_name, value in fields:
        if field_name == name:
            return value
    raise LookupError(name)

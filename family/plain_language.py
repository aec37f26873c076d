"""The plain-language rule of the pages a family member reads (their plan, the code and sign-in
pages, the feedback form): short sentences and no office words. One place for the rule;
family/tests/test_readability.py renders every family-facing page in Finnish and Swedish and
checks it.

* ``MAX_WORDS``: no sentence longer than this many words. Plain-language advice (Kielitoimisto,
  selkokeskus) keeps Finnish sentences mostly under fifteen words; Finnish says in one word what
  English and Swedish say in two or three ("tapaamiseen" – "to the meeting"), and the English
  originals are checked too until a translation lands, so the limit is 20 words: room for
  English and Swedish, and still no run-on office sentence in any language. A sentence ends at
  ``.``, ``!``, ``?`` or ``:`` followed by a space, and at the end of a block (heading,
  paragraph, list item, button).
* ``JARGON``: words a family does not use. Matched at the start of a word, case-insensitively, so
  that a stem ("asiakkuu") catches every inflected form (asiakkuus, asiakkuuden …). Add the
  Finnish, the Swedish and the English form of a new term.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

MAX_WORDS = 20

JARGON: tuple[str, ...] = (
    # Finnish: office and method words.
    "kutsuttu koolle",
    "koolle kutsu",
    "vastuussa",
    "vastuuhenkilö",
    "dokumentoi",
    "interventio",
    "asiakkuu",
    "prosessi",
    "substanssi",
    "palvelutarve",
    "palvelutarpee",
    "neuvonpito",
    "moniammatillinen",
    "moniammatillise",
    "yhteisövaikuttavuu",
    "perustehtävä",
    "tunnusluku",
    "toimija",
    "haavoittuvuu",
    "pärjäävyy",
    # Swedish.
    "sammankallat",
    "sammankalla",
    "ansvarig",
    "dokumentera",
    "intervention",
    "klientskap",
    "klientrelation",
    "process",
    "servicebehov",
    "multiprofessionell",
    # English (the fallback until a translation lands).
    "convened",
    "convene the network",
    "responsible",
    "client relationship",
    "service need",
    "multi-professional",
)

_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "button", "caption", "dd", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "label", "legend", "li", "main", "nav", "ol", "option", "p", "section",
    "summary", "table", "td", "th", "tr", "ul",
}  # fmt: skip
_HIDDEN = {"script", "style", "template", "noscript"}
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+")
_WORD = re.compile(r"\w[\w'’-]*")


class _VisibleText(HTMLParser):
    """The visible text of ``<main>`` as blocks (the page's own content, without the site's
    header and footer), with script and style left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._hidden = 0
        self._in_main = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        if tag == "main":
            self._in_main += 1
        if tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        if tag in _BLOCKS:
            self._flush()
        if tag == "main":
            self._in_main = max(0, self._in_main - 1)

    def handle_data(self, data: str) -> None:
        if self._in_main and not self._hidden:
            self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []


def visible_text(html: str) -> list[str]:
    """The text a reader sees in the page's main content, one entry per block."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.blocks


def sentences(html: str) -> list[str]:
    return [
        sentence
        for block in visible_text(html)
        for sentence in _SENTENCE_END.split(block)
        if sentence.strip()
    ]


def word_count(sentence: str) -> int:
    return len(_WORD.findall(sentence))


def long_sentences(html: str, limit: int = MAX_WORDS) -> list[str]:
    """The sentences of the page longer than ``limit`` words."""
    return [sentence for sentence in sentences(html) if word_count(sentence) > limit]


def jargon_found(html: str) -> list[str]:
    """The listed jargon terms the page's visible text uses."""
    text = " ".join(visible_text(html))
    return [term for term in JARGON if re.search(r"(?<!\w)" + re.escape(term), text, re.IGNORECASE)]

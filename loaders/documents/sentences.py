"""Paragraphs and sentences of a document, as character spans of its text (never rewritten).

A fact's ``evidence`` is ``text[start:end]`` of one :class:`Sentence`, so it is verbatim by
construction: curly apostrophes, en dashes and non-breaking spaces stay as they are.

Rules (plain regular expressions; see docs/extract.md for why not an NLP library):

* paragraphs are separated by blank lines;
* inside a paragraph a sentence ends at ``.``, ``!`` or ``?`` (and any closing quotes or
  brackets) followed by white space and a capital letter, digit, quote or bracket, unless the
  word before the full stop is an abbreviation (``Mr.``, ``Dr.``, ``Ltd.``, ``e.g.``) or an
  initial (``J. Smith``, ``U.K.``);
* a full stop glued to the next sentence (``Masterplan.James``) also ends it;
* a line without closing punctuation followed by a line break is a sentence of its own (a
  title, a heading or a list item); leading list markers (``-``, ``*``, ``•``, ``1.``) are
  not part of the sentence.

>>> text = "Derby signed an MoU with Hefei. Mr. Smith went.\\n\\nA new paragraph!"
>>> [(text[s.start:s.end], s.paragraph) for s in split(text)]
[('Derby signed an MoU with Hefei.', 0), ('Mr. Smith went.', 0), ('A new paragraph!', 1)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sir",
        "st",
        "co",
        "ltd",
        "inc",
        "corp",
        "plc",
        "no",
        "nos",
        "vs",
        "etc",
        "eg",
        "ie",
        "al",
        "approx",
        "dept",
        "est",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "gov",
        "govt",
        "rev",
        "hon",
        "cllr",
    ]
)
_PARAGRAPH = re.compile(r"\n[ \t\u00a0]*\n\s*")
_END = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9\u00c0-\u024f])|[.!?]+["'”’)\]]*\s*$""")
_GLUED = re.compile(r"(?<=[a-z]{3})\.(?=[A-Z][a-z])")
_LINE_BREAK = re.compile(r"(?<![.!?:;,\-–])[ \t]*\n(?=[ \t]*\S)")
_MARKER = re.compile(r"^(?:[-*•▪◦]|\d{1,2}[.)])\s+")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?$")


@dataclass(frozen=True)
class Sentence:
    """``text[start:end]`` is the sentence; ``paragraph`` and ``index`` count from 0."""

    start: int
    end: int
    paragraph: int
    index: int


def split(text: str) -> list[Sentence]:
    """The sentences of ``text``, in order, each with its paragraph number."""
    out: list[Sentence] = []
    for para, (p_start, p_end) in enumerate(_paragraphs(text)):
        for start, end in _sentences(text, p_start, p_end):
            out.append(Sentence(start, end, para, len(out)))
    return out


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _PARAGRAPH.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = {end}
    chunk = text[start:end]
    for m in _END.finditer(chunk):
        if not _abbreviation(chunk, m.start()):
            cuts.add(start + m.end())
    cuts.update(start + m.end() for m in _GLUED.finditer(chunk))
    cuts.update(start + m.start() for m in _LINE_BREAK.finditer(chunk))
    out, pos = [], start
    for cut in sorted(cuts):
        span = _trim(text, pos, cut)
        if span:
            out.append(span)
        pos = cut
    return out


def _abbreviation(chunk: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation or an initial, not a sentence."""
    m = _WORD_BEFORE.search(chunk[:dot])
    if m is None:
        return False
    word = m.group(1)
    if len(word) == 1 and word.isupper():  # an initial: J. Smith, U.K.
        return True
    return word.lower() in ABBREVIATIONS and chunk[dot : dot + 2] != ".\n"


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without surrounding white space and leading list markers (None when empty)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    marker = _MARKER.match(text[start:end])
    if marker:
        start += marker.end()
    return (start, end) if start < end else None


def enclosing(sentences: list[Sentence], pos: int) -> Sentence | None:
    """The sentence holding character ``pos`` (None between sentences).

    >>> s = split("One. Two.")
    >>> enclosing(s, 6).index
    1
    """
    lo, hi = 0, len(sentences) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s = sentences[mid]
        if pos < s.start:
            hi = mid - 1
        elif pos >= s.end:
            lo = mid + 1
        else:
            return s
    return None

"""Dates a document states, and the document's own date.

A date is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (as the Source and Agreement records keep
dates). The document's date is its dateline (a date at the very start, or after ``Published``,
``Date:`` or ``Updated`` in the first lines); without one, the year of the latest date the text
mentions outside a sentence about the future (the text cannot be older than what it reports),
marked as inferred. A dateline opens one of the first three sentences (a title may come first),
after an optional place and comma (``PUNE, 4 March 2024 –``).

>>> [d.value for d in find("Chinese delegates visited Derby in October 2015; on 3 March 2016 we met.")]
['2015-10', '2016-03-03']
>>> document_date("Later, in March 2016, I visited China. We will meet again in 2030.")
('2016', True)
>>> document_date("12 May 2019 - Derby City Council today signed ...")
('2019-05-12', False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: the months' English names, January first (also the calendar words places.py refuses as regions)
MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTHS = {m: i + 1 for i, m in enumerate(MONTH_NAMES)}
MONTHS.update({m[:3]: n for m, n in list(MONTHS.items())} | {"sept": 9})
_M = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
_PATTERNS = [
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
    re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_M},?\s+(\d{{4}})\b"),
    re.compile(rf"\b{_M}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"),
    re.compile(rf"\b{_M},?\s+(\d{{4}})\b"),
    re.compile(r"\b(?:in|since|from|of|during)\s+((?:19|20)\d{2})\b"),
]
_MONTH_ONLY = re.compile(rf"\b(?:in|this|last|next|from|since|until|by)\s+{_M}\b(?!\s*\d)")
_FUTURE = re.compile(r"\b(will|shall|by|until|plans?|target|aims?|next)\b", re.IGNORECASE)
_PLACE_COMMA = re.compile(r"^(?:[A-Z][A-Za-z ]{0,25},\s*)?$")  # "LONDON, " before a dateline's date
_DATELINE = re.compile(r"^\s*(?:(?:published|date|updated|posted)\s*:?\s*)?", re.IGNORECASE)


@dataclass(frozen=True)
class DateHit:
    value: str  # YYYY, YYYY-MM or YYYY-MM-DD
    start: int
    end: int


def _value(pattern: int, g: tuple[str, ...]) -> str:
    if pattern == 0:
        return f"{g[0]}-{g[1]}-{g[2]}"
    if pattern == 1:
        return f"{g[2]}-{MONTHS[g[1].lower()]:02d}-{int(g[0]):02d}"
    if pattern == 2:
        return f"{g[2]}-{MONTHS[g[0].lower()]:02d}-{int(g[1]):02d}"
    if pattern == 3:
        return f"{g[1]}-{MONTHS[g[0].lower()]:02d}"
    return g[0]


def find(text: str, start: int = 0, end: int | None = None) -> list[DateHit]:
    """The dates in ``text[start:end]``, left to right, the most precise form where they overlap."""
    end = len(text) if end is None else end
    hits: list[DateHit] = []
    for n, pattern in enumerate(_PATTERNS):
        for m in pattern.finditer(text, start, end):
            if any(h.start < m.end() and m.start() < h.end for h in hits):
                continue
            hits.append(DateHit(_value(n, m.groups()), m.start(), m.end()))
    return sorted(hits, key=lambda h: h.start)


def month_only(text: str, start: int, end: int) -> int | None:
    """A month named without a year (``in April``, ``this December``) in ``text[start:end]``."""
    m = _MONTH_ONLY.search(text, start, end)
    return MONTHS[m.group(1).lower()] if m else None


def document_date(text: str, sentences: list[tuple[int, int]] | None = None) -> tuple[str | None, bool]:
    """(date, inferred): the dateline's date, else the latest year mentioned outside future-tense
    sentences (inferred), else (None, False)."""
    spans = sentences or [(m.start(), m.end()) for m in re.finditer(r"[^.!?]+[.!?]?", text)]
    for a, b in spans[:3]:
        head = text[a : min(b, a + 200)]
        lead = _DATELINE.match(head)
        first = find(head)
        if (
            first
            and lead is not None
            and "-" in first[0].value
            and _PLACE_COMMA.match(head[lead.end() : first[0].start])
        ):
            return first[0].value, False
    years = [h.value[:4] for a, b in spans if not _FUTURE.search(text[a:b]) for h in find(text, a, b)]
    return (max(years), True) if years else (None, False)

"""Sectors named in a document, through the taxonomy's synonyms (``graph/taxonomy.yaml``).

Words are compared as :func:`rox.graph.taxonomy.synonym_key` does (case, hyphens and
punctuation ignored); a word with a plural ``s`` also matches the singular synonym; the
longest synonym wins (``high speed rail`` is logistics, ``rail`` alone
is rail).

>>> [(h.text, h.sector) for h in find_in("Anhui is a centre for rail, automotive and aero-engines.", 0)]
[('rail', 'rail'), ('automotive', 'automotive'), ('aero-engines', 'aerospace')]
>>> [h.sector for h in find_in("universities train the engineers; carmakers", 0)]
['higher-education', 'automotive']
>>> [(h.text, h.sector) for h in find_in("at the heart of China's high speed rail network", 0)]
[('high speed rail', 'logistics')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rox.graph import taxonomy

_WORD = re.compile(r"[^\W_]+|&")


@dataclass(frozen=True)
class SectorHit:
    sector: str
    sentence: int
    start: int
    end: int
    text: str


def _variants(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The words, and without a plural ``s`` (never with one added: "train" the verb is not "trains")."""
    last = words[-1]
    out = [words]
    if last.endswith("s") and len(last) > 3:
        out.append((*words[:-1], last[:-1]))
    return out


def find_in(text: str, index: int, start: int = 0, end: int | None = None) -> list[SectorHit]:
    """The sector synonyms in ``text[start:end]`` (sentence ``index``), longest first, left to right."""
    synonyms = taxonomy.synonyms()
    longest = max(len(k) for k in synonyms)
    words = [
        (m.group().casefold(), m.start(), m.end())
        for m in _WORD.finditer(text, start, len(text) if end is None else end)
    ]
    out: list[SectorHit] = []
    i = 0
    while i < len(words):
        hit = None
        for n in range(min(longest, len(words) - i), 0, -1):
            key = tuple(w for w, _, _ in words[i : i + n])
            sector = next((synonyms[v] for v in _variants(key) if v in synonyms), None)
            if sector is not None:
                hit = (i + n, sector)
                break
        if hit is None:
            i += 1
            continue
        j, sector = hit
        s, e = words[i][1], words[j - 1][2]
        out.append(SectorHit(sector, index, s, e, text[s:e]))
        i = j
    return out


def sectors_of(words: str) -> list[str]:
    """The sectors a few words name (``aero-engine`` -> ``['aerospace']``), for ``X, the … maker``."""
    return list(dict.fromkeys(h.sector for h in find_in(words, 0)))

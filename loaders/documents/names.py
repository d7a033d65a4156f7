"""Words of a text with their character spans, and a phrase index that finds names in them.

Every gazetteer (places, organisations, sector synonyms) is a :class:`PhraseIndex`: names are
cut into the same tokens as the text and looked up as token tuples, the longest first. Keys
fold case and accents (``Mahārāshtra`` = ``maharashtra``) and curly apostrophes; a CJK
character is a token of its own, so ``合肥`` is found inside unspaced Chinese text.

>>> idx = PhraseIndex()
>>> idx.add("Rolls-Royce", "firm-rolls-royce")
>>> idx.add("Derby", "GB-DER")
>>> toks = tokens("The likes of Rolls-Royce in Derby.")
>>> [(t.text, t.key) for t in toks[3:6]]
[('Rolls', 'rolls'), ('-', '-'), ('Royce', 'royce')]
>>> [(toks[i].start, toks[j - 1].end, v) for i, j, v in idx.find(toks)]
[(13, 24, ['firm-rolls-royce']), (28, 33, ['GB-DER'])]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]|[^\W_]+|[^\w\s]")
#: small words that may stand lower-case inside a capitalised name ("University of Derby")
CONNECTORS = frozenset({"of", "and", "for", "the", "de", "du", "des", "la", "le", "di", "da", "do", "upon", "on", "&"})


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    key: str  # folded: lower case, no accents, ' for ’

    @property
    def capitalised(self) -> bool:
        """Starts with a capital letter, or is written in a script without case (合肥)."""
        first = self.text[0]
        return first.isupper() or (first.isalpha() and not first.islower() and not first.isupper())

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()


@cache
def fold(word: str) -> str:
    """The key of a word: case and accents folded, curly apostrophes straight.

    >>> fold("Mahārāṣṭra"), fold("’"), fold("合")
    ('maharastra', "'", '合')
    """
    word = word.replace("’", "'").replace("‘", "'")
    decomposed = unicodedata.normalize("NFKD", word)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return (stripped or word).casefold()


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The tokens of ``text[start:end]`` (words, CJK characters, punctuation), spans in ``text``."""
    end = len(text) if end is None else end
    return [Token(m.group(), m.start(), m.end(), fold(m.group())) for m in _TOKEN.finditer(text, start, end)]


def key(phrase: str) -> tuple[str, ...]:
    """A name as the index compares it.

    >>> key("Anhui  Province"), key("People’s Republic of China")
    (('anhui', 'province'), ('people', "'", 's', 'republic', 'of', 'china'))
    """
    return tuple(t.key for t in tokens(phrase))


@dataclass
class PhraseIndex:
    """Names (as :func:`key` tuples) -> the values they stand for; finds them in token lists."""

    entries: dict[tuple[str, ...], list[Any]] = field(default_factory=dict)
    longest: int = 0

    def add(self, name: str, value: Any) -> None:
        k = key(name)
        if not k:
            return
        values = self.entries.setdefault(k, [])
        if value not in values:
            values.append(value)
        self.longest = max(self.longest, len(k))

    def get(self, name: str) -> list[Any]:
        return self.entries.get(key(name), [])

    def find(self, toks: list[Token], lo: int = 0, hi: int | None = None) -> Iterator[tuple[int, int, list[Any]]]:
        """Non-overlapping matches ``(first token, end token, values)``, the longest at each point."""
        hi = len(toks) if hi is None else hi
        i = lo
        while i < hi:
            hit = self.match_at(toks, i, hi)
            if hit is None:
                i += 1
                continue
            j, values = hit
            yield i, j, values
            i = j

    def match_at(self, toks: list[Token], i: int, hi: int | None = None) -> tuple[int, list[Any]] | None:
        """The longest name starting at token ``i``: (end token, values), or None."""
        hi = len(toks) if hi is None else hi
        for n in range(min(self.longest, hi - i), 0, -1):
            values = self.entries.get(tuple(t.key for t in toks[i : i + n]))
            if values:
                return i + n, values
        return None

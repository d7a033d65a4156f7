"""The working state of one extraction: the text cut into sentences and tokens, what the store
knows, the spans already taken by names, and the warnings to report.

Each finder (places, organisations, sectors, agreements, figures) reads and adds to a
:class:`Context`; :mod:`rox.loaders.documents.extract` runs them in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rox.loaders.documents import sentences
from rox.loaders.documents.names import Token, tokens
from rox.loaders.documents.resolve import Known
from rox.loaders.documents.sentences import Sentence


@dataclass
class Context:
    text: str
    known: Known
    sentences: list[Sentence] = field(default_factory=list)
    tokens: list[list[Token]] = field(default_factory=list)  # per sentence
    #: character spans of names that hide the places inside them (University of *Derby*)
    masks: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, text: str, known: Known | None = None) -> Context:
        ctx = cls(text, known or Known())
        ctx.sentences = sentences.split(text)
        ctx.tokens = [tokens(text, s.start, s.end) for s in ctx.sentences]
        return ctx

    def sentence_text(self, s: Sentence) -> str:
        return self.text[s.start : s.end]

    def masked(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` lies inside a masking name."""
        return any(a <= start and end <= b for a, b in self.masks)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def paragraph(self, index: int) -> list[int]:
        """Indexes of the sentences of paragraph ``index``."""
        return [s.index for s in self.sentences if s.paragraph == index]

"""What ``rox extract`` finds in a document: :class:`Mention` (a span of text and what it names),
:class:`Item` (one entity or fact to review, with its evidence, span and confidence) and
:class:`Extraction` (a document's items, ready to become an entity file).

Item keys are stable strings the app ticks and unticks: ``region:GB-DER``,
``firm:firm-rolls-royce``, ``region_sector:GB-DER:rail``, ``operates_in:firm-toyota:CN``,
``agreement:agr-derby-hefei-mou``, ``covers:agr-derby-hefei-mou:rail``,
``trade:GB:CN:export:22000000000:GBP``, ``source:src-…``.

>>> item = Item("region:GB-DER", "region", "Derby", "Derby is a city.", 0, 15, 0.95, "store name", id="GB-DER")
>>> item.label, item.known, item.spans
('region', False, [])
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

#: Labels of entity items (one node each) and of fact items (relationships), in display order.
ENTITY_LABELS = ("source", "region", "firm", "university", "agreement")
FACT_LABELS = (
    "region_sector",
    "operates_in",
    "headquartered_in",
    "firm_sector",
    "located_in",
    "researches",
    "covers",
    "trade",
)
#: singular and plural of each label, for summaries
NOUNS = {
    "source": ("source", "sources"),
    "region": ("region", "regions"),
    "firm": ("firm", "firms"),
    "university": ("university", "universities"),
    "agreement": ("agreement", "agreements"),
    "region_sector": ("region–sector fact", "region–sector facts"),
    "operates_in": ("firm–place fact", "firm–place facts"),
    "headquartered_in": ("headquarters fact", "headquarters facts"),
    "firm_sector": ("firm–sector fact", "firm–sector facts"),
    "located_in": ("university place", "university places"),
    "researches": ("research fact", "research facts"),
    "covers": ("agreement sector", "agreement sectors"),
    "trade": ("trade figure", "trade figures"),
}
#: Labels of mentions highlighted in the text (entities, sectors, figures, dates, and
#: ``other``: government bodies and the like, recognised so they are not taken for firms).
MENTION_LABELS = ("region", "firm", "university", "agreement", "sector", "figure", "date", "other")


@dataclass(frozen=True)
class Mention:
    """``text[start:end]`` names something: ``label`` as in :data:`MENTION_LABELS`, ``key`` the item
    it belongs to (None for what is only highlighted)."""

    label: str
    start: int
    end: int
    text: str
    key: str | None = None


@dataclass
class Item:
    """One entity or fact found, for review: what it is, its evidence sentence (verbatim) with the
    sentence's span, how sure the rule is (0-1) and which rule found it (``how``).

    ``known``: the store holds it already (loading writes nothing for it). ``record``: the fields
    it gives its entity-file record. ``needs``: keys of the items it cannot be loaded without;
    ``brings``: records that come with it (a new city's parents from the gazetteers).
    ``spans``: every place in the text that names it. ``evidence_more``: further quoted
    sentences (an agreement's parties) as (what, sentence, start, end)."""

    key: str
    label: str
    name: str
    evidence: str
    start: int
    end: int
    confidence: float
    how: str
    id: str | None = None
    known: bool = False
    record: dict[str, Any] = field(default_factory=dict)
    needs: tuple[str, ...] = ()
    spans: list[tuple[int, int]] = field(default_factory=list)
    evidence_more: list[tuple[str, str, int, int]] = field(default_factory=list)
    #: records it brings along, as (section, record): the parents of a new place, their source
    brings: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: ids it was found with: an agreement's parties, as this document names them
    related: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and the app."""
        return {
            "key": self.key,
            "label": self.label,
            "id": self.id,
            "name": self.name,
            "evidence": self.evidence,
            "start": self.start,
            "end": self.end,
            "confidence": self.confidence,
            "how": self.how,
            "known": self.known,
            "spans": [list(s) for s in self.spans],
            "evidence_more": [list(e) for e in self.evidence_more],
            "related": list(self.related),
        }


@dataclass
class Extraction:
    """A document's findings: the :class:`Document` (``rox.loaders.documents.read``), the id of its
    Source (an existing one when the store has the file), items, mentions and warnings."""

    document: Any
    source_id: str
    items: list[Item]
    mentions: list[Mention]
    warnings: list[str] = field(default_factory=list)

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    def of(self, label: str) -> list[Item]:
        """The items of one label, in order of first mention."""
        return [i for i in self.items if i.label == label]

    def counts(self) -> dict[str, int]:
        """Items per label (entities and facts), new and known together.

        >>> Extraction(None, "src-x", [Item("region:CN", "region", "China", "", 0, 0, 1, "x")], []).counts()
        {'region': 1}
        """
        found = Counter(i.label for i in self.items)
        return {label: found[label] for label in (*ENTITY_LABELS, *FACT_LABELS) if found[label]}

    def keys(self) -> set[str]:
        return {i.key for i in self.items}

    def to_entity_file(self, accepted: set[str] | None = None) -> dict[str, list[dict[str, Any]]]:
        """The entity file (sections as ``rox load`` reads them) of the accepted items (all when
        ``None``), with what they need; items the store already holds write nothing."""
        from rox.loaders.documents.entity_out import entity_file

        return entity_file([self], None if accepted is None else {self.source_id: accepted})

    def to_yaml(self, accepted: set[str] | None = None) -> str:
        """:meth:`to_entity_file` as YAML, each record with a comment saying where it was found."""
        from rox.loaders.documents.entity_out import to_yaml

        return to_yaml([self], None if accepted is None else {self.source_id: accepted})

    def summary(self) -> str:
        """One line: the document and what was found in it, e.g. ``a.txt: 8 regions, 3 firms, …``."""
        parts = [f"{n} {NOUNS[label][n != 1]}" for label, n in self.counts().items()]
        new = sum(1 for i in self.items if not i.known)
        return f"{self.document.name}: {', '.join(parts) or 'nothing found'} ({new} new)"

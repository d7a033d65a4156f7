"""What the store already knows, so extraction resolves names to existing ids.

:class:`Known` is built from the rows of the named query ``known-entities``
(``queries/cypher/known-entities.cypher``): regions with their names, aliases, codes,
parents and quoted facts; firms, universities and agreements with their properties and
links; sources with kind, file and hash. An empty store gives an empty :class:`Known`.

>>> k = Known.from_rows([
...     {"label": "Region", "id": "CN", "name": "China", "parents": []},
...     {"label": "Region", "id": "CN-AH-hefei", "name": "Hefei", "aliases": ["合肥"], "parents": ["CN-AH"]},
...     {"label": "Region", "id": "CN-AH", "name": "Anhui", "parents": ["CN"]},
...     {"label": "Source", "id": "src-a", "kind": "document", "file": "seeds/a.txt", "sha256": None},
... ])
>>> k.ancestors("CN-AH-hefei"), k.source_for("abc", "a.txt")
(['CN-AH', 'CN'], 'src-a')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any


@dataclass(frozen=True)
class KnownLink:
    """A relationship of a known node: type, the other end, its source (and a figure's value)."""

    rel: str
    id: str
    source: str | None = None
    evidence: str | None = None
    value: float | None = None
    currency: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class KnownNode:
    """A region, firm, university, agreement or source as the store has it."""

    label: str
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    country: str | None = None
    codes: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    source: str | None = None
    evidence: str | None = None
    domain: str | None = None
    date: str | None = None
    file: str | None = None
    sha256: str | None = None
    links: tuple[KnownLink, ...] = ()

    def linked(self, rel: str) -> list[KnownLink]:
        return [link for link in self.links if link.rel == rel]


def _node(row: Mapping[str, Any]) -> KnownNode:
    links = tuple(
        KnownLink(
            str(x["rel"]),
            str(x["id"]),
            x.get("source"),
            x.get("evidence"),
            x.get("value"),
            x.get("currency"),
            x.get("unit"),
        )
        for x in row.get("links") or ()
        if isinstance(x, Mapping) and x.get("rel") and x.get("id")
    )
    return KnownNode(
        label=row["label"],
        id=row["id"],
        name=row.get("name") or row.get("title") or row["id"],
        aliases=tuple(a for a in row.get("aliases") or () if a),
        kind=row.get("kind"),
        country=row.get("country"),
        codes=tuple(row.get("codes") or ()),
        parents=tuple(sorted(p for p in row.get("parents") or () if p)),
        source=row.get("source"),
        evidence=row.get("evidence"),
        domain=row.get("domain"),
        date=None if row.get("date") is None else str(row["date"]),
        file=row.get("file"),
        sha256=row.get("sha256"),
        links=tuple(sorted(set(links), key=lambda x: (x.rel, x.id, x.source or ""))),
    )


@dataclass
class Known:
    """The store's regions, firms, universities, agreements and sources, by id."""

    nodes: dict[str, dict[str, KnownNode]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> Known:
        known = cls()
        for row in rows:
            node = _node(row)
            known.nodes.setdefault(node.label, {})[node.id] = node
        return known

    def of(self, label: str) -> dict[str, KnownNode]:
        """The known nodes of one label (``Region``, ``Firm``, ``University``, ``Agreement``, ``Source``)."""
        return self.nodes.get(label, {})

    def region(self, region_id: str) -> KnownNode | None:
        return self.of("Region").get(region_id)

    def ancestors(self, region_id: str) -> list[str]:
        """The regions a known region lies in, nearest first (each once)."""
        out: list[str] = []
        start = self.region(region_id)
        todo = list(start.parents if start else ())
        while todo:
            rid = todo.pop(0)
            if rid in out or rid == region_id:
                continue
            out.append(rid)
            node = self.region(rid)
            todo.extend(node.parents if node else ())
        return out

    def region_claiming(self, codes: Iterable[str]) -> str | None:
        """The one known region whose id or ``codes`` hold one of ``codes`` (compared upper-case)."""
        wanted = {c.split(":")[-1].upper() for c in codes}
        hits = sorted(
            r.id
            for r in self.of("Region").values()
            if wanted & {r.id.upper(), *(c.split(":")[-1].upper() for c in r.codes)}
        )
        return hits[0] if len(hits) == 1 else None

    def source_for(self, sha256: str, name: str) -> str | None:
        """An existing document Source of the same file: same sha256 first, else same file name."""
        docs = sorted((s for s in self.of("Source").values() if s.kind == "document"), key=lambda s: s.id)
        for s in docs:
            if s.sha256 and s.sha256 == sha256:
                return s.id
        for s in docs:
            if s.file and PurePath(s.file).name == name:
                return s.id
        return None

    def agreement_for(self, kind: str, parties: Iterable[str], name: str | None = None) -> str | None:
        """An existing agreement of the same name, or of the same kind and the same parties."""
        folded = (name or "").casefold()
        wanted = set(parties)
        hits = []
        for a in sorted(self.of("Agreement").values(), key=lambda a: a.id):
            if folded and a.name.casefold() == folded:
                return a.id
            if a.kind == kind and {x.id for x in a.linked("PARTY_TO")} == wanted:
                hits.append(a.id)
        return hits[0] if hits else None

    def universities_at(self, region_id: str, source: str | None) -> list[str]:
        """Known universities located in ``region_id`` that ``source`` (a document) already speaks of."""
        out = []
        for u in sorted(self.of("University").values(), key=lambda u: u.id):
            located = {x.id for x in u.linked("LOCATED_IN")}
            cites = u.source == source or any(x.source == source for x in u.links)
            if region_id in located and source is not None and cites:
                out.append(u.id)
        return out

    def has_link(self, label: str, node_id: str, rel: str, other: str) -> bool:
        """Whether the store holds this relationship already (any source)."""
        node = self.of(label).get(node_id)
        return node is not None and any(x.rel == rel and x.id == other for x in node.links)

    def has_region_fact(self, region_id: str, rel: str, other: str, source: str, value: float | None = None) -> bool:
        """Whether a quoted ``HAS_SECTOR``/``TRADES_WITH`` fact of ``source`` is in the store already."""
        node = self.region(region_id)
        if node is None:
            return False

        def same(x: KnownLink) -> bool:
            if value is None:
                return True
            return x.value is not None and abs(float(x.value) - value) <= 1e-9 * max(1.0, value)

        return any(x.rel == rel and x.id == other and x.source == source and same(x) for x in node.links)

"""Extractions -> an entity file ``rox load`` accepts (YAML with review comments, or JSON).

Only what the store lacks is written: a new region, firm, university, agreement or source,
and new facts. A fact about something the store has (a new sector of a known agreement, a new
place of a known firm) repeats that node's record with the store's own values, so loading
changes none of its properties and only adds the fact. Items the store holds already are
listed in the YAML's closing comments, each with its sentence, and written nowhere else.

``accepted`` keeps the items whose keys it holds (per Source id, for several documents), and
what they need: a fact's region, an agreement's parties, a new place's parents and the
document's Source.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from rox.loaders.documents.model import Extraction, Item

SECTIONS = ("sources", "regions", "firms", "universities", "agreements", "region_sectors", "trade")
ENTITY_SECTION = {
    "source": "sources",
    "region": "regions",
    "firm": "firms",
    "university": "universities",
    "agreement": "agreements",
}
#: fact label -> (entity label it is attached to, list field) for facts written inside an entity's record
LINK_FIELD = {
    "operates_in": ("firm", "operates_in"),
    "firm_sector": ("firm", "sectors"),
    "researches": ("university", "researches"),
    "covers": ("agreement", "sectors"),
}
FACT_SECTION = {"region_sector": "region_sectors", "trade": "trade"}


def selected(x: Extraction, accepted: set[str] | None) -> list[Item]:
    """The accepted items of ``x`` (all when None) and every item they need, in ``x``'s order."""
    by_key = {i.key: i for i in x.items}
    todo = list(by_key if accepted is None else (k for k in accepted if k in by_key))
    keep: set[str] = set()
    while todo:
        key = todo.pop()
        if key in keep or key not in by_key:
            continue
        keep.add(key)
        item = by_key[key]
        todo.extend(item.needs)
        if not item.known and item.label != "source":
            todo.append(f"source:{x.source_id}")
    return [i for i in x.items if i.key in keep]


def entity_file(
    extractions: Iterable[Extraction], accepted: Mapping[str, set[str]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The entity file of the accepted items of several extractions (an id written once: the first)."""
    book = _Book()
    for x in extractions:
        items = selected(x, None if accepted is None else accepted.get(x.source_id, set()))
        for item in items:
            book.entity(item)
        for item in items:
            book.fact(item)
    return book.sections()


class _Book:
    """Records by section and id, links merged into their entity's record."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in SECTIONS}
        self.facts: dict[str, list[dict[str, Any]]] = {s: [] for s in FACT_SECTION.values()}
        self.echo: dict[str, dict[str, Any]] = {}  # known entities' records, written only if a fact joins them

    def entity(self, item: Item) -> None:
        section = ENTITY_SECTION.get(item.label)
        if section is None:
            return
        for sec, record in item.brings:
            self.records[sec].setdefault(record["id"], dict(record))
        if item.known:
            if item.record:
                self.echo[f"{item.label}:{item.id}"] = item.record
        elif item.record:
            self.records[section].setdefault(item.record["id"], _copy(item.record))

    def fact(self, item: Item) -> None:
        if item.known or item.label in ENTITY_SECTION:
            return
        if item.label in FACT_SECTION:
            record = dict(item.record)
            if record not in self.facts[FACT_SECTION[item.label]]:
                self.facts[FACT_SECTION[item.label]].append(record)
            return
        owner = item.needs[0] if item.needs else None
        target = self._owner(owner)
        if target is None:
            return
        if item.label == "headquartered_in":
            target.setdefault("headquartered_in", item.record["headquartered_in"])
            return
        _, field = LINK_FIELD[item.label]
        links = target.setdefault(field, [])
        if all(link.get("id") != item.record["id"] for link in links):
            links.append(dict(item.record))

    def _owner(self, key: str | None) -> dict[str, Any] | None:
        if key is None:
            return None
        label, _, ident = key.partition(":")
        section = ENTITY_SECTION[label]
        if ident in self.records[section]:
            return self.records[section][ident]
        if key in self.echo:
            record = _copy(self.echo[key])
            self.records[section][ident] = record
            return record
        return None

    def sections(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for s in SECTIONS:
            rows = list(self.records[s].values()) if s not in self.facts else self.facts[s]
            if rows:
                out[s] = rows
        return out


def _copy(record: dict[str, Any]) -> dict[str, Any]:
    return {k: (list(v) if isinstance(v, list) else v) for k, v in record.items()}


def to_json(extractions: Iterable[Extraction], accepted: Mapping[str, set[str]] | None = None) -> str:
    """The entity file as JSON (no comments: JSON has none)."""
    return json.dumps(entity_file(extractions, accepted), ensure_ascii=False, indent=2) + "\n"


def to_yaml(extractions: Iterable[Extraction], accepted: Mapping[str, set[str]] | None = None) -> str:
    """The entity file as YAML: a comment before each record says where it was found and how
    surely; a closing comment lists what the store holds already, each with its sentence."""
    xs = list(extractions)
    data = entity_file(xs, accepted)
    notes = _notes(xs)
    lines = ["# rox extract: an entity file for `rox load` (edit it freely; every fact quotes its sentence)."]
    for x in xs:
        lines.append(f"# {x.summary()}; sha256 {x.document.sha256}")
        lines += [f"# warning: {w}" for w in x.warnings]
    for section, rows in data.items():
        lines.append(f"{section}:")
        for record in rows:
            note = notes.get(_record_key(section, record))
            if note:
                lines.append(f"  # {note}")
            dumped = yaml.safe_dump([record], allow_unicode=True, sort_keys=False, width=100000)
            lines += ["  " + line for line in dumped.rstrip("\n").split("\n")]
    if not data:
        lines.append("{}")
    lines += _known_listing(xs)
    return "\n".join(lines) + "\n"


def _record_key(section: str, record: dict[str, Any]) -> str:
    if section == "region_sectors":
        return f"region_sector:{record['region']}:{record['sector']}"
    if section == "trade":
        from rox.loaders.documents.extract import trade_key

        return trade_key(record["from"], record["to"], record["direction"], record["value"], record["currency"])
    label = next(k for k, v in ENTITY_SECTION.items() if v == section)
    return f"{label}:{record['id']}"


def _describe(item: Item) -> str:
    if item.label == "source":
        return f"{item.name} ({item.how})"
    spans = item.spans or [(item.start, item.end)]
    where = f"chars {spans[0][0]}-{spans[0][1]}" + (f" (+{len(spans) - 1} more)" if len(spans) > 1 else "")
    return f"{item.name}: {where}; confidence {item.confidence:.2f} ({item.how})"


def _notes(xs: list[Extraction]) -> dict[str, str]:
    out: dict[str, str] = {}
    for x in xs:
        for item in x.items:
            out.setdefault(item.key, _describe(item))
    return out


def _known_listing(xs: list[Extraction]) -> list[str]:
    known = [i for x in xs for i in x.items if i.known]
    if not known:
        return []
    lines = ["", "# Found, and already in the store (nothing to load for them):"]
    for item in known:
        lines.append(f"#   {item.label} {item.id or item.key.split(':', 1)[1]}: {_describe(item)}")
        if item.evidence:
            lines.append(f"#     “{item.evidence}”")
        lines += [f"#     {what}: “{text}”" for what, text, _, _ in item.evidence_more]
    return lines

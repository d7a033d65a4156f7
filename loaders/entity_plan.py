"""Validate entity records and turn them into a :class:`Plan` of nodes and relationships.

Field checks come from :mod:`loaders.records` (pydantic); here are the checks across
records: duplicate ids, references to what exists neither in the files nor in the
store, and the provenance rule (a fact from a document quotes its sentence). Every
problem is collected and raised together as :class:`graph.errors.ValidationFailed`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from rox.graph import taxonomy
from rox.graph.errors import Problem, ValidationFailed
from rox.loaders.entity_files import RawRecord
from rox.loaders.records import SECTIONS

ENTITY_LABEL = {
    "sources": "Source",
    "regions": "Region",
    "sectors": "Sector",
    "firms": "Firm",
    "universities": "University",
    "agreements": "Agreement",
}
REF_FIELDS = {
    # single-valued reference fields of any section -> label they refer to
    "source": "Source",
    "part_of": "Region",
    "region": "Region",
    "sector": "Sector",
    "parent": "Sector",
    "located_in": "Region",
    "headquartered_in": "Region",
    "from": "Region",
    "to": "Region",
}
LINKS = {
    # section: [(field, rel type, target label, direction)]  direction "out": entity -> target
    "firms": [("sectors", "IN_SECTOR", "Sector", "out"), ("operates_in", "OPERATES_IN", "Region", "out")],
    "universities": [("researches", "RESEARCHES", "Sector", "out")],
    "agreements": [("parties", "PARTY_TO", "Region", "in"), ("sectors", "COVERS", "Sector", "out")],
}
SINGLE_LINKS = {
    "firms": [("headquartered_in", "HEADQUARTERED_IN", "Region")],
    "universities": [("located_in", "LOCATED_IN", "Region")],
}


@dataclass
class Plan:
    """What a load will write: node props by label and id, relationship rows by type."""

    nodes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    rels: dict[tuple[str, str | None], list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def add_node(self, label: str, node_id: str, props: dict[str, Any]) -> None:
        self.nodes[label][node_id] = {k: v for k, v in props.items() if v is not None and v != []}

    def add_rel(
        self,
        rel: str,
        start: str,
        end: str,
        props: dict[str, Any],
        start_label: str | None = None,
        key: str | None = None,
    ) -> None:
        row = {"start": start, "end": end, "props": {k: v for k, v in props.items() if v is not None}}
        if key is not None:
            row["key"] = key
        self.rels[(rel, start_label)].append(row)

    def size(self) -> int:
        return sum(len(v) for v in self.nodes.values()) + sum(len(v) for v in self.rels.values())


def taxonomy_plan(plan: Plan | None = None) -> Plan:
    """The rox sector taxonomy as nodes and ``SUBSECTOR_OF`` links."""
    plan = plan or Plan()
    for s in taxonomy.sectors():
        plan.add_node(
            "Sector",
            s.id,
            {"name": s.name, "description": s.description, "scheme": "rox", "source": "src-rox-taxonomy"},
        )
        if s.parent:
            plan.add_rel("SUBSECTOR_OF", s.id, s.parent, {"source": "src-rox-taxonomy"})
    plan.add_node(
        "Source", "src-rox-taxonomy", {"title": "rox sector taxonomy (graph/taxonomy.yaml)", "kind": "dataset"}
    )
    return plan


def build_plan(records: list[RawRecord], known: dict[str, set[str]] | None = None) -> Plan:
    """Validate every record and turn them into a :class:`Plan`.

    ``known`` holds ids already in the store, by label, so files may refer to them.
    Raises :class:`ValidationFailed` listing every problem.
    """
    p = _Planner(records, known or {})
    valid = p.fields()
    p.ids()
    p.source_kind = {rec.id: rec.kind for raw, rec in valid if raw.section == "sources"}
    p.refs_of_invalid({id(raw) for raw, _ in valid})
    plan = taxonomy_plan()
    for raw, rec in valid:
        p.add(plan, raw, rec)
    if p.problems:
        raise ValidationFailed(p.problems)
    return plan


def _field_problems(raw: RawRecord, exc: ValidationError) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"]) or raw.section
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field"
        out.append(Problem(raw.file, raw.line, loc, msg))
    return out


class _Planner:
    """The checks across records, and the plan rows of each section."""

    def __init__(self, records: list[RawRecord], known: dict[str, set[str]]):
        self.records, self.known = records, known
        self.problems: list[Problem] = []
        self.defined: dict[str, dict[str, RawRecord]] = defaultdict(dict)
        self.taxonomy_ids = {s.id for s in taxonomy.sectors()}
        self.source_kind: dict[str, str] = {}

    def fields(self) -> list[tuple[RawRecord, Any]]:
        """Records whose fields pass their section's model (the others' problems are collected)."""
        valid = []
        for raw in self.records:
            try:
                valid.append((raw, SECTIONS[raw.section].model_validate(raw.data)))
            except ValidationError as exc:
                self.problems.extend(_field_problems(raw, exc))
        return valid

    def ids(self) -> None:
        """Ids defined in the files; duplicates are problems. Ids count as defined even when their
        record has field problems, so one bad field does not cascade into "does not exist" errors."""
        for raw in self.records:
            label = ENTITY_LABEL.get(raw.section)
            ident = raw.data.get("id")
            if label is None or not isinstance(ident, str):
                continue
            first = self.defined[label].get(ident)
            if first is not None:
                self.problems.append(
                    Problem(
                        raw.file,
                        raw.line,
                        "id",
                        f"duplicate {label} id {ident!r} (first defined at {first.file}:{first.line})",
                    )
                )
            else:
                self.defined[label][ident] = raw

    def exists(self, label: str, ident: str) -> bool:
        return (
            ident in self.defined[label]
            or ident in self.known.get(label, set())
            or (label == "Sector" and ident in self.taxonomy_ids)
        )

    def ref(self, raw: RawRecord, fieldname: str, label: str, ident: str | None) -> None:
        if ident is not None and not self.exists(label, ident):
            self.problems.append(
                Problem(raw.file, raw.line, fieldname, f"refers to {label} {ident!r}, which does not exist")
            )

    def provenance(self, raw: RawRecord, fieldname: str, source: str | None, evidence: str | None) -> None:
        self.ref(raw, fieldname + "source" if fieldname else "source", "Source", source)
        if source in self.source_kind and self.source_kind[source] == "document" and not evidence:
            self.problems.append(
                Problem(
                    raw.file,
                    raw.line,
                    fieldname + "evidence" if fieldname else "evidence",
                    f"facts from document {source!r} must quote their evidence sentence",
                )
            )

    def refs_of_invalid(self, valid_ids: set[int]) -> None:
        """Records with field problems: still check their plain references, so every problem shows in one run."""
        for raw in self.records:
            if id(raw) in valid_ids:
                continue
            for fieldname, label in REF_FIELDS.items():
                value = raw.data.get(fieldname)
                if isinstance(value, str) and value.strip():
                    self.ref(raw, fieldname, label, value.strip())

    def add(self, plan: Plan, raw: RawRecord, rec: Any) -> None:
        """The plan rows of one valid record."""
        adders = {
            "sources": self._source,
            "regions": self._region,
            "sectors": self._sector,
            "region_sectors": self._region_sector,
            "trade": self._trade,
        }
        adders.get(raw.section, self._entity)(plan, raw, rec)

    def _source(self, plan: Plan, raw: RawRecord, rec: Any) -> None:
        plan.add_node("Source", rec.id, rec.model_dump(exclude={"id"}))

    def _region(self, plan: Plan, raw: RawRecord, rec: Any) -> None:
        self.ref(raw, "part_of", "Region", rec.part_of)
        self.ref(raw, "source", "Source", rec.source)  # a place's existence needs no quote
        plan.add_node("Region", rec.id, rec.model_dump(exclude={"id", "part_of"}))
        if rec.part_of:
            plan.add_rel("PART_OF", rec.id, rec.part_of, {"source": rec.source})

    def _sector(self, plan: Plan, raw: RawRecord, rec: Any) -> None:
        self.ref(raw, "parent", "Sector", rec.parent)
        self.provenance(raw, "", rec.source, None)
        plan.add_node(
            "Sector", rec.id, {"name": rec.name, "description": rec.description, "scheme": "user", "source": rec.source}
        )
        if rec.parent:
            plan.add_rel("SUBSECTOR_OF", rec.id, rec.parent, {"source": rec.source})

    def _region_sector(self, plan: Plan, raw: RawRecord, rec: Any) -> None:
        self.ref(raw, "region", "Region", rec.region)
        self.ref(raw, "sector", "Sector", rec.sector)
        self.provenance(raw, "", rec.source, rec.evidence)
        key = f"{rec.source}|{rec.kind or ''}|{rec.unit or ''}|{rec.year or ''}"
        plan.add_rel("HAS_SECTOR", rec.region, rec.sector, rec.model_dump(exclude={"region", "sector"}), key=key)

    def _trade(self, plan: Plan, raw: RawRecord, rec: Any) -> None:
        self.ref(raw, "from", "Region", rec.from_)
        self.ref(raw, "to", "Region", rec.to)
        self.provenance(raw, "", rec.source, rec.evidence)
        self.ref(raw, "sector", "Sector", rec.sector)
        key = (
            f"{rec.source}|{rec.direction}|{rec.flow or ''}|{rec.sector or ''}|{rec.unit or rec.currency}|"
            f"{rec.year or ''}"
        )
        plan.add_rel("TRADES_WITH", rec.from_, rec.to, rec.model_dump(exclude={"from_", "to"}), key=key)

    def _entity(self, plan: Plan, raw: RawRecord, rec: Any) -> None:
        """Firms, universities, agreements: the node, its source and its links."""
        label = ENTITY_LABEL[raw.section]
        if raw.section == "agreements":  # an agreement is a fact: quote it when a document says it
            self.provenance(raw, "", rec.source, rec.evidence)
        else:  # firms and universities exist without a quote; their own link facts may quote
            self.ref(raw, "source", "Source", rec.source)
        link_fields = {f for f, *_ in LINKS.get(raw.section, [])} | {f for f, *_ in SINGLE_LINKS.get(raw.section, [])}
        plan.add_node(label, rec.id, rec.model_dump(exclude={"id", *link_fields}))
        plan.add_rel("SOURCED_FROM", rec.id, rec.source, {"evidence": rec.evidence}, start_label=label)
        base = {"source": rec.source, "evidence": rec.evidence}
        for fieldname, rel, target in SINGLE_LINKS.get(raw.section, []):
            target_id = getattr(rec, fieldname)
            self.ref(raw, fieldname, target, target_id)
            if target_id:
                plan.add_rel(rel, rec.id, target_id, base)
        self._links(plan, raw, rec)

    def _links(self, plan: Plan, raw: RawRecord, rec: Any) -> None:
        for fieldname, rel, target, direction in LINKS.get(raw.section, []):
            for i, link in enumerate(getattr(rec, fieldname)):
                self.ref(raw, f"{fieldname}[{i}]", target, link.id)
                if link.source:
                    self.provenance(raw, f"{fieldname}[{i}].", link.source, link.evidence)
                props = {"source": link.source or rec.source, "evidence": link.evidence or rec.evidence}
                start, end = (rec.id, link.id) if direction == "out" else (link.id, rec.id)
                plan.add_rel(rel, start, end, props)

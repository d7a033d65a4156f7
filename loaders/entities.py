"""Entity files (YAML or CSV) -> validated plan -> idempotent writes.

Two phases, so bad input never half-writes:

1. :func:`read_files` parses every file and :func:`build_plan` validates every
   record (field checks via :mod:`loaders.records`, then duplicates and references
   across all files and the store). All problems are collected and raised together
   as :class:`graph.errors.ValidationFailed`, each naming file, line, field, reason.
2. :func:`write_plan` sends ``UNWIND $rows`` MERGE batches (:mod:`loaders.statements`).

YAML files may hold any of the sections in :data:`loaders.records.SECTIONS`. A CSV
file holds one section, named by its file name (``regions.csv``,
``demo-firms.csv``: the stem ends with the section name); list cells use ``;``.

Example:
    >>> from graph.store import open_store                       # doctest: +SKIP
    >>> load_paths(open_store(), ["data/demo"])                  # doctest: +SKIP
    LoadReport(nodes={'Region': 31, ...}, relationships={...})
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import ValidationError

from rox.graph import taxonomy
from rox.graph.errors import Problem, ValidationFailed
from rox.loaders import statements
from rox.loaders.records import SECTIONS

LINE_KEY = "__line__"
ENTITY_LABEL = {
    "sources": "Source",
    "regions": "Region",
    "sectors": "Sector",
    "firms": "Firm",
    "universities": "University",
    "agreements": "Agreement",
}


# ---------------------------------------------------------------- reading
class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records each mapping's line (1-based) under ``__line__``."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class RawRecord:
    section: str
    file: str
    line: int | None
    data: dict[str, Any]


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the ``.yaml``/``.yml``/``.csv`` files inside folders named (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in (".yaml", ".yml", ".csv")))
        else:
            out.append(p)
    return out


def read_files(paths: Iterable[Path]) -> tuple[list[RawRecord], list[Problem]]:
    """Parse files into raw records; unreadable files and unknown sections are problems."""
    records: list[RawRecord] = []
    problems: list[Problem] = []
    for path in paths:
        name = str(path)
        if not path.exists():
            problems.append(Problem(name, None, "file", "does not exist"))
            continue
        suffix = path.suffix.lower()
        try:
            if suffix in (".yaml", ".yml"):
                records.extend(_read_yaml(path, problems))
            elif suffix == ".csv":
                records.extend(_read_csv(path, problems))
            else:
                problems.append(Problem(name, None, "file", "not a .yaml, .yml or .csv file"))
        except UnicodeDecodeError as exc:
            problems.append(Problem(name, None, "file", f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(Problem(name, mark.line + 1 if mark else None, "file", f"invalid YAML: {getattr(exc, 'problem', exc)}"))
    return records, problems


def _read_yaml(path: Path, problems: list[Problem]) -> list[RawRecord]:
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    if doc is None:
        return []
    if not isinstance(doc, dict):
        problems.append(Problem(str(path), 1, "file", "the top level must be a mapping of sections"))
        return []
    out = []
    for section, items in doc.items():
        if section == LINE_KEY:
            continue
        if section not in SECTIONS:
            problems.append(Problem(str(path), None, section, f"unknown section (known: {', '.join(SECTIONS)})"))
            continue
        if not isinstance(items, list):
            problems.append(Problem(str(path), None, section, "a section must be a list of records"))
            continue
        for item in items:
            if not isinstance(item, dict):
                problems.append(Problem(str(path), None, section, f"each record must be a mapping, got {item!r}"))
                continue
            line = item.pop(LINE_KEY, None)
            out.append(RawRecord(section, str(path), line, _strip_lines(item)))
    return out


def _strip_lines(value):
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _read_csv(path: Path, problems: list[Problem]) -> list[RawRecord]:
    section = next((s for s in sorted(SECTIONS, key=len, reverse=True) if path.stem.endswith(s)), None)
    if section is None:
        problems.append(
            Problem(str(path), None, "file", f"cannot tell the section from the file name; name it like <anything>{'|'.join(SECTIONS)}.csv")
        )
        return []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        out = []
        for row in reader:
            data = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
            if None in row:
                problems.append(Problem(str(path), reader.line_num, "row", "more cells than header columns"))
            out.append(RawRecord(section, str(path), reader.line_num, data))
    return out


# ---------------------------------------------------------------- planning
@dataclass
class Plan:
    """What a load will write: node props by label and id, relationship rows by type."""

    nodes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    rels: dict[tuple[str, str | None], list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def add_node(self, label: str, node_id: str, props: dict[str, Any]) -> None:
        self.nodes[label][node_id] = {k: v for k, v in props.items() if v is not None and v != []}

    def add_rel(self, rel: str, start: str, end: str, props: dict[str, Any], start_label: str | None = None, key: str | None = None) -> None:
        row = {"start": start, "end": end, "props": {k: v for k, v in props.items() if v is not None}}
        if key is not None:
            row["key"] = key
        self.rels[(rel, start_label)].append(row)


def taxonomy_plan(plan: Plan | None = None) -> Plan:
    """The rox sector taxonomy as nodes and ``SUBSECTOR_OF`` links."""
    plan = plan or Plan()
    for s in taxonomy.sectors():
        plan.add_node("Sector", s.id, {"name": s.name, "description": s.description, "scheme": "rox", "source": "src-rox-taxonomy"})
        if s.parent:
            plan.add_rel("SUBSECTOR_OF", s.id, s.parent, {"source": "src-rox-taxonomy"})
    plan.add_node("Source", "src-rox-taxonomy", {"title": "rox sector taxonomy (graph/taxonomy.yaml)", "kind": "dataset"})
    return plan


def build_plan(records: list[RawRecord], known: dict[str, set[str]] | None = None) -> Plan:
    """Validate every record and turn them into a :class:`Plan`.

    ``known`` holds ids already in the store, by label, so files may refer to them.
    Raises :class:`ValidationFailed` listing every problem.
    """
    known = known or {}
    problems: list[Problem] = []
    valid: list[tuple[RawRecord, Any]] = []
    for raw in records:
        model = SECTIONS[raw.section]
        try:
            valid.append((raw, model.model_validate(raw.data)))
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or raw.section
                msg = err["msg"].removeprefix("Value error, ")
                if err["type"] == "missing":
                    msg = "required field is missing"
                elif err["type"] == "extra_forbidden":
                    msg = "unknown field"
                problems.append(Problem(raw.file, raw.line, loc, msg))

    # ids: defined in these files, else already in the store, else the taxonomy
    # Ids count as defined even when their record has field problems, so one bad
    # field does not cascade into "does not exist" errors elsewhere.
    defined: dict[str, dict[str, RawRecord]] = defaultdict(dict)
    for raw in records:
        label = ENTITY_LABEL.get(raw.section)
        ident = raw.data.get("id")
        if label is None or not isinstance(ident, str):
            continue
        first = defined[label].get(ident)
        if first is not None:
            problems.append(Problem(raw.file, raw.line, "id", f"duplicate {label} id {ident!r} (first defined at {first.file}:{first.line})"))
        else:
            defined[label][ident] = raw
    taxonomy_ids = {s.id for s in taxonomy.sectors()}

    def exists(label: str, ident: str) -> bool:
        return ident in defined[label] or ident in known.get(label, set()) or (label == "Sector" and ident in taxonomy_ids)

    source_kind = {rec.id: rec.kind for raw, rec in valid if raw.section == "sources"}

    def ref(raw: RawRecord, fieldname: str, label: str, ident: str | None) -> None:
        if ident is not None and not exists(label, ident):
            problems.append(Problem(raw.file, raw.line, fieldname, f"refers to {label} {ident!r}, which does not exist"))

    def provenance(raw: RawRecord, fieldname: str, source: str | None, evidence: str | None) -> None:
        ref(raw, fieldname + "source" if fieldname else "source", "Source", source)
        if source in source_kind and source_kind[source] == "document" and not evidence:
            problems.append(Problem(raw.file, raw.line, fieldname + "evidence" if fieldname else "evidence",
                                    f"facts from document {source!r} must quote their evidence sentence"))

    # Records with field problems: still check their plain references, so every
    # problem is reported in one run.
    valid_ids = {id(raw) for raw, _ in valid}
    for raw in records:
        if id(raw) in valid_ids:
            continue
        for fieldname, label in REF_FIELDS.items():
            value = raw.data.get(fieldname)
            if isinstance(value, str) and value.strip():
                ref(raw, fieldname, label, value.strip())

    plan = taxonomy_plan()
    for raw, rec in valid:
        s = raw.section
        if s == "sources":
            plan.add_node("Source", rec.id, rec.model_dump(exclude={"id"}))
            continue
        if s == "regions":
            ref(raw, "part_of", "Region", rec.part_of)
            ref(raw, "source", "Source", rec.source)  # a place's existence needs no quote
            plan.add_node("Region", rec.id, rec.model_dump(exclude={"id", "part_of"}))
            if rec.part_of:
                plan.add_rel("PART_OF", rec.id, rec.part_of, {"source": rec.source})
        elif s == "sectors":
            ref(raw, "parent", "Sector", rec.parent)
            provenance(raw, "", rec.source, None)
            plan.add_node("Sector", rec.id, {"name": rec.name, "description": rec.description, "scheme": "user", "source": rec.source})
            if rec.parent:
                plan.add_rel("SUBSECTOR_OF", rec.id, rec.parent, {"source": rec.source})
        elif s == "region_sectors":
            ref(raw, "region", "Region", rec.region)
            ref(raw, "sector", "Sector", rec.sector)
            provenance(raw, "", rec.source, rec.evidence)
            key = f"{rec.source}|{rec.kind or ''}|{rec.unit or ''}|{rec.year or ''}"
            plan.add_rel("HAS_SECTOR", rec.region, rec.sector, rec.model_dump(exclude={"region", "sector"}), key=key)
        elif s == "trade":
            ref(raw, "from", "Region", rec.from_)
            ref(raw, "to", "Region", rec.to)
            provenance(raw, "", rec.source, rec.evidence)
            ref(raw, "sector", "Sector", rec.sector)
            key = f"{rec.source}|{rec.direction}|{rec.flow or ''}|{rec.sector or ''}|{rec.unit or rec.currency}|{rec.year or ''}"
            plan.add_rel("TRADES_WITH", rec.from_, rec.to, rec.model_dump(exclude={"from_", "to"}), key=key)
        else:
            _plan_entity(raw, rec, plan, ref, provenance)
    if problems:
        raise ValidationFailed(problems)
    return plan


REF_FIELDS = {
    # single-valued reference fields of any section -> label they refer to
    "source": "Source", "part_of": "Region", "region": "Region", "sector": "Sector", "parent": "Sector",
    "located_in": "Region", "headquartered_in": "Region", "from": "Region", "to": "Region",
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


def _plan_entity(raw: RawRecord, rec, plan: Plan, ref, provenance) -> None:
    label = ENTITY_LABEL[raw.section]
    if raw.section == "agreements":  # an agreement is a fact: quote it when a document says it
        provenance(raw, "", rec.source, rec.evidence)
    else:  # firms and universities exist without a quote; their own link facts may quote
        ref(raw, "source", "Source", rec.source)
    link_fields = {f for f, *_ in LINKS.get(raw.section, [])} | {f for f, *_ in SINGLE_LINKS.get(raw.section, [])}
    plan.add_node(label, rec.id, rec.model_dump(exclude={"id", *link_fields}))
    plan.add_rel("SOURCED_FROM", rec.id, rec.source, {"evidence": rec.evidence}, start_label=label)
    base = {"source": rec.source, "evidence": rec.evidence}
    for fieldname, rel, target in SINGLE_LINKS.get(raw.section, []):
        target_id = getattr(rec, fieldname)
        ref(raw, fieldname, target, target_id)
        if target_id:
            plan.add_rel(rel, rec.id, target_id, base)
    for fieldname, rel, target, direction in LINKS.get(raw.section, []):
        for i, link in enumerate(getattr(rec, fieldname)):
            ref(raw, f"{fieldname}[{i}]", target, link.id)
            if link.source:
                provenance(raw, f"{fieldname}[{i}].", link.source, link.evidence)
            props = {"source": link.source or rec.source, "evidence": link.evidence or rec.evidence}
            start, end = (rec.id, link.id) if direction == "out" else (link.id, rec.id)
            plan.add_rel(rel, start, end, props)


# ---------------------------------------------------------------- writing
NODE_ORDER = ("Source", "Sector", "Region", "Firm", "University", "Agreement")


@dataclass
class LoadReport:
    nodes: dict[str, int]
    relationships: dict[str, int]

    def total(self) -> int:
        return sum(self.nodes.values()) + sum(self.relationships.values())


def known_ids(store, records: list[RawRecord]) -> dict[str, set[str]]:
    """Which ids the records refer to already exist in the store, by label.

    Asks only for the ids referenced (one ``UNWIND $ids`` query per label), so the
    cost follows the files, not the size of the store.
    """
    wanted: dict[str, set[str]] = defaultdict(set)
    list_fields = {f: target for links in LINKS.values() for f, _rel, target, _dir in links}
    for raw in records:
        for fieldname, label in REF_FIELDS.items():
            value = raw.data.get(fieldname)
            if isinstance(value, str):
                wanted[label].add(value.strip())
        for fieldname, label in list_fields.items():
            value = raw.data.get(fieldname)
            items = value.split(";") if isinstance(value, str) else value if isinstance(value, list) else []
            for item in items:
                ident = item.get("id") if isinstance(item, dict) else item
                if isinstance(ident, str) and ident.strip():
                    wanted[label].add(ident.strip())
    return {
        label: {r["id"] for r in store.run(statements.existing_ids(label), {"ids": sorted(ids)})}
        for label, ids in wanted.items()
    }


def write_plan(store, plan: Plan, batch_size: int = 2000) -> LoadReport:
    """Write nodes (sources and sectors first) and then relationships, in batches."""
    nodes: dict[str, int] = {}
    for label in NODE_ORDER:
        items = plan.nodes.get(label, {})
        if items:
            rows = ({"id": i, "props": p} for i, p in items.items())
            nodes[label] = store.write_batches(statements.node_upsert(label), rows, batch_size)
    rels: dict[str, int] = {}
    for (rel, start_label), rows in sorted(plan.rels.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        rels[rel] = rels.get(rel, 0) + store.write_batches(statements.rel_upsert(rel, start_label), rows, batch_size)
    return LoadReport(nodes, rels)


def load_paths(store, paths: Iterable[str | Path]) -> LoadReport:
    """Validate all files, then write them; nothing is written if anything is wrong."""
    files = expand_paths(paths)
    records, problems = read_files(files)
    if problems:
        # Still validate the records that parsed, to report everything at once.
        try:
            build_plan(records, known_ids(store, records))
        except ValidationFailed as more:
            problems.extend(more.problems)
        raise ValidationFailed(problems)
    plan = build_plan(records, known_ids(store, records))
    return write_plan(store, plan)

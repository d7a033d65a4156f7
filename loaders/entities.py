"""Entity files (YAML or CSV) -> validated plan -> one journaled, all-or-nothing load.

Two phases, so bad input never half-writes:

1. :func:`read_files` parses every file (:mod:`loaders.entity_files`) and
   :func:`build_plan` validates every record (:mod:`loaders.entity_plan`). All
   problems are collected and raised together as
   :class:`graph.errors.ValidationFailed`, each naming file, line, field, reason.
2. :func:`write_plan` sends ``UNWIND $rows`` MERGE batches
   (:mod:`loaders.statements`) through the shared writer (:mod:`loaders.writer`):
   under the store's load lock, journaled, with the properties it will change
   kept first, so that a database error half-way rolls the whole load back and
   ``rox loads undo`` can take it back later.

Example:
    >>> from rox.graph.store import open_store                   # doctest: +SKIP
    >>> load_paths(open_store(), ["data/demo"])                  # doctest: +SKIP
    LoadReport(nodes={'Region': 31, ...}, relationships={...}, load_id='load-...')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rox.graph.errors import ValidationFailed
from rox.loaders import statements
from rox.loaders.entity_files import LINE_KEY, RawRecord, expand_paths, read_files
from rox.loaders.entity_plan import ENTITY_LABEL, LINKS, REF_FIELDS, Plan, build_plan, taxonomy_plan
from rox.loaders.statements import KEYED_RELS
from rox.loaders.writer import LoadSession, Progress, load_session

NODE_ORDER = ("Source", "Sector", "Region", "Firm", "University", "Agreement")
BATCH = 2000

__all__ = [
    "ENTITY_LABEL",
    "LINE_KEY",
    "NODE_ORDER",
    "LoadReport",
    "Plan",
    "RawRecord",
    "build_plan",
    "expand_paths",
    "known_ids",
    "load_paths",
    "read_files",
    "taxonomy_plan",
    "write_plan",
]


@dataclass
class LoadReport:
    nodes: dict[str, int]
    relationships: dict[str, int]
    load_id: str = ""
    recovered: list[str] = field(default_factory=list)  # dead loads rolled back before this one

    def total(self) -> int:
        return sum(self.nodes.values()) + sum(self.relationships.values())


def known_ids(store: Any, records: list[RawRecord]) -> dict[str, set[str]]:
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
            for ident in _list_ids(raw.data.get(fieldname)):
                wanted[label].add(ident)
    return {
        label: {r["id"] for r in store.run(statements.existing_ids(label), {"ids": sorted(ids)})}
        for label, ids in wanted.items()
    }


def _list_ids(value: Any) -> list[str]:
    items = value.split(";") if isinstance(value, str) else value if isinstance(value, list) else []
    out = []
    for item in items:
        ident = item.get("id") if isinstance(item, dict) else item
        if isinstance(ident, str) and ident.strip():
            out.append(ident.strip())
    return out


def _rel_steps(plan: Plan) -> list[tuple[str, str | None, list[dict[str, Any]]]]:
    return [
        (rel, start_label, rows)
        for (rel, start_label), rows in sorted(plan.rels.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    ]


def _changes(before: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether ``SET x += new`` would change properties ``before``."""
    return any(before.get(k) != v for k, v in new.items())


def undo_rows(s: LoadSession, plan: Plan) -> list[dict[str, Any]]:
    """The current properties of every node and relationship the plan would change (read before writing)."""
    out: list[dict[str, Any]] = []
    for label in NODE_ORDER:
        items = plan.nodes.get(label, {})
        for i in range(0, len(items), s.batch_size):
            ids = list(items)[i : i + s.batch_size]
            for row in s.store.run(statements.node_props(label), {"ids": ids}):
                if _changes(row["props"], items[row["id"]]):
                    out.append({"op": "node", "label": label, "id": row["id"], "props": row["props"]})
    for rel, start_label, rows in _rel_steps(plan):
        out.extend(_rel_undo(s, rel, start_label, rows))
    return out


def _rel_undo(s: LoadSession, rel: str, start_label: str | None, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keyed = rel in KEYED_RELS
    new = {(r["start"], r["end"], r.get("key")): r["props"] for r in rows}
    out = []
    for i in range(0, len(rows), s.batch_size):
        batch = [{k: r[k] for k in ("start", "end", "key") if k in r} for r in rows[i : i + s.batch_size]]
        for got in s.store.run(statements.rel_props(rel, start_label), {"rows": batch}):
            props = new.get((got["start"], got["end"], got.get("key") if keyed else None), {})
            if _changes(got["props"], props):
                row = {
                    "op": "rel",
                    "rel": rel,
                    "start_label": start_label,
                    "start": got["start"],
                    "end": got["end"],
                    "props": got["props"],
                }
                if keyed:
                    row["key"] = got["key"]
                out.append(row)
    return out


def write_plan(s: LoadSession, plan: Plan) -> LoadReport:
    """Write nodes (sources and sectors first) and then relationships, in batches, as load ``s``."""
    s.keep_undo(undo_rows(s, plan))  # on disk before the first write
    s.expect(plan.size())
    nodes: dict[str, int] = {}
    for label in NODE_ORDER:
        items = plan.nodes.get(label, {})
        if items:
            s.send(statements.node_load(label), [{"id": i, "props": p} for i, p in items.items()], f"writing {label}")
            nodes[label] = len(items)
    rels: dict[str, int] = {}
    for rel, start_label, rows in _rel_steps(plan):
        s.send(statements.rel_load(rel, start_label), rows, f"writing {rel}")
        rels[rel] = rels.get(rel, 0) + len(rows)
    s.counts = {**nodes, **rels}
    return LoadReport(nodes, rels, s.id)


def check_paths(store: Any, paths: Iterable[str | Path]) -> Plan:
    """Read and validate files against the store; :class:`ValidationFailed` lists every problem."""
    records, problems = read_files(expand_paths(paths))
    if problems:
        # Still validate the records that parsed, to report everything at once.
        try:
            build_plan(records, known_ids(store, records))
        except ValidationFailed as more:
            problems.extend(more.problems)
        raise ValidationFailed(problems)
    return build_plan(records, known_ids(store, records))


def load_paths(
    store: Any,
    paths: Iterable[str | Path],
    progress: Progress | None = None,
    batch_size: int = BATCH,
) -> LoadReport:
    """Validate all files, then write them as one load; nothing is written if anything is wrong, and
    everything is rolled back if a write fails. ``progress(done, total, what)`` (see :mod:`loaders.writer`)."""
    paths = list(paths)
    label = ", ".join(str(p) for p in paths) or "(no files)"
    with load_session(store, "entities", label, progress, batch_size) as s:
        s.tell(0, None, "checking files")
        plan = check_paths(store, paths)
        report = s.run(lambda session: write_plan(session, plan))
        report.recovered = s.recovered
        return report

"""Every write statement the loaders send, built from the model and nothing else.

All writes are ``UNWIND $rows AS row`` batches with ``MERGE`` on ids, so loading
the same rows twice changes nothing. Labels and relationship types are spliced in
only from :mod:`graph.model` (checked); every value comes in ``$rows``.

Row shapes:

* node upsert: ``{"id": ..., "props": {...}}``
* relationship upsert: ``{"start": id, "end": id, "props": {...}}``; measured
  relationships (``HAS_SECTOR``, ``TRADES_WITH``) also carry ``key``, so one pair of
  nodes can hold one figure per source, kind, unit and year.

>>> print(node_upsert("Region"))
UNWIND $rows AS row MERGE (n:Region {id: row.id}) SET n += row.props
"""

from __future__ import annotations

from functools import cache

from rox.graph.model import LABELS, REL_TYPES, check_label, check_rel_type

KEYED_RELS = frozenset({"HAS_SECTOR", "TRADES_WITH"})


def node_upsert(label: str) -> str:
    """MERGE nodes of ``label`` on ``id`` and set their properties."""
    check_label(label)
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n += row.props"


def rel_upsert(rel_type: str, start_label: str | None = None) -> str:
    """MERGE relationships of ``rel_type`` between existing nodes matched by id."""
    rel = REL_TYPES[check_rel_type(rel_type)]
    start = check_label(start_label or rel.start)
    merge_props = " {key: row.key}" if rel_type in KEYED_RELS else ""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{start} {{id: row.start}}) "
        f"MATCH (b:{rel.end} {{id: row.end}}) "
        f"MERGE (a)-[r:{rel_type}{merge_props}]->(b) SET r += row.props"
    )


def existing_ids(label: str) -> str:
    """Which of ``$ids`` already exist as ``label`` nodes (for reference checks)."""
    check_label(label)
    return f"UNWIND $ids AS id MATCH (n:{label} {{id: id}}) RETURN n.id AS id"


@cache
def all_statements() -> dict[str, str]:
    """Every loader statement by name (the Neo4j linter checks each)."""
    out: dict[str, str] = {}
    for label in LABELS:
        out[f"node:{label}"] = node_upsert(label)
        out[f"exists:{label}"] = existing_ids(label)
        if label != "Source":
            out[f"rel:SOURCED_FROM:{label}"] = rel_upsert("SOURCED_FROM", label)
    for name, rel in REL_TYPES.items():
        if rel.start != "*":
            out[f"rel:{name}"] = rel_upsert(name)
    return out

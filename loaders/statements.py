"""Every write statement the loaders send, built from the model and nothing else.

All writes are ``UNWIND $rows AS row`` batches with ``MERGE`` on ids, so loading
the same rows twice changes nothing. Labels and relationship types are spliced in
only from :mod:`graph.model` (checked); every value comes in ``$rows``.

Row shapes:

* node upsert: ``{"id": ..., "props": {...}}``
* relationship upsert: ``{"start": id, "end": id, "props": {...}}``; measured
  relationships (``HAS_SECTOR``, ``TRADES_WITH``) also carry ``key``, so one pair of
  nodes can hold one figure per source, kind, unit and year.

The entity loader sends the ``*_load`` forms: the same upserts, and what they
create carries the load's id (``$lid``) so the load can be rolled back or undone
(:mod:`loaders.rollback`); before writing it reads the properties it will change
(``node_props``, ``rel_props``).

>>> print(node_upsert("Region"))
UNWIND $rows AS row MERGE (n:Region {id: row.id}) SET n += row.props
>>> print(node_load("Region"))
UNWIND $rows AS row MERGE (n:Region {id: row.id}) ON CREATE SET n.load_id = $lid SET n += row.props
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


def node_load(label: str) -> str:
    """:func:`node_upsert`, tagging the nodes it creates with the load id ``$lid``."""
    check_label(label)
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) ON CREATE SET n.load_id = $lid SET n += row.props"


def rel_load(rel_type: str, start_label: str | None = None) -> str:
    """:func:`rel_upsert`, tagging the relationships it creates with the load id ``$lid``."""
    return rel_upsert(rel_type, start_label).replace(
        " SET r += row.props", " ON CREATE SET r.load_id = $lid SET r += row.props"
    )


def node_props(label: str) -> str:
    """The properties of the ``$ids`` that exist as ``label`` nodes (what a load would change)."""
    check_label(label)
    return f"UNWIND $ids AS id MATCH (n:{label} {{id: id}}) RETURN n.id AS id, properties(n) AS props"


def rel_props(rel_type: str, start_label: str | None = None) -> str:
    """The properties of the relationships a :func:`rel_load` batch would merge, where they exist."""
    rel = REL_TYPES[check_rel_type(rel_type)]
    start = check_label(start_label or rel.start)
    keyed = rel_type in KEYED_RELS
    return (
        f"UNWIND $rows AS row MATCH (a:{start} {{id: row.start}})-[r:{rel_type}"
        f"{' {key: row.key}' if keyed else ''}]->(b:{rel.end} {{id: row.end}}) "
        f"RETURN row.start AS start, row.end AS end{', row.key AS key' if keyed else ''}, properties(r) AS props"
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
        out[f"node_load:{label}"] = node_load(label)
        out[f"node_props:{label}"] = node_props(label)
        out[f"exists:{label}"] = existing_ids(label)
        if label != "Source":
            out[f"rel:SOURCED_FROM:{label}"] = rel_upsert("SOURCED_FROM", label)
            out[f"rel_load:SOURCED_FROM:{label}"] = rel_load("SOURCED_FROM", label)
            out[f"rel_props:SOURCED_FROM:{label}"] = rel_props("SOURCED_FROM", label)
    for name, rel in REL_TYPES.items():
        if rel.start != "*":
            out[f"rel:{name}"] = rel_upsert(name)
            out[f"rel_load:{name}"] = rel_load(name)
            out[f"rel_props:{name}"] = rel_props(name)
    out.update(_other_loader_statements())
    return out


def _other_loader_statements() -> dict[str, str]:
    """The table loader's, the datasets' and the rollback's statements (imported here so one call lists them all)."""
    from rox.loaders import claims, datasets, rollback, table_write

    out = {"table:region_codes": claims.REGION_CODES}
    out.update(table_write.statements())
    out.update(datasets.statements_sent())
    out.update(rollback.statements())
    out["rollback:restore_node:Dataset"] = rollback.restore_node("Dataset")
    return out

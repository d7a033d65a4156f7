"""Undo one load, by its load id: put back what it changed, delete what it created.

Every node and relationship a load *creates* carries ``load_id`` (``ON CREATE SET``).
What it *changes* is kept in two ways, so that a load can be undone after a crash as
well as after it finished:

* a table load that changes the value of an existing ``HAS_SECTOR`` writes the old
  value on the relationship in the same statement (``undo_load``, ``undo_value``),
  so a ``kill -9`` between two statements loses nothing; at the end of the load the
  old values move to the journal and the marks are cleared;
* an entity load reads the properties of the nodes and relationships it will change
  before writing, and the journal keeps them (synced to disk) before the first write.

:func:`rollback` does all of it, in that order: marked values, journal rows, then
created relationships and nodes, in batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from itertools import islice
from typing import Any

from rox.graph.model import REL_TYPES, check_label, check_rel_type

RESTORE_MARKED = (
    "MATCH ()-[r:HAS_SECTOR]->() WHERE r.undo_load = $lid WITH r LIMIT 50000 "
    "SET r.value = r.undo_value, r.undo_load = NULL, r.undo_value = NULL RETURN count(r) AS n"
)
CLEAR_MARKS = (
    "MATCH ()-[r:HAS_SECTOR]->() WHERE r.undo_load = $lid WITH r LIMIT 50000 "
    "SET r.undo_load = NULL, r.undo_value = NULL RETURN count(r) AS n"
)
RESTORE_VALUES = (
    "UNWIND $rows AS row MATCH (a:Region {id: row.start})-[r:HAS_SECTOR {key: row.key}]->(b:Sector {id: row.end}) "
    "SET r.value = row.old"
)
DELETE_RELS = "MATCH ()-[r]->() WHERE r.load_id = $lid WITH r LIMIT 50000 DELETE r RETURN count(r) AS n"
DELETE_NODES = "MATCH (n) WHERE n.load_id = $lid WITH n LIMIT 20000 DETACH DELETE n RETURN count(n) AS n"
BATCH = 5000


@cache
def restore_node(label: str) -> str:
    """Put a node's properties back as they were (``SET n = old``, which also drops new ones)."""
    return f"UNWIND $rows AS row MATCH (n:{check_label(label)} {{id: row.id}}) SET n = row.props"


@cache
def restore_rel(rel: str, start_label: str | None, keyed: bool) -> str:
    """Put a relationship's properties back as they were."""
    r = REL_TYPES[check_rel_type(rel)]
    key = " {key: row.key}" if keyed else ""
    return (
        f"UNWIND $rows AS row MATCH (a:{check_label(start_label or r.start)} {{id: row.start}})"
        f"-[r:{rel}{key}]->(b:{r.end} {{id: row.end}}) SET r = row.props"
    )


def statements() -> dict[str, str]:
    """Every statement of this module (for the Cypher linter)."""
    return {
        "rollback:restore_marked": RESTORE_MARKED,
        "rollback:clear_marks": CLEAR_MARKS,
        "rollback:restore_values": RESTORE_VALUES,
        "rollback:delete_rels": DELETE_RELS,
        "rollback:delete_nodes": DELETE_NODES,
        "rollback:restore_node": restore_node("Region"),
        "rollback:restore_rel": restore_rel("HAS_SECTOR", None, True),
        "rollback:restore_rel_sourced": restore_rel("SOURCED_FROM", "Firm", False),
    }


def until_done(store: Any, statement: str, lid: str) -> int:
    """Run a ``... LIMIT n ... RETURN count(...) AS n`` statement until it touches nothing; returns the total."""
    total = 0
    while True:
        got = store.run(statement, {"lid": lid}, write=True)
        k = got[0]["n"] if got else 0
        total += k
        if not k:
            return total


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def _restore_rows(store: Any, rows: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """Journal rows back into the store, grouped by statement; returns (table values, other rows)."""
    values = other = 0
    for batch in _chunks(rows, BATCH):
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in batch:
            groups.setdefault(_statement_for(row), []).append(row)
        for cypher, group in groups.items():
            store.run(cypher, {"rows": group}, write=True)
            if cypher == RESTORE_VALUES:
                values += len(group)
            else:
                other += len(group)
    return values, other


def _statement_for(row: dict[str, Any]) -> str:
    op = row.get("op", "has_sector")
    if op == "node":
        return restore_node(row["label"])
    if op == "rel":
        return restore_rel(row["rel"], row.get("start_label"), "key" in row)
    return RESTORE_VALUES


def rollback(store: Any, lid: str, undo_rows: Iterable[dict[str, Any]] = ()) -> str:
    """Remove what load ``lid`` created and restore the values it changed; says what was done."""
    marked = until_done(store, RESTORE_MARKED, lid)
    values, other = _restore_rows(store, undo_rows)
    # the journal's table values and the marks name the same relationships (one holds the other)
    restored = max(marked, values) + other
    rels = until_done(store, DELETE_RELS, lid)
    nodes = until_done(store, DELETE_NODES, lid)
    return f"removed {rels} relationships and {nodes} nodes it had created and restored {restored} changed values"

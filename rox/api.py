"""The documented Python API behind the ``rox`` command and the app.

Example:
    >>> from rox.api import Rox
    >>> rx = Rox.open(db="/tmp/rox-api-doctest/rox.db")           # doctest: +SKIP
    >>> rx.load_demo()                                             # doctest: +SKIP
    >>> [r["id"] for r in rx.query("shared-sectors", a="GB-DER", b="CN-AH")]  # doctest: +SKIP
    ['aerospace', 'automotive', 'manufacturing', 'rail']
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from rox.graph import model
from rox.graph.errors import AmbiguousName, NotFound
from rox.graph.store import DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S, Result, Store, open_store
from rox.loaders.entities import LoadReport, load_paths
from rox.queries import registry

PROJECT_DIR = Path(__file__).resolve().parents[1]


def demo_dir() -> Path:
    """The bundled demo dataset (``data/demo``); ``ROX_DEMO_DIR`` overrides it."""
    env = os.environ.get("ROX_DEMO_DIR")
    if env:
        return Path(env)
    for base in (PROJECT_DIR, Path.cwd()):
        if (base / "data" / "demo").is_dir():
            return base / "data" / "demo"
    raise NotFound("the demo dataset (data/demo) was not found; set ROX_DEMO_DIR to its folder")


class Rox:
    """One rox session over one store."""

    def __init__(self, store: Store):
        self.store = store

    @classmethod
    def open(cls, *, db: str | None = None, neo4j: str | None = None) -> "Rox":
        """Open the store chosen by ``db``/``neo4j``, the environment or the default."""
        return cls(open_store(db=db, neo4j=neo4j))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Rox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- loading -------------------------------------------------------------
    def load(self, paths: Iterable[str | Path]) -> LoadReport:
        """Validate and load entity files (YAML/CSV); all or nothing."""
        return load_paths(self.store, paths)

    def load_table(self, spec, opts=None, progress=None):
        """Validate and load one statistical table (region x sector values); all or nothing.

        ``spec`` is a :class:`loaders.tables.TableSpec` (or a path), ``opts`` a
        :class:`loaders.table_writer.LoadOptions`; returns a ``LoadSummary``.
        """
        from rox.loaders.table_writer import load_table
        from rox.loaders.tables import TableSpec

        if not isinstance(spec, TableSpec):
            spec = TableSpec(Path(spec))
        return load_table(self.store, spec, opts, progress)

    def load_demo(self) -> LoadReport:
        """Load the demo dataset built from the two seed documents."""
        return self.load([demo_dir()])

    # -- reading -------------------------------------------------------------
    def query(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a named query from ``queries/cypher``."""
        return registry.run_named(self.store, name, params)

    def cypher(self, text: str, params: dict[str, Any] | None = None, *, row_cap: int = DEFAULT_ROW_CAP,
               timeout_s: float = DEFAULT_TIMEOUT_S) -> Result:
        """Run user Cypher read-only, with a row cap and a timeout."""
        return self.store.read_only(text, params or {}, row_cap=row_cap, timeout_s=timeout_s)

    def stats(self) -> list[dict[str, Any]]:
        """Counts of nodes by label and relationships by type."""
        return self.query("stats")

    def schema(self) -> list[dict[str, Any]]:
        """The model: each label and relationship type with its properties and count."""
        counts = {(r["kind"], r["name"]): r["count"] for r in self.stats()}
        rows = [
            {"kind": "node", "name": label, "from": "", "to": "", "properties": ", ".join(model.NODE_PROPERTIES[label]),
             "count": counts.get(("node", label), 0)}
            for label in model.LABELS
        ]
        rows += [
            {"kind": "relationship", "name": rel.name, "from": rel.start, "to": rel.end,
             "properties": ", ".join(rel.properties), "count": counts.get(("relationship", rel.name), 0)}
            for rel in model.REL_TYPES.values()
        ]
        return rows

    def resolve_region(self, text: str) -> str:
        """A region id from an id or a name (case-insensitive, aliases too).

        Raises :class:`NotFound` when nothing matches and :class:`AmbiguousName`,
        listing the candidates, when several regions share the name.
        """
        rows = self.query("regions")
        by_id = {r["id"]: r for r in rows}
        if text in by_id:
            return text
        folded = text.casefold()
        ids = [r["id"] for r in rows if r["id"].casefold() == folded]
        if len(ids) == 1:
            return ids[0]
        hits = [r for r in rows if r["name"] and r["name"].casefold() == folded]
        if not hits:
            hits = [r for r in rows if any(a.casefold() == folded for a in (r.get("aliases") or []))]
        if len(hits) == 1:
            return hits[0]["id"]
        if len(hits) > 1:
            raise AmbiguousName(text, sorted((h["id"], _describe(h, by_id)) for h in hits))
        raise NotFound(f"no region with id or name {text!r}; try `rox query search-nodes --param text={text}`")


def _describe(row: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> str:
    parent = by_id.get(row.get("part_of") or "")
    where = parent["name"] if parent else (row.get("country") or "")
    return f"{row['name']}, {where}" if where else row["name"]

"""The one ``Store`` interface and ``open_store``, which picks the engine.

A store runs Cypher and returns rows as plain dicts (see :mod:`graph.values`).
Two implementations: :class:`graph.falkor_store.FalkorStore` (embedded, the
default) and :class:`graph.neo4j_store.Neo4jStore`. Code above this layer never
imports a driver.

Example:
    >>> from rox.graph.store import open_store
    >>> with open_store(db="/tmp/rox-doctest.db") as store:   # doctest: +SKIP
    ...     store.run("RETURN 1 AS one")
    [{'one': 1}]
"""

from __future__ import annotations

import abc
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from rox.graph import generation
from rox.graph.config import Settings
from rox.graph.errors import QueryRefused, ReadOnlyViolation, UsageError
from rox.graph.query_guard import BYTES_PER_ITEM, range_problems
from rox.graph.readonly import write_clauses

DEFAULT_ROW_CAP = 1000
DEFAULT_TIMEOUT_S = 10.0
MAX_TIMEOUT_S = 3600.0
MAX_RANGE_MB = 256
DEFAULT_BATCH = 5000


def check_console_limits(row_cap: Any, timeout_s: Any) -> None:
    """Refuse a row cap or timeout out of range, with a usage-style one-liner.

    >>> check_console_limits(10, 1e30)
    Traceback (most recent call last):
    ...
    rox.graph.errors.UsageError: timeout must be more than 0 and at most 3600 seconds, got 1e+30
    >>> check_console_limits(0, 10)
    Traceback (most recent call last):
    ...
    rox.graph.errors.UsageError: row limit must be a whole number of at least 1, got 0
    """
    if not isinstance(row_cap, int) or isinstance(row_cap, bool) or row_cap < 1:
        raise UsageError(f"row limit must be a whole number of at least 1, got {row_cap!r}")
    ok = isinstance(timeout_s, (int, float)) and not isinstance(timeout_s, bool) and math.isfinite(timeout_s)
    if not ok or not 0 < timeout_s <= MAX_TIMEOUT_S:
        raise UsageError(f"timeout must be more than 0 and at most {MAX_TIMEOUT_S:g} seconds, got {timeout_s!r}")


@dataclass
class Result:
    """Rows of a read-only console query, with whether the row cap cut them."""

    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = False
    elapsed_ms: float = 0.0
    notes: list[str] = field(default_factory=list)


class Store(abc.ABC):
    """A graph database rox can read from and write to."""

    engine: str = "?"

    def __init__(self, settings: Settings):
        self.settings = settings

    # -- core -----------------------------------------------------------
    def run(self, cypher: str, params: Mapping[str, Any] | None = None, *, write: bool = False) -> list[dict[str, Any]]:
        """Run one statement; ``write=False`` runs it read-only where the engine can.

        A write advances the store's generation before and after it
        (:mod:`rox.graph.generation`), so caches of the older state go stale."""
        if not write:
            return self._run(cypher, params, write=False)
        self.advance_generation()
        rows = self._run(cypher, params, write=True)
        self.advance_generation()
        return rows

    @abc.abstractmethod
    def _run(self, cypher: str, params: Mapping[str, Any] | None, *, write: bool) -> list[dict[str, Any]]:
        """The engine's own run of one statement (no generation bookkeeping)."""

    def run_bulk(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        """A big read's rows as lists of plain values (column order of its RETURN). Engines
        override it where the driver's own decoding is the bottleneck (FalkorDB)."""
        return [list(r.values()) for r in self._run(cypher, params, write=False)]

    def advance_generation(self) -> generation.Generation:
        """Advance the generation, so every cache of the store's data is stale: around each
        write (:meth:`run`), and on its own for writes made without rox (Neo4j Browser,
        cypher-shell), which do not (:meth:`rox.api.Rox.refresh`)."""
        rows = self._run(generation.BUMP, {"uid": generation.new_uid()}, write=True)
        return generation.Generation(str(rows[0]["uid"]), int(rows[0]["value"]))

    def generation(self) -> generation.Generation:
        """Which state the store is in (:mod:`rox.graph.generation`)."""
        return generation.read(lambda q, p: self._run(q, p, write=False))

    @abc.abstractmethod
    def _read_only(self, cypher: str, params: Mapping[str, Any], row_cap: int, timeout_s: float) -> Result:
        """Engine-enforced read-only query with a row cap and a timeout."""

    @abc.abstractmethod
    def schema_statements(self) -> list[str]:
        """This engine's DDL (indexes/constraints), idempotent."""

    @abc.abstractmethod
    def ensure_schema(self) -> None:
        """Create the indexes rox relies on, if missing."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections (the embedded server stops when its last user leaves)."""

    # -- shared behaviour ----------------------------------------------------
    def read_only(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        row_cap: int = DEFAULT_ROW_CAP,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> Result:
        """Run user-supplied Cypher read-only: write clauses are refused before the
        database sees them, and the database enforces read-only access as well.

        ``row_cap`` rows at most come back (the engine stops there); ``timeout_s``
        (0 < t <= 3600) is the engine's own query timeout. A ``range()`` longer than
        :meth:`max_list_items` is refused before it runs
        (:func:`rox.graph.query_guard.range_problems`)."""
        found = write_clauses(cypher)
        if found:
            raise ReadOnlyViolation(
                f"refused: this console is read-only and the query contains write clause(s) {', '.join(found)}"
            )
        check_console_limits(row_cap, timeout_s)
        params = dict(params or {})
        problems = range_problems(cypher, params, self.max_list_items())
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise QueryRefused(f"refused: {problems[0]}{more}")
        return self._read_only(cypher, params, row_cap, timeout_s)

    def max_list_items(self) -> int:
        """The longest ``range()`` one console query may build: 256 MB of server memory
        (or the per-query bound ``ROX_QUERY_MEMORY_MB`` if smaller) at 16 bytes an item."""
        return min(self.settings.limits.query_memory_mb, MAX_RANGE_MB) * 1024 * 1024 // BYTES_PER_ITEM

    def write_batches(self, cypher: str, rows: Iterable[Mapping[str, Any]], batch_size: int = DEFAULT_BATCH) -> int:
        """Run an ``UNWIND $rows AS row ...`` statement over ``rows`` in batches; returns rows sent."""
        n = 0
        for batch in _chunks(rows, batch_size):
            self.run(cypher, {"rows": batch}, write=True)
            n += len(batch)
        return n

    def clear(self) -> None:
        """Delete every node and relationship (used by tests and ``rox reset``)."""
        self.run("MATCH (n) DETACH DELETE n", write=True)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _chunks(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(dict(row))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def open_store(*, db: str | None = None, neo4j: str | None = None, settings: Settings | None = None) -> Store:
    """Open the store chosen by arguments, then environment, then the embedded default."""
    settings = settings or Settings.resolve(db=db, neo4j=neo4j)
    if settings.engine == "neo4j":
        from rox.graph.neo4j_store import Neo4jStore

        return Neo4jStore(settings)
    from rox.graph.falkor_store import FalkorStore

    return FalkorStore(settings)

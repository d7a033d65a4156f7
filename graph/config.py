"""Where rox's data lives and which engine to use.

Resolution order (first wins):

1. explicit arguments (``--neo4j URI`` / ``--db PATH`` on the CLI);
2. environment: ``NEO4J_URI`` (+ ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``)
   selects Neo4j; ``ROX_DB`` sets the embedded database file;
3. the embedded default, ``~/.local/share/rox/rox.db`` (``$XDG_DATA_HOME/rox/rox.db``
   when ``XDG_DATA_HOME`` is set).

The embedded server's bounds come from the environment too (:class:`EmbeddedLimits`).

The embedded server's life: the first rox process on a database starts its server,
later ones join it. A ``rox`` command leaves it running when it ends
(:attr:`Settings.keep_server`), so the next command starts in a fraction of a second
instead of starting the server again; other clients (the app, the Python API) stop it
when they are the last to leave. A watchdog stops a server that has had no client for
``ROX_SERVER_IDLE_S`` seconds (default 300), also when its clients were killed with
``kill -9``; ``rox server status`` shows it, ``rox server stop`` stops it at once.

Example:
    >>> s = Settings.resolve(db="/tmp/x.db", env={})
    >>> s.engine, s.db_path.name
    ('falkordb', 'x.db')
    >>> Settings.resolve(env={"NEO4J_URI": "bolt://h:7687"}).engine
    'neo4j'
    >>> Settings.resolve(db="/tmp/x.db", env={"ROX_QUERY_MEMORY_MB": "256"}).limits.query_memory_mb
    256
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rox.graph.errors import UsageError

GRAPH_NAME = "rox"
QUERY_MEMORY_DEFAULT_RANGE_MB = (1024, 4096)  # default: a quarter of the machine's memory, within these
#: Five minutes: longer than the pause between commands typed one after another, short
#: enough that a server nobody uses gives its memory back soon.
DEFAULT_IDLE_S = 300.0
MIN_QUERY_MEMORY_MB = 16
MAX_MB = 1 << 20  # 1 TB


def physical_memory_mb() -> int:
    """This machine's memory in MB (0 if the system does not say).

    >>> physical_memory_mb() > 0
    True
    """
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024)
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 0


def _env_number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    """``env[name]`` as a number in ``[low, high]``, or ``default`` when unset;
    a one-line :class:`UsageError` naming the variable otherwise.

    >>> _env_number({"X": "12"}, "X", 1, 1, 100), _env_number({}, "X", 5, 1, 100)
    (12.0, 5)
    >>> _env_number({"X": "abc"}, "X", 1, 1, 100)
    Traceback (most recent call last):
    ...
    rox.graph.errors.UsageError: X: expected a number from 1 to 100, got 'abc'
    """
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (low <= value <= high):
        raise UsageError(f"{name}: expected a number from {_shown(low)} to {_shown(high)}, got {raw!r}")
    return value


def _shown(x: float) -> str:
    """``1048576`` -> ``'1,048,576'``, ``0.5`` -> ``'0.5'``."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


@dataclass(frozen=True)
class EmbeddedLimits:
    """Bounds that keep the embedded server alive whatever a query does.

    * ``ROX_QUERY_MEMORY_MB`` (default: a quarter of the machine's memory, at least
      1024 and at most 4096): memory one query may take on the server (FalkorDB
      ``QUERY_MEM_CAPACITY``); a query past it fails with a clear error and the
      server lives on. Measured need: matching on a 2-million-fact table takes
      1.5-2 GB in one query; loading it, far less per query (755 MB for the whole
      server).
    * ``ROX_MAXMEMORY_MB`` (default: half the machine's memory, at least twice the
      query bound): the server's total (redis ``maxmemory`` with the
      ``noeviction`` policy: past it, writes are refused with an error, never
      evicted or aborted).
    * ``ROX_SERVER_IDLE_S`` (default 300, from 0.5 to 86400): a server that has had no
      client for this long stops itself (its data saved first), whether its last client
      left normally (a ``rox`` command leaves the server running for the next one) or
      was killed. These bounds apply when the server starts; ``rox server stop`` makes
      the next command start one with new values.

    >>> EmbeddedLimits.from_env({"ROX_QUERY_MEMORY_MB": "64", "ROX_MAXMEMORY_MB": "512"})
    EmbeddedLimits(query_memory_mb=64, maxmemory_mb=512, idle_s=300.0)
    >>> 1024 <= EmbeddedLimits.from_env({}).query_memory_mb <= 4096
    True
    """

    query_memory_mb: int = 4096
    maxmemory_mb: int = 8192
    idle_s: float = DEFAULT_IDLE_S

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> EmbeddedLimits:
        env = os.environ if env is None else env
        low, high = QUERY_MEMORY_DEFAULT_RANGE_MB
        default_query = min(max(physical_memory_mb() // 4, low), high)
        query = int(_env_number(env, "ROX_QUERY_MEMORY_MB", default_query, MIN_QUERY_MEMORY_MB, MAX_MB))
        default_max = max(physical_memory_mb() // 2, 2 * query)
        total = int(_env_number(env, "ROX_MAXMEMORY_MB", default_max, 2 * MIN_QUERY_MEMORY_MB, MAX_MB))
        idle = _env_number(env, "ROX_SERVER_IDLE_S", DEFAULT_IDLE_S, 0.5, 86400.0)
        return cls(query_memory_mb=query, maxmemory_mb=total, idle_s=idle)


def default_db_path(env: Mapping[str, str] | None = None) -> Path:
    """The embedded database file used when neither ``--db`` nor ``ROX_DB`` is given."""
    env = os.environ if env is None else env
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "rox" / "rox.db"


@dataclass(frozen=True)
class Settings:
    """Resolved connection settings for one store."""

    engine: Literal["falkordb", "neo4j"]
    db_path: Path | None = None
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str | None = None
    graph: str = GRAPH_NAME
    limits: EmbeddedLimits = field(default_factory=EmbeddedLimits.from_env)
    #: Embedded store: leave the server running when this client, the last, closes (its
    #: watchdog stops it after ``limits.idle_s``). The ``rox`` command sets it; by default
    #: the last client to close stops the server.
    keep_server: bool = False

    @classmethod
    def resolve(
        cls,
        *,
        db: str | os.PathLike | None = None,
        neo4j: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Settings:
        env = os.environ if env is None else env
        if db is not None and neo4j is not None:
            raise ValueError("give either --db or --neo4j, not both")
        graph = env.get("ROX_GRAPH", GRAPH_NAME)
        uri = neo4j if db is None else None
        if uri is None and db is None:
            uri = env.get("NEO4J_URI") or None
        if uri:
            return cls(
                engine="neo4j",
                neo4j_uri=uri,
                neo4j_user=env.get("NEO4J_USER", "neo4j"),
                neo4j_password=env.get("NEO4J_PASSWORD"),
                neo4j_database=env.get("NEO4J_DATABASE") or None,
                graph=graph,
                limits=EmbeddedLimits.from_env(env),
            )
        path = Path(db) if db is not None else Path(env.get("ROX_DB") or default_db_path(env))
        return cls(engine="falkordb", db_path=path.expanduser(), graph=graph, limits=EmbeddedLimits.from_env(env))

    def describe(self) -> str:
        """A one-line, password-free description for messages."""
        if self.engine == "neo4j":
            return f"Neo4j at {self.neo4j_uri} (database {self.neo4j_database or 'default'})"
        return f"embedded FalkorDB at {self.db_path}"

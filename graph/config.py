"""Where rox's data lives and which engine to use.

Resolution order (first wins):

1. explicit arguments (``--neo4j URI`` / ``--db PATH`` on the CLI);
2. environment: ``NEO4J_URI`` (+ ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``)
   selects Neo4j; ``ROX_DB`` sets the embedded database file;
3. the embedded default, ``~/.local/share/rox/rox.db`` (``$XDG_DATA_HOME/rox/rox.db``
   when ``XDG_DATA_HOME`` is set).

Example:
    >>> s = Settings.resolve(db="/tmp/x.db", env={})
    >>> s.engine, s.db_path.name
    ('falkordb', 'x.db')
    >>> Settings.resolve(env={"NEO4J_URI": "bolt://h:7687"}).engine
    'neo4j'
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Mapping

GRAPH_NAME = "rox"


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

    @classmethod
    def resolve(
        cls,
        *,
        db: str | os.PathLike | None = None,
        neo4j: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> "Settings":
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
            )
        path = Path(db) if db is not None else Path(env.get("ROX_DB") or default_db_path(env))
        return cls(engine="falkordb", db_path=path.expanduser(), graph=graph)

    def describe(self) -> str:
        """A one-line, password-free description for messages."""
        if self.engine == "neo4j":
            return f"Neo4j at {self.neo4j_uri} (database {self.neo4j_database or 'default'})"
        return f"embedded FalkorDB at {self.db_path}"

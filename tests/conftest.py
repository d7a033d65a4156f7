"""Shared fixtures: real stores (embedded FalkorDB always; Neo4j when NEO4J_URI is set),
the demo data loaded once per session, and the ../shared folder.

Every store test runs against each available backend (the networkx model: one
suite, several backends). The Neo4j tier WIPES the database NEO4J_URI points to:
use a throwaway one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rox.graph.config import Settings
from rox.graph.store import open_store

BACKENDS = ["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)]

# A `rox` command leaves its embedded server running for the next one, until idle for
# ROX_SERVER_IDLE_S (default 300 s). The suite runs hundreds of commands on throw-away
# databases: here their servers go after 2 idle seconds (the commands the tests start
# inherit it). Tests that need a server to stay set the variable themselves.
os.environ.setdefault("ROX_SERVER_IDLE_S", "2")


def _open(backend: str, tmp: Path):
    if backend == "neo4j":
        uri = os.environ.get("NEO4J_URI")
        if not uri:
            pytest.skip("Neo4j tier: set NEO4J_URI (and NEO4J_USER/NEO4J_PASSWORD) to a throwaway database to run it")
        store = open_store(settings=Settings.resolve(neo4j=uri))
    else:
        store = open_store(db=str(tmp / "rox.db"))
    store.clear()
    return store


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def empty_store(backend, tmp_path):
    """A fresh, empty store of each backend."""
    store = _open(backend, tmp_path)
    yield store
    store.close()


@pytest.fixture(scope="session", params=BACKENDS)
def demo_store(request, tmp_path_factory):
    """A store of each backend with the demo dataset loaded (read-only use!)."""
    from rox.api import Rox

    store = _open(request.param, tmp_path_factory.mktemp(f"demo-{request.param}"))
    Rox(store).load_demo()
    yield store
    store.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """Path of an embedded database file holding the demo data (for CLI and app tests)."""
    from rox.api import Rox

    path = tmp_path_factory.mktemp("demo-db") / "rox.db"
    with Rox.open(db=str(path)) as rx:
        rx.load_demo()
    return path

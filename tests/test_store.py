"""The Store contract on every backend: parameters, Unicode, injection, read-only,
persistence across a restart and across a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from rox.graph.errors import QueryError, ReadOnlyViolation
from rox.graph.store import open_store
from rox.loaders import statements

INJECTION = "x' }) DETACH DELETE n //"


def _add_regions(store, rows):
    store.write_batches(statements.node_upsert("Region"), rows)


def test_parameters_and_unicode_round_trip(empty_store):
    _add_regions(
        empty_store,
        [
            {"id": "CN-AH-hefei", "props": {"name": "合肥", "kind": "city"}},
            {"id": "IN-MH", "props": {"name": "Mahārāshtra", "kind": "state"}},
        ],
    )
    rows = empty_store.run("MATCH (r:Region) RETURN r.id AS id, r.name AS name ORDER BY id")
    assert rows == [{"id": "CN-AH-hefei", "name": "合肥"}, {"id": "IN-MH", "name": "Mahārāshtra"}]
    found = empty_store.run("MATCH (r:Region {name: $name}) RETURN r.id AS id", {"name": "合肥"})
    assert found == [{"id": "CN-AH-hefei"}]


def test_injection_is_stored_and_found_as_data(empty_store):
    _add_regions(
        empty_store, [{"id": "GB-DER", "props": {"name": "Derby"}}, {"id": "evil", "props": {"name": INJECTION}}]
    )
    rows = empty_store.run("MATCH (r:Region {name: $name}) RETURN r.id AS id, r.name AS name", {"name": INJECTION})
    assert rows == [{"id": "evil", "name": INJECTION}]
    assert empty_store.run("MATCH (r:Region) RETURN count(r) AS n") == [{"n": 2}]


def test_merge_twice_changes_nothing(empty_store):
    rows = [{"id": "GB-DER", "props": {"name": "Derby", "population": 261400}}]
    _add_regions(empty_store, rows)
    _add_regions(empty_store, rows)
    assert empty_store.run("MATCH (r:Region) RETURN r.id AS id, r.population AS p") == [{"id": "GB-DER", "p": 261400}]


@pytest.mark.parametrize(
    "text",
    [
        "CREATE (n:Region {id: 'x'})",
        "MATCH (n:Region) DETACH DELETE n",
        "MATCH (n:Region) SET n.name = 'gone'",
        "MERGE (n:Region {id: 'x'}) RETURN n",
        "MATCH (n) REMOVE n.name",
    ],
)
def test_read_only_refuses_writes_and_leaves_data(empty_store, text):
    _add_regions(empty_store, [{"id": "GB-DER", "props": {"name": "Derby"}}])
    with pytest.raises(ReadOnlyViolation, match="read-only"):
        empty_store.read_only(text)
    assert empty_store.run("MATCH (r:Region) RETURN r.id AS id, r.name AS name") == [{"id": "GB-DER", "name": "Derby"}]


def test_database_itself_refuses_writes_on_read_only_path(empty_store):
    """Bypass rox's clause scanner: the engine's own read-only mode must still refuse."""
    _add_regions(empty_store, [{"id": "GB-DER", "props": {"name": "Derby"}}])
    with pytest.raises((ReadOnlyViolation, QueryError)):
        empty_store._read_only("CREATE (n:Region {id: 'sneaky'})", {}, 10, 5.0)
    assert empty_store.run("MATCH (r:Region) RETURN count(r) AS n") == [{"n": 1}]


def test_read_only_row_cap(empty_store):
    _add_regions(empty_store, [{"id": f"R{i:03d}", "props": {"name": f"r{i}"}} for i in range(25)])
    res = empty_store.read_only("MATCH (r:Region) RETURN r.id AS id ORDER BY id", row_cap=10)
    assert [r["id"] for r in res.rows] == [f"R{i:03d}" for i in range(10)]
    assert res.truncated is True
    assert res.columns == ["id"]


@pytest.mark.parametrize(
    "text",
    [
        "MATCH (r:Region) RETURN r.name AS name, r.id AS id ORDER BY id // a trailing comment",
        "MATCH (r:Region) RETURN r.name AS name, r.id AS id ORDER BY id;",
    ],
)
def test_read_only_keeps_column_order_and_cap(empty_store, text):
    _add_regions(empty_store, [{"id": f"R{i:03d}", "props": {"name": f"r{i}"}} for i in range(25)])
    res = empty_store.read_only(text, row_cap=2)
    assert res.columns == ["name", "id"]
    assert res.rows == [{"name": "r0", "id": "R000"}, {"name": "r1", "id": "R001"}]
    assert res.truncated is True


def test_read_only_cap_applies_to_a_large_cartesian_product(empty_store):
    _add_regions(empty_store, [{"id": f"R{i:03d}", "props": {"name": f"r{i}"}} for i in range(300)])
    res = empty_store.read_only("MATCH (a:Region), (b:Region) RETURN a, b", row_cap=5, timeout_s=5)
    assert len(res.rows) == 5 and res.truncated
    assert res.rows[0]["a"]["_labels"] == ["Region"]


def test_query_error_is_translated(empty_store):
    with pytest.raises(QueryError):
        empty_store.run("MATCH (n RETURN n")


def test_embedded_persists_across_restart(tmp_path):
    db = str(tmp_path / "rox.db")
    with open_store(db=db) as store:
        _add_regions(store, [{"id": "GB-DER", "props": {"name": "Derby"}}])
    with open_store(db=db) as store:
        assert store.run("MATCH (r:Region) RETURN r.name AS name") == [{"name": "Derby"}]


def _server_pid(db_path) -> int:
    import json

    settings = json.loads((db_path.parent / (db_path.name + ".settings")).read_text())
    return int(open(settings["pidfile"]).read().strip())


def test_embedded_survives_kill_of_server_and_client(tmp_path):
    """Write from a child process, SIGKILL the child and the database server, reopen:
    every acknowledged write is there (append-only log, fsync always)."""
    db = tmp_path / "rox.db"
    code = (
        "import sys, time\n"
        "from rox.graph.store import open_store\n"
        "from rox.loaders import statements\n"
        f"s = open_store(db={str(db)!r})\n"
        "s.write_batches(statements.node_upsert('Region'), [{'id': f'R{i}', 'props': {'name': str(i)}} for i in range(500)])\n"
        "print('written', flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    assert child.stdout.readline().strip() == "written"
    server = _server_pid(db)
    os.kill(child.pid, signal.SIGKILL)
    os.kill(server, signal.SIGKILL)
    child.wait(10)
    for _ in range(50):  # wait until the server process is gone
        try:
            os.kill(server, 0)
            time.sleep(0.1)
        except ProcessLookupError:
            break
    with open_store(db=str(db)) as store:
        assert store.run("MATCH (r:Region) RETURN count(r) AS n") == [{"n": 500}]


def test_two_processes_share_one_embedded_database(tmp_path):
    db = str(tmp_path / "rox.db")
    with open_store(db=db) as first:
        _add_regions(first, [{"id": "GB-DER", "props": {"name": "Derby"}}])
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "from rox.graph.store import open_store\n"
                f"s = open_store(db={db!r})\n"
                "print(s.run('MATCH (r:Region) RETURN r.name AS n')[0]['n'])\n"
                "s.run(\"MERGE (r:Region {id: 'CN-AH'}) SET r.name = 'Anhui'\", write=True)\n",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "Derby"
        assert first.run("MATCH (r:Region {id: 'CN-AH'}) RETURN r.name AS n") == [{"n": "Anhui"}]


def test_read_only_timeout_stops_a_runaway_query(demo_store):
    from rox.graph.errors import QueryTimeout

    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="timed out"):
        demo_store.read_only("MATCH (a), (b), (c), (d) WHERE a.id = d.id RETURN count(a) AS n", timeout_s=0.2)
    assert time.monotonic() - started < 10


def test_unreachable_neo4j_says_which_settings():
    from rox.graph.config import Settings
    from rox.graph.errors import StoreUnavailable

    with pytest.raises(StoreUnavailable) as err:
        open_store(settings=Settings.resolve(neo4j="bolt://127.0.0.1:1", env={}))
    msg = str(err.value)
    assert msg.startswith("cannot reach Neo4j at bolt://127.0.0.1:1: ")
    assert msg.endswith(
        "Check NEO4J_URI / --neo4j, NEO4J_USER and NEO4J_PASSWORD, or start it with `docker compose up -d neo4j`."
    )


def test_unwritable_embedded_location_says_what_to_do(tmp_path):
    from rox.graph.errors import StoreUnavailable

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreUnavailable, match=r"choose another with --db PATH / ROX_DB"):
        open_store(db=str(blocker / "rox.db"))

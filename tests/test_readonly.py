"""The read-only console on the real embedded store: every write refused, valid
reads never refused, the row cap never bypassed, the timeout the engine's own."""

from __future__ import annotations

import time

import pytest

from rox.graph.errors import QueryError, QueryRefused, QueryTimeout, ReadOnlyViolation, UsageError
from rox.graph.readonly import write_clauses
from rox.graph.store import open_store

WRITES = [
    "CREATE (n:Region {id: 'x'})",
    "create (n)",
    "CREATE(n:X)",
    "/* comment */ CREATE (:X)",
    "// comment\nCREATE (:X)",
    "WITH 1 AS x CREATE (:X {v: x})",
    "WITH 1 AS create CREATE (:X)",
    "MATCH (a), (b) CREATE (a)-[:EVIL]->(b)",
    "CALL { CREATE (:X) RETURN 1 AS one } RETURN one",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n) DETACH\nDELETE n",
    "MATCH (n) DELETE n",
    "MATCH (n) NODETACH DELETE n",
    "MATCH ()-[r]->() DELETE r",
    "MATCH (n) WHERE n.name = 'CREATE' DELETE n",
    "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS",
    "MATCH (n) SET n.name = 'gone'",
    "MATCH (n) SET n:Evil",
    "MATCH (n) SET n += {name: 'x'}",
    "MATCH (n) SET n = {}",
    "MATCH (n) SET n[$key] = 1",
    "MATCH (n) SET `n`.x = 1",
    "OPTIONAL MATCH (n) WITH n SET n.x = 1 RETURN n",
    "WITH {set: 1} AS m MATCH (n) SET n.x = m.set",
    "MATCH (n) WHERE NOT n:RoxGeneration RETURN n.id AS id UNION MATCH (m) SET m.x = 1 RETURN m.id AS id",
    "MERGE (n:Region {id: 'x'}) RETURN n",
    "MERGE (a)-[:R]->(b)",
    "UNWIND [1, 2] AS i MERGE (:X {i: i})",
    "MERGE (n:X {id: 1}) ON CREATE SET n.created = 1 ON MATCH SET n.seen = 1",
    "MATCH (n) REMOVE n.name",
    "MATCH (n) REMOVE n:Region",
    "MATCH (n) FOREACH (x IN [1] | SET n.y = x)",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "LOAD CSV WITH HEADERS FROM 'https://x.invalid/a.csv' AS row CREATE (:X)",
    "USING PERIODIC COMMIT LOAD CSV FROM 'x' AS r CREATE (:X)",
    "CREATE INDEX FOR (n:X) ON (n.y)",
    "CREATE CONSTRAINT c IF NOT EXISTS FOR (n:X) REQUIRE n.id IS UNIQUE",
    "DROP INDEX rox_region_name",
    "DROP CONSTRAINT rox_region_id",
    "CREATE DATABASE evil",
    "CREATE OR REPLACE DATABASE evil",
    "DROP DATABASE neo4j",
    "START DATABASE evil",
    "STOP DATABASE neo4j",
    "ALTER USER neo4j SET PASSWORD 'x'",
    "RENAME USER a TO b",
    "GRANT ALL ON DATABASE * TO PUBLIC",
    "REVOKE READ ON GRAPH * FROM PUBLIC",
    "DENY READ ON GRAPH * TO PUBLIC",
    "CALL apoc.create.node(['X'], {}) YIELD node RETURN node",
    "CALL apoc.merge.node(['X'], {id: 1}) YIELD node RETURN node",
    "CALL apoc.refactor.rename.label('Region', 'X')",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {})",
    "CALL apoc.cypher.runWrite('CREATE (:X)', {})",
    "CALL apoc.do.when(true, 'CREATE (:X)', '', {})",
    "CALL apoc.schema.assert({}, {})",
    "CALL apoc.load.json('file:///x') YIELD value RETURN value",
    "CALL db.createLabel('X')",
    "CALL dbms.setConfigValue('x', 'y')",
    "CALL gds.graph.drop('g')",
    "CALL db.idx.fulltext.createNodeIndex('Region', 'name')",
    "CALL db.idx.fulltext.drop('Region')",
]

READS = {
    "MATCH (r:Region) RETURN r.id AS load ORDER BY load LIMIT 2": [{"load": "CN"}, {"load": "CN-AH"}],
    "WITH {set: 1, remove: 2} AS m RETURN m.set AS s, m.remove AS r": [{"s": 1, "r": 2}],
    "UNWIND [2, 1] AS remove RETURN remove ORDER BY remove": [{"remove": 1}, {"remove": 2}],
    "UNWIND [1] AS set RETURN set + 1 AS n": [{"n": 2}],
    "RETURN 1 AS delete, 2 AS set, 3 AS merge": [{"delete": 1, "set": 2, "merge": 3}],
    "WITH {create: true, drop: false} AS flags RETURN flags.create AS c, flags.drop AS d": [{"c": True, "d": False}],
    "MATCH (r:Region {id: 'GB-DER'}) RETURN r.id AS `create`": [{"create": "GB-DER"}],
    "MATCH (r:Region {id: 'GB-DER'}) RETURN r.id AS foreach LIMIT 1": [{"foreach": "GB-DER"}],
    "RETURN 'MERGE (n) DELETE n' AS text": [{"text": "MERGE (n) DELETE n"}],
    "// DELETE everything\nMATCH (r:Region {id: 'GB-DER'}) RETURN r.name AS detach": [{"detach": "Derby"}],
}


@pytest.fixture(scope="module")
def console(demo_db):
    """The embedded demo database, opened once for this module (read-only use)."""
    store = open_store(db=str(demo_db))
    yield store
    store.close()


def _fingerprint(store) -> list[dict]:
    return store.run(
        "MATCH (n) WHERE NOT n:RoxGeneration RETURN count(n) AS nodes, collect(DISTINCT labels(n)[0]) AS labels"
    )


def test_the_write_list_is_long():
    assert len(WRITES) >= 51


@pytest.mark.parametrize("text", WRITES)
def test_every_write_is_refused_and_nothing_changes(console, text):
    before = _fingerprint(console)
    with pytest.raises(
        ReadOnlyViolation,
        match=r"^refused: this console is read-only and the query contains "
        r"write clause\(s\) ",
    ):
        console.read_only(text, {"key": "x"})
    assert _fingerprint(console) == before


def test_refusal_names_the_clauses(console):
    with pytest.raises(ReadOnlyViolation) as err:
        console.read_only("MATCH (n {name: 'SET'}) DETACH DELETE n")
    assert str(err.value) == (
        "refused: this console is read-only and the query contains write clause(s) DELETE, DETACH"
    )


@pytest.mark.parametrize("text", sorted(READS))
def test_valid_reads_named_like_keywords_run(console, text):
    assert write_clauses(text) == []
    assert console.read_only(text).rows == READS[text]


@pytest.mark.parametrize("text", ["CREATE (n:Region {id: 'sneaky'}) RETURN n", "MATCH (n:Region) SET n.x = 1 RETURN n"])
def test_the_engine_refuses_writes_the_scanner_never_saw(console, text):
    before = _fingerprint(console)
    with pytest.raises((ReadOnlyViolation, QueryError)):
        console._read_only(text, {}, 10, 5.0)
    assert _fingerprint(console) == before


def test_cypher_prefix_keeps_the_row_cap(console):
    """``CYPHER q=1`` used to break the CALL {} wrapper, and the fallback fetched the
    whole 4-way product; now the prefix sits outside the wrapper and the server stops at the cap."""
    started = time.monotonic()
    res = console.read_only("CYPHER q=1 MATCH (a), (b), (c), (d) RETURN a.id AS a, $q AS q", row_cap=5, timeout_s=5)
    assert len(res.rows) == 5 and res.truncated
    assert res.columns == ["a", "q"] and {r["q"] for r in res.rows} == {1}
    assert time.monotonic() - started < 5


def test_a_query_that_cannot_be_capped_is_refused_not_run_uncapped(console):
    with pytest.raises(QueryRefused) as err:
        console.read_only("CALL db.labels()")
    assert str(err.value) == (
        "refused: the row limit cannot be applied to this query, so it was not run (RETURN * is not allowed when "
        "there are no variables in scope); end it with RETURN, e.g. CALL db.labels() YIELD label RETURN label"
    )
    assert console.read_only("CALL db.labels() YIELD label RETURN label", row_cap=2).truncated


def test_a_syntax_error_points_into_the_users_text(console):
    with pytest.raises(QueryError) as err:
        console.read_only("MATCH (n RETURN n")
    assert "errCtx: MATCH (n RETURN n errCtxOffset: 9" in str(err.value)


def test_timeout_beyond_the_clients_old_socket_limit_is_the_engines(console):
    """6 s is past redis-py's default 5 s socket timeout, which used to re-send the
    query up to ten times and end in a redis TimeoutError traceback after a minute."""
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as err:
        console.read_only("MATCH (a), (b), (c), (d) RETURN count(a) AS n", timeout_s=6)
    assert str(err.value) == "query timed out after 6 s; the server stopped it"
    assert 5.5 < time.monotonic() - started < 30
    assert console.run("MATCH (r:Region {id: 'GB-DER'}) RETURN r.name AS n") == [{"n": "Derby"}]


@pytest.mark.parametrize(
    "timeout, shown",
    [(1e30, "1e+30"), (0, "0"), (-1, "-1"), (float("nan"), "nan"), (float("inf"), "inf"), (3601, "3601")],
)
def test_timeout_out_of_bounds_is_a_usage_error(console, timeout, shown):
    with pytest.raises(UsageError) as err:
        console.read_only("RETURN 1 AS one", timeout_s=timeout)
    assert str(err.value) == f"timeout must be more than 0 and at most 3600 seconds, got {shown}"


def test_range_too_long_for_memory_is_refused_and_the_server_lives(console):
    pid = console._db.client.pid
    with pytest.raises(QueryRefused) as err:
        console.read_only("UNWIND range(1,2000000000) AS x RETURN count(x)")
    assert str(err.value) == (
        "refused: range(1,2000000000) would build a list of 2,000,000,000 items, more than "
        "the 16,777,216 a console query may build"
    )
    assert console.run("RETURN 1 AS one") == [{"one": 1}]
    assert console._db.client.pid == pid


@pytest.mark.parametrize(
    "text",
    [
        "UNWIND range(1, 2000000000 + 0) AS x RETURN count(x)",
        "UNWIND range(1, 2 * 1000000000) AS x RETURN count(x)",
        "UNWIND range(1, $n) AS x RETURN count(x)",
        "UNWIND range(1, toInteger('2000000000')) AS x RETURN count(x)",
        "RETURN size([x IN RANGE(0, 9999999999) WHERE x % 2 = 0]) AS n",
    ],
)
def test_range_variants_are_refused_too(console, text):
    with pytest.raises(QueryRefused, match=r"^refused: (?i:range)\("):
        console.read_only(text, {"n": 2000000000})
    assert console.run("RETURN 1 AS one") == [{"one": 1}]


def test_small_ranges_still_run(console):
    res = console.read_only("UNWIND range(1, $n) AS x RETURN count(x) AS n", {"n": 1000})
    assert res.rows == [{"n": 1000}]


def test_cli_timeout_is_one_line_and_bounded(demo_db):
    from support import rox

    started = time.monotonic()
    out = rox("cypher", "MATCH (a), (b), (c), (d) RETURN count(a)", "--timeout", "6", db=demo_db, check=False)
    assert (out.returncode, out.stderr) == (1, "rox: error: query timed out after 6 s; the server stopped it\n")
    assert time.monotonic() - started < 40
    out = rox("cypher", "RETURN 1", "--timeout", "1e30", db=demo_db, check=False)
    assert (out.returncode, out.stderr) == (
        2,
        "rox: error: timeout must be more than 0 and at most 3600 seconds, got 1e+30\n",
    )


def test_cli_range_bomb_is_refused_and_the_server_lives(demo_db):
    from support import rox

    out = rox("cypher", "UNWIND range(1,2000000000) AS x RETURN count(x)", db=demo_db, check=False)
    assert (out.returncode, out.stderr) == (
        1,
        "rox: error: refused: range(1,2000000000) would build a list of "
        "2,000,000,000 items, more than the 16,777,216 a console query may "
        "build\n",
    )
    import json

    out = rox("cypher", "MATCH (r:Region {id: 'GB-DER'}) RETURN r.name AS n", "--format", "json", db=demo_db)
    assert json.loads(out.stdout) == [{"n": "Derby"}]

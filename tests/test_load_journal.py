"""Issue 9 (3) and (6): loads of one store are serialised by the load lock, journaled, undoable,
and a load killed half-way (``kill -9``) is rolled back the next time the store is opened.
Real ``rox load-table`` processes on a real embedded store; waits are on state, never fixed sleeps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from support import ROOT

from rox.api import Rox
from rox.graph.errors import RoxError
from rox.graph.store import open_store
from rox.loaders.entities import load_paths
from rox.loaders.journal import Journal
from rox.loaders.loads import list_loads, recover_unfinished_loads, undo_load
from rox.loaders.table_load import LoadOptions, load_table
from rox.loaders.tables import TableSpec
from rox.loaders.writer import lock_for

OPTS = ["--sector-scheme", "hs", "--kind", "exports", "--unit", "USD", "--no-progress"]
REGIONS = [f"DE{a}{b}" for a in "123456789" for b in "123456789"]  # 81 NUTS-2 shaped codes


def make_table(path: Path, rows: int, bump: float = 0.0) -> Path:
    """``rows`` rows of region x HS code values (81 regions)."""
    with path.open("w") as fh:
        fh.write("region,sector,year,value\n")
        for i in range(rows):
            fh.write(f"{REGIONS[i % 81]},{8400 + i // 81 // 100:04d}{i // 81 % 100:02d},2020,{i % 997 + bump}\n")
    return path


def start_load(db: Path, path: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "rox", "--db", str(db), "load-table", str(path), *OPTS, *extra]
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NEO4J_URI": "", **(env or {})},
    )


def wait_for(check, what: str, timeout: float = 120.0):
    """Poll ``check()`` until it returns something true (state, not time); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.02)
    pytest.fail(f"timed out waiting for {what}")


def facts(store) -> dict:
    return store.run("MATCH ()-[r:HAS_SECTOR]->() RETURN count(r) AS n, sum(r.value) AS total")[0]


def running(db: Path):
    return [e for e in Journal(db.with_name(db.name + ".loads")).entries() if e.status == "running"]


@pytest.fixture
def db(tmp_path):
    """An embedded store kept open by the test, so its server outlives the processes it starts."""
    path = (tmp_path / "rox.db").resolve()
    store = open_store(db=str(path))
    yield path, store
    store.close()


def test_two_loads_of_one_file_at_once_store_each_fact_once(db, tmp_path):
    path, store = db
    table = make_table(tmp_path / "trade.csv", 20_000)
    first = start_load(path, table, "--batch-size", "50")
    wait_for(lambda: running(path), "the first load to start writing")
    second = start_load(path, table)  # waits for the lock, then finds every fact there
    assert recover_unfinished_loads(store) == []  # a load in progress is not a dead one
    out1, out2 = first.communicate(timeout=300), second.communicate(timeout=300)
    assert (first.returncode, second.returncode) == (0, 0), out1[1] + out2[1]
    assert "first load of this source: CREATE" in out1[0]
    assert "HAS_SECTOR created 0, changed 0, unchanged 20,000" in out2[0]
    assert facts(store)["n"] == 20_000
    assert [e.status for e in list_loads(store)] == ["done", "done"]


def test_a_load_waits_for_the_lock_or_says_why_it_cannot(db, tmp_path):
    """The lock held by this process (as a running load holds it): a load that may not wait is
    refused with a message naming the holder; one that may wait loads once the lock is free."""
    path, store = db
    table = make_table(tmp_path / "trade.csv", 2_000)
    lock = lock_for(store)
    lock.acquire(f"table load of {table}")
    try:
        refused = start_load(path, table, env={"ROX_LOAD_WAIT": "0"})
        _, err = refused.communicate(timeout=120)
        assert refused.returncode == 1
        assert err.strip() == (
            f"rox: error: another load is running on this store (table load of {table}, pid "
            f"{os.getpid()}); waited 0 s for it to finish. Try again when it has (ROX_LOAD_WAIT "
            "sets the wait, in seconds)"
        )
        assert facts(store)["n"] == 0
        waiting = start_load(path, table, env={"ROX_LOAD_WAIT": "120"})
        assert waiting.poll() is None
    finally:
        lock.release()
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert facts(store)["n"] == 2_000


def test_kill_9_midway_is_rolled_back_when_the_store_is_next_opened(db, tmp_path):
    path, store = db
    table = tmp_path / "trade.csv"
    load_table(store, TableSpec(make_table(table, 8_000)), LoadOptions(sector_scheme="hs", kind="exports", unit="USD"))
    before = facts(store)
    nodes = store.run("MATCH (n) WHERE NOT n:RoxGeneration RETURN count(n) AS n")[0]["n"]
    make_table(table, 30_000, bump=0.5)  # revised: every value changes, and new rows
    victim = start_load(path, table, "--batch-size", "100")
    wait_for(
        lambda: (
            store.run("MATCH ()-[r:HAS_SECTOR]->() WHERE r.undo_load IS NOT NULL RETURN count(r) AS n")[0]["n"]
            and store.run("MATCH ()-[r:HAS_SECTOR]->() RETURN count(r) AS n")[0]["n"] > 8_000
        ),
        "the load to have changed and created facts",
    )
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate(timeout=60)
    assert facts(store) != before  # half-written
    with Rox.open(db=str(path)) as rx:
        (msg,) = rx.recovered
    lid = running(path) or [e for e in list_loads(store) if e.status == "recovered"]
    assert (
        msg.startswith(f"load {lid[0].id} (table, {table}, started ")
        and " did not finish: rolled back (removed " in msg
    )
    assert facts(store) == before
    assert store.run("MATCH (n) WHERE NOT n:RoxGeneration RETURN count(n) AS n")[0]["n"] == nodes
    assert store.run("MATCH ()-[r]->() WHERE r.undo_load IS NOT NULL RETURN count(r) AS n")[0]["n"] == 0
    assert [e.status for e in list_loads(store)] == ["done", "recovered"]
    with Rox.open(db=str(path)) as rx:
        assert rx.recovered == []


def test_the_next_load_rolls_back_a_dead_one_before_it_reads_the_store(db, tmp_path):
    """Killed during a first load; the next load (not an open through the API) rolls it back first,
    says so, and then loads every fact itself (a CREATE, not a MERGE over the dead load's facts)."""
    path, store = db
    table = make_table(tmp_path / "trade.csv", 20_000)
    victim = start_load(path, table, "--batch-size", "100")
    wait_for(lambda: facts(store)["n"], "the load to have written facts")
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate(timeout=60)
    s = load_table(store, TableSpec(table), LoadOptions(sector_scheme="hs", kind="exports", unit="USD"))
    assert any(w.startswith("load load-") and "did not finish: rolled back (removed " in w for w in s.warnings)
    assert "first load of this source: CREATE" in s.notes and s.created == 20_000
    assert facts(store)["n"] == 20_000
    assert [e.status for e in list_loads(store)] == ["recovered", "done"]


def test_undo_a_table_load_and_an_entity_load(db, tmp_path):
    _, store = db
    table = tmp_path / "trade.csv"
    opts = LoadOptions(sector_scheme="hs", kind="exports", unit="USD", batch_size=500)
    first = load_table(store, TableSpec(make_table(table, 1_000)), opts)
    after_first = (facts(store), store.run("MATCH (n) WHERE NOT n:RoxGeneration RETURN count(n) AS n"))
    second = load_table(store, TableSpec(make_table(table, 1_500, bump=1)), opts)
    assert (second.created, second.updated) == (500, 1_000)
    assert [e.counts["facts"] for e in list_loads(store)] == [1_000, 1_500]
    assert list_loads(store)[1].counts["changed"] == 1_000
    with pytest.raises(RoxError, match=f"load {first.load_id} .* is followed by load {second.load_id}"):
        undo_load(store, first.load_id)
    msg = undo_load(store, second.load_id)
    # 500 new facts, 6 new HS codes with their SUBSECTOR_OF; 1,000 values put back, and the
    # dataset's record (its codes grew by 6) put back as it was
    assert msg == (
        f"undid load {second.load_id} of {table}: removed 506 relationships and 6 nodes it had created "
        "and restored 1001 changed values"
    )
    assert (facts(store), store.run("MATCH (n) WHERE NOT n:RoxGeneration RETURN count(n) AS n")) == after_first
    with pytest.raises(RoxError, match="is undone, not done: there is nothing to undo"):
        undo_load(store, second.load_id)
    undo_load(store, first.load_id)
    assert store.run("MATCH (n) WHERE NOT n:RoxGeneration RETURN count(n) AS n") == [{"n": 0}]
    # an entity load that changed a node: undone, the node is as it was
    f = tmp_path / "a.yaml"
    f.write_text(
        textwrap.dedent("""
        sources:
          - {id: src-web, title: W, kind: website}
        regions:
          - {id: GB-DER, name: Derby, kind: city, population: 1, source: src-web}
        """)
    )
    load_paths(store, [f])
    f.write_text(f.read_text().replace("population: 1", "population: 2, aliases: [Darby]"))
    report = load_paths(store, [f])
    undo_load(store, report.load_id)
    got = store.run("MATCH (r:Region {id: 'GB-DER'}) RETURN r.population AS p, r.aliases AS a")
    assert got == [{"p": 1, "a": None}]
    assert [e.status for e in list_loads(store)] == ["undone", "undone", "done", "undone"]

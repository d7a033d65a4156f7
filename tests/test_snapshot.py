"""The matrix snapshot (issue 13): what every match reads, kept on disk keyed by the
store's generation (rox.queries.snapshot, rox.graph.generation).

* results are identical with the snapshot and without it (``ROX_SNAPSHOT=off``, the
  per-request read), on the demo and on the bundled real tables;
* every write advances the generation, so a load followed at once by a match sees it;
* the file is built only while no load runs, written whole or not at all, rebuilt when
  damaged, and only the current generation's file is kept.
"""

from __future__ import annotations

import json
import os
import shutil
import threading

import numpy as np
import pytest
from support import rox

from rox.api import Rox
from rox.graph.generation import Generation
from rox.loaders.writer import lock_for
from rox.queries import snapshot
from rox.queries.frame import FactFrame

TARGETS = ("GB-DER", "GB-ENG-west-midlands", "CN-AH", "IN-MH")
MEASURES = ("jaccard", "cosine", "rca-cosine", "weighted-jaccard", "blend", "ppr", "complementarity")


def _without(monkeypatch, fn):
    """``fn()`` with the snapshot switched off (the per-request read), then on again."""
    monkeypatch.setenv(snapshot.ENV, "off")
    try:
        return fn()
    finally:
        monkeypatch.delenv(snapshot.ENV)


def _frame_rows(f: FactFrame) -> list[tuple]:
    return sorted(tuple(sorted((k, str(v)) for k, v in r.items())) for r in f.rows())


# -- the same results ----------------------------------------------------------------
def test_snapshot_and_live_read_hold_the_same_facts(demo_store):
    live = snapshot.live(demo_store)
    snap = snapshot.read(demo_store)
    assert len(snap.frame) == len(live.frame) > 100
    assert _frame_rows(snap.frame) == _frame_rows(live.frame)
    assert (snap.regions, snap.sectors, snap.datasets) == (live.regions, live.sectors, live.datasets)


@pytest.mark.parametrize("measure", MEASURES)
def test_demo_matches_are_identical_with_and_without_the_snapshot(demo_store, monkeypatch, measure):
    rx = Rox(demo_store)
    for target in TARGETS:
        for opts in ({}, {"level": "taxonomy"}, {"exclude_same_country": True}):
            got = rx.match(target, measure=measure, top=15, **opts)
            want = _without(monkeypatch, lambda t=target, o=opts: rx.match(t, measure=measure, top=15, **o))
            assert got.rows == want.rows and got.params == want.params, (target, opts)


def test_demo_comparisons_are_identical_with_and_without_the_snapshot(demo_store, monkeypatch):
    rx = Rox(demo_store)
    for a, b in (("GB-DER", "CN-AH"), ("GB-ENG-midlands", "IN-MH")):
        assert rx.compare(a, b) == _without(monkeypatch, lambda a=a, b=b: rx.compare(a, b))


@pytest.fixture(scope="module")
def statistics_store(tmp_path_factory):
    """The demo and the bundled real statistics (BRES, Eurostat SBS, US SUSB, world trade)."""
    rx = Rox.open(db=str(tmp_path_factory.mktemp("snap-stats") / "rox.db"))
    rx.load_demo(statistics=True)
    yield rx
    rx.close()


REAL = (
    ("Derbyshire and Nottinghamshire", {"level": "division", "exclude_same_country": True}),
    ("Derbyshire and Nottinghamshire", {"level": "section"}),
    ("Derbyshire and Nottinghamshire", {}),
    ("Michigan", {"level": "section"}),
    ("Michigan", {"measure": "rca-cosine"}),
)


@pytest.mark.parametrize(("region", "opts"), REAL)
def test_real_table_matches_are_identical_with_and_without_the_snapshot(statistics_store, monkeypatch, region, opts):
    rx = statistics_store
    got = rx.match(region, top=20, **opts)
    want = _without(monkeypatch, lambda: rx.match(region, top=20, **opts))
    assert got.rows and got.rows == want.rows and got.params == want.params


def test_real_table_comparison_is_identical_with_and_without_the_snapshot(statistics_store, monkeypatch):
    rx = statistics_store
    a, b = rx.resolve_region("Derbyshire and Nottinghamshire"), rx.resolve_region("Michigan")
    got = rx.compare(a, b, level="section")
    assert got["shared"] and got == _without(monkeypatch, lambda: rx.compare(a, b, level="section"))


# -- the generation --------------------------------------------------------------------
def test_every_write_advances_the_generation_and_a_read_does_not(empty_store):
    before = empty_store.generation()
    empty_store.run("MATCH (n:Region) RETURN count(n) AS n")
    assert empty_store.generation() == before
    empty_store.run("CREATE (:Region {id: 'X', name: 'X'})", write=True)
    after = empty_store.generation()
    assert after.uid and after.value == before.value + 2  # before and after the write
    empty_store.run("MATCH (n) DETACH DELETE n", write=True)
    assert empty_store.generation().uid != after.uid  # emptied: a new store as far as caches go


def test_the_generation_node_is_not_data(empty_store):
    rx = Rox(empty_store)
    empty_store.run("CREATE (:Region {id: 'X', name: 'X'})", write=True)
    assert all(r["name"] != "RoxGeneration" for r in rx.stats())
    assert [r["id"] for r in rx.query("search-nodes", text="", limit=10)] == ["X"]


# -- a write is seen at once --------------------------------------------------------------
def _table(path, rows):
    path.write_text("region,sector,year,value\n" + "".join(f"{r},{s},2021,{v}\n" for r, s, v in rows))
    return path


def test_a_load_followed_at_once_by_a_match_sees_the_new_data(tmp_path):
    rx = Rox.open(db=str(tmp_path / "rox.db"))
    try:
        first = [("GB-DER", "30", 10), ("GB-NGM", "30", 5), ("GB-NGM", "29", 5), ("GB-LCE", "29", 9)]
        rx.load_table(_table(tmp_path / "t.csv", first), _opts("t"))
        before = rx.match("GB-DER", top=5)
        assert (snapshot.folder(rx.store) / f"{rx.store.generation().key}.facts").is_dir()  # refreshed by the load
        rx.load_table(_table(tmp_path / "u.csv", [("GB-BIR", "30", 20)]), _opts("t"))  # same dataset
        after = rx.match("GB-DER", top=5)
        assert "GB-BIR" not in [r["region"] for r in before.rows]
        assert "GB-BIR" in [r["region"] for r in after.rows]
        rx.undo_load(rx.loads()[-1]["id"])
        assert [r["region"] for r in rx.match("GB-DER", top=5).rows] == [r["region"] for r in before.rows]
    finally:
        rx.close()


def _opts(dataset):
    from rox.api import LoadOptions

    return LoadOptions(sector_scheme="sic2007", kind="employment", unit="jobs", dataset=dataset)


def test_a_write_outside_rox_loads_is_seen_by_the_next_match(tmp_path):
    rx = Rox.open(db=str(tmp_path / "rox.db"))
    try:
        rx.load([_demo_like(tmp_path)])
        assert [r["region"] for r in rx.match("A", top=5).rows] == ["B"]
        rx.store.run(
            "MATCH (c:Region {id: 'C'}), (s:Sector {id: 'rail'}) "
            "CREATE (c)-[:HAS_SECTOR {source: 'src-doc', evidence: 'x'}]->(s)",
            write=True,
        )
        assert [r["region"] for r in rx.match("A", top=5).rows] == ["B", "C"]
    finally:
        rx.close()


def test_refresh_makes_a_write_made_without_rox_seen(tmp_path):
    """A write that bypasses rox (here the engine's own run, as Neo4j Browser would) does not
    advance the generation, so the snapshot still holds the old facts; ``rox refresh``
    (:meth:`Rox.refresh`) advances it and builds the snapshot again."""
    rx = Rox.open(db=str(tmp_path / "rox.db"))
    try:
        rx.load([_demo_like(tmp_path)])
        assert [r["region"] for r in rx.match("A", top=5).rows] == ["B"]
        version = rx.data_version()
        rx.store._run(
            "MATCH (c:Region {id: 'C'}), (s:Sector {id: 'rail'}) "
            "CREATE (c)-[:HAS_SECTOR {source: 'src-doc', evidence: 'x'}]->(s)",
            None,
            write=True,
        )
        assert rx.data_version() == version
        assert [r["region"] for r in rx.match("A", top=5).rows] == ["B"]  # the snapshot's state
        new = rx.refresh()
        assert new != version and new == rx.data_version()
        assert (snapshot.folder(rx.store) / f"{new}.facts").is_dir()
        assert [r["region"] for r in rx.match("A", top=5).rows] == ["B", "C"]
    finally:
        rx.close()
    out = rox("--db", str(tmp_path / "rox.db"), "refresh")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("refreshed: data version ") and new not in out.stdout


def _demo_like(tmp_path):
    p = tmp_path / "e.yaml"
    p.write_text(
        "sources:\n  - {id: src-doc, title: Doc, kind: website}\n"
        "regions:\n"
        + "".join(f"  - {{id: {r}, name: {r}, kind: city, source: src-doc}}\n" for r in "ABC")
        + "region_sectors:\n"
        "  - {region: A, sector: rail, source: src-doc}\n"
        "  - {region: B, sector: rail, source: src-doc}\n"
    )
    return p


# -- the file -------------------------------------------------------------------------------
def test_only_the_current_generation_file_is_kept_and_a_damaged_one_is_rebuilt(demo_store):
    snapshot._memo.clear()
    first = snapshot.read(demo_store)
    first_rows, n_values = _frame_rows(first.frame), len(first.frame)  # before the files change under it
    folder = snapshot.folder(demo_store)
    saved = [p.name for p in folder.iterdir() if not p.name.startswith(".tmp-")]
    assert saved == [f"{demo_store.generation().key}.facts"]
    damaged = folder / saved[0] / "value.npy"
    damaged.write_bytes(b"\x93NUMPY not an array at all")
    snapshot._memo.clear()
    again = snapshot.read(demo_store)
    assert _frame_rows(again.frame) == first_rows
    assert np.load(damaged).shape == (n_values,)  # written again, whole


def test_no_file_is_built_while_a_load_holds_the_lock(demo_store):
    folder = snapshot.folder(demo_store)
    for p in folder.iterdir():
        shutil.rmtree(p)
    snapshot._memo.clear()
    lock = lock_for(demo_store)
    lock.acquire("a load in another process")
    try:
        data = snapshot.read(demo_store)
        assert len(data.frame) and not list(folder.iterdir())  # read, not saved
    finally:
        lock.release()
    snapshot.read(demo_store)
    assert list(folder.iterdir())


def test_readers_during_loads_never_save_a_mixed_state(tmp_path):
    """Matches run in a thread while tables load: every file saved matches the store's
    facts at its generation (compared once the loads are over, at the last one)."""
    rx = Rox.open(db=str(tmp_path / "rox.db"))
    stop = threading.Event()
    errors: list[BaseException] = []

    def reader():
        with Rox.open(db=str(tmp_path / "rox.db")) as other:
            while not stop.is_set():
                try:
                    snapshot._memo.clear()
                    snapshot.read(other.store)
                except BaseException as exc:  # noqa: BLE001 - reported below
                    errors.append(exc)
                    return

    t = threading.Thread(target=reader)
    t.start()
    try:
        for k in range(4):
            rows = [(f"GB-{c}", "30", 10 + k) for c in ("DER", "NGM", "LCE")] + [("GB-BIR", f"2{k}", 3)]
            rx.load_table(_table(tmp_path / f"t{k}.csv", rows), _opts(f"d{k}"))
    finally:
        stop.set()
        t.join()
    assert not errors
    snapshot._memo.clear()
    gen = rx.store.generation()
    data = snapshot.read(rx.store)
    assert data.generation == gen
    assert _frame_rows(data.frame) == _frame_rows(snapshot.live(rx.store).frame)
    rx.close()


def test_generation_keys_name_the_file():
    assert Generation("abc", 3).key == "abc-3"


# -- the CLI ------------------------------------------------------------------------------------
def test_cli_matches_read_the_file_and_agree_with_the_per_request_read(demo_db):
    on = rox("match", "Derby", "--top", "10", "--format", "json", db=demo_db).stdout
    assert list((demo_db.parent / "rox.db.snapshot").glob("*.facts"))
    env_off = {**os.environ, snapshot.ENV: "off"}
    import subprocess
    import sys

    from support import ROOT

    off = subprocess.run(
        [sys.executable, "-m", "rox", "--db", str(demo_db), "match", "Derby", "--top", "10", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env_off,
        check=True,
    ).stdout
    assert json.loads(on) == json.loads(off) and json.loads(on)

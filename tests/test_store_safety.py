"""What the embedded store opens, and what it does with a cut or damaged log:
refuse with one line, lose nothing more, and let check/repair say and fix it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import ROOT, rox

from rox.graph.errors import DamagedStore, NotARoxDatabase, ServerBusy
from rox.graph.maintenance import check_store, repair_store
from rox.graph.store import open_store
from rox.loaders import statements

INCR = "rox.db.aof.1.incr.aof"


def _not_a_db(path: Path, why: str) -> str:
    return (
        f"{path} is not a rox database ({why}); it was left untouched. "
        "Give the path of a rox database, or a new one, with --db PATH / ROX_DB."
    )


@pytest.mark.parametrize(
    "make, why",
    [
        (
            lambda p: p.write_bytes((ROOT / "README.md").read_bytes()),
            "a file that does not start with REDIS, the mark of a database snapshot",
        ),
        (lambda p: p.write_bytes(b""), "an empty file"),
        (lambda p: p.mkdir(), "a folder"),
    ],
)
def test_something_else_is_refused_and_left_untouched(tmp_path, make, why):
    target = tmp_path / "notes"
    make(target)
    before = sorted(p.name for p in tmp_path.iterdir())
    content = target.read_bytes() if target.is_file() else None
    with pytest.raises(NotARoxDatabase) as err:
        open_store(db=str(target))
    assert str(err.value) == _not_a_db(target, why)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no lock, log or settings beside it
    if content is not None:
        assert target.read_bytes() == content


def test_cli_refuses_a_text_file_as_db_and_keeps_it(tmp_path):
    notes = tmp_path / "notes"
    notes.write_bytes((ROOT / "README.md").read_bytes())
    out = rox("stats", db=notes, check=False)
    assert out.returncode == 1
    assert out.stderr.strip() == "rox: error: " + _not_a_db(
        notes, "a file that does not start with REDIS, the mark of a database snapshot"
    )
    assert notes.read_bytes() == (ROOT / "README.md").read_bytes()


def test_a_rox_database_and_a_new_path_open(tmp_path):
    db = tmp_path / "sub" / "rox.db"
    with open_store(db=str(db)) as store:
        store.run("CREATE (:Region {id: 'GB-DER'})", write=True)
    assert db.read_bytes()[:5] == b"REDIS"
    with open_store(db=str(db)) as store:
        assert store.run("MATCH (r:Region) RETURN r.id AS id") == [{"id": "GB-DER"}]


# -- damaged logs ------------------------------------------------------------------------------


def _make_db(tmp_path: Path, n: int = 500) -> Path:
    db = tmp_path / "rox.db"
    with open_store(db=str(db)) as store:
        for k in range(5):
            rows = [{"id": f"R{k}-{i}", "props": {"name": str(i)}} for i in range(n // 5)]
            store.write_batches(statements.node_upsert("Region"), rows)
    return db


def _count(db: Path) -> int:
    with open_store(db=str(db)) as store:
        return store.run("MATCH (r:Region) RETURN count(r) AS n")[0]["n"]


def _damaged(db: Path, problem: str) -> str:
    return (
        f"the database at {db} is damaged: {problem}. It was not opened, so nothing more is lost; "
        "`rox check` says what is damaged, `rox repair` keeps a copy of the log and opens what is left."
    )


@pytest.fixture
def db(tmp_path) -> Path:
    return _make_db(tmp_path)


def _incr(db: Path) -> Path:
    return db.with_name(db.name + ".aof.d") / INCR


def test_cutting_50_bytes_is_refused_not_silently_loaded(db):
    log = _incr(db)
    size = log.stat().st_size
    with open(log, "r+b") as fh:
        fh.truncate(size - 50)
    with pytest.raises(DamagedStore) as err:
        open_store(db=str(db))
    assert str(err.value) == _damaged(
        db,
        f"{INCR} is {size - 50:,} bytes, 50 fewer than after the last write "
        f"({size:,} bytes): the writes in them are lost",
    )
    assert log.stat().st_size == size - 50  # the server never saw it, so it did not cut it further


def test_cutting_at_a_command_boundary_is_refused(db):
    """Half the file, cut where a command ends: Redis alone loads half the graph without a word."""
    log = _incr(db)
    data = log.read_bytes()
    cut = data.rfind(b"*3\r\n$12\r\nGRAPH.EFFECT", 0, len(data) // 2)
    assert cut > 0
    log.write_bytes(data[:cut])
    with pytest.raises(DamagedStore, match=rf"is {cut:,} bytes, {len(data) - cut:,} fewer than after the last write"):
        open_store(db=str(db))


def test_an_emptied_log_is_refused(db):
    log = _incr(db)
    size = log.stat().st_size
    log.write_bytes(b"")
    with pytest.raises(DamagedStore) as err:
        open_store(db=str(db))
    assert str(err.value) == _damaged(db, f"{INCR} is empty; it held {size:,} bytes: the writes in them are lost")


def test_garbage_mid_file_is_called_damage_not_an_unwritable_folder(db):
    log = _incr(db)
    size = log.stat().st_size
    with open(log, "r+b") as fh:
        fh.seek(size // 2)
        fh.write(b"X" * 16)
    with pytest.raises(DamagedStore) as err:
        open_store(db=str(db))
    assert str(err.value) == _damaged(
        db, f"{INCR} differs from what was written, within bytes 0 to {size - 1:,} (damaged or overwritten)"
    )


def test_a_log_damaged_before_rox_kept_a_record_is_still_caught(db):
    """A database written before the record existed: Redis' own check (``aof-load-truncated no``
    and redis-check-aof) names the file and the byte where it stops parsing."""
    db.with_name(db.name + ".logstate.json").unlink()
    log = _incr(db)
    size = log.stat().st_size
    with open(log, "r+b") as fh:
        fh.truncate(size - 50)
    with pytest.raises(DamagedStore, match=rf"^the database at .* is damaged: {INCR} does not parse after byte "):
        open_store(db=str(db))


def test_check_then_repair_keeps_a_copy_and_opens_what_is_left(db):
    log = _incr(db)
    size = log.stat().st_size
    # cut 50 bytes into the last write batch: the log's last commands are that batch and the
    # generation bump after it (rox.graph.generation)
    commands = [m.start() for m in re.finditer(rb"\*\d+\r\n\$\d+\r\nGRAPH\.", log.read_bytes())]
    end = commands[-2] + 50
    cut = size - end
    with open(log, "r+b") as fh:
        fh.truncate(end)
    damaged = log.read_bytes()

    report = check_store(db)
    assert not report.ok
    assert report.problems[0] == (
        f"{INCR} is {end:,} bytes, {cut:,} fewer than after the last write ({size:,} "
        "bytes): the writes in them are lost"
    )
    assert report.problems[1].startswith(f"{INCR} does not parse after byte ")

    fixed = repair_store(db, now=0)
    assert fixed.ok, fixed.lines()
    assert fixed.copy is not None and fixed.copy.name.startswith("rox.db.aof.d.damaged-1970")
    assert (fixed.copy / INCR).read_bytes() == damaged  # the original, as found
    assert any(a.startswith(f"cut the incomplete command at the end of {INCR}") for a in fixed.actions)
    assert check_store(db).ok
    assert _count(db) == 400  # the last write batch lost its tail; the four before it are whole


def test_repair_accepts_an_emptied_log_after_keeping_it(db):
    log = _incr(db)
    log.write_bytes(b"")
    report = repair_store(db, now=0)
    assert report.ok and (report.copy / INCR).read_bytes() == b""
    assert _count(db) == 0
    assert not check_store(db).problems


def test_repair_rebuilds_a_deleted_log_from_the_snapshot(db):
    import shutil

    shutil.rmtree(db.with_name(db.name + ".aof.d"))
    with pytest.raises(DamagedStore, match="the log folder rox.db.aof.d is missing"):
        open_store(db=str(db))
    report = repair_store(db, now=0)
    assert report.ok
    assert any(a.startswith("rebuilt the log from the snapshot rox.db of ") for a in report.actions)
    assert _count(db) == 500  # every write was in the snapshot taken when the store closed


def test_repair_refuses_while_the_server_runs(db):
    with open_store(db=str(db)), pytest.raises(ServerBusy, match=r"is in use by its server \(pid \d+\); stop it"):
        repair_store(db)


def test_a_healthy_database_checks_clean(db):
    report = check_store(db)
    assert report.ok and report.summary() == f"{db}: no problems found"
    assert repair_store(db).actions == []


def test_an_unacknowledged_half_command_after_the_record_is_dropped_quietly(db):
    """A server killed in the middle of writing a command leaves it half written; it was
    never acknowledged, and everything rox recorded is whole, so the store opens."""
    with open(_incr(db), "ab") as fh:
        fh.write(b"*3\r\n$12\r\nGRAPH.EFFECT\r\n$3\r\nrox\r\n$9000\r\nhalf")
    assert _count(db) == 500
    assert check_store(db).ok


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("ROX_QUERY_MEMORY_MB", "lots", "ROX_QUERY_MEMORY_MB: expected a number from 16 to 1,048,576, got 'lots'"),
        ("ROX_MAXMEMORY_MB", "8", "ROX_MAXMEMORY_MB: expected a number from 32 to 1,048,576, got '8'"),
        ("ROX_SERVER_IDLE_S", "0", "ROX_SERVER_IDLE_S: expected a number from 0.5 to 86,400, got '0'"),
    ],
)
def test_bad_bounds_in_the_environment_are_usage_errors(tmp_path, name, value, expected):
    from rox.graph.config import Settings
    from rox.graph.errors import UsageError

    with pytest.raises(UsageError) as err:
        Settings.resolve(db=str(tmp_path / "rox.db"), env={name: value})
    assert str(err.value) == expected

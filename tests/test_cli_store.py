"""``rox check``, ``rox repair`` and ``rox server status|stop`` on a real embedded
database, as a user runs them (issue 9, defect 10: a damaged log is said, never
silently loaded)."""

from __future__ import annotations

from pathlib import Path

from support import rox


def demo(tmp_path: Path) -> Path:
    db = tmp_path / "rox.db"
    rox("demo", db=db)
    return db


def test_check_a_whole_database_exits_0(tmp_path):
    db = demo(tmp_path)
    out = rox("check", db=db)
    assert out.stdout.splitlines()[0] == f"{db}: no problems found"


def test_cut_log_is_refused_then_checked_and_repaired_with_a_copy(tmp_path):
    db = demo(tmp_path)
    rox("server", "stop", db=db)
    (log,) = (tmp_path / "rox.db.aof.d").glob("*.incr.aof")
    size = log.stat().st_size
    with log.open("r+b") as f:
        f.truncate(size - 50)

    refused = rox("stats", db=db, check=False)
    assert refused.returncode == 1
    assert "is damaged" in refused.stderr and "50 fewer than after the last write" in refused.stderr
    assert "`rox check`" in refused.stderr and "`rox repair`" in refused.stderr

    checked = rox("check", db=db, check=False)
    assert checked.returncode == 1
    assert checked.stdout.startswith(f"{db}: {log.name} is {size - 50:,} bytes, 50 fewer")
    assert log.stat().st_size == size - 50  # check changes nothing

    repaired = rox("repair", db=db)
    assert "kept a copy of the log" in repaired.stdout
    (copy,) = tmp_path.glob("rox.db.aof.d.damaged-*")
    assert (copy / log.name).stat().st_size == size - 50
    assert rox("check", db=db).returncode == 0
    assert "Region" in rox("stats", db=db).stdout


def test_server_status_and_stop(tmp_path, monkeypatch):
    """A command leaves the server running for the next one (until idle for ROX_SERVER_IDLE_S)."""
    monkeypatch.setenv("ROX_SERVER_IDLE_S", "600")  # not the default: set here, and stopped below
    db = demo(tmp_path)
    try:
        running = rox("server", "status", db=db).stdout.strip()
        assert running.startswith(f"the embedded server of {db} is running: pid ") and ", 0 clients, " in running
        pid = running.split("pid ", 1)[1].split(",", 1)[0]
        assert "Region" in rox("stats", db=db).stdout
        assert f"running: pid {pid}, 0 clients" in rox("server", "status", db=db).stdout  # stats joined it, left it
    finally:
        stopped = rox("server", "stop", db=db).stdout.strip()
    assert stopped.startswith(f"stopped: the embedded server of {db} is running: pid {pid}, 0 clients")
    assert rox("server", "status", db=db).stdout.strip() == f"the embedded server of {db} is not running"
    assert rox("server", "stop", db=db).stdout.strip() == f"the embedded server of {db} is not running"


def test_check_refuses_what_is_not_a_rox_database(tmp_path):
    notes = tmp_path / "notes"
    notes.write_text("my notes\n")
    out = rox("check", db=notes, check=False)
    assert out.returncode == 1
    assert "not a rox database" in out.stdout
    assert notes.read_text() == "my notes\n"

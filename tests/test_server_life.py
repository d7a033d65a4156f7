"""The embedded server's life: it survives the queries that used to kill it, a
killed client does not leave it running, and it can be inspected and stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from support import ROOT

from rox.graph.config import Settings
from rox.graph.errors import ResourceLimit, ServerBusy
from rox.graph.server import pid_alive, server_status, stop_server
from rox.graph.store import open_store


def _server_pid(db: Path) -> int:
    settings = json.loads(db.with_name(db.name + ".settings").read_text())
    return int(Path(settings["pidfile"]).read_text().strip())


def _wait_until(condition, timeout_s: float) -> bool:
    """Poll ``condition`` until it holds or ``timeout_s`` passes (a bound, not a sleep)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _bounded(tmp_path: Path, **env: str):
    return open_store(settings=Settings.resolve(db=str(tmp_path / "rox.db"), env=env))


def _client(db: Path, then: str = "") -> subprocess.Popen:
    """A separate process that opens the store at ``db`` (starting its server, with a
    1 s idle timeout), runs ``then``, says ``open`` and waits to be killed."""
    code = (
        "import time\n"
        "from rox.graph.store import open_store\n"
        f"s = open_store(db={str(db)!r})\n" + then + "print('open', flush=True)\n"
        "time.sleep(120)\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "ROX_SERVER_IDLE_S": "1"},
    )


def test_a_killed_client_does_not_leave_its_server_running(tmp_path):
    db = tmp_path / "rox.db"
    child = _client(db, "s.run(\"CREATE (:Region {id: 'GB-DER'})\", write=True)\n")
    try:
        assert child.stdout.readline().strip() == "open"
        server = _server_pid(db)
        assert pid_alive(server)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        assert _wait_until(lambda: not pid_alive(server), 30), "the server outlived its only client"
    finally:
        child.kill()
    # the watchdog drops the registry once the server is gone (a moment after its pid): wait on that state
    settings = db.with_name(db.name + ".settings")
    assert _wait_until(lambda: not settings.exists(), 30), "the dead server's registry was left behind"
    with open_store(db=str(db)) as store:  # stopped cleanly: the data is all there
        assert store.run("MATCH (r:Region) RETURN r.id AS id") == [{"id": "GB-DER"}]


def test_a_server_left_running_is_stopped_by_its_watchdog_once_idle(tmp_path):
    """``keep_server`` (the ``rox`` command's setting): closing leaves the server running
    for the next client; its watchdog stops it ``ROX_SERVER_IDLE_S`` later, data saved."""
    db = tmp_path / "rox.db"
    settings = replace(Settings.resolve(db=str(db), env={"ROX_SERVER_IDLE_S": "1"}), keep_server=True)
    store = open_store(settings=settings)
    store.run("CREATE (:Region {id: 'GB-DER'})", write=True)
    pid = _server_pid(db)
    store.close()
    assert pid_alive(pid), "closing stopped the server it should have left running"
    assert _wait_until(lambda: not pid_alive(pid), 30), "the idle server was left running"
    registry = db.with_name(db.name + ".settings")
    assert _wait_until(lambda: not registry.exists(), 30), "the stopped server's registry was left behind"
    with open_store(db=str(db)) as store:
        assert store.run("MATCH (r:Region) RETURN r.id AS id") == [{"id": "GB-DER"}]


def test_a_server_in_use_is_not_stopped_by_its_watchdog(tmp_path):
    db = tmp_path / "rox.db"
    with _bounded(tmp_path, ROX_SERVER_IDLE_S="0.5") as store:
        pid = _server_pid(db)
        time.sleep(2)  # four idle periods: the watchdog must see our connection and leave the server alone
        assert pid_alive(pid)
        assert store.run("RETURN 1 AS one") == [{"one": 1}]


def test_status_and_stop(tmp_path):
    db = tmp_path / "rox.db"
    assert server_status(db).describe() == f"the embedded server of {db} is not running"
    with open_store(db=str(db)) as store:
        status = server_status(db)
        assert status.running and status.clients == 1 and status.pid == _server_pid(db)
        assert status.describe().startswith(f"the embedded server of {db} is running: pid {status.pid}, 1 client, ")
        with pytest.raises(ServerBusy) as err:
            stop_server(db)
        assert str(err.value) == (
            f"the embedded server of {db} (pid {status.pid}) has 1 client connected; "
            "close them first, or stop it anyway with force"
        )
        store.run("CREATE (:Region {id: 'GB-DER'})", write=True)
        assert stop_server(db, force=True).running
        assert _wait_until(lambda: not pid_alive(status.pid), 30)
    assert not server_status(db).running
    with open_store(db=str(db)) as store:
        assert store.run("MATCH (r:Region) RETURN r.id AS id") == [{"id": "GB-DER"}]


def test_a_query_past_its_memory_bound_fails_and_the_server_lives(tmp_path):
    with _bounded(tmp_path, ROX_QUERY_MEMORY_MB="64") as store:
        pid = _server_pid(tmp_path / "rox.db")
        with pytest.raises(ResourceLimit) as err:
            store.read_only("UNWIND range(1, 4000000) AS x RETURN size(collect(x)) AS n")
        assert str(err.value) == (
            "query stopped: it needed more than 64 MB of server memory, the per-query bound "
            "(ROX_QUERY_MEMORY_MB); narrow it with WHERE or LIMIT. The server is still running."
        )
        assert store.run("RETURN 1 AS one") == [{"one": 1}]
        assert _server_pid(tmp_path / "rox.db") == pid and pid_alive(pid)


def test_writes_past_the_servers_memory_are_refused_not_aborted(tmp_path):
    with _bounded(tmp_path, ROX_MAXMEMORY_MB="48") as store:
        pid = _server_pid(tmp_path / "rox.db")
        blob = "x" * 4096
        with pytest.raises(ResourceLimit) as err:
            for batch in range(40):  # 40 x 2,000 x 4 KB = 320 MB, far past 48 MB
                store.run(
                    "UNWIND range(1, 2000) AS i CREATE (:Blob {b: $batch, i: i, text: $blob})",
                    {"batch": batch, "blob": blob},
                    write=True,
                )
        assert str(err.value) == (
            "refused: the embedded server is at its memory limit of 48 MB (ROX_MAXMEMORY_MB); "
            "nothing was written. Raise the limit, or remove data."
        )
        n = store.run("MATCH (b:Blob) RETURN count(b) AS n")[0]["n"]
        assert 0 < n < 80_000 and n % 2000 == 0  # whole batches only
        assert pid_alive(pid)


def test_a_long_write_is_sent_once(tmp_path):
    """A write running longer than redis-py's default 5 s socket timeout used to be
    sent again (up to ten times) by the client's retry; it must run exactly once."""
    with open_store(db=str(tmp_path / "rox.db")) as store:
        store.run("UNWIND range(1, 200) AS i CREATE (:Region {id: toString(i)})", write=True)
        started = time.monotonic()
        store.run(
            "MATCH (a:Region), (b:Region), (c:Region) UNWIND range(1, 16) AS k WITH count(k) AS n "
            "CREATE (:Tally {n: n})",
            write=True,
        )  # about 10 s on an idle 2-core machine
        took = time.monotonic() - started
        assert store.run("MATCH (t:Tally) RETURN t.n AS n") == [{"n": 128_000_000}], f"took {took:.1f} s"


def test_acknowledged_writes_survive_a_kill_of_the_server_mid_load(tmp_path):
    """A child loads batches and prints how many nodes the server acknowledged; the
    server is killed with SIGKILL in the middle; every acknowledged node is there."""
    db = tmp_path / "rox.db"
    code = (
        "from rox.graph.store import open_store\n"
        "from rox.loaders import statements\n"
        f"s = open_store(db={str(db)!r})\n"
        "for k in range(10_000):\n"
        "    rows = [{'id': f'R{k}-{i}', 'props': {'name': str(i)}} for i in range(2000)]\n"
        "    s.write_batches(statements.node_upsert('Region'), rows)\n"
        "    print((k + 1) * 2000, flush=True)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT
    )
    acknowledged = 0
    try:
        while acknowledged < 60_000:
            acknowledged = int(child.stdout.readline())
        os.kill(_server_pid(db), signal.SIGKILL)
        for line in child.stdout:  # what was acknowledged before the child noticed
            acknowledged = int(line)
    finally:
        child.kill()
        child.wait(10)
    with open_store(db=str(db)) as store:
        n = store.run("MATCH (r:Region) RETURN count(r) AS n")[0]["n"]
    assert n >= acknowledged >= 60_000


def test_a_server_whose_folder_was_deleted_is_still_stopped(tmp_path):
    import shutil

    folder = tmp_path / "gone"
    db = folder / "rox.db"
    child = _client(db)
    try:
        assert child.stdout.readline().strip() == "open"
        server = _server_pid(db)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        shutil.rmtree(folder)
        assert _wait_until(lambda: not pid_alive(server), 30), "the server outlived its deleted folder"
    finally:
        child.kill()

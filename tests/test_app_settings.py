"""How the app is served (issue 9, item 9): this machine only by default, generic error
messages for users, uploads up to 50 MB; the same settings in .streamlit/config.toml,
in ``rox app``'s flags (rox.api.APP_SETTINGS) and, for the address, in Docker."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from rox.api import APP_SETTINGS, MAX_UPLOAD_MB

ROOT = Path(__file__).resolve().parents[1]
START_S = 90


def config() -> dict[str, object]:
    """.streamlit/config.toml flattened to ``section.key`` names."""
    doc = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    return {f"{section}.{k}": v for section, values in doc.items() for k, v in values.items()}


def test_config_file_and_rox_app_flags_agree():
    conf = config()
    assert {k: conf.get(k) for k in APP_SETTINGS} == APP_SETTINGS
    assert conf["server.address"] == "127.0.0.1"
    assert conf["client.showErrorDetails"] == "none"
    assert conf["server.maxUploadSize"] == MAX_UPLOAD_MB == 50


def test_docker_serves_every_interface_explicitly():
    cmd_line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    cmd = json.loads(cmd_line[4:])
    assert cmd[:3] == ["streamlit", "run", "app.py"]
    assert cmd[cmd.index("--server.address") + 1] == "0.0.0.0"


def test_load_page_states_the_upload_limit(monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("ROX_DB", str(tmp_path / "rox.db"))
    at = AppTest.from_string("from rox.webapp import load\nload.render()\n", default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value for c in at.caption]
    assert captions.count("Files up to 50 MB each.") == 2  # entity files and statistical tables


def listening(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                found.add(addr)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads listening sockets from /proc/net (Linux)")
def test_rox_app_listens_on_loopback_only(tmp_path):
    port = free_port()
    env = {**os.environ, "NEO4J_URI": ""}
    log = tmp_path / "app.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rox", "--db", str(tmp_path / "rox.db"), "app", "--port", str(port), "--headless"],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_S
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.3)
        # 0100007F is 127.0.0.1; 00000000 (every IPv4 interface) or :: would be every interface
        assert listening(port) == {"0100007F"}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

"""Smoke test of bench/bench_match.py: the quick size runs end to end, old and new path.

Not a timed test: it checks that the benchmark prints its table with both paths, that
every match of both paths ran, that old and new printed identical JSON, and that no
embedded server is left running. The figures themselves are never asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from support import ROOT, rox


def test_quick_run_prints_both_paths_and_identical_results(tmp_path):
    figures = tmp_path / "figures.json"
    cmd = [sys.executable, str(ROOT / "bench" / "bench_match.py"), "--quick", "--no-app"]
    cmd += ["--workdir", str(tmp_path / "work"), "--json", str(figures)]
    env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", "ROX_DB", "ROX_SNAPSHOT")}
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600, env=env)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]

    lines = out.stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("size "))
    assert lines[head].split()[:5] == ["size", "facts", "path", "--version", "stats"]
    paths = [line.split()[2] for line in lines[head + 2 : head + 4]]
    assert [line.split()[0] for line in lines[head + 2 : head + 4]] == ["quick", "quick"]
    assert paths == ["new", "old"]
    assert any(line.startswith("identical: yes") for line in lines), out.stdout

    doc = json.loads(figures.read_text())
    (size,) = doc["sizes"]
    assert size["identical"] == "yes"
    assert size["loaded"].endswith("as written"), size["loaded"]
    for path in size["paths"]:
        missing = [k for k in ("version_s", "stats_s", "cold_s", "warm_s", "blend_s") if path[k] is None]
        assert not missing, (path["path"], missing, path["problems"])
        assert path["cli_mb"] > 0
    assert {t["what"].split(":")[0] for t in doc["targets"]} == {"quick (indicative)"}

    status = rox("server", "status", db=tmp_path / "work" / "quick" / "bench.db")
    assert "is not running" in status.stdout, status.stdout

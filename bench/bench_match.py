"""Benchmark ``rox match`` end to end, old path (per-request read) beside the new one (issue 13).

Generates region x code tables (Zipf-like code popularity, seeded), loads them with the
real CLI (``rox --db DB load-table FILE ...``) and times ``rox`` as a user runs it: one
CLI process per command, wall time from process start to exit, median of N repeats.

Sizes: ``456k`` = 5,000 ISO 3166-2 subdivisions x 1,000 NACE-like codes (``10.00``..
``19.99``, ``--sector-scheme nace2``), ~456,000 facts; ``4M`` = 100,000 synthetic regions
(``R000000``.., ``--region-scheme raw``: kept as written) x ~40 codes each (~4,000,000
facts); ``quick`` = 300 x 100 (seconds, for a smoke test). Kind employment, unit jobs, 2021.

Each path runs on the same store: ``new`` = ``ROX_SNAPSHOT=on`` (the matrix snapshot beside
the database), ``old`` = ``ROX_SNAPSHOT=off`` (every match reads all facts). Before each
path the embedded server is restarted (untimed ``rox stats``), so its peak RSS is that
path's own. Measured per path:

* start-up: ``rox --version`` and ``rox --db DB stats`` (server running: warm machine);
* cold: the path's first match. ``new`` runs first, so its cold match is the first match
  after the load (with a note whether the load left a snapshot or the match built it),
  then one after deleting the snapshot folder (``<db>.snapshot``, column ``rebuilt``), when
  there is one; ``old`` keeps nothing between requests, so its first match is as cold;
* warm: the next matches (median; the old path's repeats are ``--old-repeats``); blend: ``--measure blend --source src-file-table-csv``
  (median; blend is refused across datasets, so it runs on the table's own facts);
* memory: peak RSS of each CLI process (``ru_maxrss`` of its own ``os.wait4`` rusage; the
  table shows the largest of the path's matches) and of the redis-server (``VmHWM`` in
  /proc/<pid>/status, polled every 0.2 s while the path runs; the largest server process);
* identical: the JSON of ``old`` and ``new`` for the same command, byte for byte.

The old path runs under ``--old-timeout`` (a match past it is killed and shown as
``timeout``; its later matches are skipped). With ``--app`` (default unless ``--quick``)
the Streamlit app is started on the 456k store (or the first size run) for each path and
Playwright (Debian chromium, ``ROX_CHROMIUM``) times Find partners: from the click on a
region until its partner table has rendered, for a first and then a second region (not in
the app's result cache). Then a
table with the targets beside the figures ("met"/"not met"); ``--json FILE`` writes them.

Usage::

    .venv/bin/python bench/bench_match.py                   # 456k and 4M, the app; many minutes
    .venv/bin/python bench/bench_match.py --sizes 456k --json match.json
    .venv/bin/python bench/bench_match.py --quick --no-app  # smoke test, under a minute
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEAR = 2021
CHROMIUM = os.environ.get("ROX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
PATHS = (("new", "on"), ("old", "off"))
CSV_NAME = "table.csv"
SOURCE = "src-file-table-csv"  # the Source (and dataset) id rox gives CSV_NAME


# ------------------------------------------------------------------ the data
@dataclass(frozen=True)
class Size:
    """One store: regions x a code universe, about ``facts`` facts; ``scheme`` is ``--region-scheme``."""

    name: str
    regions: int
    codes: int
    facts: int
    scheme: str


SIZES = {
    "quick": Size("quick", 300, 100, 6_000, "iso"),
    "456k": Size("456k", 5_000, 1_000, 456_000, "iso"),
    "4M": Size("4M", 100_000, 1_000, 4_000_000, "raw"),
}


def region_ids(size: Size) -> list[str]:
    """ISO 3166-2 subdivision codes (sorted, the first N), or synthetic ``R000000`` codes.

    >>> region_ids(Size("x", 3, 10, 30, "raw"))
    ['R000000', 'R000001', 'R000002']
    """
    if size.scheme == "raw":
        return [f"R{i:06d}" for i in range(size.regions)]
    import pycountry

    subs = sorted(s.code for s in pycountry.subdivisions)
    if len(subs) < size.regions:
        raise SystemExit(f"size {size.name}: {size.regions} regions asked, pycountry has {len(subs)} subdivisions")
    return subs[: size.regions]


def code_names(n: int) -> list[str]:
    """NACE-like 4-digit class codes from ``10.00``.

    >>> code_names(3), code_names(1000)[-1]
    (['10.00', '10.01', '10.02'], '19.99')
    """
    return [f"{10 + i // 100}.{i % 100:02d}" for i in range(n)]


def code_sets(size: Size, seed: int = 13, zipf: float = 1.0) -> Iterator[np.ndarray]:
    """Per region, the indices of its codes: between half and 1.5 times the mean count
    (mean = facts / regions), drawn without replacement with Zipf-like popularity
    (Gumbel top-k, P(rank r) ~ r^-zipf); popular codes are spread over the list. Seeded."""
    rng = np.random.default_rng(seed)
    mean = size.facts / size.regions
    lo, hi = max(1, round(mean * 0.5)), min(size.codes, round(mean * 1.5))
    counts = rng.integers(lo, hi + 1, size=size.regions)
    logw = -zipf * np.log(np.arange(1, size.codes + 1))
    spread = rng.permutation(size.codes)
    for start in range(0, size.regions, 2000):
        m = min(2000, size.regions - start)
        g = logw[None, :] - np.log(-np.log(rng.random((m, size.codes))))
        top = np.argpartition(-g, hi - 1, axis=1)[:, :hi]
        order = np.argsort(-np.take_along_axis(g, top, axis=1), axis=1)
        top = np.take_along_axis(top, order, axis=1)
        for row, k in zip(top, counts[start : start + m], strict=True):
            yield np.sort(spread[row[:k]])


def make_csv(path: Path, size: Size) -> tuple[list[str], int]:
    """Write the long CSV (region, sector, year, value); returns the region ids and the fact count."""
    regions, codes = region_ids(size), code_names(size.codes)
    rng = np.random.default_rng(7)
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write("region,sector,year,value\n")
        for region, cols in zip(regions, code_sets(size), strict=True):
            values = rng.lognormal(5.0, 1.5, size=cols.size).astype(np.int64) + 1
            fh.write("".join(f"{region},{codes[c]},{YEAR},{v}\n" for c, v in zip(cols, values, strict=True)))
            n += int(cols.size)
    return regions, n


# ------------------------------------------------------------- running rox
@dataclass
class Run:
    """One CLI process: wall seconds (None when killed), exit code, output, its own peak RSS."""

    seconds: float | None
    rc: int | None
    out: str
    err: str
    maxrss_mb: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.rc == 0 and not self.timed_out

    def problem(self, timeout: float) -> str:
        """``timeout`` or the first line of the error.

        >>> Run(None, None, "", "", 0.0, True).problem(180), Run(1.0, 1, "", "rox: error: no\\nmore", 9.0).problem(9)
        ('timeout (> 180 s)', 'rox: error: no')
        """
        if self.timed_out:
            return f"timeout (> {timeout:g} s)"
        lines = [x for x in self.err.splitlines() if x.strip()]
        return lines[-1 if lines and lines[0].startswith("Traceback") else 0] if lines else f"exit code {self.rc}"


def run_cli(argv: list[str], env: dict[str, str], timeout: float) -> Run:
    """Run ``argv`` (stdin closed, output to temporary files): wall time from spawn to
    reaping, and the process's own rusage from ``os.wait4``. Past ``timeout`` seconds the
    process is killed (by its pid) and the run is marked timed out."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, out.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
        ]
        done: dict[str, Any] = {}
        t0 = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)

        def reap() -> None:
            _, status, usage = os.wait4(pid, 0)
            done.update(end=time.perf_counter(), status=status, usage=usage)

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        waiter.join(timeout)
        timed_out = waiter.is_alive()
        if timed_out:
            os.kill(pid, signal.SIGKILL)
            waiter.join()
        out.seek(0)
        err.seek(0)
        return Run(
            None if timed_out else done["end"] - t0,
            None if timed_out else os.waitstatus_to_exitcode(done["status"]),
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            done["usage"].ru_maxrss / 1024,  # Linux: KiB
            timed_out,
        )


def rox_bin() -> str:
    """The ``rox`` console script of this interpreter's environment (``.venv/bin/rox``)."""
    here = Path(sys.executable).with_name("rox")
    found = str(here) if here.exists() else shutil.which("rox")
    if not found:
        raise SystemExit("rox is not installed in this environment (make setup)")
    return found


def base_env(args: argparse.Namespace) -> dict[str, str]:
    """The children's environment: this one without a store choice, with the server's bounds."""
    env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", "ROX_DB", "ROX_SNAPSHOT")}
    env.update(ROX_MAXMEMORY_MB=str(args.maxmemory_mb), ROX_SERVER_IDLE_S=str(args.idle_s), PYTHONUNBUFFERED="1")
    return env


# ------------------------------------------------------------- the store
def load(db: Path, csv_path: Path, size: Size, env: dict[str, str]) -> Run:
    """``rox load-table`` as a user runs it (ROX_SNAPSHOT unset: the default path)."""
    argv = [rox_bin(), "--db", str(db), "load-table", str(csv_path), "--sector-scheme", "nace2"]
    argv += ["--region-scheme", size.scheme, "--kind", "employment", "--unit", "jobs", "--no-progress"]
    run = run_cli(argv, env, timeout=24 * 3600)
    if not run.ok:
        raise SystemExit(f"load of {csv_path} failed: {run.problem(0)}\n{run.err[-2000:]}")
    return run


def check_load(summary: str, facts: int, regions: int) -> str:
    """What the load summary says it loaded, against what the table holds (a mismatch is a WARNING).

    >>> check_load("HAS_SECTOR created 6,000, changed 0, unchanged 0; 300 regions, 100 sector codes, 9 new", 6000, 300)
    'loaded 6,000 facts, 300 regions, 100 codes: as written'
    >>> check_load("HAS_SECTOR created 9, changed 0, unchanged 0; 3 regions, 1 sector codes", 9, 4)
    'loaded 9 facts, 3 regions, 1 codes: WARNING: the table has 9 facts, 4 regions'
    """
    m = re.search(r"HAS_SECTOR created (\d[\d,]*).*?; (\d[\d,]*) regions, (\d[\d,]*) sector codes", summary)
    if not m:
        return "WARNING: no load summary found"
    got = [int(g.replace(",", "")) for g in m.groups()]
    text = f"loaded {got[0]:,} facts, {got[1]:,} regions, {got[2]:,} codes: "
    return text + (
        "as written" if got[:2] == [facts, regions] else f"WARNING: the table has {facts:,} facts, {regions:,} regions"
    )


def stop_server(db: Path) -> None:
    """Stop the database's embedded server (``rox server stop --force``), if it runs."""
    from rox.api import stop_server as stop

    stop(str(db), force=True)


class ServerPeak:
    """Polls the database's redis-server (its pid from the registry, no connection) every
    0.2 s and keeps the peak RSS (``VmHWM``) of each server process seen: the server may
    stop between commands, so it is read while it runs (growth in its last 0.2 s is missed)."""

    def __init__(self, db: Path):
        from rox.graph.dbfiles import DbFiles

        self.files = DbFiles(db.resolve())
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        from rox.graph.server import running_server

        while not self._stop.is_set():
            found = running_server(self.files)
            if found is not None:
                with contextlib.suppress(OSError, StopIteration, ValueError), open(f"/proc/{found[0]}/status") as fh:
                    kb = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
                    self.peaks[found[0]] = max(self.peaks.get(found[0], 0), kb)
            self._stop.wait(0.2)

    def stop(self) -> tuple[float | None, int]:
        """The largest peak in MB (None if no server was seen) and how many server processes ran."""
        self._stop.set()
        self._thread.join()
        return (max(self.peaks.values()) / 1024 if self.peaks else None), len(self.peaks)


def snapshot_path(db: Path) -> Path | None:
    """The snapshot beside the database (``<db>.snapshot``, or another ``<db>.snapshot*``), if any."""
    exact = db.with_name(db.name + ".snapshot")
    if exact.exists():
        return exact
    return next(iter(sorted(db.parent.glob(db.name + ".snapshot*"))), None)


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


# ------------------------------------------------------------- one path
@dataclass
class PathResult:
    """The figures of one size on one path (seconds; None = not measured)."""

    size: str
    facts: int
    path: str
    version_s: float | None = None
    stats_s: float | None = None
    cold_s: float | None = None
    rebuilt_s: float | None = None
    warm_s: float | None = None
    blend_s: float | None = None
    cli_mb: float = 0.0
    server_mb: float | None = None
    notes: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, list[str]] = field(default_factory=dict)


class PathBench:
    """Times the commands of one path on one store (``ROX_SNAPSHOT`` set in ``env``)."""

    def __init__(self, db: Path, region: str, env: dict[str, str], timeout: float, repeats: int, res: PathResult):
        self.db, self.region, self.env, self.timeout, self.repeats, self.res = db, region, env, timeout, repeats, res
        # blend is refused across datasets; on one table's facts (--source) it runs
        self.blend = ["--measure", "blend", "--source", SOURCE]
        self.stopped: str | None = None  # set once a match timed out: the path's later matches are skipped

    def cmd(self, *args: str) -> Run:
        return run_cli([rox_bin(), *args], self.env, self.timeout)

    def match(self, what: str, *extra: str) -> Run | None:
        """One match run (None when it failed or was skipped after a timeout); keeps its JSON and
        peak RSS, and the first problem of each measurement."""
        if self.stopped:
            self.res.problems.setdefault(what, f"skipped ({self.stopped})")
            return None
        run = self.cmd("--db", str(self.db), "match", self.region, "--top", "10", "--format", "json", *extra)
        self.res.cli_mb = max(self.res.cli_mb, run.maxrss_mb)
        if not run.ok:
            self.res.problems.setdefault(what, run.problem(self.timeout))
            if run.timed_out:
                self.stopped = f"{what}: {run.problem(self.timeout)}"
            return None
        self.res.outputs.setdefault("blend" if "blend" in extra else "jaccard", []).append(run.out)
        return run

    def median(self, what: str, *extra: str) -> float | None:
        runs = [self.match(what, *extra) for _ in range(self.repeats)]
        times = [r.seconds for r in runs if r is not None and r.seconds is not None]
        return statistics.median(times) if times else None

    def startup(self) -> None:
        """Start the server (untimed ``stats``), then time ``--version`` and ``stats``."""
        first = self.cmd("--db", str(self.db), "stats")
        if not first.ok:
            raise SystemExit(f"rox stats failed on {self.db}: {first.problem(self.timeout)}")
        self.res.version_s = statistics.median(self.timed(["--version"]))
        self.res.stats_s = statistics.median(self.timed(["--db", str(self.db), "stats"]))

    def timed(self, args: list[str]) -> list[float]:
        runs = [self.cmd(*args) for _ in range(self.repeats)]
        bad = next((r for r in runs if not r.ok), None)
        if bad is not None:
            raise SystemExit(f"rox {' '.join(args)} failed: {bad.problem(self.timeout)}")
        return [r.seconds for r in runs if r.seconds is not None]

    def cold(self, snapshot: bool) -> None:
        """The first match after the load; with ``snapshot``, say whether a snapshot was there,
        and time a match after deleting it."""
        before = snapshot_path(self.db) if snapshot else None
        first = self.match("cold")
        self.res.cold_s = first.seconds if first else None
        if not snapshot:
            return
        after = snapshot_path(self.db)
        self.res.notes.append(
            f"snapshot after the load: {before or 'none'}; after the first match: {after or 'none'} -> "
            + ("the load refreshed it" if before else "built by the first match" if after else "no snapshot folder")
        )
        if after is None:
            self.res.problems["rebuilt"] = "n/a (no snapshot folder)"
            return
        remove(after)
        rebuilt = self.match("rebuilt")
        self.res.rebuilt_s = rebuilt.seconds if rebuilt else None

    def run(self, snapshot: bool) -> PathResult:
        stop_server(self.db)  # this path's server: its own peak, and the count of restarts below
        watch = ServerPeak(self.db)
        try:
            self.startup()
            self.cold(snapshot)
            self.res.warm_s = self.median("warm")
            self.res.blend_s = self.median("blend", *self.blend)
        finally:
            self.res.server_mb, servers = watch.stop()
        self.res.notes.append(f"redis-server processes during this path: {servers} (1 = it stayed up between commands)")
        return self.res


def identical(new: PathResult, old: PathResult) -> str:
    """``yes`` when every run of a command, old and new, printed the same JSON; else what differs.

    >>> a, b = PathResult("s", 1, "new"), PathResult("s", 1, "old")
    >>> a.outputs = {"jaccard": ["[]", "[]"], "blend": ["[2]"]}
    >>> b.outputs = {"jaccard": ["[]"], "blend": ["[2]"]}
    >>> identical(a, b)
    'yes'
    >>> b.outputs = {"jaccard": ["[1]"]}
    >>> identical(a, b)
    'no (jaccard differs); n/a for blend (not run on both)'
    """
    both = [k for k in ("jaccard", "blend") if k in new.outputs and k in old.outputs]
    differ = [k for k in both if len({*new.outputs[k], *old.outputs[k]}) > 1]
    missing = [k for k in ("jaccard", "blend") if k not in both]
    text = ("no (" + ", ".join(differ) + " differs)" if differ else "yes") if both else "n/a"
    if missing:
        text += f"; n/a for {', '.join(missing)} (not run on both)"
    return text


# ------------------------------------------------------------- one size
@dataclass
class SizeResult:
    size: str
    regions: int
    codes: int
    facts: int
    db: str
    region: str
    load_s: float
    loaded: str
    paths: list[PathResult]
    identical: str
    others: list[str]


def bench_size(size: Size, workdir: Path, args: argparse.Namespace) -> SizeResult:
    folder = workdir / size.name
    db = folder / "bench.db"
    if folder.exists():
        stop_server(db)
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    regions, facts = make_csv(folder / CSV_NAME, size)
    print(
        f"[{size.name}] generated {facts:,} facts ({size.regions:,} regions x {size.codes:,} codes) "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    env = base_env(args)
    run = load(db, folder / CSV_NAME, size, env)
    loaded = check_load(run.out, facts, len(regions))
    print(f"[{size.name}] rox load-table: {run.seconds:.1f} s; {loaded}")
    region = regions[len(regions) // 2]
    results = []
    for name, switch in PATHS:
        res = PathResult(size.name, facts, name)
        timeout = args.old_timeout if name == "old" else args.new_timeout
        repeats = args.old_repeats if name == "old" else args.repeats
        bench = PathBench(db, region, {**env, "ROX_SNAPSHOT": switch}, timeout, repeats, res)
        results.append(bench.run(snapshot=name == "new"))
        stop_server(db)
        print(f"[{size.name}] {name} path (ROX_SNAPSHOT={switch}) done")
    others = [r for r in regions[len(regions) // 3 :: max(1, len(regions) // 7)] if r != region][:2]
    return SizeResult(
        size.name,
        size.regions,
        size.codes,
        facts,
        str(db),
        region,
        run.seconds or 0.0,
        loaded,
        results,
        identical(results[0], results[1]),
        others,
    )


# ------------------------------------------------------------- the app
TABLE_READY_JS = """(name) => {
  const live = (e) => { const c = e.closest('[data-testid=stElementContainer]');
                        return !c || c.getAttribute('data-stale') !== 'true'; };
  const bad = Array.from(document.querySelectorAll('[data-testid=stException], [data-testid=stAlertContentError]'))
    .find(live);
  if (bad) return 'error: ' + bad.innerText.trim().split('\\n')[0].slice(0, 300);
  const head = Array.from(document.querySelectorAll('h1, h2, h3'))
    .find(h => h.textContent.trim() === 'Partners for ' + name && live(h));
  if (!head) return false;
  return Array.from(document.querySelectorAll('[data-testid=stDataFrame]')).some(t => live(t)
    && (head.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) && t.getBoundingClientRect().height > 0)
    && 'ok';
}"""
IDLE_JS = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve_app(db: Path, env: dict[str, str], log: Path, start_s: float) -> Iterator[str]:
    """``streamlit run app.py`` on a free port with ``ROX_DB=db`` (as tests/browser do); yields
    its URL once its health check answers; stopped (by its pid) on exit."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port)]
    cmd += ["--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    cmd += ["--server.fileWatcherType", "none"]
    app_env = {**env, "ROX_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=app_env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_health(proc, url, log, start_s)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_health(proc: subprocess.Popen, url: str, log: Path, start_s: float) -> None:
    deadline = time.monotonic() + start_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            if r.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer within {start_s:g} s (log {log})")


def pick_and_time(page: Any, region: str, name: str, timeout_s: float) -> float:
    """Choose ``region`` in "Your region" (after typing it in the search box of a store of more
    than 5,000 regions); seconds from the click on its option until its
    partner table has rendered (a live table after the live "Partners for NAME" heading;
    polled every 50 ms). An error box or exception on the page ends the wait with an error."""
    search = page.get_by_test_id("stTextInput").filter(has=page.get_by_text("Search: Your region", exact=True))
    if search.count():  # a store of more than 5,000 regions: the picker asks for a search first
        search.locator("input").fill(region)
        page.keyboard.press("Enter")
        page.wait_for_function(IDLE_JS)
    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Your region", exact=True)).first
    box.click()
    page.keyboard.type(region, delay=15)
    option = page.get_by_role("option").filter(has_text=re.compile(rf"· {re.escape(region)}$")).first
    option.wait_for()
    started = time.perf_counter()
    option.click()
    state = page.wait_for_function(TABLE_READY_JS, arg=name, timeout=timeout_s * 1000, polling=50).json_value()
    elapsed = time.perf_counter() - started
    if state != "ok":  # the page showed an error instead of the table
        raise RuntimeError(f"{region}: the app showed {state}")
    page.wait_for_function(IDLE_JS, timeout=timeout_s * 1000)  # the rest of the page, before the next click
    return elapsed


def region_names(db: Path, ids: list[str], env: dict[str, str]) -> dict[str, str]:
    """Names of the regions ``ids`` (the text of the app's "Partners for NAME" heading)."""
    text = "MATCH (r:Region) WHERE r.id IN $ids RETURN r.id AS id, r.name AS name"
    run = run_cli(
        [rox_bin(), "--db", str(db), "cypher", text, "--param", "ids=" + json.dumps(ids), "--format", "json"], env, 600
    )
    if not run.ok:
        raise RuntimeError(f"reading region names: {run.problem(600)}")
    return {r["id"]: r["name"] or r["id"] for r in json.loads(run.out)}


def app_path(browser: Any, db: Path, regions: list[str], env: dict[str, str], timeout_s: float) -> dict[str, Any]:
    """One app process on ``db``: open Find partners, time the first and the second region."""
    names = region_names(db, regions, env)
    with tempfile.TemporaryDirectory(prefix="rox-bench-app-") as tmp:
        log = Path(tmp) / "streamlit.log"
        with serve_app(db, env, log, start_s=120) as url:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(timeout_s * 1000)
            page.goto(url + "/partners")
            page.get_by_text("Pick your region above").wait_for()
            page.wait_for_function(IDLE_JS)
            times = [pick_and_time(page, r, names[r], timeout_s) for r in regions]
            page.close()
    return {"regions": regions, "first_s": times[0], "second_s": times[1]}


def bench_app(size: SizeResult, args: argparse.Namespace) -> dict[str, Any]:
    """Find partners in the app on ``size``'s store, for each path (the new one first)."""
    if not (Path(CHROMIUM).exists() and os.access(CHROMIUM, os.X_OK)):
        return {"size": size.size, "skipped": f"no browser at {CHROMIUM} (apt-get install chromium; ROX_CHROMIUM)"}
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {"size": size.size}
    regions = [size.region, *size.others][:2]
    db = Path(size.db)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, switch in PATHS:
                timeout = args.old_timeout if name == "old" else args.new_timeout
                try:
                    out[name] = app_path(browser, db, regions, {**base_env(args), "ROX_SNAPSHOT": switch}, timeout)
                except Exception as exc:  # a timeout on the old path is a figure, not a crash
                    out[name] = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
                stop_server(db)
                print(f"[app] {name} path: {out[name]}")
        finally:
            browser.close()
    return out


# ------------------------------------------------------------- the report
def fmt_s(value: float | None, problem: str | None = None) -> str:
    """Seconds for the table, or why there are none.

    >>> fmt_s(1.234), fmt_s(None, "timeout (> 180 s)"), fmt_s(None, "TypeError: x"), fmt_s(None)
    ('1.23', 'timeout', 'error', '-')
    """
    if value is not None:
        return f"{value:.2f}"
    if not problem:
        return "-"
    word = problem.split()[0]
    return word if word in ("timeout", "skipped", "n/a") else "error"


COLUMNS = ("size", "facts", "path", "--version", "stats", "cold", "rebuilt", "warm", "blend", "CLI MB", "server MB")


def table_rows(sizes: list[SizeResult]) -> list[list[str]]:
    rows = []
    for s in sizes:
        for r in s.paths:
            p = r.problems
            rows.append([
                s.size, f"{r.facts:,}", r.path, fmt_s(r.version_s), fmt_s(r.stats_s),
                fmt_s(r.cold_s, p.get("cold")), fmt_s(r.rebuilt_s, p.get("rebuilt")),
                fmt_s(r.warm_s, p.get("warm")), fmt_s(r.blend_s, p.get("blend")),
                f"{r.cli_mb:,.0f}", f"{r.server_mb:,.0f}" if r.server_mb else "-",
            ])  # fmt: skip
    return rows


def print_table(sizes: list[SizeResult]) -> None:
    rows = [list(COLUMNS), *table_rows(sizes)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    for i, row in enumerate(rows):
        print("  ".join(c.rjust(w) if j > 2 else c.ljust(w) for j, (c, w) in enumerate(zip(row, widths, strict=True))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for s in sizes:
        command = f"`rox match {s.region} --top 10 --format json`, and with --measure blend --source {SOURCE}"
        print(f"identical: {s.identical}  ({s.size}: {command})")
        for r in s.paths:
            for note in r.notes:
                print(f"  {s.size} {r.path}: {note}")
            for what, problem in r.problems.items():
                print(f"  {s.size} {r.path} {what}: {problem}")


@dataclass
class Target:
    what: str
    value: float | None
    limit: float | None
    old: float | None = None

    @property
    def verdict(self) -> str:
        if self.value is None or self.limit is None:
            return "not measured"
        return "met" if self.value <= self.limit else "not met"


def targets(sizes: list[SizeResult], app: dict[str, Any] | None) -> list[Target]:
    """The targets of issue 13 on the new path (the quick size is checked like 456k: indicative)."""
    out: list[Target] = []
    for s in sizes:
        new, old = s.paths
        if s.size in ("456k", "quick"):
            limit = new.stats_s + 0.5 if new.stats_s is not None else None
            tag = s.size + (" (indicative)" if s.size == "quick" else "")
            out.append(Target(f"{tag}: warm match <= stats + 0.5 s", new.warm_s, limit, old.warm_s))
            out.append(Target(f"{tag}: blend <= 1 s", new.blend_s, 1.0, old.blend_s))
            out.append(Target(f"{tag}: first match after load <= 5 s", new.cold_s, 5.0, old.cold_s))
        if s.size == "4M":
            out.append(Target("4M: warm match <= 1.5 s", new.warm_s, 1.5, old.warm_s))
            out.append(Target("4M: CLI peak RSS <= 2 GB (MB)", new.cli_mb or None, 2048.0, old.cli_mb or None))
    if app and "new" in app:
        new_app, old_app = app.get("new", {}), app.get("old", {})
        out.append(Target(f"app ({app['size']}): first <= 5 s", new_app.get("first_s"), 5.0, old_app.get("first_s")))
        out.append(Target(f"app ({app['size']}): second <= 1 s", new_app.get("second_s"), 1.0, old_app.get("second_s")))
    return out


def print_targets(items: list[Target]) -> None:
    print("\ntargets (issue 13), new path; the old path's figure in brackets")
    for t in items:
        value = "-" if t.value is None else f"{t.value:,.2f}"
        limit = "-" if t.limit is None else f"{t.limit:,.2f}"
        old = "-" if t.old is None else f"{t.old:,.2f}"
        print(f"  {t.what:<48} {value:>9} (limit {limit:>7}) [old {old:>9}]  {t.verdict}")


# ------------------------------------------------------------- main
def _args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="456k,4M", help=f"comma-separated, of: {', '.join(SIZES)} (default 456k,4M)")
    ap.add_argument("--quick", action="store_true", help="the tiny size only (300 x 100), 1 repeat, no app")
    ap.add_argument("--repeats", type=int, help="runs per timed command, median shown (default 5; 1 with --quick)")
    ap.add_argument("--old-repeats", type=int, help="the old path's repeats (default: --repeats, at most 3)")
    ap.add_argument("--old-timeout", type=float, default=180.0, help="seconds before an old-path command is killed")
    ap.add_argument("--new-timeout", type=float, default=600.0, help="seconds before a new-path command is killed")
    ap.add_argument("--maxmemory-mb", type=int, default=8192, help="ROX_MAXMEMORY_MB for the server (default 8192)")
    ap.add_argument("--idle-s", type=float, default=120.0, help="ROX_SERVER_IDLE_S, so the server stays warm")
    ap.add_argument("--app", action=argparse.BooleanOptionalAction, default=None, help="time Find partners in the app")
    ap.add_argument("--workdir", type=Path, help="where the stores go (default: a temporary folder, removed)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--json", type=Path, metavar="FILE", help="write the figures to FILE")
    args = ap.parse_args()
    if args.quick:
        args.sizes = "quick"
    args.repeats = args.repeats or (1 if args.quick else 5)
    args.old_repeats = args.old_repeats or min(args.repeats, 3)
    args.app = (not args.quick) if args.app is None else args.app
    unknown = [s for s in args.sizes.split(",") if s not in SIZES]
    if unknown:
        ap.error(f"unknown size(s) {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    return args


def header(args: argparse.Namespace) -> None:
    print(
        f"# rox match benchmark (python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average at start {os.getloadavg()[0]:.2f})"
    )
    print(
        f"# server: ROX_MAXMEMORY_MB={args.maxmemory_mb} (set by this benchmark: the 4M store needs more than a "
        f"small default), ROX_SERVER_IDLE_S={args.idle_s:g} (idle time before a server without clients stops)"
    )
    print(
        f"# repeats per timed command (median): new path {args.repeats}, old path {args.old_repeats}; a command is "
        f"killed after {args.new_timeout:g} s (new) / {args.old_timeout:g} s (old), the path's later matches skipped"
    )
    print(
        "# CLI peak RSS: ru_maxrss of each rox process (os.wait4 rusage, largest match of the path); "
        "server: VmHWM of redis-server (/proc, polled every 0.2 s), restarted before each path"
    )


def main() -> int:
    args = _args()
    header(args)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="rox-bench-match-"))
    sizes: list[SizeResult] = []
    app = None
    try:
        for name in args.sizes.split(","):
            sizes.append(bench_size(SIZES[name], workdir, args))
        if args.app:
            on = next((s for s in sizes if s.size == "456k"), sizes[0])
            app = bench_app(on, args)
    finally:
        for s in sizes:
            stop_server(Path(s.db))
        if args.workdir is None and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        elif args.keep:
            print(f"kept {workdir}")
    print()
    print_table(sizes)
    if app is not None:
        print(f"app ({app['size']}): {json.dumps({k: v for k, v in app.items() if k != 'size'})}")
    items = targets(sizes, app)
    print_targets(items)
    print(f"# load average at end (1/5/15 min): {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        write_json(args.json, sizes, app, items, args)
    new_failed = any(p.problems.get(k) and p.path == "new" for s in sizes for p in s.paths for k in ("cold", "warm"))
    return 1 if new_failed or any(s.identical.startswith("no") for s in sizes) else 0


def write_json(path: Path, sizes: list[SizeResult], app: Any, items: list[Target], args: argparse.Namespace) -> None:
    doc = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "cpus": os.cpu_count(),
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "sizes": [
            {**asdict(s), "paths": [{k: v for k, v in asdict(p).items() if k != "outputs"} for p in s.paths]}
            for s in sizes
        ],
        "app": app,
        "targets": [{**asdict(t), "verdict": t.verdict} for t in items],
    }
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())

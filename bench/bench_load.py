"""Benchmark ``rox load-table`` into the embedded store (figures for docs/performance.md).

Generates a synthetic long CSV (region, sector, year, value; ISO 3166-2 regions x
HS 6-digit sectors) in a temporary folder, loads it through the same code path as
``rox load-table`` (``rox.cli.main``) into a fresh embedded FalkorDB, and prints
rows/s, wall time and peak memory (this process: ``ru_maxrss``; the redis-server
child: ``VmHWM`` from /proc via psutil). Then a baseline in the same run: naive
one-row-per-query MERGE of a 20,000-row sample, extrapolated to the full size.

Usage::

    .venv/bin/python bench/bench_load.py              # 2,000,000 rows
    .venv/bin/python bench/bench_load.py --rows 200000 --skip-baseline
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def make_csv(path: Path, rows: int, regions: int = 1000) -> tuple[int, int]:
    import pycountry

    subs = sorted(s.code for s in pycountry.subdivisions)[:regions]
    sectors = -(-rows // len(subs))
    codes = [f"{8400 + i // 100:04d}{i % 100:02d}" for i in range(sectors)]
    rnd = random.Random(42)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("region,sector,year,value\n")
        n = 0
        for code in codes:
            for reg in subs:
                if n >= rows:
                    break
                fh.write(f"{reg},{code},2020,{rnd.randint(0, 100000)}\n")
                n += 1
    return len(subs), len(codes)


class RedisPeak:
    """Polls the redis-server processes that start after it does and keeps their peak RSS (VmHWM)."""

    def __init__(self):
        import threading

        self.peak_kb = 0
        self._stop = threading.Event()
        self._before = self._pids()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    @staticmethod
    def _pids() -> set[int]:
        try:
            import psutil
        except ImportError:
            return set()
        return {p.pid for p in psutil.process_iter(["name"]) if p.info["name"] and "redis" in p.info["name"]}

    def _poll(self):
        while not self._stop.is_set():
            for pid in self._pids() - self._before:
                try:
                    with open(f"/proc/{pid}/status") as fh:
                        for line in fh:
                            if line.startswith("VmHWM:"):
                                self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                except OSError:
                    pass
            self._stop.wait(0.5)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak_kb


def baseline(db: str, csv_path: Path, sample: int) -> float:
    """Naive: one MERGE query per row (no batching), rows/s on a sample."""
    from rox.graph.store import open_store

    store = open_store(db=db)
    try:
        rows = []
        with csv_path.open() as fh:
            next(fh)
            for line in fh:
                r, s, y, v = line.rstrip("\n").split(",")
                rows.append((r, f"hs:{s[:4]}.{s[4:]}", int(y), float(v)))
                if len(rows) >= sample:
                    break
        t0 = time.perf_counter()
        for r, s, y, v in rows:
            store.run(
                "MERGE (a:Region {id: $r}) MERGE (b:Sector {id: $s}) "
                "MERGE (a)-[h:HAS_SECTOR {key: $k}]->(b) SET h.value = $v, h.year = $y",
                {"r": r, "s": s, "k": f"naive|{y}", "v": v, "y": y},
                write=True,
            )
        return len(rows) / (time.perf_counter() - t0)
    finally:
        store.close()


def _args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--batch-size", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=20_000, help="baseline sample size")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument(
        "--appendfsync",
        choices=("always", "everysec", "no"),
        help="DIAGNOSTIC ONLY: override the embedded server's appendfsync for this run (rox uses 'always')",
    )
    return ap.parse_args()


def _diagnostic_fsync(mode: str | None) -> None:
    if mode:
        import rox.graph.falkor_store as fs

        real = fs.server_config
        fs.server_config = lambda p: {**real(p), "appendfsync": mode}
        print(f"DIAGNOSTIC: appendfsync {mode} (not what rox ships)")


def _timed_load(argv: list[str]) -> tuple[int, float, str]:
    """Run ``rox`` with ``argv`` in this process: (exit code, seconds, what it printed)."""
    from rox.cli import main as rox_main

    out = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out):
        rc = rox_main(argv)
    return rc, time.perf_counter() - t0, out.getvalue().rstrip()


def main() -> int:
    args = _args()
    _diagnostic_fsync(args.appendfsync)
    tmp = Path(tempfile.mkdtemp(prefix="rox-bench-"))
    csv_path = tmp / "synthetic_long.csv"
    t0 = time.perf_counter()
    nreg, nsec = make_csv(csv_path, args.rows)
    print(
        f"generated {args.rows:,} rows ({nreg} regions x {nsec} sectors, {csv_path.stat().st_size / 1e6:.0f} MB) "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    argv = [
        "--db",
        str(tmp / "bench.db"),
        "load-table",
        str(csv_path),
        "--sector-scheme",
        "hs",
        "--kind",
        "exports",
        "--unit",
        "USD",
        "--batch-size",
        str(args.batch_size),
        "--no-progress",
    ]
    watch = RedisPeak()
    rc, wall, printed = _timed_load(argv)
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_redis = watch.stop()
    print(printed)
    print(
        f"rox load-table rc={rc}: {args.rows:,} rows in {wall:.1f} s = {args.rows / wall:,.0f} rows/s end to end "
        f"(batch {args.batch_size:,})"
    )
    print(
        f"peak RSS: rox process {peak_self:,.0f} MB"
        + (f"; redis-server {peak_redis / 1024:,.0f} MB" if peak_redis else "")
    )
    _, re_wall, _ = _timed_load(argv)
    print(f"reload of the same file (changes nothing): {re_wall:.1f} s = {args.rows / re_wall:,.0f} rows/s")
    if not args.skip_baseline:
        rate = baseline(str(tmp / "naive.db"), csv_path, args.sample)
        print(
            f"BASELINE (naive, one MERGE query per row, {args.sample:,}-row sample, extrapolated): {rate:,.0f} rows/s "
            f"-> {args.rows / rate:,.0f} s for {args.rows:,} rows"
        )
    if args.keep:
        print(f"kept {tmp}")
    else:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the similarity engine (queries.similarity.topk_pairs) — not a test.

Synthetic bipartite data: N regions x S sectors, exactly D distinct sectors per
region, sector popularity Zipf-like (P(sector of rank r) ∝ r^-a, default a=1.0),
sampled without replacement (Gumbel top-k), seeded.

Compares, on the "compare" size (default 5,000 x 500 x 40):
  * ours: all-pairs top-k Jaccard ``topk_pairs(M, k=10)``;
  * baseline: ``networkx.bipartite.overlap_weighted_projected_graph`` (Jaccard
    weights of the full projection) — run on the full size unless
    ``--nx-subset N`` is given (then on the first N regions, reported as such);
  * floor: one raw SciPy sparse product ``M @ M.T``.
and on the "large" size (default 100,000 x 1,000 x 50): all-pairs top-10 wall
time and peak RSS, plus one region's top-10 (``topk_for_row``) once built.
Each scenario runs in a fresh subprocess so its peak RSS (ru_maxrss) is its own;
``--jobs N`` sets ``topk_pairs(n_jobs=N)`` (threads; default: CPU count, max 4).

    python bench/bench_similarity.py            # full run
    python bench/bench_similarity.py --quick    # small sizes, seconds
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rox.queries.similarity import topk_for_row, topk_pairs  # noqa: E402


def synth(n: int, s: int, d: int, a: float = 1.0, seed: int = 0) -> sp.csr_matrix:
    """n x s binary CSR, d distinct sectors per row, Zipf(a) popularity, seeded."""
    rng = np.random.default_rng(seed)
    logw = -a * np.log(np.arange(1, s + 1))
    cols = np.empty((n, d), dtype=np.int32)
    for lo in range(0, n, 5000):
        hi = min(n, lo + 5000)
        g = logw[None, :] - np.log(-np.log(rng.random((hi - lo, s))))
        cols[lo:hi] = np.argpartition(-g, d - 1, axis=1)[:, :d]
    cols.sort(axis=1)
    indptr = np.arange(0, n * d + 1, d, dtype=np.int64)
    return sp.csr_matrix((np.ones(n * d, np.float32), cols.ravel(), indptr), shape=(n, s))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def scenario(
    name: str, n: int, s: int, d: int, a: float, k: int, nx_subset: int | None, jobs: int | None = None
) -> dict:
    M = synth(n, s, d, a)
    base_mb = _peak_mb()
    out: dict = {"scenario": name, "n": n, "s": s, "d": d, "zipf_a": a, "k": k, "jobs": jobs}
    if name == "ours":
        t = time.perf_counter()
        r, c, v = topk_pairs(M, metric="jaccard", k=k, n_jobs=jobs)
        out["seconds"] = time.perf_counter() - t
        out["pairs"] = int(r.size)
        out["peak_rss_mb"] = _peak_mb()  # one process: the chunks run on threads
        out["input_rss_mb"] = base_mb
        times = []
        for i in (0, n // 2, n - 1):
            t = time.perf_counter()
            cols, sc = topk_for_row(M, i, metric="jaccard", k=k)
            times.append(time.perf_counter() - t)
            assert cols.tolist() == c[r == i].tolist()
        out["one_row_ms"] = 1000 * float(np.median(times))
    elif name == "floor":
        t = time.perf_counter()
        P = M @ M.T
        out["seconds"] = time.perf_counter() - t
        out["product_nnz"] = int(P.nnz)
        out["peak_rss_mb"] = _peak_mb()
    elif name == "networkx":
        import networkx as nx
        from networkx.algorithms import bipartite

        m = nx_subset or n
        Ms = M[:m].tocoo()
        B = nx.Graph()
        regions = [("r", i) for i in range(m)]
        B.add_nodes_from(regions, bipartite=0)
        B.add_nodes_from((("s", j) for j in range(s)), bipartite=1)
        B.add_edges_from((("r", int(i)), ("s", int(j))) for i, j in zip(Ms.row, Ms.col, strict=True))
        t = time.perf_counter()
        G = bipartite.overlap_weighted_projected_graph(B, regions)
        out["seconds"] = time.perf_counter() - t
        out["n"] = m
        out["edges"] = G.number_of_edges()
        out["peak_rss_mb"] = _peak_mb()
    return out


def run_sub(args: list[str], timeout: float | None = None) -> dict | None:
    cmd = [sys.executable, __file__, "--_scenario", *args]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--compare", default="5000,500,40", help="N,S,D for the 3-way comparison")
    p.add_argument("--large", default="100000,1000,50", help="N,S,D for the large run ('' to skip)")
    p.add_argument("--zipf", type=float, default=1.0, help="Zipf exponent of sector popularity")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--nx-subset", type=int, default=None, help="run NetworkX on the first N regions only")
    p.add_argument("--nx-timeout", type=float, default=1800.0, help="give up on NetworkX after this many s")
    p.add_argument("--quick", action="store_true", help="small sizes (1000,200,20 and 10000,300,30)")
    p.add_argument("--jobs", type=int, default=0, help="threads for topk_pairs (0: its default)")
    p.add_argument("--_scenario", nargs=8, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a._scenario:
        name, n, s, d, z, k, sub, jobs = a._scenario
        print(json.dumps(scenario(name, int(n), int(s), int(d), float(z), int(k), int(sub) or None, int(jobs) or None)))
        return
    if a.quick:
        a.compare, a.large = "1000,200,20", "10000,300,30"
    n, s, d = (int(x) for x in a.compare.split(","))
    common = [str(n), str(s), str(d), str(a.zipf), str(a.k)]
    print(
        f"# similarity engine benchmark  (python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average at start {os.getloadavg()[0]:.2f})"
    )
    print(f"# compare size: {n} regions x {s} sectors x {d} per region, Zipf a={a.zipf}, top-{a.k} Jaccard")
    jobs = str(a.jobs)
    ours = run_sub(["ours", *common, "0", jobs])
    assert ours is not None  # no timeout given: None only for a timed-out run
    floor = run_sub(["floor", *common, "0", jobs])
    nxr = run_sub(["networkx", *common, str(a.nx_subset or 0), jobs], timeout=a.nx_timeout)
    rows = [("ours: topk_pairs (all-pairs top-k)", ours), ("floor: scipy M @ M.T (one product)", floor)]
    label = "baseline: networkx overlap_weighted_projected_graph"
    if nxr and nxr["n"] != n:
        label += f" [SUBSET: first {nxr['n']} regions]"
    rows.append((label, nxr))
    print(f"{'method':<75} {'seconds':>10} {'peak RSS MB':>12} {'ours x faster':>14}")
    for lbl, r in rows:
        if r is None:
            print(f"{lbl:<75} {'> ' + str(a.nx_timeout):>10} {'-':>12} {'-':>14}")
            continue
        print(f"{lbl:<75} {r['seconds']:>10.3f} {r['peak_rss_mb']:>12.0f} {r['seconds'] / ours['seconds']:>14.1f}")
    if nxr and nxr["n"] != n:
        print(
            f"# NetworkX ran on {nxr['n']} of {n} regions; its work grows ~quadratically "
            f"-> full-size estimate {nxr['seconds'] * (n / nxr['n']) ** 2:.1f} s"
        )
    print(f"# ours one-region top-{a.k} (topk_for_row): {ours['one_row_ms']:.2f} ms")
    if a.large:
        n2, s2, d2 = (int(x) for x in a.large.split(","))
        big = run_sub(["ours", str(n2), str(s2), str(d2), str(a.zipf), str(a.k), "0", jobs])
        assert big is not None
        print(f"# large: {n2} regions x {s2} sectors x {d2} per region, Zipf a={a.zipf}")
        print(
            f"large all-pairs top-{a.k}: {big['seconds']:.1f} s, peak RSS {big['peak_rss_mb']:.0f} MB "
            f"(input matrix built: {big['input_rss_mb']:.0f} MB); one region top-{a.k}: "
            f"{big['one_row_ms']:.1f} ms"
        )
    print(f"# load average at end (1/5/15 min): {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

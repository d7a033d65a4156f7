"""Node similarity with Neo4j GDS semantics, on a fast sparse top-k core.

Metrics (A, B = neighbour sets of two sources; a, b = weight vectors):

* ``jaccard``    |A∩B| / |A∪B|                   weighted: Σmin(a,b) / Σmax(a,b)
* ``overlap``    |A∩B| / min(|A|,|B|)            weighted: Σmin(a,b) / min(Σa, Σb)
* ``cosine``     |A∩B| / sqrt(|A|·|B|)           weighted: a·b / (‖a‖‖b‖)
* ``proximity``  |A∩B| / max(|A|,|B|)            weighted: Σmin(a,b) / max(Σa, Σb)
  (Hidalgo et al. 2007 / Atlas "proximity"; not a GDS metric)

Reference: Neo4j Graph Data Science manual, "Node Similarity" and
"Similarity functions" (neo4j/graph-data-science ``doc/modules/ROOT/pages/
algorithms/node-similarity.adoc``, ``similarity-functions.adoc``).  Weighted
Jaccard is Ioffe (2010), "Improved consistent sampling, weighted minhash".

Fast path: :func:`topk_pairs` processes rows in chunks.  For each chunk it
computes the pair statistic (|A∩B|, a·b or Σmin) against all rows, converts it
to a score with the row statistics, and keeps each row's k best with a
vectorised selection (no Python loop over pairs):

* *blocked count mode* (dense mode, unweighted, top-k largest, not overlap):
  Mᵀ is cut into cache-sized column blocks (S x 8192 small ints); for each
  block the chunk's rows are added up into uint8/uint16 counts by SciPy's
  sparse x dense kernel (the block stays in L2/L3 instead of streaming all of
  Mᵀ from RAM per row).  Each row keeps a running top-k; its k-th best score
  turns into a minimum count (every metric grows with |A∩B| and shrinks with
  |B|), so one integer comparison discards almost all pairs and only the few
  survivors are scored, exactly in float64, and merged.  The most popular
  sectors are folded "Four Russians" style: groups of 6 become one entry per
  row (its subset code) against 64 precomputed subset sums of Mᵀ rows, which
  cuts the additions per pair by ~20% on skewed data;
* *dense mode* otherwise (co-occurrence dense, few sectors): ``M[chunk] @ Mᵀ``
  as a sparse x dense product into small integer counts (uint8/uint16) or
  float64 (weighted cosine), then a sampled threshold + ``nonzero`` +
  ``lexsort`` top-k;
* *sparse mode*: sparse x sparse product ``M[chunk] @ Mᵀ`` and a segmented
  top-k on the CSR data;
* weighted Jaccard/overlap/proximity need Σmin, which is not a matrix product:
  it is computed by expanding the (row, sector) x (sector, other row) events of
  the chunk and summing them with a sparse COO -> CSR reduction.

Chunks run on a small thread pool created per call (no state shared between
calls, so several app sessions in one process can rank at the same time).
SciPy's sparse x dense kernel (``csr_matvecs``) and the NumPy selection release
the GIL, so two threads keep two cores busy: on 2 CPUs threads were 5-8% faster
than the forked worker processes used before on a quiet machine, 0-20% slower
under contention, with less memory and no fork of a threaded server
(``docs/performance.md``).  Unweighted scores are recomputed in float64 from the
exact integer counts for the kept pairs, so returned values are exact to float64
rounding.

>>> rows = node_similarity([("a", "x"), ("a", "y"), ("b", "x")])
>>> [(r[0], r[1], round(r[2], 3)) for r in rows]
[('a', 'b', 0.5), ('b', 'a', 0.5)]
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Hashable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np
import scipy.sparse as sp

__all__ = (
    "METRICS",
    "node_similarity",
    "topk_pairs",
    "topk_for_row",
    "row_scores",
    "pairwise_scores",
    "jaccard_similarity",
    "overlap_similarity",
    "cosine_similarity",
    "pearson_similarity",
    "euclidean_distance",
    "euclidean_similarity",
)

METRICS = ("jaccard", "overlap", "cosine", "proximity")
_DENSE_BYTES = 48 * 2**20  # target size of one dense float32 score chunk
_MAX_DENSE_OPERAND = 1 << 30  # max bytes for the dense Mᵀ operand


# --------------------------------------------------------------------------- #
# Preparation: row statistics and operands
# --------------------------------------------------------------------------- #
@dataclass
class _Prepared:
    metric: str
    weighted: bool
    kind: str  # "count" (binary |A∩B|), "dot" (normalised a·b), "min" (Σmin)
    X: sp.csr_matrix  # operand for the chunk rows
    XT: sp.csr_matrix | None  # Xᵀ as CSR (sparse mode product)
    XC: sp.csc_matrix | None  # X as CSC (Σmin event expansion)
    stat: np.ndarray  # |A| (count) / Σa (min) / unused (dot), zeros replaced by 1
    n: int

    def csc(self) -> sp.csc_matrix:
        """X as sorted CSC (the Σmin event expansion reads columns), built on first use."""
        if self.XC is None:
            XC = sp.csc_matrix(self.X)
            XC.sort_indices()
            self.XC = XC
        return self.XC


def _check_metric(metric: str) -> str:
    metric = metric.lower()
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {METRICS}")
    return metric


def _prepare(M: sp.spmatrix, metric: str, weighted: bool) -> _Prepared:
    metric = _check_metric(metric)
    M = sp.csr_matrix(M)
    M.sum_duplicates()
    M.eliminate_zeros()
    n = M.shape[0]
    if not weighted:
        X = M.astype(np.float32, copy=True)
        X.data[:] = 1.0
        stat = np.diff(X.indptr).astype(np.float64)
        kind = "count"
    elif metric == "cosine":
        X = M.astype(np.float64, copy=True)
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        X = sp.csr_matrix(sp.diags(1.0 / norms) @ X)
        stat = np.ones(n)
        kind = "dot"
    else:
        X = M.astype(np.float64, copy=True)
        if X.nnz and X.data.min() < 0:
            raise ValueError("weighted jaccard/overlap need non-negative weights")
        stat = np.asarray(X.sum(axis=1)).ravel()
        kind = "min"
    stat = stat.copy()
    stat[stat == 0] = 1.0  # empty rows: numerator is 0, so the score is 0
    X.sort_indices()
    return _Prepared(metric, weighted, kind, X, None, None, stat, n)


def _score(metric: str, kind: str, v: np.ndarray, si: np.ndarray, sj: np.ndarray, out=None) -> np.ndarray:
    """Score from pair statistic ``v`` and row statistics (broadcastable)."""
    if kind == "dot":
        return v
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric == "jaccard":
            den = sj - v
            den += si
        elif metric == "overlap":
            den = np.minimum(si, sj)
        elif metric == "proximity":
            den = np.maximum(si, sj)
        else:  # cosine on counts
            den = np.sqrt(si * sj)
        return np.divide(v, den, out=out)


# --------------------------------------------------------------------------- #
# Pair statistic for a chunk of rows
# --------------------------------------------------------------------------- #
def _min_events(P: _Prepared, start: int, stop: int) -> sp.csr_matrix:
    """Σ_s min(x_is, x_js) for i in [start, stop) vs all j, as CSR (stop-start) x n."""
    X, XC = P.X, P.csc()
    lo, hi = X.indptr[start], X.indptr[stop]
    s = X.indices[lo:hi]
    v = X.data[lo:hi]
    i_loc = np.repeat(np.arange(stop - start), np.diff(X.indptr[start : stop + 1]))
    starts = XC.indptr[s]
    lens = XC.indptr[s + 1] - starts
    total = int(lens.sum())
    if total == 0:
        return sp.csr_matrix((stop - start, P.n))
    offs = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(total)
    j = XC.indices[offs]
    w = np.minimum(np.repeat(v, lens), XC.data[offs])
    out = sp.csr_matrix((w, (np.repeat(i_loc, lens), j)), shape=(stop - start, P.n))
    out.sum_duplicates()
    return out


def _chunk_stat_sparse(P: _Prepared, start: int, stop: int) -> sp.csr_matrix:
    if P.kind == "min":
        return _min_events(P, start, stop)
    out = P.X[start:stop] @ P.XT
    out.sum_duplicates()
    return sp.csr_matrix(out)


# --------------------------------------------------------------------------- #
# Selection helpers
# --------------------------------------------------------------------------- #
def _segmented_topk(r: np.ndarray, c: np.ndarray, key: np.ndarray, k: int):
    """Per row r, keep the k largest ``key`` (ties: smaller column first)."""
    if r.size == 0:
        return r, c
    order = np.lexsort((c, -key, r))
    r, c = r[order], c[order]
    first = np.searchsorted(r, r, side="left")
    keep = (np.arange(r.size) - first) < k
    return r[keep], c[keep]


def _select_dense(key: np.ndarray, k: int, floor: float):
    """Top-k per row of dense ``key`` among entries >= ``floor`` (-inf = invalid).

    A threshold is taken from a column sample (its k-th largest is a lower bound
    of the row's k-th largest), survivors are extracted with ``nonzero`` and
    ranked exactly by ``lexsort`` — ties by column index.
    """
    C, n = key.shape
    m = min(n, max(4096, 64 * k))
    step = max(1, n // m)
    sample = key[:, ::step] if step > 1 else key
    if sample.shape[1] > k:
        thr = np.partition(sample, sample.shape[1] - k, axis=1)[:, sample.shape[1] - k]
    else:
        thr = np.full(C, -np.inf, dtype=key.dtype)
    thr = np.maximum(thr, key.dtype.type(floor)).astype(key.dtype)
    mask = key >= thr[:, None]
    if not np.isfinite(floor):
        mask &= key > -np.inf
    flat = np.flatnonzero(mask)
    r, c = np.divmod(flat, n)
    return _segmented_topk(r, c, key.ravel()[flat].astype(np.float64), k)


def _count_dtype(P: _Prepared):
    mx = int(np.diff(P.X.indptr).max(initial=0))
    if mx <= 255:
        return np.uint8
    if mx <= 65535:
        return np.uint16
    return np.float32


# --------------------------------------------------------------------------- #
# Blocked count kernel (unweighted, top-k largest, dense co-occurrence)
# --------------------------------------------------------------------------- #
_JBLOCK = 8192  # columns of Mᵀ per block: S x 8192 small ints stay in L2/L3
_SEED_COLS = 1024  # columns sampled from the first block to seed the threshold
_GROUP_BITS = 6  # sectors per "Four Russians" group (0 disables grouping)
_MAX_GROUPS = 8

try:  # private SciPy kernel: Y += A @ X into a reused buffer (no allocation)
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover - depends on the SciPy version
    _csr_matvecs = None


def _csr_times_dense(A: sp.csr_matrix, B: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``A @ B`` (B C-contiguous, same dtype as A) written into ``out[:, :B.shape[1]]``."""
    m, w = A.shape[0], B.shape[1]
    if _csr_matvecs is not None:
        Y = out.ravel()[: m * w].reshape(m, w)
        Y.fill(0)
        try:
            _csr_matvecs(m, A.shape[1], w, A.indptr, A.indices, A.data, B.ravel(), Y.ravel())
            return Y
        except (TypeError, ValueError):  # pragma: no cover - unexpected signature
            pass
    return A @ B


def _block_edges(n: int) -> list[int]:
    """Column block edges: small first blocks (the running thresholds are still
    loose there), then ``_JBLOCK``-wide blocks."""
    edges = [0]
    while edges[-1] < n:
        edges.append(min(n, edges[-1] + min(_JBLOCK, max(_SEED_COLS, edges[-1]))))
    return edges


def _popular_groups(X: sp.csr_matrix, h: int) -> list[np.ndarray]:
    """The sector groups worth folding: the most popular sectors, ``h`` at a time, sorted.

    A group is kept while it saves about one row addition per row on average;
    each group adds ``2^h - h`` rows to the Mᵀ operand, so at most +50% memory.
    """
    n, S = X.shape
    deg = np.bincount(X.indices, minlength=S)
    order = np.argsort(-deg, kind="stable")
    groups = []
    max_groups = min(_MAX_GROUPS, (S // 2) // max(1, (1 << h) - h))
    for g in range(max_groups):
        sec = order[g * h : (g + 1) * h]
        if sec.size < h or deg[sec].sum() < 2 * n:
            break
        groups.append(np.sort(sec))
    return groups


def _grouped_rows(X: sp.csr_matrix, groups: list[np.ndarray], h: int, dt) -> tuple[sp.csr_matrix, np.ndarray]:
    """``X'``: the ungrouped sectors renumbered first, then one subset-code entry per (row, group).

    Returns ``(X', rest)`` with ``rest`` the ungrouped sector ids in their new column order.
    """
    n, S = X.shape
    G, W = len(groups), 1 << h
    grp = np.full(S, -1, dtype=np.int64)
    bit = np.zeros(S, dtype=np.int64)
    for g, sec in enumerate(groups):
        grp[sec] = g
        bit[sec] = 1 << np.arange(h)
    rest = np.flatnonzero(grp < 0)
    U = rest.size
    newcol = np.full(S, -1, dtype=np.int64)
    newcol[rest] = np.arange(U)
    rows = np.repeat(np.arange(n), np.diff(X.indptr))
    ind = X.indices
    ing = grp[ind] >= 0
    codes = (
        np.bincount(rows[ing] * G + grp[ind[ing]], weights=bit[ind[ing]], minlength=n * G)
        .astype(np.int64)
        .reshape(n, G)
    )
    gr, gg = np.nonzero(codes)
    r = np.concatenate([rows[~ing], gr])
    c = np.concatenate([newcol[ind[~ing]], U + gg * W + codes[gr, gg]])
    Xg = sp.csr_matrix((np.ones(r.size, dtype=dt), (r, c)), shape=(n, U + G * W))
    Xg.sort_indices()
    return Xg, rest


def _subset_expander(groups: list[np.ndarray], rest: np.ndarray, h: int) -> Callable[[np.ndarray], np.ndarray]:
    """``expand(B)``: a dense S x w block of Mᵀ to the matching block of ``B'``
    (the ungrouped rows, then per group the sums of Mᵀ rows for all ``2^h`` subsets)."""
    G, W, U = len(groups), 1 << h, rest.size

    def expand(B: np.ndarray) -> np.ndarray:
        out = np.empty((U + G * W, B.shape[1]), dtype=B.dtype)
        out[:U] = B[rest]
        for g, sec in enumerate(groups):
            T = out[U + g * W : U + (g + 1) * W]
            T[0] = 0
            for m in range(1, W):
                low = m & -m  # sum for subset m = sum without its lowest sector + that sector's Mᵀ row
                np.add(T[m ^ low], B[sec[low.bit_length() - 1]], out=T[m])
        return out

    return expand


def _group_operands(X: sp.csr_matrix, dt):
    """The "Four Russians" rewrite of the binary count product ``X @ Xᵀ``.

    The most popular sectors are cut into groups of ``_GROUP_BITS``; a row's
    sectors inside one group become a single entry (its subset code), and the
    Mᵀ side gets, per group, one precomputed row per subset (the sum of that
    subset's Mᵀ rows).  Then ``X' @ B'`` equals ``X @ Mᵀ`` exactly, with fewer
    row additions per pair (~50 -> ~38 on the Zipf benchmark).  Returns
    ``(X', expand)`` where ``expand(B)`` maps a dense S x w block of Mᵀ to the
    matching block of B', or ``None`` when no group is worth it.
    """
    h = _GROUP_BITS
    if h <= 0 or X.shape[0] == 0:
        return None
    groups = _popular_groups(X, h)
    if not groups:
        return None
    Xg, rest = _grouped_rows(X, groups, h, dt)
    return Xg, _subset_expander(groups, rest, h)


def _count_bound(metric: str, thr: np.ndarray, si: np.ndarray, sj_min: float) -> np.ndarray:
    """Smallest |A∩B| that can reach score ``thr`` for a row of size ``si``
    against any column whose size is >= ``sj_min`` (never above the exact bound).

    Every metric is increasing in the count and non-increasing in |B|, so
    ``score(c, si, sj) >= thr`` implies ``c >= thr * g(si, sj_min)``.
    """
    t = np.maximum(thr, 0.0)
    if metric == "jaccard":  # c >= t (si + sj - c)  =>  c >= t (si + sj) / (1 + t)
        b = t * (si + sj_min) / (1.0 + t)
    elif metric == "overlap":
        b = t * np.minimum(si, sj_min)
    elif metric == "proximity":
        b = t * np.maximum(si, sj_min)
    else:  # cosine
        b = t * np.sqrt(si * sj_min)
    b = np.ceil(b * (1.0 - 1e-9))  # counts are integers; slack for rounding
    b[~np.isfinite(b)] = 0.0
    return b


@dataclass
class _RunningTopK:
    """Each row's best k so far: scores (-inf = empty), columns (-1), pair statistics."""

    s: np.ndarray
    c: np.ndarray
    v: np.ndarray

    @classmethod
    def empty(cls, rows: int, k: int) -> _RunningTopK:
        return cls(np.full((rows, k), -np.inf), np.full((rows, k), -1, dtype=np.int64), np.zeros((rows, k)))

    def merge(self, r: np.ndarray, c: np.ndarray, v: np.ndarray, s: np.ndarray) -> None:
        """Merge candidate pairs (local row r) into the rows' running top-k
        (score descending, ties: lower column first)."""
        k = self.s.shape[1]
        touched = np.unique(r)
        old = self.c[touched] >= 0
        r = np.concatenate([np.repeat(touched, old.sum(axis=1)), r])
        c = np.concatenate([self.c[touched][old], c])
        v = np.concatenate([self.v[touched][old], v])
        s = np.concatenate([self.s[touched][old], s])
        order = np.lexsort((c, -s, r))
        r, c, v, s = r[order], c[order], v[order], s[order]
        pos = np.arange(r.size) - np.searchsorted(r, r, side="left")
        sel = pos < k
        self.s[touched] = -np.inf
        self.c[touched] = -1
        r, pos = r[sel], pos[sel]
        self.s[r, pos], self.c[r, pos], self.v[r, pos] = s[sel], c[sel], v[sel]


def _seed_kth(P: _Prepared, V: np.ndarray, si: np.ndarray, start: int, k: int, floor: float) -> np.ndarray | None:
    """A lower bound of each row's final k-th best score: the k-th best exact score
    among the first ``_SEED_COLS`` columns of the first block (None if too few)."""
    m = min(V.shape[1], _SEED_COLS)
    if m <= k:
        return None
    Ss = _score(P.metric, P.kind, V[:, :m].astype(np.float64), si[:, None], P.stat[None, :m])
    own = np.arange(V.shape[0]) + start
    sr = np.flatnonzero(own < m)
    Ss[sr, own[sr]] = -np.inf  # the self pair never qualifies
    Ss[~(Ss >= floor)] = -np.inf
    return np.partition(Ss, m - k, axis=1)[:, m - k]


def _blocked_count_topk(P: _Prepared, Xc: sp.csr_matrix, blocks, start: int, stop: int, k: int, floor: float):
    """Exact top-k (largest score) of rows [start, stop) against all rows.

    Mᵀ is processed in column blocks (``blocks``: list of (j0, C-contiguous
    S x w small-int block)) so the block stays in cache while every row of
    the chunk adds its ~D block rows into a small-int count buffer.  Each row
    keeps a running top-k; its k-th best score gives a count threshold
    (:func:`_count_bound`) so only the few pairs able to enter the top-k are
    scored (exactly, in float64) and merged.
    """
    stat = P.stat
    si = stat[start:stop]
    A = Xc[start:stop]
    buf = np.empty((stop - start) * max(b.shape[1] for _, b in blocks), dtype=blocks[0][1].dtype)
    best = _RunningTopK.empty(stop - start, k)
    for bi, (j0, B) in enumerate(blocks):
        w = B.shape[1]
        V = _csr_times_dense(A, B, buf)
        kth = best.s[:, k - 1]
        if bi == 0:  # j0 == 0: seed the bound (a bound, not a candidate)
            seed = _seed_kth(P, V, si, start, k, floor)
            kth = kth if seed is None else seed
        need = _count_bound(P.metric, np.maximum(kth, floor), si, float(stat[j0 : j0 + w].min()))
        if np.issubdtype(V.dtype, np.integer):
            need = np.minimum(need, np.iinfo(V.dtype).max).astype(V.dtype)
        flat = np.flatnonzero(need[:, None] <= V)
        r, c = np.divmod(flat, w)
        v = V.ravel()[flat].astype(np.float64)
        c += j0
        s = _score(P.metric, P.kind, v, si[r], stat[c])
        # earlier blocks hold smaller columns, so a tie with the current k-th
        # best loses: only strictly better pairs can enter
        keep = (s >= floor) & (s > best.s[r, k - 1]) & (c != r + start)
        if keep.any():
            best.merge(r[keep], c[keep], v[keep], s[keep])
    ok = best.c >= 0
    r = np.repeat(np.arange(stop - start), ok.sum(axis=1))
    return r + start, best.c[ok], best.v[ok]


# --------------------------------------------------------------------------- #
# Public fast core
# --------------------------------------------------------------------------- #
def _choose_mode(P: _Prepared, min_score: float) -> str:
    n, S = P.X.shape
    if min_score <= 0:
        return "dense"  # zero-similarity pairs are candidates too
    deg = np.diff(sp.csc_matrix(P.X).indptr).astype(np.float64)
    pi = deg / max(n, 1)
    est_density = 1.0 - math.exp(-float((pi * pi).sum()))  # P(pair shares a column)
    itemsize = 8 if P.kind != "count" else 1
    if est_density > 0.05 and S * n * itemsize <= _MAX_DENSE_OPERAND and P.kind != "min":
        return "dense"
    return "sparse"


@dataclass
class _Operands:
    """What every chunk reads (built once per :func:`topk_pairs` call, never shared).

    ``blocks``: blocked count kernel (cache-sized C-contiguous column blocks of Mᵀ);
    ``dense_T``: dense Mᵀ for the plain dense mode; neither: sparse mode.
    """

    mode: str
    stat32: np.ndarray  # row statistics in float32 (dense count scores)
    Xc: sp.csr_matrix | None = None
    dense_T: np.ndarray | None = None
    blocks: list[tuple[int, np.ndarray]] | None = None


def _operands(P: _Prepared, mode: str, largest: bool) -> _Operands:
    """The chunk operands for ``mode`` (and the CSC / transposed copies it needs)."""
    if P.kind == "min":
        P.csc()  # built once here, not by each chunk thread
    if mode == "sparse" and P.kind != "min":
        P.XT = sp.csr_matrix(P.X.T)
    ops = _Operands(mode, P.stat.astype(np.float32))
    if mode == "dense" and P.kind == "count" and largest and P.metric != "overlap":
        # (overlap has no useful count bound: min(|A|, |B|) can be tiny)
        dt = _count_dtype(P)
        grouped = _group_operands(P.X, dt)
        ops.Xc = P.X.astype(dt) if grouped is None else grouped[0]
        expand = (lambda B: B) if grouped is None else grouped[1]
        edges = _block_edges(P.n)
        ops.blocks = [
            (j0, np.ascontiguousarray(expand(P.X[j0:j1].T.toarray().astype(dt))))
            for j0, j1 in zip(edges[:-1], edges[1:], strict=True)
        ]
    elif mode == "dense" and P.kind != "min":
        dt = _count_dtype(P) if P.kind == "count" else np.float64
        ops.dense_T = np.ascontiguousarray(P.X.T.toarray().astype(dt))
        ops.Xc = P.X.astype(dt)
    return ops


def _default_chunk_rows(P: _Prepared, ops: _Operands, jobs: int) -> int:
    """Rows per chunk: ~16 MB of counts (blocked kernel, a multiple of ``jobs``
    chunks), ~48 MB of dense scores, or a bounded number of sparse events."""
    n = P.n
    if ops.blocks is not None:
        per = max(1, min(n, (16 * 2**20) // min(n, _JBLOCK)))
        nchunks = -(-n // per)
        nchunks = -(-nchunks // jobs) * jobs
        return max(1, -(-n // nchunks))
    if ops.mode == "sparse" or P.kind == "min":
        deg = np.diff(sp.csc_matrix(P.X).indptr)
        ones = sp.csr_matrix((np.ones(P.X.nnz), P.X.indices, P.X.indptr), shape=P.X.shape)
        avg = max(1.0, float(np.asarray(ones @ deg).ravel().mean()))
        return int(max(1, min(n, 4_000_000 // avg)))
    return max(1, min(n, _DENSE_BYTES // (4 * max(n, 1))))


def _dense_chunk(P: _Prepared, ops: _Operands, start: int, stop: int, k: int, floor: float, largest: bool):
    """Top-k of rows [start, stop) from a dense score block (``_select_dense``)."""
    rows_loc = np.arange(stop - start)
    if P.kind == "min":
        V = _min_events(P, start, stop).toarray()
    else:
        assert ops.Xc is not None and ops.dense_T is not None  # built by _operands for dense mode
        V = ops.Xc[start:stop] @ ops.dense_T
    if P.kind == "count":
        S = _score(P.metric, P.kind, V.astype(np.float32), ops.stat32[start:stop, None], ops.stat32[None, :])
    else:
        S = _score(P.metric, P.kind, V.astype(np.float64), P.stat[start:stop, None], P.stat[None, :])
    S[rows_loc, rows_loc + start] = -np.inf
    if largest:
        key, fl = S, floor
    else:
        key, fl = np.where(floor <= S, -S, -np.inf), -np.inf
    r, c = _select_dense(key, k, fl)
    return r + start, c, V[r, c].astype(np.float64)


def _sparse_chunk(P: _Prepared, start: int, stop: int, k: int, floor: float, largest: bool):
    """Top-k of rows [start, stop) from the sparse pair statistic (segmented top-k)."""
    V = _chunk_stat_sparse(P, start, stop)
    r = np.repeat(np.arange(stop - start), np.diff(V.indptr))
    c = V.indices.astype(np.int64)
    v = V.data.astype(np.float64)
    s = _score(P.metric, P.kind, v, P.stat[r + start], P.stat[c])
    ok = (c != r + start) & (s >= floor)
    r, c, v, s = r[ok], c[ok], v[ok], s[ok]
    key = s if largest else -s
    idx = np.lexsort((c, -key, r))
    rs = r[idx]
    idx = idx[(np.arange(idx.size) - np.searchsorted(rs, rs, side="left")) < k]
    return r[idx] + start, c[idx], v[idx]


def _run_chunk(
    P: _Prepared, ops: _Operands, chunk_rows: int, k: int, floor: float, largest: bool, start: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(rows, cols, pair statistic)`` kept for the chunk of rows starting at ``start``."""
    stop = min(P.n, start + chunk_rows)
    if ops.blocks is not None:
        return _blocked_count_topk(P, ops.Xc, ops.blocks, start, stop, k, floor)
    if ops.mode == "dense":
        return _dense_chunk(P, ops, start, stop, k, floor, largest)
    return _sparse_chunk(P, start, stop, k, floor, largest)


def topk_pairs(
    M: sp.spmatrix,
    *,
    metric: str = "jaccard",
    k: int = 10,
    weighted: bool = False,
    chunk_rows: int | None = None,
    min_score: float = 1e-42,
    largest: bool = True,
    mode: str = "auto",
    n_jobs: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All-pairs top-k similarity between the rows of ``M`` (self excluded).

    Returns ``(rows, cols, scores)``: for each row i its up-to-k best partners j
    with ``score >= min_score`` (``largest=False``: the k lowest such scores),
    sorted by row, then score (best first), then column index (ties: lower
    column index first).  ``mode`` is ``"auto"``, ``"dense"`` or ``"sparse"``
    (see module docstring); ``chunk_rows`` defaults to a chunk whose dense
    score block is ~48 MB (blocked count mode: ~16 MB of counts); ``n_jobs``
    threads (default: CPU count, max 4).

    >>> M = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 1], [0, 0, 1]]))
    >>> r, c, s = topk_pairs(M, k=1)
    >>> list(zip(r.tolist(), c.tolist(), s.round(3).tolist()))
    [(0, 1, 0.667), (1, 0, 0.667), (2, 1, 0.333)]
    """
    P = _prepare(M, metric, weighted)
    k = min(k, P.n - 1)  # a row has at most n - 1 partners (and buffers are sized by k)
    if k <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    ops = _operands(P, _choose_mode(P, min_score) if mode == "auto" else mode, largest)
    jobs = n_jobs or min(4, os.cpu_count() or 1)
    chunk_rows = chunk_rows or _default_chunk_rows(P, ops, jobs)
    run = partial(_run_chunk, P, ops, chunk_rows, k, float(min_score), largest)
    parts = _map_chunks(run, range(0, P.n, chunk_rows), jobs)
    r = np.concatenate([p[0] for p in parts]).astype(np.int64)
    c = np.concatenate([p[1] for p in parts]).astype(np.int64)
    v = np.concatenate([p[2] for p in parts])
    s = _score(P.metric, P.kind, v, P.stat[r], P.stat[c])  # float64 rescoring
    keyed = s if largest else -s
    order = np.lexsort((c, -keyed, r))
    return r[order], c[order], s[order]


def _map_chunks(run: Callable[[int], tuple], starts: range, jobs: int) -> list[tuple]:
    """``[run(s) for s in starts]``, on ``jobs`` threads of a pool owned by this call.

    The pool lives and dies inside the call and ``run`` carries its own data, so
    concurrent calls (several app sessions in one process) share nothing.

    >>> _map_chunks(lambda s: (s * s,), range(0, 4), 2)
    [(0,), (1,), (4,), (9,)]
    """
    if jobs <= 1 or len(starts) <= 1:
        return [run(s0) for s0 in starts]
    with ThreadPoolExecutor(min(jobs, len(starts))) as ex:
        return list(ex.map(run, starts))


def row_scores(
    M: sp.spmatrix, i: int, *, metric: str = "jaccard", weighted: bool = False, _prepared: _Prepared | None = None
) -> np.ndarray:
    """Dense float64 vector of the scores of row ``i`` against every row (self included)."""
    P = _prepared or _prepare(M, metric, weighted)
    if P.kind == "min":
        v = _min_events(P, i, i + 1).toarray().ravel()
    else:
        x = P.X[i].toarray().ravel().astype(np.float64)
        v = np.asarray(P.X @ x).ravel()
    return _score(P.metric, P.kind, v, P.stat[i], P.stat)


def topk_for_row(
    M: sp.spmatrix,
    i: int,
    *,
    metric: str = "jaccard",
    k: int = 10,
    weighted: bool = False,
    min_score: float = 1e-42,
    largest: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-k partners of a single row ``i``: ``(cols, scores)``, best first.

    Same semantics as one row of :func:`topk_pairs` (self excluded, scores
    below ``min_score`` dropped, ties by lower column index).
    """
    s = row_scores(M, i, metric=metric, weighted=weighted)
    s[i] = np.nan
    cand = np.flatnonzero(s >= min_score)
    key = s[cand] if largest else -s[cand]
    if cand.size > k:
        part = np.argpartition(-key, k - 1)[:k]
        kth = key[part].min()
        sel = key >= kth  # include ties at the boundary, then order exactly
        cand, key = cand[sel], key[sel]
    order = np.lexsort((cand, -key))[:k]
    return cand[order], s[cand[order]]


def pairwise_scores(M: sp.spmatrix, *, metric: str = "jaccard", weighted: bool = False) -> np.ndarray:
    """Dense n x n score matrix (diagonal = self-similarity). For small n."""
    P = _prepare(M, metric, weighted)
    if P.kind == "min":
        V = _min_events(P, 0, P.n).toarray()
    else:
        V = (P.X.astype(np.float64) @ P.X.T.astype(np.float64)).toarray()
    S = _score(P.metric, P.kind, V, P.stat[:, None], P.stat[None, :])
    return np.nan_to_num(S)


# --------------------------------------------------------------------------- #
# GDS node similarity
# --------------------------------------------------------------------------- #
def _edge_matrix(edges: Iterable[Sequence]) -> tuple[list[Hashable], sp.csr_matrix]:
    """Nodes in order of first appearance and the node x node CSR of summed weights
    (a missing or null weight is 1.0).

    >>> nodes, A = _edge_matrix([("a", "x", 2.0), ("a", "x"), ("b", "x", None)])
    >>> nodes, A.toarray().tolist()
    (['a', 'x', 'b'], [[0.0, 3.0, 0.0], [0.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    """
    first: dict[Hashable, int] = {}
    src_i, tgt_i, w = [], [], []
    for e in edges:
        s, t = e[0], e[1]
        first.setdefault(s, len(first))
        first.setdefault(t, len(first))
        src_i.append(first[s])
        tgt_i.append(first[t])
        w.append(float(e[2]) if len(e) > 2 and e[2] is not None else 1.0)
    n = len(first)
    ij = (np.asarray(src_i, dtype=np.int64), np.asarray(tgt_i, dtype=np.int64))
    A = sp.csr_matrix((np.asarray(w, dtype=float), ij), shape=(n, n))
    A.sum_duplicates()
    return list(first), A


def node_similarity(
    edges: Iterable[Sequence],
    *,
    metric: str = "jaccard",
    top_k: int = 10,
    bottom_k: int | None = None,
    top_n: int = 0,
    bottom_n: int = 0,
    similarity_cutoff: float = 1e-42,
    degree_cutoff: int = 1,
    upper_degree_cutoff: int | None = None,
    weighted: bool = False,
) -> list[tuple[Hashable, Hashable, float]]:
    """Rows ``(node1, node2, similarity)`` like ``gds.nodeSimilarity.stream``.

    * ``edges``: ``(source, target)`` or ``(source, target, weight)``; missing
      weights are 1.0 (as ``coalesce(r.strength, 1.0)`` in the GDS docs);
      a repeated (source, target) keeps the sum of its weights.
    * Only sources with ``degree_cutoff <= degree <= upper_degree_cutoff``
      (degree = distinct targets) take part, as node1 and as node2.
    * Each node1 keeps its ``top_k`` highest (or, if ``bottom_k`` is given, its
      ``bottom_k`` lowest) scores >= ``similarity_cutoff``; then ``top_n`` /
      ``bottom_n`` (if > 0) keep the n highest / lowest rows overall.
    * Pairs appear in both directions; a node is never its own partner.
    * Ties (in top/bottom selection and in output order) go to the node that
      appears first in ``edges``.
    * Output order: similarity descending, then node1, then node2 in order of
      first appearance — i.e. the GDS docs' ``ORDER BY similarity DESC,
      Person1, Person2`` when names sort like first appearance.
    """
    metric = _check_metric(metric)
    if metric == "proximity":
        raise ValueError("proximity is not a GDS node similarity metric")
    nodes, A = _edge_matrix(edges)
    if not nodes:
        return []
    deg = np.diff(A.indptr)
    ok = (deg >= max(degree_cutoff, 1)) & (deg > 0)
    if upper_degree_cutoff is not None:
        ok &= deg <= upper_degree_cutoff
    keep = np.flatnonzero(ok)  # sorted => first-appearance order
    if keep.size < 2:
        return []
    M = A[keep]
    largest = bottom_k is None
    k = top_k if bottom_k is None else bottom_k
    r, c, s = topk_pairs(M, metric=metric, k=k, weighted=weighted, min_score=similarity_cutoff, largest=largest)
    if top_n > 0:
        o = np.lexsort((c, r, -s))[:top_n]
        r, c, s = r[o], c[o], s[o]
    if bottom_n > 0:
        o = np.lexsort((c, r, s))[:bottom_n]
        r, c, s = r[o], c[o], s[o]
    o = np.lexsort((c, r, -s))
    return [(nodes[keep[a]], nodes[keep[b]], float(x)) for a, b, x in zip(r[o], c[o], s[o], strict=True)]


# --------------------------------------------------------------------------- #
# GDS similarity functions on lists (gds.similarity.*)
# --------------------------------------------------------------------------- #
def _clean_pair(a: Sequence, b: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """Vectors with null -> 0 (GDS vector functions)."""
    if len(a) != len(b):
        raise ValueError("vectors must have equal length")
    return (
        np.array([0.0 if x is None else float(x) for x in a]),
        np.array([0.0 if x is None else float(x) for x in b]),
    )


def jaccard_similarity(a: Sequence, b: Sequence) -> float:
    """``gds.similarity.jaccard``: |A∩B| / |A∪B| of the lists as sets (nulls ignored).

    >>> jaccard_similarity([1.0, 5.0, 3.0, 6.7], [5.0, 2.5, 3.1, 9.0])
    0.14285714285714285
    """
    A = {x for x in a if x is not None}
    B = {x for x in b if x is not None}
    union = len(A | B)
    return len(A & B) / union if union else 0.0


def overlap_similarity(a: Sequence, b: Sequence) -> float:
    """``gds.similarity.overlap``: |A∩B| / min(|A|,|B|) of the lists as sets."""
    A = {x for x in a if x is not None}
    B = {x for x in b if x is not None}
    m = min(len(A), len(B))
    return len(A & B) / m if m else 0.0


def cosine_similarity(a: Sequence, b: Sequence) -> float:
    """``gds.similarity.cosine``: a·b / (‖a‖‖b‖), nulls as 0."""
    x, y = _clean_pair(a, b)
    den = float(np.linalg.norm(x) * np.linalg.norm(y))
    return float(x @ y) / den if den else 0.0


def pearson_similarity(a: Sequence, b: Sequence) -> float:
    """``gds.similarity.pearson``: cov(a,b) / (σa σb), nulls as 0."""
    x, y = _clean_pair(a, b)
    x = x - x.mean()
    y = y - y.mean()
    den = float(np.sqrt((x @ x) * (y @ y)))
    return float(x @ y) / den if den else 0.0


def euclidean_distance(a: Sequence, b: Sequence) -> float:
    """``gds.similarity.euclideanDistance``: sqrt(Σ(a-b)²), nulls as 0."""
    x, y = _clean_pair(a, b)
    return float(np.sqrt(((x - y) ** 2).sum()))


def euclidean_similarity(a: Sequence, b: Sequence) -> float:
    """``gds.similarity.euclidean``: 1 / (1 + euclidean distance)."""
    return 1.0 / (1.0 + euclidean_distance(a, b))

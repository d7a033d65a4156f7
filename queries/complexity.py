"""Economic complexity: RCA, M, diversity, ubiquity, proximity, density, ECI/PCI, COI, COG.

Conventions reproduce the Stata ``ecomplexity`` command (cid-harvard/ecomplexity,
ground truth in py-ecomplexity ``tests/fixtures``), see
``shared/oracles/ecomplexity-stata/PROVENANCE.md``:

* RCA (Balassa 1965): ``RCA_cp = (x_cp / x_c) / (x_p / x)``, computed by
  :func:`rox.queries.matrix.balassa_rca` (the one implementation; :func:`rca` is its
  dense view).
* ``M_cp = 1[RCA_cp >= 1]`` by :func:`rox.queries.matrix.presence` (the one presence
  rule, rox's default); the Stata convention ``1[RCA_cp > 1]`` is ``strict=True``.
* diversity ``k_c0 = Σ_p M_cp``; ubiquity ``k_p0 = Σ_c M_cp``.
* proximity (Hidalgo, Klinger, Barabási & Hausmann 2007, Science 317):
  ``φ_pp' = min(C_pp'/u_p, C_pp'/u_p')`` with ``C = MᵀM``, diagonal 0 (Stata) or 1.
* density ``ω_cp = Σ_p' M_cp' φ_p'p / Σ_p' φ_p'p``.
* ECI/PCI (Hidalgo & Hausmann 2009, PNAS 106; eigenvector form of
  Mealy, Farmer & Teytelboym 2019): ``M̃ = ((M / k_p0) / k_c0)ᵀ M``, kp = 2nd
  eigenvector of M̃, ``kc = (M / k_c0) kp``, sign so that corr(diversity, kc) > 0.
  ``standardise="stata"``: ECI and PCI both use mean and sd of kc over all
  country x product rows (sd with N-1); ``"own"``: each uses its own mean/sd.
* COI ``= Σ_p ω_cp (1 - M_cp) kp_p`` (raw kp) standardised over country x product rows;
  COG ``_cp = (1 - M_cp) Σ_p' (1 - M_cp') φ_pp' kp_p' / Σ_p'' φ_p''p' / sd(kc)``
  (Hausmann et al. 2014, *The Atlas of Economic Complexity*).

All functions take dense ``numpy`` arrays (countries x products); sparse input is
made dense.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from rox.queries.matrix import RegionSectorMatrix, balassa_rca, presence

__all__ = [
    "rca",
    "presence",
    "diversity",
    "ubiquity",
    "proximity",
    "density",
    "eci_pci",
    "kc_kp",
    "kc_scale",
    "coi",
    "cog",
    "Complexity",
    "complexity",
    "complementarity",
    "Complementarity",
    "complementarity_scores",
    "complementary_sectors",
]


def _dense(x) -> np.ndarray:
    return x.toarray() if sp.issparse(x) else np.asarray(x, dtype=float)


def rca(X) -> np.ndarray:
    """Balassa RCA ``(x_cp/x_c)/(x_p/x)`` as a dense array (:func:`~rox.queries.matrix.balassa_rca`).

    >>> rca(np.array([[1.0, 1.0], [0.0, 2.0]])).tolist()
    [[2.0, 0.6666666666666666], [0.0, 1.3333333333333333]]
    """
    return balassa_rca(X).toarray()


def diversity(M) -> np.ndarray:
    """k_c0 = Σ_p M_cp."""
    return _dense(M).sum(axis=1)


def ubiquity(M) -> np.ndarray:
    """k_p0 = Σ_c M_cp."""
    return _dense(M).sum(axis=0)


def _co_occurrence(M) -> np.ndarray:
    """C = MᵀM. A 0/1 matrix goes through a sparse product (a tenth of the work at typical
    densities, and exact: sums of ones do not depend on their order)."""
    S = sp.csr_matrix(M, dtype=float)
    if np.isin(S.data, (0.0, 1.0)).all():
        return np.asarray((S.T @ S).toarray(), dtype=float)
    D = _dense(M)
    return D.T @ D


def proximity(M, diagonal: float = 0.0) -> np.ndarray:
    """φ_pp' = min(C_pp'/u_p, C_pp'/u_p') = C_pp' / max(u_p, u_p'); diagonal 0 or 1.

    >>> proximity(np.array([[1, 1], [1, 0]])).tolist()
    [[0.0, 0.5], [0.5, 0.0]]
    """
    C = _co_occurrence(M)
    u = np.diag(C).copy()
    den = np.maximum(u[:, None], u[None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(den > 0, C / den, 0.0)
    np.fill_diagonal(phi, diagonal)
    return phi


def density(M, phi) -> np.ndarray:
    """ω_cp = (M φ)_cp / Σ_p' φ_p'p (relatedness density; 0 where the column sum is 0)."""
    M, phi = _dense(M), _dense(phi)
    col = phi.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(col > 0, (M @ phi) / col, 0.0)


def kc_kp(M) -> tuple[np.ndarray, np.ndarray]:
    """Raw (kc, kp): kp = 2nd eigenvector of M̃, kc = (M/k_c0) kp, sign: corr(k_c0, kc) > 0."""
    M = _dense(M)
    return _kc_kp(M)


def _kc_kp(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    kc0 = M.sum(axis=1)
    kp0 = M.sum(axis=0)
    c_ok, p_ok = kc0 > 0, kp0 > 0
    Ms = M[np.ix_(c_ok, p_ok)]
    Mt = ((Ms / kp0[p_ok]) / kc0[c_ok, None]).T @ Ms
    w, v = np.linalg.eig(Mt)
    order = np.argsort(-w.real)
    kp_s = v[:, order[1]].real if len(order) > 1 else np.zeros(p_ok.sum())
    kc_s = (Ms / kc0[c_ok, None]) @ kp_s
    if np.corrcoef(kc0[c_ok], kc_s)[0, 1] < 0:
        kc_s, kp_s = -kc_s, -kp_s
    kc = np.full(M.shape[0], np.nan)
    kp = np.full(M.shape[1], np.nan)
    kc[c_ok], kp[p_ok] = kc_s, kp_s
    return kc, kp


def eci_pci(M, standardise: str = "stata") -> tuple[np.ndarray, np.ndarray]:
    """(ECI per country, PCI per product) by the eigenvector method.

    ``standardise="stata"``: both use mean/sd of kc over all country x product
    rows (each country counted once per product, sd with N-1) — the Stata
    ground truth; ``"own"``: ECI with mean/sd of kc, PCI with mean/sd of kp
    (sd with N-1).  Countries/products with zero diversity/ubiquity get NaN.
    """
    M = _dense(M)
    kc, kp = _kc_kp(M)
    if standardise == "stata":
        mu, sd = kc_scale(kc, M.shape[1])
        return (kc - mu) / sd, (kp - mu) / sd
    if standardise == "own":
        return ((kc - np.nanmean(kc)) / np.nanstd(kc, ddof=1), (kp - np.nanmean(kp)) / np.nanstd(kp, ddof=1))
    raise ValueError("standardise must be 'stata' or 'own'")


def _standardise_rows(v: np.ndarray, n_products: int) -> np.ndarray:
    rows = np.repeat(v, n_products)
    return (v - np.nanmean(rows)) / np.nanstd(rows, ddof=1)


def coi(M, dens, kp) -> np.ndarray:
    """Complexity outlook index: Σ_p ω_cp (1-M_cp) kp_p, standardised over c x p rows.

    ``kp`` is the raw (sign-fixed, unstandardised) eigenvector of :func:`kc_kp`.
    """
    M, dens = _dense(M), _dense(dens)
    raw = (dens * (1 - M)) @ np.nan_to_num(kp)
    return _standardise_rows(raw, M.shape[1])


def cog(M, phi, kp, scale: float = 1.0) -> np.ndarray:
    """Complexity outlook gain: (1-M_cp) Σ_p' (1-M_cp') φ_pp' kp_p' / Σ_p'' φ_p''p' / scale.

    Stata uses the raw ``kp`` and ``scale`` = sd of kc over c x p rows
    (:func:`kc_scale`).
    """
    M, phi = _dense(M), _dense(phi)
    col = phi.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(col > 0, np.nan_to_num(kp) / col, 0.0)
    return (1 - M) * ((1 - M) @ (phi * w[None, :]).T) / scale


def kc_scale(kc: np.ndarray, n_products: int) -> tuple[float, float]:
    """(mean, sd with N-1) of kc over all country x product rows."""
    rows = np.repeat(kc, n_products)
    return float(np.nanmean(rows)), float(np.nanstd(rows, ddof=1))


@dataclass
class Complexity:
    """All outputs for one countries x products value matrix."""

    rca: np.ndarray
    M: np.ndarray
    diversity: np.ndarray
    ubiquity: np.ndarray
    proximity: np.ndarray
    density: np.ndarray
    eci: np.ndarray
    pci: np.ndarray
    coi: np.ndarray
    cog: np.ndarray


def complexity(
    X, *, threshold: float = 1.0, strict: bool = False, diagonal: float = 0.0, standardise: str = "stata"
) -> Complexity:
    """Run the whole pipeline on a dense (or sparse) countries x products value matrix.

    Presence is ``RCA >= threshold`` (rox's rule); pass ``strict=True`` for Stata's ``>``.
    """
    R = rca(X)
    M = _dense(presence(R, threshold, strict))
    phi = proximity(M, diagonal)
    dens = density(M, phi)
    eci, pci = eci_pci(M, standardise)
    kc, kp = _kc_kp(M)
    _mu, sd = kc_scale(kc, M.shape[1])
    return Complexity(R, M, diversity(M), ubiquity(M), phi, dens, eci, pci, coi(M, dens, kp), cog(M, phi, kp, sd))


@dataclass(frozen=True, eq=False)
class Complementarity:
    """Complementarity of every partner with one region (see :func:`complementarity_scores`)."""

    scores: np.ndarray  # per partner (the region's own entry is meaningless)
    contrib: sp.csr_matrix  # partners x sectors: ω_rs · M_qs · RCA_qs over the lacked sectors
    density: np.ndarray  # ω_rs, the region's relatedness density per sector
    strength: sp.csr_matrix  # RCA_qs (M for presence-only data)


def complementarity_scores(M, R, region_index: int) -> Complementarity:
    """How strongly each partner q holds the sectors region r lacks but is close to.

    L = {s : M_rs = 0}, ω_rs the relatedness density (:func:`density` over
    :func:`proximity`, diagonal 0)::

        score_q = Σ_{s∈L} ω_rs · M_qs · RCA_qs / Σ_{s∈L} ω_rs

    ``M`` presence, ``R`` strength (RCA; M itself for presence-only data), dense or
    sparse: the work is sparse (only the partners' nonzero cells), so 100,000 regions x
    1,000 sectors needs no dense regions x sectors matrix.

    >>> M = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    >>> complementarity_scores(M, M, 0).scores.tolist()
    [0.0, 1.0, 1.0]
    """
    M, R = sp.csr_matrix(M, dtype=float), sp.csr_matrix(R, dtype=float)
    phi = proximity(M, 0.0)
    col = phi.sum(axis=0)
    own = M[region_index].toarray().ravel()
    with np.errstate(divide="ignore", invalid="ignore"):  # density's row of the region alone
        dens = np.where(col > 0, (own @ phi) / col, 0.0)
    w = np.where(own == 0, dens, 0.0)
    total = w.sum()
    contrib = sp.csr_matrix(M.multiply(R).multiply(w[None, :]))  # partners x sectors
    contrib.eliminate_zeros()
    scores = np.asarray(contrib.sum(axis=1)).ravel() / total if total > 0 else np.zeros(M.shape[0])
    return Complementarity(scores, contrib, dens, R)


def complementary_sectors(c: Complementarity, partner: int, top: int = 5) -> list[tuple[int, float, float]]:
    """The partner's ``top`` contributing sectors as ``(sector index, density, partner
    strength)``, largest contribution first, ties by sector index."""
    row = c.contrib[partner].toarray().ravel()
    strength = c.strength[partner].toarray().ravel()
    best = [s for s in np.lexsort((np.arange(row.shape[0]), -row))[:top] if row[s] > 0]
    return [(int(s), float(c.density[s]), float(strength[s])) for s in best]


def complementarity(
    matrix: RegionSectorMatrix, region_index: int, *, top: int = 5, threshold: float = 1.0, strict: bool = False
) -> list[dict]:
    """Partners that hold the sectors a region lacks but is close to, best first.

    :func:`complementarity_scores` on the matrix's presence (``RCA >= threshold``,
    ``strict``: ``>``) and RCA; presence-only matrices use M as RCA (strength 1).
    Returns dicts sorted by score (desc, then index):
    ``{"partner", "index", "score", "sectors": [(sector, density, partner_rca), ...]}``
    with the partner's ``top`` contributing sectors.

    >>> m = RegionSectorMatrix.from_rows([("a", "x", None), ("b", "x", None), ("b", "y", None)])
    >>> [(d["partner"], d["score"], d["sectors"]) for d in complementarity(m, 0)]
    [('b', 1.0, [('y', 1.0, 1.0)])]
    """
    M = matrix.presence(threshold, strict)
    R = matrix.rca() if matrix.has_values else M
    c = complementarity_scores(M, R, region_index)
    out = []
    for q in np.lexsort((np.arange(len(c.scores)), -c.scores)):
        if q == region_index:
            continue
        out.append(
            {
                "partner": matrix.regions[q],
                "index": int(q),
                "score": float(c.scores[q]),
                "sectors": [(matrix.sectors[s], d, r) for s, d, r in complementary_sectors(c, q, top)],
            }
        )
    return out

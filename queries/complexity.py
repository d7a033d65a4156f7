"""Economic complexity: RCA, M, diversity, ubiquity, proximity, density, ECI/PCI, COI, COG.

Conventions reproduce the Stata ``ecomplexity`` command (cid-harvard/ecomplexity,
ground truth in py-ecomplexity ``tests/fixtures``), see
``shared/oracles/ecomplexity-stata/PROVENANCE.md``:

* RCA (Balassa 1965): ``RCA_cp = (x_cp / x_c) / (x_p / x)``.
* ``M_cp = 1[RCA_cp > 1]`` (``strict=True``, Stata default) or ``>=``.
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

All functions take dense ``numpy`` arrays (countries x products).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .matrix import RegionSectorMatrix

__all__ = [
    "rca", "presence", "diversity", "ubiquity", "proximity", "density",
    "eci_pci", "kc_kp", "kc_scale", "coi", "cog", "Complexity", "complexity", "complementarity",
]


def _dense(x) -> np.ndarray:
    return x.toarray() if sp.issparse(x) else np.asarray(x, dtype=float)


def rca(X) -> np.ndarray:
    """Balassa RCA ``(x_cp/x_c)/(x_p/x)``; zero rows/columns give 0.

    >>> rca(np.array([[1.0, 1.0], [0.0, 2.0]])).tolist()
    [[2.0, 0.6666666666666666], [0.0, 1.3333333333333333]]
    """
    X = _dense(X)
    xc = X.sum(axis=1, keepdims=True)
    xp = X.sum(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        R = (X / xc) / (xp / X.sum())
    return np.nan_to_num(R, nan=0.0, posinf=0.0)


def presence(R, threshold: float = 1.0, strict: bool = True) -> np.ndarray:
    """M = 1[RCA > threshold] (``strict``, as Stata) or 1[RCA >= threshold]."""
    R = _dense(R)
    return (R > threshold if strict else R >= threshold).astype(float)


def diversity(M) -> np.ndarray:
    """k_c0 = Σ_p M_cp."""
    return _dense(M).sum(axis=1)


def ubiquity(M) -> np.ndarray:
    """k_p0 = Σ_c M_cp."""
    return _dense(M).sum(axis=0)


def proximity(M, diagonal: float = 0.0) -> np.ndarray:
    """φ_pp' = min(C_pp'/u_p, C_pp'/u_p') = C_pp' / max(u_p, u_p'); diagonal 0 or 1.

    >>> proximity(np.array([[1, 1], [1, 0]])).tolist()
    [[0.0, 0.5], [0.5, 0.0]]
    """
    M = _dense(M)
    C = M.T @ M
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
        return ((kc - np.nanmean(kc)) / np.nanstd(kc, ddof=1),
                (kp - np.nanmean(kp)) / np.nanstd(kp, ddof=1))
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


def complexity(X, *, threshold: float = 1.0, strict: bool = True, diagonal: float = 0.0,
               standardise: str = "stata") -> Complexity:
    """Run the whole pipeline on a dense (or sparse) countries x products value matrix."""
    R = rca(X)
    M = presence(R, threshold, strict)
    phi = proximity(M, diagonal)
    dens = density(M, phi)
    eci, pci = eci_pci(M, standardise)
    kc, kp = _kc_kp(M)
    _mu, sd = kc_scale(kc, M.shape[1])
    return Complexity(R, M, diversity(M), ubiquity(M), phi, dens, eci, pci,
                      coi(M, dens, kp), cog(M, phi, kp, sd))


def complementarity(matrix: RegionSectorMatrix, region_index: int, *, top: int = 5,
                    threshold: float = 1.0, strict: bool = False) -> list[dict]:
    """Partners that hold the sectors a region lacks but is close to.

    For region r: L = {s : M_rs = 0}, weights ω_rs (relatedness density).  For
    each partner q ≠ r::

        score_q = Σ_{s∈L} ω_rs · M_qs · RCA_qs / Σ_{s∈L} ω_rs

    i.e. the density-weighted strength (partner RCA) with which q holds r's
    missing-but-near sectors.  Returns dicts sorted by score (desc, then index):
    ``{"partner", "index", "score", "sectors": [(sector, density, partner_rca), ...]}``
    with the partner's ``top`` contributing sectors.  Presence-only matrices use
    M as RCA (strength 1).
    """
    if matrix.has_values:
        R = matrix.rca().toarray()
        M = (R > threshold if strict else R >= threshold).astype(float)
    else:
        M = matrix.presence().toarray()
        R = M.copy()
    phi = proximity(M, 0.0)
    dens = density(M, phi)[region_index]
    lack = M[region_index] == 0
    w = np.where(lack, dens, 0.0)
    total = w.sum()
    contrib = (M * R) * w[None, :]  # partners x sectors
    scores = contrib.sum(axis=1) / total if total > 0 else np.zeros(M.shape[0])
    out = []
    for q in np.lexsort((np.arange(len(scores)), -scores)):
        if q == region_index:
            continue
        top_s = [s for s in np.lexsort((np.arange(M.shape[1]), -contrib[q]))[:top] if contrib[q, s] > 0]
        out.append({"partner": matrix.regions[q], "index": int(q), "score": float(scores[q]),
                    "sectors": [(matrix.sectors[s], float(dens[s]), float(R[q, s])) for s in top_s]})
    return out

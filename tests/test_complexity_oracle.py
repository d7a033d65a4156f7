"""rox.queries.complexity against the Stata ``ecomplexity`` ground truth, per year.

Oracle: shared/oracles/ecomplexity-stata (see its PROVENANCE.md).  Tolerances
as upstream: exact for M, diversity, ubiquity; rtol 1e-5 for rca, eci, pci;
1e-4 for density, coi, cog.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest
from support import SHARED  # noqa: E402

from rox.queries import complexity as cx
from rox.queries.matrix import RegionSectorMatrix

ORACLE = SHARED / "oracles" / "ecomplexity-stata"
YEARS = (1995, 1996)


def _rows(name: str) -> list[dict[str, str]]:
    if not ORACLE.is_dir():
        pytest.skip(f"ecomplexity oracle directory not found at {ORACLE} (shared/ absent)")
    with open(ORACLE / name, newline="") as fh:
        return list(csv.DictReader(fh))


def _run(year: int):
    data = [r for r in _rows("trade_data_sample.csv") if int(r["year"]) == year]
    m = RegionSectorMatrix.from_rows(
        [{"region": r["origin"], "sector": r["hs92"], "value": float(r["export_val"]), "year": year} for r in data]
    )
    res = cx.complexity(m.values.toarray(), strict=True)  # Stata: M = 1[RCA > 1]
    return m, res


def _close(got, exp, rtol, atol=0.0):
    np.testing.assert_allclose(np.asarray(got, float), np.asarray(exp, float), rtol=rtol, atol=atol)


@pytest.mark.parametrize("year", YEARS)
def test_country_level(year):
    m, res = _run(year)
    exp = [r for r in _rows("stata_expected_country_level.csv") if int(r["year"]) == year]
    assert len(exp) == 10
    idx = [m.index_of(r["origin"]) for r in exp]
    assert res.diversity[idx].tolist() == [float(r["diversity"]) for r in exp]
    _close(res.eci[idx], [r["eci"] for r in exp], 1e-5)
    _close(res.coi[idx], [r["coi"] for r in exp], 1e-4)


@pytest.mark.parametrize("year", YEARS)
def test_product_level(year):
    m, res = _run(year)
    exp = [r for r in _rows("stata_expected_product_level.csv") if int(r["year"]) == year]
    assert len(exp) == 30
    idx = [m.sectors.index(r["hs92"]) for r in exp]
    assert res.ubiquity[idx].tolist() == [float(r["ubiquity"]) for r in exp]
    _close(res.pci[idx], [r["pci"] for r in exp], 1e-5)


@pytest.mark.parametrize("year", YEARS)
def test_subset_rows(year):
    m, res = _run(year)
    exp = [r for r in _rows("stata_ground_truth_subset_rows.csv") if int(r["year"]) == year]
    assert exp
    ci = [m.index_of(r["origin"]) for r in exp]
    pi = [m.sectors.index(r["hs92"]) for r in exp]
    assert res.M[ci, pi].tolist() == [float(r["M"]) for r in exp]
    assert res.diversity[ci].tolist() == [float(r["diversity"]) for r in exp]
    assert res.ubiquity[pi].tolist() == [float(r["ubiquity"]) for r in exp]
    _close(res.rca[ci, pi], [r["rca"] for r in exp], 1e-5)
    _close(res.eci[ci], [r["eci"] for r in exp], 1e-5)
    _close(res.pci[pi], [r["pci"] for r in exp], 1e-5)
    _close(res.density[ci, pi], [r["density"] for r in exp], 1e-4)
    _close(res.coi[ci], [r["coi"] for r in exp], 1e-4)
    _close(res.cog[ci, pi], [r["cog"] for r in exp], 1e-4, atol=1e-12)


@pytest.mark.parametrize("year", YEARS)
def test_matrix_rca_and_presence_agree(year):
    m, res = _run(year)
    _close(m.rca().toarray(), res.rca, 1e-12, atol=1e-15)
    assert (m.presence(strict=True).toarray() == res.M).all()


def test_proximity_matches_spot_checks_and_options():
    """PROVENANCE spot checks: φ(1704, 2007) = .8333 (1995) and .6667 (1996), diagonal 0."""
    for year, value in ((1995, 0.8333), (1996, 0.6667)):
        m, res = _run(year)
        a, b = m.sectors.index("1704"), m.sectors.index("2007")
        assert abs(res.proximity[a, b] - value) < 1e-4
        assert (np.diag(res.proximity) == 0).all()
        phi1 = cx.proximity(res.M, diagonal=1.0)
        assert (np.diag(phi1)[res.ubiquity > 0] == 1).all()


def test_own_standardisation_and_complementarity():
    m, res = _run(1995)
    eci, pci = cx.eci_pci(res.M, standardise="own")
    assert abs(np.mean(pci)) < 1e-12 and abs(np.std(pci, ddof=1) - 1) < 1e-12
    np.testing.assert_allclose(eci, res.eci * np.std(np.repeat(eci, 1)) / np.std(res.eci), atol=1e-9)
    comp = cx.complementarity(m, m.index_of("aut"))
    assert len(comp) == len(m.regions) - 1 and all(c["partner"] != "aut" for c in comp)
    assert [c["score"] for c in comp] == sorted((c["score"] for c in comp), reverse=True)
    aut = m.index_of("aut")
    for c in comp:
        for sector, _dens, prca in c["sectors"]:
            s = m.sectors.index(sector)
            assert res.M[aut, s] == 0 or m.presence()[aut, s] == 0
            assert prca >= 1.0


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # ECI of a 2 x 2 all-ones example is undefined (NaN)
def test_one_rca_and_one_presence_rule():
    """complexity uses matrix's Balassa RCA and presence rule; ``>=`` by default, Stata's ``>`` on request."""
    from rox.queries import matrix

    assert cx.presence is matrix.presence
    X = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 2.0]])
    np.testing.assert_array_equal(cx.rca(X), matrix.balassa_rca(X).toarray())
    at_one = cx.complexity(np.array([[1.0, 1.0], [1.0, 1.0]]))  # every RCA is exactly 1
    assert at_one.M.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert cx.complexity(np.array([[1.0, 1.0], [1.0, 1.0]]), strict=True).M.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    m = RegionSectorMatrix.from_rows([("a", "x", 1.0), ("a", "y", 1.0), ("b", "x", 1.0), ("b", "y", 1.0)])
    assert m.presence().toarray().tolist() == at_one.M.tolist()

"""Cross-dataset matching: properties of the comparison (hypothesis) and the bundled
starter statistics end to end (no ../shared needed)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import rox

from rox.graph.errors import UsageError
from rox.queries import cross
from rox.queries.matrix import RegionSectorMatrix
from rox.queries.profiles import Table

SYMMETRIC = list(cross.CROSS_MEASURES)


def _table(name: str, X: np.ndarray, year: int = 2020) -> Table:
    rows = [(f"r{i}", f"s{j}", float(X[i, j])) for i in range(X.shape[0]) for j in range(X.shape[1]) if X[i, j] > 0]
    return Table(name, year, "nuts2", RegionSectorMatrix.from_rows(rows), {"kind": "employment", "unit": "persons"})


matrices = (
    st.integers(2, 5)
    .flatmap(lambda n: st.lists(st.lists(st.integers(0, 9), min_size=4, max_size=4), min_size=n, max_size=n))
    .map(lambda rows: np.array(rows, dtype=float))
)
usable = matrices.filter(lambda X: (X.sum(axis=1) > 0).all() and (X.sum(axis=0) > 0).sum() >= 2)


@settings(max_examples=60, deadline=None)
@given(usable, usable, st.sampled_from(SYMMETRIC))
def test_symmetric_measures_are_symmetric_across_datasets(X, Y, measure):
    a, b = _table("A", X), _table("B", Y)
    ab, ba = cross.pair(a, b, threshold=1.0, strict=False), cross.pair(b, a, threshold=1.0, strict=False)
    for i in range(len(a.matrix.regions)):
        for j in range(len(b.matrix.regions)):
            assert np.nan_to_num(cross.scores(ab, measure, i)[j]) == pytest.approx(
                np.nan_to_num(cross.scores(ba, measure, j)[i]), abs=1e-12
            )


@settings(max_examples=60, deadline=None)
@given(usable, st.sampled_from(["jaccard", "overlap", "cosine", "atlas-proximity", "rca-cosine"]))
def test_a_region_identical_in_two_datasets_scores_one(X, measure):
    a, b = _table("A", X, 2021), _table("B", X.copy(), 2015)
    p = cross.pair(a, b, threshold=1.0, strict=False)
    for i in range(len(a.matrix.regions)):
        if measure != "rca-cosine" and not p.inp.presence.getrow(i).nnz:
            continue  # no code present: the set measures have nothing to compare
        assert cross.scores(p, measure, i)[i] == pytest.approx(1.0, abs=1e-12)


def test_common_codes_only_and_caveats():
    a = _table("A", np.array([[5.0, 1, 0, 2], [1, 4, 3, 0]]), 2021)
    b = _table("B", np.array([[5.0, 1, 0, 0], [1, 4, 0, 0]]), 2011)  # B has no s2, s3
    p = cross.pair(a, b, threshold=1.0, strict=False)
    assert p.codes == ["s0", "s1"]
    assert cross.caveats(p) == ["years differ by 10: 2021 vs 2011"]
    c = Table("C", 2021, "nuts2", b.matrix, {"kind": "exports", "unit": "USD"})
    assert (
        cross.caveats(cross.pair(a, c, threshold=1.0, strict=False))[0]
        == "kinds differ: employment (persons) vs exports (USD)"
    )


def test_raw_magnitude_measures_refuse_across_datasets():
    with pytest.raises(UsageError, match="rca-cosine"):
        cross.check_measure("weighted-jaccard")


@pytest.fixture(scope="module")
def starter_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("starter") / "rox.db"
    rox("demo", "--statistics", db=db)
    return db


def test_starter_statistics_match_abroad_at_division(starter_db):
    """`rox demo --statistics` then a division-level match abroad, on the bundled files only."""
    res = rox("match", "Derbyshire and Nottinghamshire", "--level", "division", "--exclude-same-country", db=starter_db)
    assert "eu-sbs-2015" in res.stdout
    rows = json.loads(
        rox(
            "match",
            "Derbyshire and Nottinghamshire",
            "--level",
            "division",
            "--exclude-same-country",
            "--format",
            "json",
            db=starter_db,
        ).stdout
    )
    assert len(rows) == 10 and all(r["country"] != "GB" for r in rows)
    assert {(r["a_dataset"], r["a_year"]) for r in rows} == {("uk-ons-bres-2021", 2021)}
    assert all(r["dataset"] == "eu-sbs-2015" and r["year"] == 2015 for r in rows)
    assert all(r["shared_sectors"] and r["shared_sectors"][0]["name"] for r in rows)
    assert (
        "world-trade-1998-2000 left out"
        in rox("match", "TLF1", "--level", "division", "--exclude-same-country", db=starter_db).stderr
    )

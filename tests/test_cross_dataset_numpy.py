"""Cross-dataset matching against an independent computation (issue 11, item 8).

rox loads the raw files with ``rox load-table`` (as the issue's "Done when" commands do);
the expectation is recomputed here with NumPy straight from the same raw files, under
the rules of docs/matching-across-datasets.md: location quotients within each dataset
(its year, its regions, its codes at ISIC division level), compared over the codes both
datasets cover, presence RCA >= 1. Rankings exactly, scores to 1e-9 (rox reports scores
rounded to 6 decimals: the expectation is rounded the same way).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from support import rox, shared_path

BRES = ("data", "uk-ons-bres-itl2", "itl2_bres_employment_sic2digit_2015_2021.csv")
SBS = ("data", "eu-sbs-nuts2-nace-2015", "sbs_r_nuts06_r2.csv")
B18 = (
    ("data", "india-census2011-b18", "DDW_B18_1900_NIC_FINAL_STATE_WEST_BENGAL-2011.csv"),
    ("data", "india-census2011-b18", "DDW_B18_0800_NIC_FINAL_STATE_RAJASTHAN-2011.csv"),
)


# ------------------------------------------------------------------ the raw files, read anew
def bres_2021(path: Path) -> dict[tuple[str, str], float]:
    """(ITL2 id, division) -> persons, 2021 (ONS codes UKxx are stored as TLxx)."""
    out = {}
    with path.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["DATE"] == "2021":
                out[("TL" + r["GEOGRAPHY_CODE"][2:], r["INDUSTRY_CODE"][:2])] = float(r["COUNT"])
    return out


def _sbs_value(text: str) -> float | None:
    head = text.strip().split(" ")[0] if text.strip() else ""
    try:
        return float(head)
    except ValueError:
        return None  # empty, a flag alone ("d") or a bad cell ("12:00 AM")


def sbs_2015(path: Path) -> dict[tuple[str, str], float]:
    """(NUTS2 id, division) -> persons employed, 2015: NUTS2 rows, NACE divisions (a
    letter and two digits), no extra-regio, no missing cells."""
    out = {}
    with path.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter=";"):
            geo, nace, v = r["geo"], r["nace_r2"], _sbs_value(r["n2015"])
            if len(geo) != 4 or geo.endswith("Z") or len(nace) != 3 or not nace[1:].isdigit() or v is None:
                continue
            out[("TL" + geo[2:] if geo.startswith("UK") else geo, nace[1:])] = v
    return out


def census_divisions(paths: list[Path]) -> dict[tuple[str, str], float]:
    """(district name, division) -> main workers, the districts of the B-18 files."""
    out = {}
    for path in paths:
        with path.open(encoding="cp1252") as fh:  # the Census files are Windows-1252
            for r in csv.DictReader(fh):
                dist, div = r["District Code"].strip("`"), r["Division"].strip("`")
                if dist == "000" or div == "00" or r["Group"].strip("`") != "000":
                    continue
                out[(r["State Code"].strip("`") + "/" + dist, div)] = float(r["Main Workers - Total -  Persons"])
    return out


def table(cells: dict[tuple[str, str], float]) -> tuple[list[str], list[str], np.ndarray]:
    regions = sorted({r for r, _ in cells})
    codes = sorted({c for _, c in cells})
    X = np.zeros((len(regions), len(codes)))
    for (r, c), v in cells.items():
        X[regions.index(r), codes.index(c)] += v
    return regions, codes, X


def rca(X: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        R = (X / X.sum(axis=1, keepdims=True)) / (X.sum(axis=0) / X.sum())
    return np.nan_to_num(R)


def expected(target: tuple, peer: tuple, region: str, measure: str) -> dict[str, float]:
    """Scores of ``region`` (in the target table) against every region of the peer table."""
    (tr, tc, TX), (pr, pc, PX) = target, peer
    common = sorted(set(np.array(tc)[TX.sum(axis=0) > 0]) & set(np.array(pc)[PX.sum(axis=0) > 0]))
    a = rca(TX)[tr.index(region), [tc.index(c) for c in common]]
    B = rca(PX)[:, [pc.index(c) for c in common]]
    if measure == "rca-cosine":
        s = B @ a / (np.linalg.norm(B, axis=1) * np.linalg.norm(a))
    elif measure == "jaccard":
        pa, pb = a >= 1, B >= 1
        s = (pb & pa).sum(axis=1) / (pb | pa).sum(axis=1)
    elif measure == "esi":
        ya, yb = np.log(a + 0.1), np.log(B + 0.1)
        s = np.array([np.corrcoef(ya, y)[0, 1] for y in yb])
    else:
        raise ValueError(measure)
    return dict(zip(pr, s, strict=True))


def ranked(scores: dict[str, float]) -> list[str]:
    return sorted(scores, key=lambda r: (-scores[r], r))


# ------------------------------------------------------------------ the stores
@pytest.fixture(scope="module")
def uk_eu(tmp_path_factory):
    bres, sbs = shared_path(*BRES), shared_path(*SBS)
    db = tmp_path_factory.mktemp("cross") / "rox.db"
    rox("load-table", bres, "--sector-scheme", "sic2007", db=db)
    rox("load-table", sbs, "--kind", "employment", "--level", "division", "--bad-values", "skip", db=db)
    return db, table(bres_2021(bres)), table(sbs_2015(sbs))


def match_json(db: Path, *args: str) -> list[dict]:
    out = rox("match", *args, "--format", "json", "--top", "1000", db=db)
    return json.loads(out.stdout)


@pytest.mark.parametrize("measure", ["rca-cosine", "jaccard", "esi"])
def test_bres_vs_sbs_outside_the_uk(uk_eu, measure):
    db, bres, sbs = uk_eu
    rows = match_json(
        db, "UKF1", "--year", "2021", "--level", "division", "--exclude-same-country", "--measure", measure
    )
    want = {r: s for r, s in expected(bres, sbs, "TLF1", measure).items() if not r.startswith("TL")}
    assert [r["region"] for r in rows] == ranked(want)
    for r in rows:
        assert abs(r["score"] - round(float(want[r["region"]]), 6)) <= 1e-9, r["region"]
        assert (r["dataset"], r["year"], r["b_year"], r["a_year"]) == (r["b_dataset"], 2015, 2015, 2021)
        assert (
            r["a_common_codes"]
            == r["b_common_codes"]
            == len(set(np.array(bres[1])[bres[2].sum(axis=0) > 0]) & set(np.array(sbs[1])[sbs[2].sum(axis=0) > 0]))
        )
        assert "years differ by 6: 2021 vs 2015" in r["caveats"]


def test_the_same_region_in_two_datasets_is_one_region(uk_eu):
    """TLF1 (BRES) and UKF1 (Eurostat) are one region: never its own partner; its profile is BRES's."""
    db, bres, _sbs = uk_eu
    rows = match_json(db, "TLF1", "--level", "division", "--measure", "rca-cosine")
    assert "TLF1" not in [r["region"] for r in rows]
    assert {r["a_dataset"] for r in rows} == {"src-file-itl2-bres-employment-sic2digit-2015-2021-csv"}
    # a UK region found in both datasets is ranked once, from the target's own dataset (BRES 2021)
    uk = [r for r in rows if r["region"].startswith("TL")]
    assert len(uk) == len({r["region"] for r in uk})
    in_bres = [r for r in uk if r["region"] in bres[0]]
    assert len(in_bres) == len(bres[0]) - 1 and {r["year"] for r in in_bres} == {2021}


def test_raw_magnitudes_refuse_across_datasets(uk_eu):
    db, *_ = uk_eu
    res = rox("match", "TLF1", "--level", "division", "--measure", "weighted-cosine", db=db, check=False)
    assert res.returncode != 0
    assert "rca-cosine" in res.stderr and "jaccard" in res.stderr


@pytest.fixture(scope="module")
def uk_in(tmp_path_factory):
    bres = shared_path(*BRES)
    files = [shared_path(*p) for p in B18]
    db = tmp_path_factory.mktemp("cross-in") / "rox.db"
    rox("load-table", bres, "--sector-scheme", "sic2007", db=db)
    for f in files:
        rox("load-table", f, "--dataset", "in-census-2011-b18", "--level", "division", db=db)
    return db, table(bres_2021(bres)), table(census_divisions(files))


def test_bres_vs_census_b18_as_one_dataset(uk_in):
    """The Indian districts of two states as one dataset: scores equal the NumPy computation.
    Districts are matched by their place in the ranking and their scores (rox's ids are
    slugs of their names)."""
    db, bres, census = uk_in
    rows = match_json(
        db, "UKF1", "--year", "2021", "--level", "division", "--countries", "IN", "--measure", "rca-cosine"
    )
    want = expected(bres, census, "TLF1", "rca-cosine")
    order = ranked(want)
    assert len(rows) == len(order) == 52
    assert [r["score"] for r in rows] == pytest.approx([round(float(want[k]), 6) for k in order], abs=1e-9)
    assert {r["dataset"] for r in rows} == {"in-census-2011-b18"}
    assert all("years differ by 10: 2021 vs 2011" in r["caveats"] for r in rows)

"""The official concordances shipped in loaders/reference (NACE Rev. 2, SIC 2007, NIC-2008,
NAICS 2017/2012/2007 -> ISIC Rev. 4) and the check of the taxonomy's crosswalks against them."""

from __future__ import annotations

import math

import pytest

from rox.graph import taxonomy
from rox.loaders import concordances as cc
from rox.loaders.crosswalk_check import check, disagreements

#: Crosswalk entries the concordances place mostly elsewhere, each with why the taxonomy keeps them.
KNOWN = {
    ("aerospace", "nace2", "33.16"): "ISIC has one class 3315 for repair of ships, aircraft and rail stock",
    ("aerospace", "sic2007", "33.16"): "same as NACE 33.16",
    ("other-transport", "nace2", "33.15"): "ISIC 3315 again (repair of ships and boats)",
    ("other-transport", "sic2007", "33.15"): "same as NACE 33.15",
    ("automotive", "naics2017", "3363"): "motor-vehicle parts: 29 is the largest share; the rest is split "
    "over engines (28), metal parts (25), glass (23) by equal shares",
    ("professional-services", "naics2017", "55"): "2 of 3 industries are holding companies (ISIC 6420), "
    "but corporate offices (551114 -> 7010) hold nearly all the employment",
}


def test_sizes():
    assert cc.sizes() == {
        "isic4 structure": 766,
        "nace2->isic4": 996,
        "naics2017->isic4": 1654,
        "naics2012->isic4": 1663,
        "naics2007->isic4": 1766,
    }
    isic = cc.isic_codes()
    assert sum(1 for c in isic if c.isalpha()) == 21 and sum(1 for c in isic if len(c) == 2 and c.isdigit()) == 88
    for year in cc.NAICS_YEARS:  # every ISIC code of the NAICS tables is in the ISIC structure
        assert {i for v in cc.naics_table(year).values() for i in v} <= set(isic)
    assert {i for v in cc.nace_table().values() for i in v} <= set(isic)


@pytest.mark.parametrize(
    ("scheme", "code", "want"),
    [
        ("nace2", "85.42", [("8530", 1.0)]),
        ("nace2", "C30.30", [("3030", 1.0)]),
        ("nace2", "C", [("C", 1.0)]),
        ("sic2007", "30200", [("3020", 1.0)]),
        ("sic2007", "62.01/1", [("6201", 1.0)]),
        ("nic2008", "30301", [("3030", 1.0)]),
        ("isic4", "0111", [("0111", 1.0)]),
        ("naics2017", "336411", [("3030", 1.0)]),
        ("naics2017", "111336", [("012", 1.0)]),  # a group-level link (leading zero restored)
        ("naics2012", "541511", [("6201", 1.0)]),
        ("naics2007", "336510", [("2910", 0.5), ("3020", 0.5)]),
        ("naics", "3254", [("2100", 0.875), ("2029", 0.125)]),
    ],
)
def test_to_isic4(scheme, code, want):
    assert cc.to_isic4(scheme, code) == want


@pytest.mark.parametrize("code", ["31-33", "44-45", "48-49", "11", "5415", "722511"])
def test_weights_add_up_to_one(code):
    got = cc.to_isic4("naics2017", code)
    assert math.isclose(sum(w for _, w in got), 1.0) and all(w > 0 for _, w in got)
    assert got == sorted(got, key=lambda kv: (-kv[1], kv[0]))


def test_levels():
    assert cc.to_isic4_level("naics2017", "44-45", "section")[0][0] == "G"
    assert cc.to_isic4_level("naics2017", "3364", "division") == [("30", 0.916666666667), ("28", 0.083333333333)]
    assert [cc.isic_section(c) for c in ("0111", "3030", "8530", "99", "T")] == ["A", "C", "P", "U", "T"]
    assert [cc.isic_division(c) for c in ("0111", "853", "C")] == ["01", "85", None]


@pytest.mark.parametrize(
    ("scheme", "code", "msg"),
    [
        ("nace2", "34.1", "is not a NACE Rev. 2 code"),
        ("isic4", "3499", "is not an ISIC Rev. 4 code"),
        ("naics2017", "999999", "is not a NAICS 2017 code"),
        ("naics2017", "31-35", "is not a NAICS 2017 code"),
        ("sitc2", "7810", "WITS states no licence"),
        ("cpa", "29", "no concordance for scheme 'cpa'"),
        ("naics2002", "111", "no NAICS 2002 concordance"),
    ],
)
def test_errors(scheme, code, msg):
    with pytest.raises(cc.ConcordanceError, match=msg):
        cc.to_isic4(scheme, code)
    with pytest.raises(cc.ConcordanceError):
        cc.isic_section("ZZ")


def test_taxonomy_crosswalks_agree_with_the_concordances():
    """Every NACE/SIC/ISIC/NAICS crosswalk entry of a sector with an ISIC crosswalk lands mostly in that
    sector's ISIC divisions and sections, except the known cases (each explained above)."""
    found = check()
    entries = sum(
        len(s.crosswalk[sch])
        for s in taxonomy.sectors()
        if s.crosswalk["isic4"] or taxonomy.codes(s.id, "isic4")
        for sch in ("nace2", "sic2007", "isic4", "naics2017")
    )
    assert len(found) == entries > 400
    assert not [f.describe() for f in found if f.error]
    off = {(f.sector, f.scheme, f.code): f.describe() for f in disagreements()}
    assert set(off) == set(KNOWN), "\n".join(v for k, v in off.items() if k not in KNOWN)
    real_estate = next(f for f in found if (f.sector, f.scheme, f.code) == ("real-estate", "naics2017", "53"))
    assert real_estate.agrees  # 531 and 533 only: 532 (rental and leasing) is professional-services'

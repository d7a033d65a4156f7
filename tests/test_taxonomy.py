"""Tests for graph.taxonomy (the rox sector tree and its code crosswalks)."""

from __future__ import annotations

import doctest
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rox.graph import taxonomy as tx  # noqa: E402

# The 88 divisions of SIC 2007 (= NACE Rev. 2 divisions).
SIC2007_DIVISIONS = (
    [f"{d:02d}" for d in (1, 2, 3, 5, 6, 7, 8, 9)]
    + [str(d) for d in range(10, 34)]
    + [str(d) for d in range(35, 40)]
    + ["41", "42", "43", "45", "46", "47", "49", "50", "51", "52", "53", "55", "56"]
    + [str(d) for d in range(58, 67)]
    + ["68"]
    + [str(d) for d in range(69, 76)]
    + [str(d) for d in range(77, 83)]
    + ["84", "85", "86", "87", "88"]
    + [str(d) for d in range(90, 100)]
)

REQUIRED = {
    "manufacturing",
    "transport-equipment",
    "rail",
    "automotive",
    "electric-vehicles",
    "aerospace",
    "other-transport",
    "tech",
    "higher-education",
    "research",
    "agriculture",
    "mining",
    "food-drink",
    "textiles",
    "chemicals",
    "pharmaceuticals",
    "metals",
    "machinery",
    "electronics",
    "energy",
    "construction",
    "retail-wholesale",
    "logistics",
    "finance",
    "professional-services",
    "public-administration",
    "health",
    "creative",
    "tourism-hospitality",
}


def test_division_list_is_the_88_sic2007_divisions():
    assert len(SIC2007_DIVISIONS) == 88 == len(set(SIC2007_DIVISIONS))


def test_ids_unique_and_slugs():
    ids = tx.ids()
    assert len(ids) == len(set(ids))
    for i in ids:
        assert i == i.lower() and " " not in i and "_" not in i, i


def test_required_sectors_present():
    assert set(tx.ids()) >= REQUIRED


def test_every_parent_exists_and_tree_is_acyclic():
    ids = set(tx.ids())
    for s in tx.sectors():
        assert s.parent is None or s.parent in ids, s.id
        seen = {s.id}
        p = s.parent
        while p is not None:
            assert p not in seen, f"cycle through {p}"
            seen.add(p)
            p = tx.get(p).parent
    assert tx.children(None), "no top-level sectors"


def test_parents_come_before_children_in_file_order():
    pos = {s.id: i for i, s in enumerate(tx.sectors())}
    for s in tx.sectors():
        if s.parent:
            assert pos[s.parent] < pos[s.id], s.id


@pytest.mark.parametrize(
    "child,parent",
    [
        ("transport-equipment", "manufacturing"),
        ("rail", "transport-equipment"),
        ("automotive", "transport-equipment"),
        ("aerospace", "transport-equipment"),
        ("other-transport", "transport-equipment"),
        ("electric-vehicles", "automotive"),
        ("higher-education", "education"),
        ("research", "professional-services"),
    ],
)
def test_tree_shape(child, parent):
    assert tx.get(child).parent == parent


def test_every_sector_has_all_schemes_and_description():
    for s in tx.sectors():
        assert set(s.crosswalk) == set(tx.SCHEMES), s.id
        assert s.name and s.description, s.id
        for scheme, codes in s.crosswalk.items():
            assert all(isinstance(c, str) and c for c in codes), (s.id, scheme)
    ev = tx.get("electric-vehicles")
    assert not ev.crosswalk["sic2007"] and not ev.crosswalk["naics2017"]
    assert ev.notes and "no industry classification" in ev.notes.lower()


def test_empty_code_lists_are_documented():
    for s in tx.sectors():
        empty = [sc for sc in tx.SCHEMES if not tx.codes(s.id, sc)]
        if empty:
            assert s.notes, f"{s.id} has no codes for {empty} but no notes"


def test_no_code_claimed_twice():
    for scheme in tx.SCHEMES:
        seen: dict[str, str] = {}
        for s in tx.sectors():
            for c in s.crosswalk[scheme]:
                n = tx.normalise_code(scheme, c)
                assert n not in seen, f"{scheme} {c} in {seen.get(n)} and {s.id}"
                seen[n] = s.id


def test_listed_codes_map_back_to_their_sector():
    for s in tx.sectors():
        for scheme in tx.SCHEMES:
            for c in s.crosswalk[scheme]:
                assert tx.map_code(scheme, c) == s.id, (scheme, c)


@pytest.mark.parametrize("scheme", ["sic2007", "nace2", "isic4"])
@pytest.mark.parametrize("division", SIC2007_DIVISIONS)
def test_every_division_maps(scheme, division):
    assert tx.map_code(scheme, division) is not None


@pytest.mark.parametrize(
    "scheme,code,expected",
    [
        # SIC 2007 / NACE Rev. 2
        ("sic2007", "30.2", "rail"),
        ("sic2007", "302", "rail"),
        ("sic2007", "30200", "rail"),
        ("sic2007", "30.20", "rail"),
        ("sic2007", "29", "automotive"),
        ("sic2007", "29.10", "automotive"),
        ("sic2007", "29320", "automotive"),
        ("sic2007", "30", "transport-equipment"),
        ("sic2007", "30.30", "aerospace"),
        ("sic2007", "33.16", "aerospace"),
        ("sic2007", "30.11", "other-transport"),
        ("sic2007", "30.40", "other-transport"),
        ("sic2007", "30.91", "other-transport"),
        ("sic2007", "33.12", "machinery"),
        ("sic2007", "58.29", "tech"),
        ("sic2007", "58.11", "creative"),
        ("sic2007", "62.01", "tech"),
        ("sic2007", "61", "tech"),
        ("sic2007", "63.12", "tech"),
        ("sic2007", "85.42", "higher-education"),
        ("sic2007", "85421", "higher-education"),
        ("sic2007", "85.31", "education"),
        ("sic2007", "72.19", "research"),
        ("sic2007", "21.20", "pharmaceuticals"),
        ("sic2007", "73.11", "creative"),
        ("sic2007", "73.20", "professional-services"),
        ("sic2007", "79.11", "tourism-hospitality"),
        ("sic2007", "49.10", "logistics"),
        ("sic2007", "C", "manufacturing"),
        ("sic2007", "J", None),
        ("sic2007", "R", None),
        ("sic2007", "04", None),
        ("sic2007", 1, "agriculture"),
        ("sic2007", 29, "automotive"),
        ("nace2", "C30.2", "rail"),
        ("nace2", "C 29.1", "automotive"),
        ("nace2", "30.3", "aerospace"),
        ("nace2", "85.4", "higher-education"),
        # ISIC Rev. 4
        ("isic4", "3020", "rail"),
        ("isic4", "2910", "automotive"),
        ("isic4", "3030", "aerospace"),
        ("isic4", "3011", "other-transport"),
        ("isic4", "3315", "transport-equipment"),
        ("isic4", "8530", "higher-education"),
        ("isic4", "853", "higher-education"),
        ("isic4", "854", "education"),
        ("isic4", "5820", "tech"),
        ("isic4", "6201", "tech"),
        ("isic4", "7210", "research"),
        # NAICS 2017
        ("naics2017", "3365", "rail"),
        ("naics2017", "336510", "rail"),
        ("naics2017", "336111", "automotive"),
        ("naics2017", "3362", "automotive"),
        ("naics2017", "336390", "automotive"),
        ("naics2017", "336411", "aerospace"),
        ("naics2017", "336611", "other-transport"),
        ("naics2017", "336", "transport-equipment"),
        ("naics2017", "511210", "tech"),
        ("naics2017", "517311", "tech"),
        ("naics2017", "518210", "tech"),
        ("naics2017", "541511", "tech"),
        ("naics2017", "519130", "tech"),
        ("naics2017", "511110", "creative"),
        ("naics2017", "611310", "higher-education"),
        ("naics2017", "541715", "research"),
        ("naics2017", "325412", "pharmaceuticals"),
        ("naics2017", "339", "other-manufacturing"),
        ("naics2017", "311", "food-drink"),
        ("naics2017", "51", None),
        # SITC rev. 2 (4-digit codes as in ../shared/data/world-trade-sitc2)
        ("sitc2", "791", "rail"),
        ("sitc2", "7911", "rail"),
        ("sitc2", "7810", "automotive"),
        ("sitc2", "7849", "automotive"),
        ("sitc2", "7868", "automotive"),
        ("sitc2", "7132", "automotive"),
        ("sitc2", "7851", "other-transport"),
        ("sitc2", "7931", "other-transport"),
        ("sitc2", "792", "aerospace"),
        ("sitc2", "7924", "aerospace"),
        ("sitc2", "7144", "aerospace"),
        ("sitc2", "79", "transport-equipment"),
        ("sitc2", "5417", "pharmaceuticals"),
        ("sitc2", "5111", "chemicals"),
        ("sitc2", "7522", "electronics"),
        ("sitc2", "7783", "automotive"),
        ("sitc2", "7788", "electronics"),
        ("sitc2", "0011", "agriculture"),
        ("sitc2", "0111", "food-drink"),
        ("sitc2", "3330", "mining"),
        ("sitc2", "3341", "chemicals"),
        ("sitc2", "6412", "wood-paper-printing"),
        ("sitc2", "8510", "textiles"),
        ("sitc2", "9710", None),
        # HS
        ("hs", "86", "rail"),
        ("hs", "8601", "rail"),
        ("hs", "87", "automotive"),
        ("hs", "8703", "automotive"),
        ("hs", "870323", "automotive"),
        ("hs", "8703.80", "electric-vehicles"),
        ("hs", "870380", "electric-vehicles"),
        ("hs", "870360", "electric-vehicles"),
        ("hs", "8711", "other-transport"),
        ("hs", "88", "aerospace"),
        ("hs", "8802", "aerospace"),
        ("hs", "841112", "aerospace"),
        ("hs", "89", "other-transport"),
        ("hs", "30", "pharmaceuticals"),
        ("hs", "8471", "electronics"),
        ("hs", "8429", "machinery"),
        ("hs", "2709", "mining"),
        ("hs", "2710", "chemicals"),
        ("hs", "99", None),
    ],
)
def test_known_codes(scheme, code, expected):
    assert tx.map_code(scheme, code) == expected


def test_codes_include_descendants():
    sic = tx.codes("manufacturing", "sic2007")
    for d in range(10, 34):
        assert tx.map_code("sic2007", str(d)) in {"manufacturing", *[s.id for s in tx.descendants("manufacturing")]}
    assert "29" in sic and "30.2" in sic
    assert tx.codes("automotive", "hs", include_descendants=False) == list(tx.get("automotive").crosswalk["hs"])
    assert "870380" in tx.codes("automotive", "hs")


def test_ancestors_and_children():
    assert tx.ancestors("electric-vehicles") == ["automotive", "transport-equipment", "manufacturing"]
    assert {s.id for s in tx.children("transport-equipment")} == {"automotive", "rail", "aerospace", "other-transport"}
    assert {s.id for s in tx.children("education")} == {"higher-education"}


def test_unknown_inputs():
    with pytest.raises(KeyError):
        tx.get("nope")
    with pytest.raises(ValueError):
        tx.map_code("sic2003", "30")


def test_loaded_once():
    assert tx.sectors()[0] is tx.sectors()[0]
    assert tx._load.cache_info().currsize == 1


def test_doctests():
    res = doctest.testmod(tx, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.attempted > 10
    assert res.failed == 0

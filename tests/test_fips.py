"""The US gazetteer (loaders.fips): state FIPS codes -> ISO 3166-2, the US total, the
``--region-scheme fips`` hook of the gazetteer, and the reference table itself."""

from __future__ import annotations

import csv

import pycountry
import pytest

from rox.loaders import fips
from rox.loaders.gazetteer import REGION_SCHEMES, Gazetteer


def test_table_lists_50_states_dc_and_pr_each_known_to_iso():
    with fips.FIPS_TABLE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 52 == len({r["fips"] for r in rows}) == len({r["usps"] for r in rows})
    for r in rows:
        sub = pycountry.subdivisions.get(code=f"US-{r['usps']}")
        assert sub is not None and sub.name == r["name"], r
    types = {pycountry.subdivisions.get(code=f"US-{r['usps']}").type for r in rows}
    assert types == {"State", "District", "Outlying area"}
    assert sum(1 for r in rows if pycountry.subdivisions.get(code=f"US-{r['usps']}").type == "State") == 50
    assert fips.FIPS_TABLE.with_name("PROVENANCE-us-states.md").is_file()


@pytest.mark.parametrize(
    ("code", "want"), [("06", "US-CA"), ("6", "US-CA"), (" 48 ", "US-TX"), ("11", "US-DC"), ("72", "US-PR")]
)
def test_states_with_or_without_leading_zero(code, want):
    p = fips.state(code)
    assert p is not None and p.id == want and p.parent == "US" and p.country == "US"
    assert f"us-fips:{code.strip().zfill(2)}" in p.codes and f"iso3166-2:{want}" in p.codes


def test_california_place():
    p = fips.state("06")
    assert (p.name, p.kind) == ("California", "state")


def test_us_total_is_the_country():
    p = fips.state("00")
    assert (p.id, p.kind, p.parent, p.name) == ("US", "country", None, "United States")
    assert "iso3166-1a3:USA" in p.codes and fips.level("00") == "country" and fips.level("06") == "state"


@pytest.mark.parametrize("code", ["03", "07", "14", "43", "52", "99"])
def test_unused_codes_are_unresolved_not_guessed(code):
    r = fips.resolve(code, None)
    assert r.status == "unresolved" and r.place.id == code and "not a US state FIPS code" in r.note


@pytest.mark.parametrize("text", ["CA", "US-CA", "006", "1.0", ""])
def test_other_shapes_are_left_to_the_gazetteer(text):
    assert fips.resolve(text, None) is None


def test_gazetteer_fips_scheme():
    assert "fips" in REGION_SCHEMES
    g = Gazetteer("fips")
    assert g.resolve("6").place.id == "US-CA" and g.resolve("00").place.id == "US"
    assert g.resolve("CA").status == "unresolved"
    # auto never reads bare digits as FIPS: "06" stays unresolved there
    assert Gazetteer("auto").resolve("06").status == "unresolved"

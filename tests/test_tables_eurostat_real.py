"""The two Eurostat files of ../shared/data loaded as a new user would, with the documented commands
(``rox load-table ... --kind employment``), into a real embedded store."""

from __future__ import annotations

import json

import pytest
from support import rox, shared_path

pytestmark = pytest.mark.shared

SBS = ("data", "eu-sbs-nuts2-nace-2015", "sbs_r_nuts06_r2.csv")
LFS = ("data", "eu-lfs-nuts2-nace-sections-2008-2015", "lfst_r_lfe2en2.tsv")


def cypher(db, text: str) -> list[dict]:
    return json.loads(rox("cypher", text, "--format", "json", db=db).stdout)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return tmp_path_factory.mktemp("eurostat-real") / "r.db"


def test_sbs_fails_on_the_30_damaged_cells_then_loads_with_skip(db):
    path = shared_path(*SBS)
    out = rox("load-table", path, "--kind", "employment", db=db, check=False)
    assert out.returncode == 1 and "30 problems found; nothing was written" in out.stderr
    assert out.stderr.count("value: '12:00 AM' is not a number") == 30
    out = rox("load-table", path, "--kind", "employment", "--bad-values", "skip", db=db)
    lines = out.stdout.splitlines()
    assert "rows read 46,859; loaded 21,698; skipped 25,161" in lines
    assert "  skipped 30: bad value (--bad-values skip; listed below)" in lines
    assert "  skipped 8,499: missing value (empty)" in lines and "  skipped 119: missing value (d)" in lines
    assert "  skipped 344: extra-regio region code (xxZ, xxZZ, xxZZZ: not a territory)" in lines
    assert sum(1 for x in lines if x.endswith("value: '12:00 AM' is not a number")) == 30
    assert any(x.startswith("detected: NUTS version nuts2013") for x in lines) and "rows/s" in lines[-1]
    got = cypher(
        db,
        "MATCH (r:Region {id: 'DE21'})-[:PART_OF]->(a:Region)-[:PART_OF]->(c:Region) "
        "MATCH (r)-[h:HAS_SECTOR]->(:Sector {id: 'nace2:29'}) RETURN r.name AS name, a.id AS a, c.id AS c, h.value AS v, h.year AS y",
    )
    assert got == [{"name": "Oberbayern", "a": "DE2", "c": "DE", "v": 110595.0, "y": 2015}]
    flagged = cypher(db, "MATCH ()-[h:HAS_SECTOR]->() WHERE h.flags = 'd' RETURN count(h) AS n")
    assert flagged[0]["n"] > 0


def test_lfs_tsv_refuses_age_then_loads_with_the_filter_fra_kept_apart(db):
    path = shared_path(*LFS)
    out = rox("load-table", path, "--kind", "employment", db=db, check=False)
    assert out.returncode == 1
    assert (
        "age: dimension age holds 5 values (Y15-24, Y15-64, Y25-64, Y65-74, Y_GE15); give --filter age=VALUE"
        in out.stderr
    )
    out = rox("load-table", path, "--kind", "employment", "--filter", "age=Y_GE15", db=db)
    assert "WARNING" not in out.stdout and "duplicate" not in out.stdout
    got = cypher(
        db,
        "MATCH (r:Region {id: 'DE11'})-[h:HAS_SECTOR]->(:Sector {id: 'nace2:B-E'}) WHERE h.year = 2015 "
        "RETURN r.name AS name, h.value AS v, h.unit AS u",
    )
    assert got == [{"name": "Stuttgart", "v": 639.9, "u": "thousand persons"}]
    fr = cypher(
        db,
        "MATCH (r:Region) WHERE r.id IN ['FR', 'FRA'] OPTIONAL MATCH (r)-[:PART_OF]->(p:Region) "
        "RETURN r.id AS id, r.kind AS kind, p.id AS parent ORDER BY id",
    )
    # NUTS 1 FRA (the overseas departments, parent of FRA1...) is a region of its own, part of France
    assert fr == [{"id": "FR", "kind": "country", "parent": None}, {"id": "FRA", "kind": "nuts1", "parent": "FR"}]
    again = rox("load-table", path, "--kind", "employment", "--filter", "age=Y_GE15", db=db)
    assert "HAS_SECTOR created 0, changed 0" in again.stdout

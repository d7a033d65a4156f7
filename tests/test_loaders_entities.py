"""Entity loading: every problem reported with file, line, field and reason; nothing
half-written; reloading changes nothing; CSV and YAML; references to the store."""

from __future__ import annotations

import textwrap

import pytest

from rox.graph.errors import ValidationFailed
from rox.loaders.entities import load_paths


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return p


def counts(store):
    return {
        (r["kind"], r["name"]): r["count"]
        for r in store.run(
            "MATCH (n) WHERE NOT n:RoxGeneration RETURN 'node' AS kind, labels(n)[0] AS name, count(n) AS count "
            "UNION ALL MATCH ()-[r]->() RETURN 'rel' AS kind, type(r) AS name, count(r) AS count"
        )
    }


GOOD = """
sources:
  - id: src-doc
    title: An op-ed
    kind: document
  - id: src-web
    title: A web page
    kind: website
regions:
  - {id: CN, name: China, kind: country, country: CN, source: src-web}
  - {id: CN-AH, name: Anhui, kind: province, country: CN, part_of: CN, source: src-web}
  - {id: CN-AH-hefei, name: 合肥, kind: city, country: CN, part_of: CN-AH, population: 7500000, source: src-web}
region_sectors:
  - {region: CN-AH, sector: rail, source: src-doc, evidence: "Anhui is a centre for rail."}
firms:
  - id: firm-x
    name: X Rail
    country: CN
    sectors: [rail]
    operates_in: [CN-AH-hefei]
    source: src-web
"""


def test_load_good_file_and_reload_changes_nothing(empty_store, tmp_path):
    f = write(tmp_path, "good.yaml", GOOD)
    load_paths(empty_store, [f])
    first = counts(empty_store)
    assert first[("node", "Region")] == 3
    assert first[("rel", "HAS_SECTOR")] == 1
    assert first[("rel", "PART_OF")] == 2
    load_paths(empty_store, [f])
    assert counts(empty_store) == first
    assert empty_store.run("MATCH (r:Region {id: 'CN-AH-hefei'}) RETURN r.name AS n, r.population AS p") == [
        {"n": "合肥", "p": 7500000}
    ]


BAD = """
sources:
  - id: src-doc
    title: An op-ed
    kind: document
regions:
  - {id: GB-DER, name: Derby, kind: town, country: GB, source: src-doc}
  - {id: GB-DER, name: Derby again, kind: city, country: XX, source: src-doc}
  - {id: CN-AH, name: Anhui, kind: province, country: CN, part_of: CN, lat: 123, source: src-nowhere}
region_sectors:
  - {region: GB-DER, sector: rail, source: src-doc}
  - {region: GB-DER, sector: railways, value: lots, source: src-doc, evidence: "x"}
firms:
  - {id: firm-x, name: X, sectros: [rail], source: src-doc}
"""


def test_bad_file_lists_every_problem_and_writes_nothing(empty_store, tmp_path):
    f = write(tmp_path, "bad.yaml", BAD)
    before = counts(empty_store)
    with pytest.raises(ValidationFailed) as err:
        load_paths(empty_store, [f])
    assert [str(p) for p in err.value.problems] == [
        f"{f}:6: kind: 'town' is not a region kind (one of: country, nation, state, province, county, city, "
        "unitary-authority, metropolitan-county, combined-authority, district, statistical-region, economic-region, region)",
        f"{f}:7: country: 'XX' is not an ISO 3166-1 alpha-2 country code",
        f"{f}:7: id: duplicate Region id 'GB-DER' (first defined at {f}:6)",
        f"{f}:8: lat: Input should be less than or equal to 90",
        f"{f}:8: part_of: refers to Region 'CN', which does not exist",
        f"{f}:8: source: refers to Source 'src-nowhere', which does not exist",
        f"{f}:10: evidence: facts from document 'src-doc' must quote their evidence sentence",
        f"{f}:11: sector: refers to Sector 'railways', which does not exist",
        f"{f}:11: value: Input should be a valid number, unable to parse string as a number",
        f"{f}:13: sectros: unknown field",
    ]
    assert str(err.value).startswith("10 problems found; nothing was written\n")
    assert counts(empty_store) == before


def test_references_are_checked_after_fields(empty_store, tmp_path):
    f = write(
        tmp_path,
        "refs.yaml",
        """
        sources:
          - {id: src-web, title: W, kind: website}
        regions:
          - {id: GB-DER, name: Derby, kind: city, country: GB, source: src-web}
          - {id: GB-DER, name: Derby, kind: city, country: GB, source: src-web}
          - {id: CN-AH, name: Anhui, kind: province, part_of: CN, source: src-nowhere}
        region_sectors:
          - {region: GB-DER, sector: railways, source: src-web}
        agreements:
          - {id: agr-1, name: MoU, kind: mou, parties: [GB-DER, CN-AH-hefei], source: src-web}
        """,
    )
    with pytest.raises(ValidationFailed) as err:
        load_paths(empty_store, [f])
    assert [str(p) for p in err.value.problems] == [
        f"{f}:5: id: duplicate Region id 'GB-DER' (first defined at {f}:4)",
        f"{f}:6: part_of: refers to Region 'CN', which does not exist",
        f"{f}:6: source: refers to Source 'src-nowhere', which does not exist",
        f"{f}:8: sector: refers to Sector 'railways', which does not exist",
        f"{f}:10: parties[1]: refers to Region 'CN-AH-hefei', which does not exist",
    ]
    assert counts(empty_store) == {}


def test_problems_across_several_files_and_csv(empty_store, tmp_path):
    y = write(tmp_path, "sources.yaml", "sources:\n  - {id: src-web, title: W, kind: website}\n")
    c = write(
        tmp_path,
        "my-regions.csv",
        "id,name,kind,country,population,source\n"
        "GB-DER,Derby,city,GB,261400,src-web\n"
        "GB-NGM,Nottingham,city,GB,-5,src-web\n"
        "GB-LCE,,city,GB,,src-web\n",
    )
    with pytest.raises(ValidationFailed) as err:
        load_paths(empty_store, [y, c])
    assert [str(p) for p in err.value.problems] == [
        f"{c}:3: population: Input should be greater than or equal to 0",
        f"{c}:4: name: required field is missing",
    ]


def test_csv_regions_load_and_refer_to_existing_store_nodes(empty_store, tmp_path):
    load_paths(empty_store, [write(tmp_path, "a.yaml", GOOD)])
    c = write(
        tmp_path,
        "firms.csv",
        "id,name,country,sectors,operates_in,source\nfirm-y,Y Aero,CN,aerospace;rail,CN-AH;CN-AH-hefei,src-web\n",
    )
    load_paths(empty_store, [c])  # CN-AH and src-web exist only in the store
    rows = empty_store.run("MATCH (f:Firm {id: 'firm-y'})-[:OPERATES_IN]->(r:Region) RETURN r.id AS id ORDER BY id")
    assert rows == [{"id": "CN-AH"}, {"id": "CN-AH-hefei"}]


def test_unreadable_inputs_are_problems(empty_store, tmp_path):
    missing = tmp_path / "nope.yaml"
    broken = write(tmp_path, "broken.yaml", "regions: [\n")
    odd = write(tmp_path, "data.txt", "x")
    with pytest.raises(ValidationFailed) as err:
        load_paths(empty_store, [missing, broken, odd])
    text = [str(p) for p in err.value.problems]
    assert f"{missing}: file: does not exist" in text
    assert f"{odd}: file: not a .yaml, .yml or .csv file" in text
    assert any(t.startswith(f"{broken}:2: file: invalid YAML") for t in text)


def test_injection_text_is_data(empty_store, tmp_path):
    evil = "x' }) DETACH DELETE n //"
    f = write(
        tmp_path,
        "evil.yaml",
        f"""
        sources:
          - {{id: src-web, title: W, kind: website}}
        regions:
          - {{id: GB-DER, name: Derby, kind: city, source: src-web}}
          - {{id: "evil-1", name: "{evil}", kind: city, source: src-web}}
        """,
    )
    load_paths(empty_store, [f])
    assert empty_store.run("MATCH (r:Region {name: $n}) RETURN r.id AS id", {"n": evil}) == [{"id": "evil-1"}]
    assert empty_store.run("MATCH (r:Region) RETURN count(r) AS n") == [{"n": 2}]

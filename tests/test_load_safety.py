"""Issue 9, loader side: input that used to half-write, hang, crash or be silently changed is
refused with one ``file:line: field: reason`` line, and a write the database refuses half-way
leaves nothing behind (real embedded store, real files)."""

from __future__ import annotations

import textwrap
import time

import pytest

from rox.graph.errors import RoxError, ValidationFailed
from rox.loaders.entities import check_paths, load_paths, write_plan
from rox.loaders.table_load import LoadOptions, load_table
from rox.loaders.tables import TableSpec
from rox.loaders.writer import load_session


def write(tmp_path, name, text, raw=False):
    p = tmp_path / name
    p.write_text(text if raw else textwrap.dedent(text).lstrip(), encoding="utf-8")
    return p


def snapshot(store):
    nodes = store.run(
        "MATCH (n) WHERE NOT n:RoxGeneration RETURN labels(n)[0] AS label, n.id AS id, properties(n) AS props ORDER BY label, id"
    )
    rels = store.run(
        "MATCH (a)-[r]->(b) RETURN type(r) AS t, a.id AS a, b.id AS b, properties(r) AS props ORDER BY t, a, b"
    )
    return nodes, sorted(rels, key=repr)


SOURCES = """
sources:
  - {id: src-web, title: W, kind: website}
"""


def problems_of(store, *paths):
    with pytest.raises(ValidationFailed) as err:
        load_paths(store, list(paths))
    return [str(p) for p in err.value.problems]


# ---------------------------------------------------------------- (5) validation before the database
def test_infinite_nan_and_nul_are_refused_before_writing(empty_store, tmp_path):
    f = write(
        tmp_path,
        "bad.yaml",
        SOURCES
        + """
regions:
  - {id: GB-DER, name: Derby, kind: city, lat: .inf, source: src-web}
  - {id: GB-NGM, name: "Notting\\0ham", kind: city, source: src-web}
region_sectors:
  - {region: GB-DER, sector: rail, value: .nan, source: src-web}
  - {region: GB-DER, sector: aerospace, value: -.inf, source: src-web}
""",
    )
    before = snapshot(empty_store)
    assert problems_of(empty_store, f) == [
        f"{f}:5: lat: Input should be a finite number",
        f"{f}:6: name: contains a NUL character (\\x00), which the database cannot store",
        f"{f}:8: value: Input should be a finite number",
        f"{f}:9: value: Input should be a finite number",
    ]
    assert snapshot(empty_store) == before


def test_a_write_the_database_refuses_half_way_rolls_the_whole_load_back(empty_store, tmp_path):
    """A real refusal: a property value that is a map (valid for Python, refused by the engine)
    in the last node batch, after sources, sectors and regions -- one of them changed -- were written."""
    first = write(
        tmp_path,
        "a.yaml",
        SOURCES
        + """
regions:
  - {id: GB-DER, name: Derby, kind: city, population: 1, source: src-web}
""",
    )
    load_paths(empty_store, [first])
    before = snapshot(empty_store)
    second = write(
        tmp_path,
        "b.yaml",
        SOURCES
        + """
regions:
  - {id: GB-DER, name: Derby (changed), kind: city, population: 2, source: src-web}
  - {id: GB-NGM, name: Nottingham, kind: city, source: src-web}
agreements:
  - {id: agr-1, name: MoU, kind: mou, parties: [GB-DER, GB-NGM], source: src-web}
""",
    )
    plan = check_paths(empty_store, [second])
    plan.nodes["Agreement"]["agr-1"]["terms"] = {"not": "storable"}
    refused = (
        r"Property values can only be of primitive types.*Nothing was kept: removed "
        r"\d+ relationships and [1-9]\d* nodes it had created and restored 1 changed"
    )
    with pytest.raises(RoxError, match=refused), load_session(empty_store, "entities", str(second), batch_size=1) as s:
        s.run(lambda session: write_plan(session, plan))
    assert snapshot(empty_store) == before


def test_load_paths_reports_progress_and_a_load_id(empty_store, tmp_path):
    f = write(tmp_path, "a.yaml", SOURCES + "regions:\n  - {id: GB-DER, name: Derby, kind: city, source: src-web}\n")
    seen = []
    report = load_paths(empty_store, [f], progress=lambda done, total, what: seen.append((done, total, what)))
    assert report.load_id.startswith("load-")
    writes = [x for x in seen if x[2].startswith("writing")]
    assert writes[-1][0] == writes[-1][1] == sum(report.nodes.values()) + sum(report.relationships.values())
    assert [x[0] for x in writes] == sorted(x[0] for x in writes)  # one count across every step


# ---------------------------------------------------------------- (8) alias bombs, (12) duplicate keys
BOMB = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x]"]
    + [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
        for i in range(8)
    ]
)


def test_yaml_alias_bomb_is_refused_at_once(empty_store, tmp_path):
    f = write(tmp_path, "bomb.yaml", BOMB + "\n", raw=True)
    assert f.stat().st_size < 600
    started = time.perf_counter()
    got = problems_of(empty_store, f)
    assert time.perf_counter() - started < 2
    assert got == [
        f"{f}:1: file: YAML anchors (&a) are not allowed in entity files (an alias can expand a small file "
        "into gigabytes); write the values out"
    ]
    alias = write(tmp_path, "alias.yaml", SOURCES + "regions:\n  - *r\n")
    assert problems_of(empty_store, alias)[0].startswith(f"{alias}:4: file: YAML aliases (*name) are not allowed")


def test_duplicate_keys_name_the_line(empty_store, tmp_path):
    f = write(
        tmp_path,
        "dup.yaml",
        SOURCES
        + """
regions:
  - id: GB-DER
    name: Derby
    id: GB-NGM
    kind: city
    source: src-web
""",
    )
    assert problems_of(empty_store, f) == [
        f"{f}:7: id: key given twice in one mapping (first at line 5); YAML would keep only the last"
    ]


# ---------------------------------------------------------------- (13) one-line errors, no traceback
def test_deep_nesting_is_one_line(empty_store, tmp_path):
    f = write(tmp_path, "deep.yaml", "regions: " + "[" * 5000 + "]" * 5000 + "\n", raw=True)
    assert problems_of(empty_store, f) == [f"{f}:1: file: nested more than 32 levels deep; entity files need a few"]


def test_cell_over_the_csv_field_limit_is_one_line(empty_store, tmp_path):
    big = "x" * 140_000
    c = write(
        tmp_path,
        "my-regions.csv",
        f"id,name,kind,source\nGB-DER,Derby,city,src-web\nGB-NGM,{big},city,src-web\n",
        raw=True,
    )
    src = write(tmp_path, "sources.yaml", SOURCES)
    assert problems_of(empty_store, src, c) == [
        f"{c}:3: row: a cell is longer than 131,072 characters (the CSV field limit); is this a table of values?"
    ]
    t = write(
        tmp_path,
        "t.csv",
        "geo,industry,year,value\nUKF1,30,2021,1\n" + "UKF1,29,2021,1\n" * 20000 + f"UKG3,{big},2021,1\n",
        raw=True,
    )
    with pytest.raises(ValidationFailed) as err:
        load_table(empty_store, TableSpec(t), LoadOptions(sector_scheme="sic2007", kind="employment"))
    assert [str(p) for p in err.value.problems][-1] == (
        f"{t}:20003: row: a cell is longer than 131,072 characters (the CSV field limit); is this a table of values?"
    )
    assert empty_store.run("MATCH (n) WHERE NOT n:RoxGeneration RETURN count(n) AS n") == [{"n": 0}]


# ---------------------------------------------------------------- (14) no silent clamping
def test_integers_beyond_64_bits_are_refused(empty_store, tmp_path):
    f = write(
        tmp_path,
        "big.yaml",
        SOURCES
        + """
regions:
  - {id: GB-DER, name: Derby, kind: city, population: 99999999999999999999999, source: src-web}
""",
    )
    assert problems_of(empty_store, f) == [
        f"{f}:5: population: 99999999999999999999999 is beyond the 64-bit integer range the database stores "
        "(-9223372036854775808..9223372036854775807)"
    ]
    t = write(
        tmp_path,
        "t.csv",
        "geo,industry,year,value\nUKF1,30,2021,99999999999999999999999\nUKF1,29,2021,9223372036854775807\n",
        raw=True,
    )
    with pytest.raises(ValidationFailed) as err:
        load_table(empty_store, TableSpec(t), LoadOptions(sector_scheme="sic2007", kind="employment"))
    assert [str(p) for p in err.value.problems] == [
        f"{t}:2: value: '99999999999999999999999' is beyond the 64-bit integer range the database stores "
        "(-9223372036854775808..9223372036854775807)"
    ]
    assert empty_store.run("MATCH (n) WHERE NOT n:RoxGeneration RETURN count(n) AS n") == [{"n": 0}]


def test_nul_in_a_table_is_a_problem_not_a_database_error(empty_store, tmp_path):
    t = write(tmp_path, "t.csv", "geo,industry,year,value\nUK\x00F1,30,2021,1\n", raw=True)
    with pytest.raises(ValidationFailed) as err:
        load_table(empty_store, TableSpec(t), LoadOptions(sector_scheme="sic2007", kind="employment"))
    assert [str(p) for p in err.value.problems] == [f"{t}:2: region: contains a NUL character (\\x00)"]

"""Issue 10, item 5: named datasets (``rox load-table --dataset NAME``, ``rox datasets``).

Real embedded store, real files: small tables written here, and the Census of India B-18
state files from ../shared (skipped when that folder is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import rox, shared_path

from rox.api import Rox
from rox.graph.errors import RoxError, ValidationFailed
from rox.loaders.loads import list_loads, undo_load
from rox.loaders.table_load import LoadOptions, load_table
from rox.loaders.tables import TableSpec
from rox.loaders.writer import load_session
from rox.queries.registry import all_cypher_texts

EMP = {"sector_scheme": "sic2007", "kind": "employment"}


def table(tmp_path: Path, name: str, *rows: str) -> Path:
    p = tmp_path / name
    p.write_text("region,sector,year,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return p


def record(store, name: str) -> dict | None:
    got = store.run("MATCH (d:Dataset {id: $id}) RETURN properties(d) AS p", {"id": name})
    return got[0]["p"] if got else None


def graph_state(store) -> tuple:
    nodes = store.run(
        "MATCH (n) WHERE NOT n:RoxGeneration RETURN labels(n)[0] AS label, n.id AS id, properties(n) AS props"
    )
    rels = store.run("MATCH (a)-[r]->(b) RETURN type(r) AS t, a.id AS a, b.id AS b, properties(r) AS props")
    return sorted(nodes, key=repr), sorted(rels, key=repr)


@pytest.fixture
def two_files(tmp_path):
    a = table(tmp_path, "bres-a.csv", "TLF1,29,2021,100", "TLG3,29,2021,200", "TLF1,30,2021,50")
    b = table(tmp_path, "bres-b.csv", "TLF1,29,2020,90", "TLI3,62,2020,300")
    return a, b


def test_two_files_form_one_dataset_with_its_facts(empty_store, two_files):
    a, b = two_files
    sa = load_table(empty_store, TableSpec(a), LoadOptions(**EMP, dataset="uk-bres"))
    load_table(empty_store, TableSpec(b), LoadOptions(**EMP, dataset="uk-bres"))
    assert sa.lines()[0] == f"file {a} -> source src-file-bres-a-csv in dataset uk-bres"
    d = record(empty_store, "uk-bres")
    assert {k: d[k] for k in ("title", "kind", "unit", "scheme", "years", "region_levels")} == {
        "title": "uk-bres",
        "kind": "employment",
        "unit": "persons",
        "scheme": "sic2007",
        "years": [2020, 2021],
        "region_levels": ["statistical-region"],
    }
    assert (d["codes"], d["code_count"]) == (["sic2007:29", "sic2007:30", "sic2007:62"], 3)
    assert (d["regions"], d["region_count"], d["facts"]) == (["TLF1", "TLG3", "TLI3"], 3, 5)
    # every fact of the two files carries the dataset; each file's Source is in it
    tagged = empty_store.run("MATCH ()-[r:HAS_SECTOR]->() RETURN r.dataset AS d, count(r) AS n")
    assert tagged == [{"d": "uk-bres", "n": 5}]
    linked = empty_store.run("MATCH (s:Source)-[:IN_DATASET]->(:Dataset {id: 'uk-bres'}) RETURN s.id AS id")
    assert sorted(r["id"] for r in linked) == ["src-file-bres-a-csv", "src-file-bres-b-csv"]


def test_default_dataset_is_the_source_and_reloading_changes_nothing(empty_store, two_files):
    a, _ = two_files
    s = load_table(empty_store, TableSpec(a), LoadOptions(**EMP))
    assert s.dataset == s.source == "src-file-bres-a-csv"
    assert record(empty_store, s.source)["title"] == "bres-a.csv"
    before = graph_state(empty_store)
    again = load_table(empty_store, TableSpec(a), LoadOptions(**EMP))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert graph_state(empty_store) == before
    assert not any(n.startswith("dataset ") for n in again.notes)


@pytest.mark.parametrize(
    ("opts", "field", "theirs", "mine"),
    [
        ({**EMP, "kind": "gva"}, "kind", "'employment'", "'gva'"),
        ({**EMP, "unit": "jobs"}, "unit", "'persons'", "'jobs'"),
        ({**EMP, "sector_scheme": "nace2"}, "classification (sector scheme)", "'sic2007'", "'nace2'"),
    ],
)
def test_a_file_of_another_kind_unit_or_classification_is_refused(empty_store, two_files, opts, field, theirs, mine):
    a, b = two_files
    load_table(empty_store, TableSpec(a), LoadOptions(**EMP, dataset="uk-bres"))
    before = graph_state(empty_store)
    with pytest.raises(ValidationFailed) as err:
        load_table(empty_store, TableSpec(b), LoadOptions(**opts, dataset="uk-bres"))
    assert [str(p) for p in err.value.problems] == [
        f"{b}: --dataset: dataset 'uk-bres' holds {field} {theirs}, this file's is {mine}; "
        "one dataset = one kind, one unit, one classification (give another --dataset)"
    ]
    assert graph_state(empty_store) == before
    assert [e.status for e in list_loads(empty_store)] == ["done"]  # the refused one never began


def test_a_file_stays_in_its_dataset_and_names_are_checked(empty_store, two_files):
    a, _ = two_files
    load_table(empty_store, TableSpec(a), LoadOptions(**EMP, dataset="first"))
    with pytest.raises(ValidationFailed, match=r"already in dataset 'first'; a file is in one dataset"):
        load_table(empty_store, TableSpec(a), LoadOptions(**EMP, dataset="second"))
    with pytest.raises(ValidationFailed, match=r"--dataset: a dataset name cannot be blank"):
        load_table(empty_store, TableSpec(a), LoadOptions(**EMP, dataset="  "))
    assert record(empty_store, "second") is None


def test_undo_puts_the_record_back_load_by_load(empty_store, two_files, tmp_path):
    a, b = two_files
    load_table(empty_store, TableSpec(a), LoadOptions(**EMP, dataset="uk-bres"))
    after_a = graph_state(empty_store)
    second = load_table(empty_store, TableSpec(b), LoadOptions(**EMP, dataset="uk-bres"))
    after_b = graph_state(empty_store)
    # a revised file a (a new code and region): the record grows, and shrinks back on undo
    a2 = table(tmp_path, "bres-a.csv", "TLF1,29,2021,100", "TLG3,29,2021,200", "TLF1,30,2021,50", "TLJ1,10,2019,7")
    third = load_table(empty_store, TableSpec(a2), LoadOptions(**EMP, dataset="uk-bres"))
    d = record(empty_store, "uk-bres")
    assert (d["years"], d["code_count"], d["region_count"], d["facts"]) == ([2019, 2020, 2021], 4, 4, 6)
    undo_load(empty_store, third.load_id)
    assert graph_state(empty_store) == after_b
    undo_load(empty_store, second.load_id)
    assert graph_state(empty_store) == after_a
    assert record(empty_store, "uk-bres")["facts"] == 3
    undo_load(empty_store, list_loads(empty_store)[0].id)
    assert empty_store.run("MATCH (n) WHERE NOT n:RoxGeneration RETURN count(n) AS n") == [{"n": 0}]


def test_a_load_that_fails_after_the_record_changed_puts_it_back(empty_store, two_files):
    """The record is journaled before it changes: a database error later in the same load
    (a real one: a statement the engine refuses) rolls it back with everything else."""
    from rox.loaders import datasets

    a, b = two_files
    load_table(empty_store, TableSpec(a), LoadOptions(**EMP, dataset="uk-bres"))
    before = graph_state(empty_store)
    old = record(empty_store, "uk-bres")
    add = datasets.Contribution("employment", "persons", "sic2007", {1999}, {"country"}, {"GB"}, {"sic2007:01"}, 9)

    def write(s):
        assert datasets.write(s, "uk-bres", "src-file-bres-a-csv", "uk-bres", old, add)
        assert record(empty_store, "uk-bres")["years"] == [1999, 2021]
        s.store.run("MATCH (d:Dataset) SET d.bad = {not: 'storable'}", write=True)

    refused = "Nothing was kept: .* restored 1 changed values"
    with pytest.raises(RoxError, match=refused), load_session(empty_store, "table", str(b)) as s:
        s.run(write)
    assert graph_state(empty_store) == before


def test_census_b18_state_files_as_one_dataset(empty_store):
    folder = shared_path("data", "india-census2011-b18")
    wb, rj, mh = (
        folder / "DDW_B18_1900_NIC_FINAL_STATE_WEST_BENGAL-2011.csv",
        folder / "DDW_B18_0800_NIC_FINAL_STATE_RAJASTHAN-2011.csv",
        folder / "DDW_B18sc_2700_NIC_FINAL_STATE_MAHARASHTRA-2011.csv",
    )
    opts = LoadOptions(dataset="in-census2011-b18")
    loaded = [load_table(empty_store, TableSpec(p), opts) for p in (wb, rj)]
    d = record(empty_store, "in-census2011-b18")
    assert (d["kind"], d["unit"], d["scheme"], d["years"], d["region_levels"]) == (
        "employment",
        "persons",
        "isic4",
        [2011],
        ["district"],
    )
    assert d["facts"] == sum(s.rows_loaded for s in loaded) == 7_188 + 11_229
    assert d["region_count"] == 19 + 33 and all(r.startswith(("IN-WB-", "IN-RJ-")) for r in d["regions"])
    assert d["code_count"] == len(d["codes"]) and "isic4:4711" in d["codes"]
    # the Maharashtra file counts Scheduled Castes only: another unit, so not this dataset
    with pytest.raises(ValidationFailed) as err:
        load_table(empty_store, TableSpec(mh), opts)
    (problem,) = err.value.problems
    assert str(problem).endswith(
        "--dataset: dataset 'in-census2011-b18' holds unit 'persons', this file's is "
        "'persons (Scheduled Castes only)'; one dataset = one kind, one unit, one classification "
        "(give another --dataset)"
    )
    load_table(empty_store, TableSpec(mh), LoadOptions(dataset="in-census2011-b18-sc"))
    counts = {
        r["d"]: r["n"] for r in empty_store.run("MATCH ()-[r:HAS_SECTOR]->() RETURN r.dataset AS d, count(r) AS n")
    }
    assert counts == {
        "in-census2011-b18": 18_417,
        "in-census2011-b18-sc": record(empty_store, "in-census2011-b18-sc")["facts"],
    }


def test_rox_datasets_command_in_each_format(tmp_path, two_files):
    a, b = two_files
    db = tmp_path / "rox.db"
    assert "no datasets yet" in rox("datasets", db=db).stdout
    for f in (a, b):
        out = rox("load-table", f, "--sector-scheme", "sic2007", "--kind", "employment", "--dataset", "uk-bres", db=db)
        assert f"-> source src-file-{f.stem}-csv in dataset uk-bres" in out.stdout
    (row,) = json.loads(rox("datasets", "--format", "json", db=db).stdout)
    assert row["sources"] == ["src-file-bres-a-csv", "src-file-bres-b-csv"] and row["files"] == 2
    assert (row["years"], row["codes"], row["facts"]) == ([2020, 2021], ["sic2007:29", "sic2007:30", "sic2007:62"], 5)
    csv = rox("datasets", "--format", "csv", db=db).stdout.splitlines()
    assert csv[0].startswith("id,title,kind,unit,scheme,years,region_levels,region_count,code_count,facts,files")
    assert csv[1].startswith("uk-bres,uk-bres,employment,persons,sic2007,2020; 2021,statistical-region,3,3,5,2,")
    text = rox("datasets", db=db).stdout
    assert "uk-bres" in text and "2020, 2021" in text and "sic2007:29, sic2007:30, sic2007:62" in text
    bad = rox(
        "load-table", a, "--sector-scheme", "sic2007", "--kind", "gva", "--dataset", "uk-bres", db=db, check=False
    )
    assert bad.returncode == 1 and "--dataset: dataset 'uk-bres' holds kind 'employment'" in bad.stderr
    with Rox.open(db=str(db)) as rx:
        assert [r["id"] for r in rx.datasets()] == ["uk-bres"]


def test_dataset_statements_are_linted():
    texts = all_cypher_texts()
    for name in ("dataset:get", "dataset:of_source", "dataset:upsert", "dataset:link", "rollback:restore_node:Dataset"):
        assert any(k.endswith(name) for k in texts), name
    assert "dataset: $dataset" in texts[next(k for k in texts if k.endswith("table:create_has_sector"))]

"""``rox extract``: the rules one by one, the test documents of tests/documents, the entity file
(it loads, only what is new, nothing twice), determinism, and the command end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import ROOT, rox, shared_path

from rox.api import Rox, extraction_file, read_text
from rox.loaders.documents.extract import extract
from rox.loaders.documents.read import read_document
from rox.loaders.documents.resolve import Known

DOCS = Path(__file__).with_name("documents")
SEED_000 = ("seeds", "000_123434c402563b0f.txt")
SEED_004 = ("seeds", "004_0fe75016b613fb51.txt")


def found(text: str, known: Known | None = None):
    return extract(read_text(text), known or Known())


def ids(x, label: str) -> list[str]:
    return [i.id for i in x.of(label)]


def keys(x, label: str) -> set[str]:
    return {i.key.split(":", 1)[1] for i in x.of(label)}


# ------------------------------------------------------------------ places
def test_places_resolve_to_iso_geonames_and_text_parents():
    x = found("Hefei is the capital of Anhui Province. Derby, in England, signed with China and the EU.")
    assert ids(x, "region") == ["CN-AH-hefei", "CN-AH", "GB-DER", "GB-ENG", "CN", "EU"]
    hefei = x.item("region:CN-AH-hefei")
    assert hefei.record["part_of"] == "CN-AH" and hefei.record["codes"] == ["geonames:1808722"]


def test_a_word_inside_a_name_or_a_metaphor_is_not_a_region():
    x = found("The University of Derby is in Britain. Pune is the Detroit of India.")
    assert "GB-DER" not in ids(x, "region") and ids(x, "university") == ["uni-derby"]
    assert not any("detroit" in i for i in ids(x, "region"))
    assert {"GB", "IN"} <= set(ids(x, "region"))


def test_seats_of_government_months_and_common_words_are_not_regions():
    x = found(
        "James Smith is MP for Old Bexley and Sidcup. Ministers in Westminster met in March. "
        "Much like Britain, the City Centre Masterplan matters."
    )
    assert ids(x, "region") == ["GB"]


def test_store_names_and_aliases_come_first():
    known = Known.from_rows(
        [
            {"label": "Region", "id": "CN", "name": "China", "parents": []},
            {"label": "Region", "id": "CN-AH-hefei", "name": "Hefei", "aliases": ["合肥"], "parents": ["CN"]},
            {"label": "Region", "id": "ZZ-non-eu", "name": "Non-EU countries", "aliases": ["non-EU countries"]},
        ]
    )
    x = found("合肥是安徽的省会。We trade with the non-EU countries and Hefei.", known)
    assert ids(x, "region") == ["CN-AH-hefei", "ZZ-non-eu"]
    assert all(i.known and i.confidence >= 0.9 for i in x.of("region"))


def test_ambiguous_names_follow_the_documents_countries():
    uk = found("Derby is a city in Britain.")
    assert "GB-DER" in ids(uk, "region")
    us = found("Derby, a town in Kansas in the United States.")
    assert "US-KS-derby" in ids(us, "region") and "GB-DER" not in ids(us, "region")


# ------------------------------------------------------------------ organisations
def test_firms_by_form_by_context_and_acronym():
    x = found(
        "Jaguar Land Rover Ltd (JLR) builds cars. JLR said so. Tata Motors, the Mumbai-based carmaker, "
        "and the aero-engine maker Rolls-Royce met. The likes of Toyota and Bombardier are global companies."
    )
    assert ids(x, "firm") == [
        "firm-jaguar-land-rover",
        "firm-tata-motors",
        "firm-rolls-royce",
        "firm-toyota",
        "firm-bombardier",
    ]
    jlr = x.item("firm:firm-jaguar-land-rover")
    assert len(jlr.spans) == 2  # the acronym names it again
    assert {"firm-tata-motors:automotive", "firm-rolls-royce:aerospace"} <= keys(x, "firm_sector")
    assert "firm-tata-motors:IN-mumbai" in keys(x, "headquartered_in")


def test_government_bodies_are_not_firms():
    x = found(
        "Thanks to the Foreign Office, the British Consulate, Derby City Council and India's Heavy Industries "
        "and Public Enterprise Minister, the Department for Business and Trade Ltd companies met."
    )
    assert ids(x, "firm") == []
    assert {m.text for m in x.mentions if m.label == "other"} >= {"Foreign Office", "British Consulate"}


def test_counted_universities_resolve_to_the_world_list_with_low_confidence():
    x = found("Hefei, in China, is home to two very well regarded universities.")
    unis = x.of("university")
    assert [u.id for u in unis] == ["uni-hefei-university-of-technology"]
    assert unis[0].confidence < 0.5 and unis[0].record["located_in"] == "CN-hefei"
    assert any("2 universities counted" in w for w in x.warnings)


# ------------------------------------------------------------------ sectors and facts
def test_region_sectors_need_a_characterising_sentence_and_skip_containers():
    x = found(
        "Much like Derby, the Anhui Province is a centre for the rail and aerospace industry. "
        "Hefei is at the heart of China's high speed rail network. Derby attracts investors and universities."
    )
    assert keys(x, "region_sector") == {
        "GB-DER:rail",
        "GB-DER:aerospace",
        "CN-AH:rail",
        "CN-AH:aerospace",
        "CN-hefei:logistics",
    }


def test_firm_places_and_university_research():
    x = found(
        "Rolls-Royce, the engine maker, is headquartered in London and operates a plant in Derby, England. "
        "Coventry University leads research in battery cells."
    )
    assert {"firm-rolls-royce:TLI", "firm-rolls-royce:GB-DER"} <= keys(x, "headquartered_in") | keys(x, "operates_in")
    assert keys(x, "researches") == {"uni-coventry:electric-vehicles"}


# ------------------------------------------------------------------ agreements and figures
def test_memorandum_parties_from_the_paragraph_and_shared_sectors():
    x = found(
        "I will sign a memorandum of understanding with my Chinese counterparts. The agreement will cement "
        "our relationship with Hefei, in China, after its delegates visited Derby in October 2015.\n\n"
        "Derby, in Britain, and Hefei are centres for the rail and automotive industry."
    )
    (mou,) = x.of("agreement")
    assert mou.record["kind"] == "memorandum-of-understanding"
    assert "date" not in mou.record  # October 2015 dates the delegates' visit, in a sentence that only refers to it
    assert [p["id"] for p in mou.record["parties"]] == ["CN-hefei", "GB-DER"]
    assert all(p["evidence"].startswith("The agreement will cement") for p in mou.record["parties"])
    assert keys(x, "covers") == {f"{mou.id}:rail", f"{mou.id}:automotive"}


def test_named_agreements_missions_twinnings_and_venues():
    x = found(
        "The UK-India Technology Partnership covers software. The Midlands Engine Partnership met in Delhi. "
        "A trade delegation from Bavaria arrived in Pune, India. Coventry is twinned with Dresden in Germany. "
        "Occitanie and Catalonia signed a joint declaration in Barcelona in March 2022."
    )
    got = {(i.record["kind"], tuple(p["id"] for p in i.record["parties"])) for i in x.of("agreement")}
    assert got == {
        ("partnership", ("GB", "IN")),
        ("trade-mission", ("DE-BY", "IN-pune")),
        ("twinning", ("GB-COV", "DE-dresden")),
        ("joint-declaration", ("FR-OCC", "ES-CT")),
    }
    assert keys(x, "covers") == {"agr-uk-india-technology-partnership:tech"}


def test_money_figures_become_trade_facts():
    x = found(
        "Britain currently exports £22 billion of goods and services to China every year. "
        "Last year, trade between the UK and India hit £19.6 billion. Germany exported €1.2bn of machinery to India in 2023."
    )
    got = {
        (
            i.record["from"],
            i.record["to"],
            i.record["direction"],
            i.record["value"],
            i.record["currency"],
            i.record.get("year"),
        )
        for i in x.of("trade")
    }
    assert got == {
        ("GB", "CN", "export", 22e9, "GBP", 2023),  # "every year": the document's year (2023, the latest it names)
        ("GB", "IN", "total", 19.6e9, "GBP", 2022),
        ("DE", "IN", "export", 1.2e9, "EUR", 2023),
    }


# ------------------------------------------------------------------ the test documents
def _facts(x) -> dict:
    out: dict = {label: ids(x, label) for label in ("region", "firm", "university")}
    out["agreements"] = [
        {
            "kind": a.record["kind"],
            "parties": [p["id"] for p in a.record["parties"]],
            "sectors": sorted(
                k.split(":")[2] for k in (i.key for i in x.of("covers")) if k.startswith(f"covers:{a.id}:")
            ),
            "date": a.record.get("date"),
        }
        for a in x.of("agreement")
    ]
    return out


@pytest.mark.parametrize("name", sorted(p.name for p in DOCS.iterdir() if ".expected." not in p.name))
def test_documents_of_other_styles(name):
    doc = DOCS / name
    expected = yaml.safe_load(doc.with_name(doc.name.rsplit(".", 1)[0] + ".expected.yaml").read_text(encoding="utf-8"))
    x = extract(read_document(doc), Known())
    got = _facts(x)
    assert got["region"] == expected["regions"]
    assert got["firm"] == expected["firms"]
    assert got["university"] == expected["universities"]
    want = [
        {**a, "sectors": sorted(a.get("sectors", got_a["sectors"]))}
        for a, got_a in zip(expected["agreements"], got["agreements"], strict=True)
    ]
    assert got["agreements"] == want
    for label, key in (
        ("region_sectors", "region_sector"),
        ("operates_in", "operates_in"),
        ("headquartered_in", "headquartered_in"),
        ("firm_sectors", "firm_sector"),
        ("researches", "researches"),
    ):
        assert set(expected.get(label, [])) <= keys(x, key), label
    for t in expected.get("trade", []):
        assert any(all(i.record.get(k) == v for k, v in t.items()) for i in x.of("trade")), t
    absent = expected.get("absent", {})
    assert not set(absent.get("regions", [])) & {m.text for m in x.mentions if m.label == "region"}
    assert not set(absent.get("firms", [])) & {i.name for i in x.of("firm")}
    for item in x.items:  # every evidence is the text, verbatim, at its span
        assert item.label == "source" or x.document.text[item.start : item.end] == item.evidence


# ------------------------------------------------------------------ the entity file
def test_entity_file_loads_on_an_empty_store_and_a_second_extraction_adds_nothing(empty_store, tmp_path):
    rx = Rox(empty_store)
    (x,) = rx.extract([DOCS / "council-press-release.md"])
    path = tmp_path / "council.yaml"
    path.write_text(extraction_file([x]), encoding="utf-8")
    assert rx.check([path]).problems == []
    report = rx.load_extractions([x])
    assert report.nodes["Region"] == 8  # 5 named + England, the UK and ITL1 TLG as parents (gazetteer source)
    (again,) = rx.extract([DOCS / "council-press-release.md"])
    assert again.source_id == x.source_id and all(i.known for i in again.items)
    assert "sources" not in again.to_entity_file() and again.to_entity_file() == {}


def test_accepted_keys_keep_what_they_need_only():
    x = found("Much like Derby, in England, Anhui is a centre for the rail industry. Toyota Motors operates in Derby.")
    data = x.to_entity_file({"region_sector:GB-DER:rail"})
    assert set(data) == {"sources", "regions", "region_sectors"}
    assert sorted(r["id"] for r in data["regions"]) == ["GB", "GB-DER", "GB-ENG"]  # Derby and its parents
    assert data["region_sectors"] == [
        {
            "region": "GB-DER",
            "sector": "rail",
            "source": x.source_id,
            "evidence": x.item("region_sector:GB-DER:rail").evidence,
        }
    ]


def test_yaml_round_trips_evidence_verbatim():
    x = found("Britain\u00a0exports £22 billion of goods to China – every year, it’s said.")
    data = yaml.safe_load(x.to_yaml())
    assert data["trade"][0]["evidence"] == "Britain\u00a0exports £22 billion of goods to China – every year, it’s said."
    assert json.loads(extraction_file([x], "json")) == data


def test_same_input_same_output_whatever_the_hash_seed():
    code = (
        "from rox.loaders.documents.extract import extract; from rox.loaders.documents.read import read_document; "
        f"print(extract(read_document({str(DOCS / 'trade-mission-news.txt')!r})).to_yaml())"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outs) == 1 and "agreements:" in outs.pop()


# ------------------------------------------------------------------ the command
def test_cli_lists_the_seed_findings_each_with_its_sentence(demo_db):
    seed = shared_path(*SEED_000)
    out = rox("extract", seed, db=demo_db)
    text = out.stdout
    for what in (
        "region GB-DER", "region CN-AH-hefei", "region CN-AH:", "firm firm-rolls-royce", "firm firm-toyota",
        "firm firm-bombardier", "university uni-ustc", "university uni-hfut", "agreement agr-derby-hefei-mou",
        "covers agr-derby-hefei-mou:rail", "covers agr-derby-hefei-mou:automotive", "covers agr-derby-hefei-mou:aerospace",
    ):  # fmt: skip
        line = next((line for line in text.splitlines() if what in line), None)
        assert line is not None, what
        sentence = text.splitlines()[text.splitlines().index(line) + 1]
        assert sentence.startswith("#     “") and sentence.rstrip("”").removeprefix("#     “") in seed.read_text(
            encoding="utf-8"
        )
    assert "000_123434c402563b0f.txt: 1 source, 8 regions, 3 firms, 2 universities, 2 agreements" in out.stderr
    other = rox("extract", shared_path(*SEED_004), "--format", "json", db=demo_db)
    assert json.loads(other.stdout) == {}  # everything is in the demo already
    assert "4 agreements" in other.stderr and "1 firm" in other.stderr


def test_cli_bad_files_and_usage(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    out = rox("extract", empty, db=tmp_path / "rox.db", check=False)
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "empty.txt" in out.stderr
    assert not (tmp_path / "rox.db").exists()  # the file fails before the store opens
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    bad = rox("extract", binary, db=tmp_path / "rox.db", check=False)
    assert bad.returncode == 1 and "image.txt" in bad.stderr
    usage = rox("extract", empty, "--format", "xml", check=False)
    assert usage.returncode == 2


def test_cli_load_on_the_demo_creates_no_duplicates(tmp_path):
    db = tmp_path / "rox.db"
    rox("demo", db=db)
    before = json.loads(rox("stats", "--format", "json", db=db).stdout)
    out = rox("extract", shared_path(*SEED_000), shared_path(*SEED_004), "--load", "--out", tmp_path / "x.yaml", db=db)
    assert "loaded (load load-" in out.stdout and "(0 new)" in out.stderr
    after = json.loads(rox("stats", "--format", "json", db=db).stdout)
    assert after == before  # nodes by label and relationships by type, unchanged
    with Rox.open(db=str(db)) as rx:
        xs = rx.extract([shared_path(*SEED_000), shared_path(*SEED_004)])
    resolved = {i.id for x in xs for i in x.items if i.label in ("region", "firm", "university", "agreement", "source")}
    assert {
        "GB-DER", "CN-AH-hefei", "CN-AH", "GB-ENG-midlands", "IN-MH", "firm-rolls-royce", "firm-bharat-forge",
        "uni-ustc", "uni-hfut", "agr-derby-hefei-mou", "agr-midlands-maharashtra-technology-partnership",
        "src-derby-hefei-oped", "src-midlands-india-oped",
    } <= resolved  # fmt: skip
    assert all(i.known for x in xs for i in x.items)


def test_cli_out_file_loads_with_rox_load(tmp_path):
    db = tmp_path / "rox.db"
    target = tmp_path / "found.yaml"
    rox("extract", DOCS / "regional-strategy.txt", "--out", target, db=db)
    assert target.read_text(encoding="utf-8").startswith("# rox extract")
    loaded = rox("load", target, db=db)
    assert "1 Agreement" in loaded.stdout and "1 Firm" in loaded.stdout
    assert ROOT.exists()

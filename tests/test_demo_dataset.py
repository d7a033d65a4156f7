"""Checks of the demo dataset in data/demo/ with plain YAML parsing (no database)."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rox.graph import taxonomy as tx  # noqa: E402

DEMO = ROOT / "data" / "demo"
from support import SHARED  # noqa: E402

SECTIONS = ("sources", "regions", "sectors", "region_sectors", "firms", "universities", "agreements", "trade")
LINK_FIELDS = {  # section -> list-valued link fields and what they point at
    "firms": {"sectors": "sector", "operates_in": "region"},
    "universities": {"researches": "sector"},
    "agreements": {"sectors": "sector", "parties": "region"},
}
REGION_KINDS = {
    "country",
    "state",
    "province",
    "county",
    "city",
    "unitary-authority",
    "metropolitan-county",
    "statistical-region",
    "economic-region",
    "combined-authority",
}


@pytest.fixture(scope="module")
def data() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    files = sorted(DEMO.glob("*.yaml"))
    assert files, f"no YAML files in {DEMO}"
    for f in files:
        doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        unknown = set(doc) - set(SECTIONS)
        assert not unknown, f"{f.name}: unknown sections {unknown}"
        for sec, items in doc.items():
            assert isinstance(items, list), f"{f.name}: {sec} must be a list"
            out[sec].extend(items)
    return out


def _ids(data, section):
    return {x["id"] for x in data.get(section, [])}


def _links(value):
    """Normalise a list-valued link to [(id, source|None, evidence|None)]."""
    for item in value or []:
        if isinstance(item, dict):
            yield item["id"], item.get("source"), item.get("evidence")
        else:
            yield item, None, None


def _sector_ids(data):
    return set(tx.ids()) | _ids(data, "sectors")


def test_ids_unique_per_section(data):
    for sec in ("sources", "regions", "sectors", "firms", "universities", "agreements"):
        ids = [x["id"] for x in data.get(sec, [])]
        dup = {i for i in ids if ids.count(i) > 1}
        assert not dup, f"duplicate {sec} ids: {dup}"
    clash = _ids(data, "sectors") & set(tx.ids())
    assert not clash, f"dataset sectors redefine taxonomy ids: {clash}"


def test_sources_well_formed(data):
    for s in data["sources"]:
        assert s["kind"] in {"document", "dataset", "website", "statistics"}, s["id"]
        assert s.get("title"), s["id"]
        assert s.get("url") or s.get("file") or s["id"] == "src-rox-curation", s["id"]


def test_every_fact_has_a_known_source(data):
    sources = _ids(data, "sources")
    for sec in SECTIONS[1:]:
        for x in data.get(sec, []):
            assert x.get("source") in sources, f"{sec}: {x.get('id', x)} source {x.get('source')!r}"
            for field in LINK_FIELDS.get(sec, {}):
                for _, src, _ in _links(x.get(field)):
                    assert src is None or src in sources, (sec, x["id"], field, src)


def test_regions(data):
    regions = {r["id"]: r for r in data["regions"]}
    for r in regions.values():
        assert r["kind"] in REGION_KINDS, r["id"]
        assert len(r["country"]) == 2 and r["country"].isupper(), r["id"]
        if r.get("part_of") is not None:
            assert r["part_of"] in regions, f"{r['id']}: part_of {r['part_of']!r}"
        for k in ("lat", "lon"):
            if k in r:
                assert isinstance(r[k], (int, float))
        assert r.get("population") is None or isinstance(r["population"], int)
    # part_of is acyclic
    for rid in regions:
        seen, p = {rid}, regions[rid].get("part_of")
        while p:
            assert p not in seen, f"part_of cycle at {p}"
            seen.add(p)
            p = regions[p].get("part_of")


def test_at_least_25_regions_in_5_countries(data):
    regions = data["regions"]
    assert len(regions) >= 25
    assert len({r["country"] for r in regions}) >= 5


def test_required_named_regions(data):
    ids = _ids(data, "regions")
    assert {
        "GB",
        "GB-ENG",
        "GB-DER",
        "CN",
        "CN-AH",
        "CN-AH-hefei",
        "CN-SH",
        "CN-yangtze-river-delta",
        "IN",
        "IN-MH",
        "IN-DL",
        "GB-ENG-midlands",
        "GB-ENG-west-midlands",
        "GB-ENG-london",
        "GB-ENG-south-east",
    } <= ids


def test_references_resolve(data):
    regions, sectors = _ids(data, "regions"), _sector_ids(data)
    for s in data.get("sectors", []):
        assert s.get("parent") is None or s["parent"] in sectors, s["id"]
    for rs in data["region_sectors"]:
        assert rs["region"] in regions, rs
        assert rs["sector"] in sectors, rs
    pairs = [(rs["region"], rs["sector"]) for rs in data["region_sectors"]]
    assert len(pairs) == len(set(pairs)), "duplicate region_sectors facts"
    targets = {"region": regions, "sector": sectors}
    for sec, fields in LINK_FIELDS.items():
        for x in data.get(sec, []):
            for field, kind in fields.items():
                for link_id, _, _ in _links(x.get(field)):
                    assert link_id in targets[kind], f"{sec} {x['id']}.{field}: {link_id!r}"
    for f in data["firms"]:
        assert f.get("headquartered_in") is None or f["headquartered_in"] in regions, f["id"]
    for u in data["universities"]:
        assert u["located_in"] in regions, u["id"]
    for t in data["trade"]:
        assert t["from"] in regions and t["to"] in regions, t
        assert t["direction"] in {"export", "import", "total"}, t
        assert ("currency" in t) != ("unit" in t), f"trade needs currency xor unit: {t}"
        assert t.get("sector") is None or t["sector"] in sectors, t


def _seed_texts(data):
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found at {SHARED}; seed documents unavailable")
    texts = {}
    for s in data["sources"]:
        if s.get("file", "").startswith("seeds/"):
            p = SHARED / s["file"]
            if not p.is_file():
                pytest.skip(f"seed document {p} missing")
            texts[s["id"]] = p.read_text(encoding="utf-8")
    assert len(texts) == 2, "expected the two seed documents as sources"
    return texts


def _evidence_items(data):
    for sec in SECTIONS[1:]:
        for x in data.get(sec, []):
            yield sec, x, x.get("source"), x.get("evidence")
            for field in LINK_FIELDS.get(sec, {}):
                for link_id, src, ev in _links(x.get(field)):
                    yield f"{sec}.{field}", link_id, src or x.get("source"), ev


def test_seed_facts_quote_their_document_verbatim(data):
    texts = _seed_texts(data)
    n = 0
    for where, x, src, ev in _evidence_items(data):
        if src in texts:
            if isinstance(x, dict) and where in ("region_sectors", "trade", "agreements", "firms"):
                assert ev, f"{where}: seed-sourced fact without evidence: {x}"
            if ev:
                assert ev in texts[src], f"{where}: evidence not verbatim in {src}: {ev!r}"
                n += 1
    assert n >= 30


def test_named_figures_present(data):
    values = {(t["from"], t["to"], t["value"]) for t in data["trade"]}
    assert ("GB", "CN", 22_000_000_000) in values
    assert ("GB", "IN", 19_600_000_000) in values
    assert ("GB", "IN", 344_000_000) in values
    assert ("GB", "ZZ-non-eu", 342_000_000_000) in values
    assert {"firm-rolls-royce", "firm-toyota", "firm-bombardier", "firm-bharat-forge"} <= _ids(data, "firms")
    assert {
        "agr-derby-hefei-mou",
        "agr-midlands-maharashtra-technology-partnership",
        "agr-uk-india-technology-partnership",
        "agr-uk-india-futuretech-festival",
    } <= _ids(data, "agreements")
    assert {"uni-ustc", "uni-hfut"} <= _ids(data, "universities")


def test_university_names_and_domains_match_hipo(data):
    p = SHARED / "data" / "hipo-university-domains" / "world_universities_and_domains.json"
    if not p.is_file():
        pytest.skip(f"{p} not found")
    import json

    hipo = {
        (u["name"], d, u["alpha_two_code"]) for u in json.loads(p.read_text(encoding="utf-8")) for d in u["domains"]
    }
    for u in data["universities"]:
        assert (u["name"], u["domain"], u["country"]) in hipo, u["id"]


def _profiles(data):
    prof: dict[str, set[str]] = defaultdict(set)
    for rs in data["region_sectors"]:
        prof[rs["region"]].add(rs["sector"])
    return prof


def _rank(prof, rid):
    a = prof[rid]
    scores = {o: len(a & b) / len(a | b) for o, b in prof.items() if o != rid}
    return sorted(scores, key=lambda o: -scores[o]), scores


def test_profiles_support_the_seed_partnerships(data):
    prof = _profiles(data)
    order, scores = _rank(prof, "GB-DER")
    assert {"rail", "automotive", "aerospace"} <= prof["GB-DER"] & prof["CN-AH"]
    assert scores["CN-AH"] >= sorted(scores.values(), reverse=True)[2]
    order, scores = _rank(prof, "GB-ENG-west-midlands")
    assert {"automotive", "electric-vehicles", "tech"} <= prof["GB-ENG-west-midlands"] & prof["IN-MH"]
    assert scores["IN-MH"] >= sorted(scores.values(), reverse=True)[2]

"""Pin the demo's match rankings, comparisons and named-query results (issue 8).

Run once to (re)write ``demo_pins.json``: ``.venv/bin/python tests/regression/pin.py``.
``tests/test_regression_pins.py`` asserts that every ranking (all measures), every
comparison and every named query returns exactly what is pinned (ids, ranks and
scores to 1e-9).  Re-pin only for a deliberate change of results, and say why in
the commit.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PINS = HERE / "demo_pins.json"

TARGETS = ("GB-DER", "GB-ENG-west-midlands", "CN-AH", "IN-MH", "CN-AH-hefei")
MATCH_OPTIONS: tuple[dict[str, Any], ...] = (
    {},
    {"exclude_same_country": True},
    {"level": "taxonomy"},
)
COMPARE_PAIRS = (("GB-DER", "CN-AH"), ("GB-ENG-midlands", "IN-MH"), ("GB-DER", "CN-AH-hefei"))
QUERY_PARAMS: dict[str, dict[str, Any]] = {
    "bridges": {"a": "GB-DER", "b": "CN-AH"},
    "entity-sectors": {},
    "neighbourhood": {"node": "GB-DER", "limit": 200},
    "region-hierarchy": {"region": "CN-AH-hefei"},
    "region-links": {},
    "region-profile": {"region": "GB-DER"},
    "region-sector-matrix": {},
    "regions-in-sector": {"sector": "rail"},
    "regions": {},
    "search-nodes": {"text": "derb", "limit": 50},
    "sectors": {},
    "shared-sectors": {"a": "GB-DER", "b": "CN-AH"},
    "shortest-connection": {"a": "GB-DER", "b": "IN-MH"},
    "sources": {},
    "stats": {},
    "trade-links": {},
}

BRIDGE_KEYS = ("firms", "universities", "agreements", "trade")
EXPLAINED = 5  # explanations pinned for the first rows of each ranking


def match_pin(row: dict[str, Any]) -> dict[str, Any]:
    """The parts of a match row that must not change: id, rank, scores, explanation ids."""
    out = {k: row[k] for k in row if k == "rank" or k == "region" or k.startswith("score")}
    if row["rank"] > EXPLAINED:
        return out
    out["shared_sectors"] = [[s["sector"], s.get("a_rca"), s.get("b_rca")] for s in row.get("shared_sectors", [])]
    out["complementary_sectors"] = [
        [s["sector"], s.get("density"), s.get("b_rca")] for s in row.get("complementary_sectors", [])
    ]
    for key in BRIDGE_KEYS:
        out[key] = sorted(
            {(b["id"], b.get("a_place"), b.get("b_place"), b.get("sector")) for b in row.get(key, [])}, key=str
        )
    return out


def compare_pin(out: dict[str, Any]) -> dict[str, Any]:
    return {
        "scores": out["scores"],
        "profiles": [
            [p["sector"], p["a_value"], p["b_value"], p["a_rca"], p["b_rca"], p["a_present"], p["b_present"]]
            for p in out["profiles"]
        ],
        "shared": [s["sector"] for s in out["shared"]],
        "b_offers_a": [s["sector"] for s in out["complementary"]["b_offers_a"]],
        "a_offers_b": [s["sector"] for s in out["complementary"]["a_offers_b"]],
        "bridges": {
            k: sorted({(b["id"], b.get("a_place"), b.get("b_place")) for b in v}, key=str)
            for k, v in out["bridges"].items()
        },
    }


def normalise(obj: Any) -> Any:
    """JSON round trip, so pinned and fresh values compare alike (tuples become lists)."""
    return json.loads(json.dumps(obj, default=str, sort_keys=True))


def option_key(opts: dict[str, Any]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(opts.items())) or "default"


def collect(rx, measures: list[str]) -> dict[str, Any]:
    """Every pinned result, computed through ``rx`` (a :class:`rox.api.Rox`)."""
    pins: dict[str, Any] = {"match": {}, "compare": {}, "query": {}}
    for target in TARGETS:
        for measure in measures:
            for opts in MATCH_OPTIONS:
                key = f"{target}|{measure}|{option_key(opts)}"
                res = rx.match(target, measure=measure, top=100, **opts)
                pins["match"][key] = [match_pin(r) for r in res.rows]
    for a, b in COMPARE_PAIRS:
        pins["compare"][f"{a}|{b}"] = compare_pin(rx.compare(a, b))
    for name, params in QUERY_PARAMS.items():
        pins["query"][name] = rx.query(name, **params)
    return normalise(pins)


def write(pins: dict[str, Any]) -> None:
    """One line per pinned result, so a diff shows which result changed."""
    body = ",\n".join(
        f"{json.dumps(f'{section}/{key}')}: {json.dumps(value, sort_keys=True)}"
        for section, entries in sorted(pins.items())
        for key, value in sorted(entries.items())
    )
    PINS.write_text("{\n" + body + "\n}\n")


def read() -> dict[str, Any]:
    """The pins as ``{section: {key: value}}``."""
    out: dict[str, Any] = {}
    for flat, value in json.loads(PINS.read_text()).items():
        section, key = flat.split("/", 1)
        out.setdefault(section, {})[key] = value
    return out


def main() -> int:
    sys.path.insert(0, str(HERE.parents[1]))
    from rox.api import Rox
    from rox.queries.measures import measure_names  # after issue 8

    with tempfile.TemporaryDirectory() as tmp, Rox.open(db=f"{tmp}/rox.db") as rx:
        rx.load_demo()
        write(collect(rx, measure_names()))
    print(f"wrote {PINS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``rox match`` and ``rox compare``: partner ranking and two-region comparison.

Registers itself with :func:`rox.cli.extension`; all logic is in
:mod:`queries.matching`.
"""

from __future__ import annotations

import sys

from rox.cli import COMMANDS, _open, command, emit, extension, positive
from rox.output import FORMATS


@extension
def add_commands(sub) -> None:
    from rox.queries.matching import measure_names

    s = sub.add_parser("match", help="rank partner regions for a region, with explanations")
    s.add_argument("region", help="region id or name (case-insensitive)")
    s.add_argument("--measure", default="jaccard", choices=measure_names())
    s.add_argument("--top", type=positive(int), default=10)
    s.add_argument("--year", type=int, help="data year (default: each region's latest)")
    s.add_argument("--source", help="use only this source's facts (e.g. one statistical table)")
    s.add_argument("--threshold", type=float, default=1.0, help="presence: RCA >= threshold (default 1)")
    s.add_argument("--strict", action="store_true", help="presence: RCA > threshold")
    s.add_argument("--exclude-same-country", action="store_true")
    s.add_argument("--include-related", action="store_true",
                   help="keep the regions containing REGION or inside it (left out by default)")
    s.add_argument("--country", action="append", dest="countries", metavar="CC", help="only these countries (repeat)")
    s.add_argument("--kind", action="append", dest="kinds", metavar="KIND", help="only these region kinds (repeat)")
    s.add_argument("--min-population", type=int)
    s.add_argument("--max-population", type=int)
    s.add_argument("--min-sectors", type=int, default=1, help="only regions with at least this many sectors")
    s.add_argument("--level", choices=("fine", "taxonomy"), default="fine",
                   help="sector level: codes as loaded, or rolled up to the rox taxonomy")
    s.add_argument("--weights", help="blend weights, e.g. overlap=0.5,complementarity=0.2,links=0.15,agreements=0.1,trade=0.05")
    s.add_argument("--format", choices=FORMATS, default="table")
    s.add_argument("--out", metavar="FILE", help="write to FILE (required for xlsx)")

    s = sub.add_parser("compare", help="compare two regions: profiles, shared and complementary sectors, bridges")
    s.add_argument("a")
    s.add_argument("b")
    s.add_argument("--year", type=int)
    s.add_argument("--source")
    s.add_argument("--level", choices=("fine", "taxonomy"), default="fine")
    s.add_argument("--threshold", type=float, default=1.0, help="presence: RCA >= threshold (default 1)")
    s.add_argument("--strict", action="store_true", help="presence: RCA > threshold")
    s.add_argument("--format", choices=("table", "json"), default="table")


@command("match")
def _match(args) -> int:
    from rox.queries.matching import match

    with _open(args) as rx:
        region = rx.resolve_region(args.region)
        res = match(
            rx.store, region, measure=args.measure, top=args.top, year=args.year, source=args.source,
            threshold=args.threshold, strict=args.strict, exclude_same_country=args.exclude_same_country,
            countries=args.countries, kinds=args.kinds, min_population=args.min_population,
            max_population=args.max_population, min_sectors=args.min_sectors, weights=args.weights,
            level=args.level, include_related=args.include_related,
        )
    rows = res.rows if args.format == "json" else res.flat_rows()
    if args.format == "table":
        rows = [{k: r[k] for k in ("rank", "region", "name", "country", "score", "shared_sectors", "firms", "agreements")} for r in rows]
    emit(rows, args.format, res.params, args.out)
    for note in res.notes:
        print(f"rox: note: {note}", file=sys.stderr)
    return 0


@command("compare")
def _compare(args) -> int:
    import json

    from rox.queries.matching import compare

    with _open(args) as rx:
        a, b = rx.resolve_region(args.a), rx.resolve_region(args.b)
        out = compare(rx.store, a, b, year=args.year, source=args.source, level=args.level,
                      threshold=args.threshold, strict=args.strict)
    if args.format == "json":
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return 0
    print(f"{a} vs {b}  ({out['value_mode']}, {out['data_source']})  scores: " +
          ", ".join(f"{k} {v}" for k, v in out["scores"].items()))
    emit(out["profiles"], "table")
    for title, rows in (("shared sectors", out["shared"]),
                        (f"{b} offers {a} (sectors {a} lacks but is close to)", out["complementary"]["b_offers_a"]),
                        (f"{a} offers {b}", out["complementary"]["a_offers_b"])):
        if rows:
            print(f"{title}:")
            emit(rows, "table")
    for kind, rows in out["bridges"].items():
        if rows:
            print(f"{kind}:")
            emit([{k: r.get(k) for k in ("id", "name", "a_place", "b_place", "sector", "source")} for r in rows], "table")
    return 0


assert "match" in COMMANDS

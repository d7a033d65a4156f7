"""``rox match``, ``rox compare`` and ``rox similar --all``: partner ranking, two-region
comparison and the all-pairs similarity list.

Registers itself with :func:`rox.cli.extension`; the work is done by
:meth:`rox.api.Rox.match`, :meth:`~rox.api.Rox.compare` and :meth:`~rox.api.Rox.similar_all`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rox import api
from rox.cli import SubCommands, command, emit, extension, lazy_command, open_rox, positive
from rox.output import FORMATS, json_text

MATCH_TABLE_COLUMNS = ("rank", "region", "name", "country", "score", "shared_sectors", "firms", "agreements")
#: the columns a match on named datasets adds to the table view
DATASET_TABLE_COLUMNS = ("dataset", "year", "caveats")


def _add_matrix_options(s: argparse.ArgumentParser) -> None:
    """The options choosing the region x sector facts and the presence rule."""
    s.add_argument("--year", type=int, help="data year (default: each region's latest)")
    s.add_argument("--source", help="use only this source's facts (e.g. one statistical table)")
    s.add_argument(
        "--level",
        choices=api.MATCH_LEVELS,
        default="fine",
        help="sector level: codes as loaded (one dataset), rolled up to the rox taxonomy, or ISIC Rev. 4 "
        "division or section (datasets of different classifications compared; docs/matching-across-datasets.md)",
    )
    s.add_argument("--threshold", type=float, default=1.0, help="presence: RCA >= threshold (default 1)")
    s.add_argument("--strict", action="store_true", help="presence: RCA > threshold")


def _add_dataset_option(s: argparse.ArgumentParser) -> None:
    s.add_argument("--dataset", metavar="NAME", help="the target's dataset, when its facts are in several")


@extension
def add_commands(sub: SubCommands) -> None:
    """``match``, ``compare`` and ``similar``; their options (measure names, levels...) are
    added when the command is chosen, so other commands do not import the matching engine."""
    lazy_command(
        sub,
        "match",
        _add_match,
        help="rank partner regions for a region, with explanations",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    lazy_command(
        sub, "compare", _add_compare, help="compare two regions: profiles, shared and complementary sectors, bridges"
    )
    lazy_command(
        sub,
        "similar",
        _add_similar,
        help="every region's most similar regions by one measure (--all)",
        description="Rank, for every region, its TOP most similar regions by MEASURE; with --write, "
        "store them as (:Region)-[:SIMILAR_TO {measure, score, rank, params}]->(:Region). "
        "For one region's partners with explanations, use `rox match REGION`.",
    )


def _add_compare(s: argparse.ArgumentParser) -> None:
    s.add_argument("a")
    s.add_argument("b")
    _add_matrix_options(s)
    _add_dataset_option(s)
    s.add_argument("--format", choices=("table", "json"), default="table")


def _add_match(s: argparse.ArgumentParser) -> None:
    s.epilog = "measures:\n" + "\n".join(f"  {m['name']:<18} {m['description']}" for m in api.measure_catalogue())
    s.add_argument("region", help="region id or name (case-insensitive)")
    s.add_argument("--measure", default="jaccard", choices=api.measure_names())
    s.add_argument("--top", type=positive(int), default=10)
    _add_matrix_options(s)
    _add_dataset_option(s)
    s.add_argument(
        "--peer-dataset",
        action="append",
        dest="peer_datasets",
        metavar="NAME",
        help="candidates only from this dataset (repeat; default: every dataset expressible at the level)",
    )
    s.add_argument("--exclude-same-country", action="store_true")
    s.add_argument(
        "--include-related",
        action="store_true",
        help="keep the regions containing REGION or inside it (left out by default)",
    )
    s.add_argument(
        "--country",
        "--countries",
        action="append",
        dest="countries",
        metavar="CC",
        help="only these countries (repeat)",
    )
    s.add_argument("--kind", action="append", dest="kinds", metavar="KIND", help="only these region kinds (repeat)")
    s.add_argument("--min-population", type=int)
    s.add_argument("--max-population", type=int)
    s.add_argument("--min-sectors", type=int, default=1, help="only regions with at least this many sectors")
    s.add_argument(
        "--weights", help="blend weights, e.g. " + ",".join(f"{k}={v:g}" for k, v in api.BLEND_WEIGHTS.items())
    )
    s.add_argument("--format", choices=FORMATS, default="table")
    s.add_argument("--out", metavar="FILE", help="write to FILE (required for xlsx)")


def _add_similar(s: argparse.ArgumentParser) -> None:
    s.add_argument("--all", action="store_true", required=True, help="all regions (the only mode)")
    s.add_argument("--measure", default="jaccard", choices=api.SIMILAR_MEASURES)
    s.add_argument("--top", type=positive(int), default=10, help="partners per region (default 10)")
    s.add_argument("--min-score", type=float, default=0.0, help="keep pairs scoring at least this (0 to 1; default 0)")
    s.add_argument(
        "--write",
        action="store_true",
        help="store the pairs as SIMILAR_TO relationships (replacing this measure's) and print a summary",
    )
    _add_matrix_options(s)
    s.add_argument("--format", choices=FORMATS, default="table")
    s.add_argument("--out", metavar="FILE", help="write to FILE (required for xlsx)")


def matrix_options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "year": args.year,
        "source": args.source,
        "level": args.level,
        "threshold": args.threshold,
        "strict": args.strict,
    }


@command("match")
def _match(args: argparse.Namespace) -> int:
    with open_rox(args) as rx:
        res = rx.match(
            args.region,
            measure=args.measure,
            top=args.top,
            exclude_same_country=args.exclude_same_country,
            countries=args.countries,
            kinds=args.kinds,
            min_population=args.min_population,
            max_population=args.max_population,
            min_sectors=args.min_sectors,
            weights=args.weights,
            include_related=args.include_related,
            peer_datasets=args.peer_datasets,
            dataset=args.dataset,
            **matrix_options(args),
        )
    rows = res.rows if args.format == "json" else res.flat_rows()
    if args.format == "table":
        extra = tuple(k for k in DATASET_TABLE_COLUMNS if rows and k in rows[0])
        rows = [{k: r.get(k) for k in MATCH_TABLE_COLUMNS + extra} for r in rows]
    emit(rows, args.format, res.params, args.out)
    for note in res.notes:
        print(f"rox: note: {note}", file=sys.stderr)
    return 0


@command("compare")
def _compare(args: argparse.Namespace) -> int:
    with open_rox(args) as rx:
        out = rx.compare(args.a, args.b, dataset=args.dataset, **matrix_options(args))
    if args.format == "json":
        print(json_text(out))
        return 0
    a, b = out["a"], out["b"]
    print(
        f"{a} vs {b}  ({out['value_mode']}, {out['data_source']})  scores: "
        + ", ".join(f"{k} {v}" for k, v in out["scores"].items())
    )
    emit(out["profiles"], "table")
    for title, rows in (
        ("shared sectors", out["shared"]),
        (f"{b} offers {a} (sectors {a} lacks but is close to)", out["complementary"]["b_offers_a"]),
        (f"{a} offers {b}", out["complementary"]["a_offers_b"]),
    ):
        if rows:
            print(f"{title}:")
            emit(rows, "table")
    for kind, rows in out["bridges"].items():
        if rows:
            print(f"{kind}:")
            emit(
                [{k: r.get(k) for k in ("id", "name", "a_place", "b_place", "sector", "source")} for r in rows], "table"
            )
    return 0


@command("similar")
def _similar(args: argparse.Namespace) -> int:
    options = {**matrix_options(args), "min_score": args.min_score}
    with open_rox(args) as rx:
        rows = rx.similar_all(args.measure, args.top, args.write, **options)
    params = None if args.write or args.format == "table" else {"measure": args.measure, "top": args.top, **options}
    emit(rows, args.format, params, args.out)
    return 0

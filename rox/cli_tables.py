"""``rox load-table``: load a region x sector statistics table (CSV, XLSX, Eurostat TSV).

Registered through :func:`rox.cli.extension`. Progress (rows/s) goes to stderr, the
summary to stdout. Bad input exits 1 and lists every problem with its line; nothing
is written then.

Load entity files (``rox demo``, ``rox load``) before tables: a table row whose region code
an existing region lists in its ``codes`` goes to that region (see docs/load-table.md).

Examples (the real files in ``../shared/data``; see docs/load-table.md)::

    rox load-table itl2_bres_employment_sic2digit_2015_2021.csv --sector-scheme sic2007
    rox load-table world_trade_avg_1998_to_2000.csv --sector-scheme sitc2 --kind exports --unit USD
    rox load-table ons_regional_gva_table2b_itl2_chained_volume_2019_gbp_million.csv --kind gva --unit "GBP million (2019 prices)"
    rox load-table DDW_B18_1900_NIC_FINAL_STATE_WEST_BENGAL-2011.csv        # Census of India B-18: all detected
    rox load-table DDW_B18_0800_NIC_FINAL_STATE_RAJASTHAN-2011.csv --dataset in-census2011-b18
    rox datasets --format json                                              # the datasets and their coverage
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rox import api
from rox.cli import SubCommands, add_format, command, emit, extension, lazy_command, open_rox, terminal_progress

HELP = "load a region x sector table (long/wide CSV, XLSX, Eurostat TSV) with code crosswalks, all or nothing"


def _filter(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"--filter takes COLUMN=VALUE, got {text!r}")
    k, v = text.split("=", 1)
    return k.strip(), v.strip()


def _missing_rule(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"--missing-when takes COLUMN=VALUE, got {text!r}")
    k, v = text.split("=", 1)
    return k.strip(), v.strip()


def _add_layout_options(s: argparse.ArgumentParser) -> None:
    """Options that say how the table is laid out and which columns hold what."""
    g = s.add_argument_group("layout and columns")
    g.add_argument(
        "--layout",
        choices=api.TABLE_LAYOUTS,
        default="auto",
        help="long: one value column; wide-years: years as columns; wide-sectors: sectors as columns; "
        "eurostat: Eurostat TSV (default: detect)",
    )
    g.add_argument("--region-col", metavar="COL", help="column (or Eurostat dimension) with region codes or names")
    g.add_argument("--sector-col", metavar="COL", help="column (or Eurostat dimension) with sector codes")
    g.add_argument(
        "--sector-cols",
        metavar="COL,COL,...",
        type=lambda t: [c.strip() for c in t.split(",") if c.strip()],
        help="compose the sector code from hierarchical code columns, coarse to fine: the finest that is not "
        "all zeros (e.g. Division,Group,Class; detected for Census of India tables)",
    )
    g.add_argument("--value-col", metavar="COL", help="column with the values (long layout)")
    g.add_argument("--year-col", metavar="COL", help="column with the year")
    g.add_argument("--region-name-col", metavar="COL", help="column with region names (used for unresolved codes)")
    g.add_argument("--sector-name-col", metavar="COL", help="column with sector names")
    g.add_argument("--sheet", metavar="NAME", help="XLSX sheet (default: the first)")
    g.add_argument(
        "--filter",
        action="append",
        type=_filter,
        default=[],
        metavar="COL=VALUE",
        help="keep only rows where COL (or a Eurostat dimension) equals VALUE; repeatable",
    )


def _add_reading_options(s: argparse.ArgumentParser) -> None:
    """Options that say how to read the file's text."""
    r = s.add_argument_group("reading")
    r.add_argument("--encoding", help="text encoding (default: detect UTF-8, else latin-1)")
    r.add_argument("--delimiter", help="field delimiter, e.g. ',' ';' tab (default: detect)")
    r.add_argument("--skip-rows", type=int, metavar="N", help="rows before the header (default: detect title rows)")


def _add_code_options(c: argparse._ArgumentGroup) -> None:
    """Options that say how to read the codes and what the values are."""
    c.add_argument(
        "--sector-scheme", choices=api.SECTOR_SCHEMES, help="sector classification (default: from the column name)"
    )
    c.add_argument(
        "--region-scheme",
        choices=api.REGION_SCHEMES,
        default="auto",
        help="region codes: ITL/NUTS, ISO 3166, names/cities, raw (default: auto)",
    )
    c.add_argument("--country", metavar="CC", help="ISO alpha-2 country to resolve region names in (e.g. GB)")
    c.add_argument("--year", type=int, help="keep only this year")
    c.add_argument(
        "--kind", help="what the values are: employment, establishments, gva, exports, imports, turnover, value"
    )
    c.add_argument("--unit", help="unit of the values (e.g. persons, 'GBP million', USD)")
    c.add_argument(
        "--bad-values",
        choices=("fail", "skip"),
        default="fail",
        help="a value cell that is no number: fail (default: nothing loaded, every bad cell listed) "
        "or skip (load the rest; every skipped cell listed in the summary)",
    )
    c.add_argument(
        "--missing-when",
        action="append",
        type=_missing_rule,
        default=[],
        metavar="COL=VALUE",
        help="rows whose column COL equals VALUE have a missing value (a suppression flag), not zero; repeatable",
    )


def _add_level_and_write_options(c: argparse._ArgumentGroup) -> None:
    """Options for hierarchical tables (which level to keep) and for the write itself."""
    c.add_argument(
        "--level",
        default="finest",
        help="hierarchical tables: 'finest' (default: the finest breakdown present per region), "
        "a level name (section, division, group, class...) or 'all'",
    )
    c.add_argument(
        "--region-level",
        help="Census of India tables: district (default; they add up to the state rows), state (district 000) "
        "or all (both: do not add them up); NUTS tables (Eurostat): finest (default: the finest level present), "
        "nuts0, nuts1, nuts2, nuts3 or all; US Census SUSB tables: state (default), country (the US row) or all",
    )
    c.add_argument("--title", help="title of the Source node (default: the file name)")
    c.add_argument(
        "--dataset",
        metavar="NAME",
        help="the dataset the table goes into (default: its own source, src-file-<file name>); several files "
        "of one kind, unit and sector classification can form one dataset (rox datasets lists them)",
    )
    c.add_argument("--batch-size", type=int, default=10_000, help="rows per write (default 10000)")
    c.add_argument("--no-progress", action="store_true", help="no progress bar")


@extension
def add_parser(sub: SubCommands) -> None:
    """Register ``rox load-table`` (its options, which need the loaders' lists of layouts
    and schemes, are added when it is chosen) and ``rox datasets`` on the CLI's sub-parsers."""
    lazy_command(
        sub,
        "load-table",
        _add_load_table,
        help=HELP,
        description=HELP + ". Detects encoding, delimiter, layout and "
        "columns where it can and says what it detected; where it cannot, it says which option to give.",
    )
    d = sub.add_parser(
        "datasets",
        help="the datasets of this store: kind, unit, classification, years, region levels, coverage, files",
    )
    add_format(d)


def _add_load_table(s: argparse.ArgumentParser) -> None:
    """``rox load-table``'s file and option groups."""
    s.add_argument("file", metavar="FILE")
    _add_layout_options(s)
    _add_reading_options(s)
    c = s.add_argument_group("codes and values")
    _add_code_options(c)
    _add_level_and_write_options(c)


def table_spec(args: argparse.Namespace) -> api.TableSpec:
    """What the options say about the file (``None``: detect it)."""
    return api.TableSpec(
        args.file,
        layout=args.layout,
        region_col=args.region_col,
        sector_col=args.sector_col,
        value_col=args.value_col,
        year_col=args.year_col,
        region_name_col=args.region_name_col,
        sector_name_col=args.sector_name_col,
        encoding=args.encoding,
        delimiter=args.delimiter,
        skip_rows=args.skip_rows,
        sheet=args.sheet,
        filters=dict(args.filter),
        sector_cols=args.sector_cols,
        region_level=args.region_level,
    )


def load_options(args: argparse.Namespace) -> api.LoadOptions:
    """How to read the codes and what the values are."""
    return api.LoadOptions(
        sector_scheme=args.sector_scheme,
        region_scheme=args.region_scheme,
        country=args.country,
        year=args.year,
        kind=args.kind,
        unit=args.unit,
        level=args.level,
        title=args.title,
        batch_size=max(1, args.batch_size),
        bad_values=args.bad_values,
        missing_when=list(args.missing_when),
        dataset=args.dataset,
    )


@command("load-table")
def run(args: argparse.Namespace) -> int:
    spec = table_spec(args)
    table = api.open_table(spec)  # bad options fail before the store starts
    show = not args.no_progress and sys.stderr.isatty()
    progress, stop = terminal_progress(show)
    try:
        with open_rox(args) as rx:
            summary = rx.load_table(spec, load_options(args), progress, table=table)
    finally:
        stop()
    print("\n".join(summary.lines()))
    return 0


def span(values: list[Any] | None, shown: int = 6) -> str:
    """A list for a table cell: a run of years as ``first-last``, else the first ``shown`` items and a count.

    >>> span([2015, 2016, 2017]), span([2011]), span([2008, 2015]), span(list("abcdefgh"), 3), span(None)
    ('2015-2017', '2011', '2008, 2015', 'a, b, c ... (8)', '')
    """
    items = list(values or [])
    if len(items) > 2 and all(isinstance(v, int) for v in items) and items == list(range(items[0], items[-1] + 1)):
        return f"{items[0]}-{items[-1]}"
    more = f" ... ({len(items)})" if len(items) > shown else ""
    return ", ".join(str(v) for v in items[:shown]) + more


def dataset_rows(rows: list[dict[str, Any]], fmt: str) -> list[dict[str, Any]]:
    """``rox datasets`` rows: in a table the lists are shortened (:func:`span`) and the region list left
    out; json and csv carry every list in full."""
    if fmt != "table":
        return rows
    keep = ("id", "kind", "unit", "scheme", "years", "region_levels", "region_count", "code_count", "facts", "files")
    out = []
    for r in rows:
        row = {k: r.get(k) for k in keep}
        row["years"], row["region_levels"] = span(r.get("years")), span(r.get("region_levels"))
        row["codes"] = span(r.get("codes"), 4)
        out.append(row)
    return out


@command("datasets")
def datasets(args: argparse.Namespace) -> int:
    """List the datasets (see :meth:`rox.api.Rox.datasets`)."""
    with open_rox(args) as rx:
        rows = rx.datasets()
    if not rows and args.format == "table":
        print("no datasets yet: rox load-table FILE [--dataset NAME] makes one")
        return 0
    emit(dataset_rows(rows, args.format), args.format)
    return 0

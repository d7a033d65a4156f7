"""Load a region x sector table into the store: validate everything, then write, all or nothing.

:func:`load_table` opens the table (:mod:`loaders.tables`), checks the options, then
under the store's load lock (:mod:`loaders.writer`):

1. pass 1 (:mod:`loaders.table_check`) streams the whole file and checks every row;
   any bad row raises :class:`ValidationFailed` listing every problem, nothing written;
2. the hierarchy plan (:mod:`loaders.hierarchy`) decides which codes to keep so
   nothing is counted twice;
3. pass 2 (:mod:`loaders.table_write`) writes the nodes and the facts in batches, as
   one journaled load: if anything fails after the first write, everything the load
   created is removed and the values it changed are put back (:mod:`loaders.rollback`);
4. the file's dataset (``--dataset``, default its own source; :mod:`loaders.datasets`) is
   checked before pass 1 (one kind, unit and classification per dataset) and its record
   updated after the facts, in the same journaled load.

Reloading the same file matches every key with the same value: nothing is created
or changed.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rox.graph.errors import Problem, ValidationFailed
from rox.graph.ids import slugify
from rox.loaders import datasets, hierarchy, nuts, profiles, schemes
from rox.loaders.claims import Claims
from rox.loaders.gazetteer import Gazetteer
from rox.loaders.missing_when import masked
from rox.loaders.table_check import Checker
from rox.loaders.table_model import Table, TableSpec
from rox.loaders.table_write import FactRows, write_facts, write_nodes
from rox.loaders.tables import open_table
from rox.loaders.writer import LoadSession, load_session

KINDS = ("employment", "establishments", "gva", "exports", "imports", "turnover", "value")
DEFAULT_UNIT = {"employment": "persons", "establishments": "establishments"}
BATCH = 10_000


@dataclass
class LoadOptions:
    """How to read codes and what the values are."""

    sector_scheme: str | None = None
    region_scheme: str = "auto"
    country: str | None = None
    year: int | None = None
    kind: str | None = None
    unit: str | None = None
    level: str = "finest"
    title: str | None = None
    batch_size: int = BATCH
    #: ``fail``: a cell that is no number fails the load (all or nothing); ``skip``: skipped and listed
    bad_values: str = "fail"
    #: ``(COL, VALUE)``: rows whose column COL equals VALUE have a missing value (``--missing-when``)
    missing_when: list[tuple[str, str]] = field(default_factory=list)
    #: the dataset the table goes into (``--dataset``); ``None``: its own source id
    dataset: str | None = None


@dataclass
class LoadSummary:
    """What a load read, wrote and skipped, with what was detected."""

    file: str
    source: str
    dataset: str = ""
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    skipped: Counter = field(default_factory=Counter)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    regions: int = 0
    sectors: int = 0
    nodes_created: int = 0
    unresolved: dict[str, int] = field(default_factory=dict)  # code -> first line
    bad_cells: list[str] = field(default_factory=list)  # "file:line: value: reason" of cells skipped
    attached: dict[str, str] = field(default_factory=dict)  # code the table resolved to -> existing region id
    unmapped: list[str] = field(default_factory=list)  # sector ids with no rox sector
    hierarchy: str = ""
    warnings: list[str] = field(default_factory=list)
    unit: str | None = None
    seconds: float = 0.0
    load_id: str = ""

    @property
    def rows_per_s(self) -> float:
        return self.rows_read / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        into = f" in dataset {self.dataset}" if self.dataset and self.dataset != self.source else ""
        out = [f"file {self.file} -> source {self.source}{into}"]
        out += [f"WARNING: {w}" for w in self.warnings]
        out += [f"detected: {n}" for n in self.notes]
        if self.hierarchy:
            out.append(f"hierarchy: {self.hierarchy}")
        out.append(f"rows read {self.rows_read:,}; loaded {self.rows_loaded:,}; skipped {sum(self.skipped.values()):,}")
        out += [f"  skipped {n:,}: {reason}" for reason, n in self.skipped.most_common()]
        if self.bad_cells:
            out.append(f"bad values skipped (--bad-values skip), {len(self.bad_cells):,}:")
            out += [f"  {b}" for b in self.bad_cells]
        out.append(
            f"HAS_SECTOR created {self.created:,}, changed {self.updated:,}, unchanged {self.unchanged:,}; "
            f"{self.regions:,} regions, {self.sectors:,} sector codes, {self.nodes_created:,} new nodes"
        )
        if self.attached:
            shown = ", ".join(f"{c} -> {r}" for c, r in sorted(self.attached.items()))
            out.append(f"attached to existing regions (their codes): {shown}")
        if self.unresolved:
            shown = ", ".join(f"{c} (line {ln})" for c, ln in list(self.unresolved.items())[:20])
            out.append(f"unresolved regions kept as written: {shown}{_more(len(self.unresolved))}")
        if self.unmapped:
            shown = ", ".join(self.unmapped[:20])
            out.append(f"sector codes with no rox sector (kept, no SUBSECTOR_OF): {shown}{_more(len(self.unmapped))}")
        out += [f"WARNING: {w}" for w in self.warnings]  # again at the end, where it is read
        undo = f"; load id {self.load_id}" if self.load_id else ""
        out.append(f"{self.seconds:.1f} s, {self.rows_per_s:,.0f} rows/s{undo}")
        return out


def _more(n: int) -> str:
    return f" and {n - 20} more" if n > 20 else ""


def guess_kind(table: Table) -> str | None:
    words = " ".join(filter(None, [table.value_col, table.path.name])).lower()
    for kind, keys in (
        ("employment", ("employ", "jobs", "workers", "bres")),
        ("gva", ("gva", "gross value")),
        ("exports", ("export", "trade")),
        ("establishments", ("establishment", "enterprise", "business count")),
    ):
        if any(k in words for k in keys):
            return kind
    return None


def source_id(path: Path) -> str:
    """``src-file-<slug of the file name>``.

    >>> source_id(Path("/x/itl2_bres_employment.csv"))
    'src-file-itl2-bres-employment-csv'
    """
    return f"src-file-{slugify(path.name)}"


def env_batch() -> int:
    return int(os.environ.get("ROX_TABLE_BATCH", BATCH))


@dataclass
class _Choices:
    """What the options and the table say the values are."""

    scheme: str
    kind: str
    unit: str | None
    gaz: Gazetteer


def _choose(table: Table, opts: LoadOptions) -> _Choices:
    """Sector scheme, kind, unit and gazetteer; every missing or unknown one is a problem."""
    fname = str(table.spec.path)
    problems: list[Problem] = []
    scheme = opts.sector_scheme or table.sector_scheme or schemes.guess_scheme(table.sector_col)
    if opts.sector_scheme is None and table.sector_scheme is None and scheme:
        table.notes.append(f"sector scheme {scheme} (from column {table.sector_col!r}; give --sector-scheme to change)")
    if scheme is None:
        problems.append(
            Problem(
                fname,
                None,
                "--sector-scheme",
                f"cannot tell the sector classification; give --sector-scheme ({', '.join(schemes.SCHEMES)})",
            )
        )
    elif scheme not in schemes.SCHEMES:
        problems.append(
            Problem(fname, None, "--sector-scheme", f"unknown scheme {scheme!r} (one of: {', '.join(schemes.SCHEMES)})")
        )
    kind = opts.kind or guess_kind(table)
    if opts.kind is None and kind:
        table.notes.append(f"value kind {kind} (give --kind to change)")
    if kind is None:
        problems.append(
            Problem(fname, None, "--kind", f"cannot tell what the values are; give --kind ({', '.join(KINDS)})")
        )
    elif kind not in KINDS:
        problems.append(Problem(fname, None, "--kind", f"unknown kind {kind!r} (one of: {', '.join(KINDS)})"))
    unit = opts.unit or table.profile_data.get("unit") or DEFAULT_UNIT.get(kind or "")
    if table.population and not opts.unit and unit:
        unit = f"{unit} ({table.population} only)"  # every fact says whom it counts
    if opts.bad_values not in ("fail", "skip"):
        problems.append(Problem(fname, None, "--bad-values", f"fail or skip, not {opts.bad_values!r}"))
    gaz = None
    try:
        gaz = Gazetteer(opts.region_scheme, opts.country, _nuts_hooks(table, opts) + profiles.resolver(table.profile))
    except ValueError as exc:
        problems.append(Problem(fname, None, "--region-scheme", str(exc)))
    if problems:
        raise ValidationFailed(problems)
    return _Choices(scheme, kind, unit, gaz)  # type: ignore[arg-type]


def _nuts_hooks(table: Table, opts: LoadOptions) -> list[Any]:
    """The NUTS gazetteer hook for a NUTS table (a Eurostat profile's, or ``--region-scheme nuts*``).

    The version (unless given) and the region levels are read from the codes present: one
    quick pass over the region column first.
    """
    scheme = opts.region_scheme
    if scheme == "auto":
        scheme = table.profile_data.get("region_scheme", "")
    if not scheme.startswith("nuts"):
        return []
    level = table.spec.region_level or table.region_level
    if level not in (None, *nuts.REGION_LEVELS):
        reason = f"for NUTS tables one of {', '.join(nuts.REGION_LEVELS)}, not {level!r}"
        raise ValidationFailed([Problem(str(table.spec.path), None, "--region-level", reason)])
    codes: set[str] = set()
    with contextlib.suppress(ValueError, OSError):  # an unreadable file: pass 1 reports it with its line
        codes.update(cell.region for cell in table.rows())
    version = scheme
    if scheme == "nuts":
        version, note = nuts.detect_version(codes)
        table.notes.append(note)
    keep, note = nuts.keep_levels(level, nuts.levels_of(codes, version))
    table.notes.append(note)
    return [nuts.NutsResolver(version, keep)]


def load_table(
    store: Any,
    spec: TableSpec,
    opts: LoadOptions | None = None,
    progress: Callable[..., None] | None = None,
    table: Table | None = None,
) -> LoadSummary:
    """Validate then load one table. Raises :class:`ValidationFailed` (nothing written) or
    :class:`RoxError` after rolling back. ``progress(done, total, what)``: see :mod:`loaders.writer`."""
    opts = opts or LoadOptions()
    started = time.perf_counter()
    table = masked(table or open_table(spec), opts.missing_when)
    c = _choose(table, opts)
    datasets.check_name(opts.dataset, str(spec.path))
    src = source_id(table.path)
    summary = LoadSummary(
        file=str(spec.path),
        source=src,
        dataset=opts.dataset or src,
        notes=table.notes,
        warnings=table.warnings,
        unit=c.unit,
    )
    with load_session(store, "table", str(spec.path), progress, opts.batch_size) as s:
        summary.warnings.extend(s.recovered)
        _load(s, table, opts, c, summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _load(s: LoadSession, table: Table, opts: LoadOptions, c: _Choices, summary: LoadSummary) -> None:
    """Check every row (under the lock: the store's regions and facts cannot change meanwhile), then write."""
    claims = Claims.read(s.store, summary.warnings)
    old, linked = datasets.check(
        s.store, summary.dataset, summary.source, datasets.Contribution(c.kind, c.unit, c.scheme), summary.file
    )
    checker = Checker(table, c.scheme, c.kind, opts.year, c.gaz, summary, claims, opts.bad_values)
    v = checker.run(s.tell)
    try:
        summary.skipped.update(table.skipped)  # rows the table reader left out (a region level not kept)
        summary.rows_read += sum(table.skipped.values())
        plan = hierarchy.plan(v.codes.values(), v.code_ids, v.pairs(), opts.level, summary.file)
        summary.hierarchy = plan.description
        summary.regions, summary.sectors = len(v.regions), len(v.code_ids)
        rows = FactRows(v, plan.skip_codes, plan.aggregate, opts.level, s.batch_size)

        def write(s: LoadSession) -> None:
            summary.load_id = s.id
            write_nodes(s, v, summary.source, table.path, opts.title, table)
            write_facts(s, rows, summary, c.kind, c.unit, summary.source, summary.dataset)
            _record_dataset(s, rows, summary, c, old, linked, opts.title or table.path.name)

        s.run(write)
    finally:
        v.spool.close()
    summary.attached = dict(claims.attached)


def _record_dataset(
    s: LoadSession,
    rows: FactRows,
    summary: LoadSummary,
    c: _Choices,
    old: dict[str, Any] | None,
    linked: bool,
    file_title: str,
) -> None:
    """Add what this load wrote to its dataset's record (:mod:`loaders.datasets`). A file new to the
    dataset brings all its facts; a reload only those it created."""
    regions, levels, codes = rows.coverage()
    add = datasets.Contribution(
        c.kind,
        c.unit,
        c.scheme,
        rows.years(),
        levels,
        regions,
        codes,
        summary.created if linked else summary.rows_loaded,
    )
    title = file_title if summary.dataset == summary.source else summary.dataset
    if datasets.write(s, summary.dataset, summary.source, title, old, add):
        summary.notes.append(f"dataset {summary.dataset}: record updated")

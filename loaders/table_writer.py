"""Load a region x sector table into the store: validate everything, then write, all or nothing.

Pass 1 streams the whole file and checks every row (value, region, sector code,
year, duplicates). Every bad row is collected as a :class:`graph.errors.Problem`
(file, line, field, reason); if there is any, :class:`ValidationFailed` is raised
and nothing has been written.

Then the writes, in ``UNWIND $rows`` batches:

1. nodes: the file's ``Source`` (``src-file-<slug of the file name>``), the rox
   taxonomy, the regions (with the regions they lie in and ``PART_OF``) and one
   ``Sector`` per fine code (``sic2007:30``) with ``SUBSECTOR_OF`` to its rox sector;
2. pass 2 streams the file again and MERGEs ``HAS_SECTOR`` relationships keyed by
   ``<source>|<kind>|<unit>|<year>`` (the key :mod:`loaders.entities` uses), with
   ``value``, ``unit``, ``kind``, ``year`` and ``source``.

Atomic: every node and relationship this load *creates* gets ``load_id`` (``ON
CREATE SET``); nodes that exist are not changed; a relationship that exists with
another value is changed and its old value is written to an undo log on disk. If
anything fails after the first write (the store, the file changed between the
passes, Ctrl-C), :func:`rollback` deletes what carries this ``load_id`` and puts
the old values back, so the store is as it was. Reloading the same file matches
every key with the same value: nothing is created or changed.

Hierarchical tables: codes that contain finer codes present for the same region
(``Total``, ``C (10-33)``, division ``30`` when ``30.2`` is there) are skipped by
default, so the finest breakdown each region has is loaded and nothing is counted
twice (``--level`` keeps one named level instead, or ``all``).
"""

from __future__ import annotations

import json
import math
from array import array
import os
import re
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from rox.graph import model, taxonomy
from rox.graph.errors import Problem, RoxError, ValidationFailed
from rox.graph.ids import slugify
from rox.loaders import schemes
from rox.loaders.gazetteer import Gazetteer, Place, code_key, parents
from rox.loaders.tables import Table, TableSpec, open_table

KINDS = ("employment", "establishments", "gva", "exports", "imports", "turnover", "value")
NON_NEGATIVE = frozenset({"employment", "establishments", "exports", "imports"})
DEFAULT_UNIT = {"employment": "persons", "establishments": "establishments"}
MISSING = frozenset({"", ":", "..", "...", "-", "x", "X", "*", "c", "C", "na", "NA", "n/a", "N/A", ".", "z", "~"})
_FLAGGED = re.compile(r"^\s*(-?[\d,]*\.?\d+(?:[eE][-+]?\d+)?)\s*([a-z]{1,3})?\s*$")
_MISSING_FLAGGED = re.compile(r"^\s*:\s*[a-z]{0,3}\s*$")
_YEAR = re.compile(r"^\s*((?:18|19|20|21)\d\d)\b")
BATCH = 10_000

Progress = Callable[[str, int, int | None, int | None], None]  # phase, rows, done, total


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


@dataclass
class LoadSummary:
    """What a load read, wrote and skipped, with what was detected."""

    file: str
    source: str
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
        out = [f"file {self.file} -> source {self.source}"]
        out += [f"WARNING: {w}" for w in self.warnings]
        out += [f"detected: {n}" for n in self.notes]
        if self.hierarchy:
            out.append(f"hierarchy: {self.hierarchy}")
        out.append(f"rows read {self.rows_read:,}; loaded {self.rows_loaded:,}; skipped {sum(self.skipped.values()):,}")
        for reason, n in self.skipped.most_common():
            out.append(f"  skipped {n:,}: {reason}")
        out.append(f"HAS_SECTOR created {self.created:,}, changed {self.updated:,}, unchanged {self.unchanged:,}; "
                   f"{self.regions:,} regions, {self.sectors:,} sector codes, {self.nodes_created:,} new nodes")
        if self.attached:
            shown = ", ".join(f"{c} -> {r}" for c, r in sorted(self.attached.items()))
            out.append(f"attached to existing regions (their codes): {shown}")
        if self.unresolved:
            shown = ", ".join(f"{c} (line {ln})" for c, ln in list(self.unresolved.items())[:20])
            more = f" and {len(self.unresolved) - 20} more" if len(self.unresolved) > 20 else ""
            out.append(f"unresolved regions kept as written: {shown}{more}")
        if self.unmapped:
            shown = ", ".join(self.unmapped[:20])
            more = f" and {len(self.unmapped) - 20} more" if len(self.unmapped) > 20 else ""
            out.append(f"sector codes with no rox sector (kept, no SUBSECTOR_OF): {shown}{more}")
        out += [f"WARNING: {w}" for w in self.warnings]  # again at the end, where it is read
        out.append(f"{self.seconds:.1f} s, {self.rows_per_s:,.0f} rows/s")
        return out


# ---------------------------------------------------------------- statements
def _merge_nodes(label: str) -> str:
    model.check_label(label)
    return (f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) "
            f"ON CREATE SET n += row.props, n.load_id = $lid")


def _merge_rels(rel: str) -> str:
    r = model.REL_TYPES[model.check_rel_type(rel)]
    return (f"UNWIND $rows AS row MATCH (a:{r.start} {{id: row.start}}) MATCH (b:{r.end} {{id: row.end}}) "
            f"MERGE (a)-[r:{rel}]->(b) ON CREATE SET r.source = row.source, r.load_id = $lid")


#: Regions and sectors are found by internal node id (looked up once per load after the
#: nodes are written): an id seek is cheaper than an index lookup, and ints are cheaper to
#: send than strings. Returns the rows whose existing relationship had another value.
HAS_SECTOR = (
    "UNWIND $rows AS row "
    "MATCH (a) WHERE id(a) = row[0] MATCH (b) WHERE id(b) = row[1] "
    "WITH a, b, row, $kp + coalesce(toString(row[3]), '') AS k "
    "MERGE (a)-[r:HAS_SECTOR {key: k}]->(b) "
    "ON CREATE SET r.value = row[2], r.year = row[3], r.unit = $unit, r.kind = $kind, r.source = $source, r.load_id = $lid "
    "WITH a, b, r, row, k WHERE coalesce(r.load_id, '') <> $lid AND (r.value IS NULL OR r.value <> row[2]) "
    "WITH a, b, r, row, k, r.value AS old SET r.value = row[2] "
    "RETURN a.id AS start, b.id AS end, k AS key, old"
)
#: Regions already in the store that carry ``codes`` (one read per load, before validation).
REGION_CODES = "MATCH (r:Region) WHERE r.codes IS NOT NULL RETURN r.id AS id, r.codes AS codes"
NODE_IDS = "UNWIND $ids AS i MATCH (n:{label} {{id: i}}) RETURN n.id AS id, id(n) AS nid"
RESTORE = (
    "UNWIND $rows AS row MATCH (a:Region {id: row.start})-[r:HAS_SECTOR {key: row.key}]->(b:Sector {id: row.end}) "
    "SET r.value = row.old"
)
DELETE_RELS = "MATCH ()-[r]->() WHERE r.load_id = $lid WITH r LIMIT 50000 DELETE r RETURN count(r) AS n"
DELETE_NODES = "MATCH (n) WHERE n.load_id = $lid WITH n LIMIT 20000 DETACH DELETE n RETURN count(n) AS n"


def statements() -> dict[str, str]:
    """Every statement this module sends (for the Cypher linter)."""
    out = {f"table:node:{lb}": _merge_nodes(lb) for lb in ("Source", "Sector", "Region")}
    out.update({f"table:rel:{r}": _merge_rels(r) for r in ("SUBSECTOR_OF", "PART_OF")})
    out.update({"table:has_sector": HAS_SECTOR, "table:restore": RESTORE, "table:delete_rels": DELETE_RELS,
                "table:delete_nodes": DELETE_NODES, "table:region_codes": REGION_CODES})
    out.update({f"table:node_ids:{lb}": NODE_IDS.format(label=lb) for lb in ("Region", "Sector")})
    out.update({"table:create_has_sector": CREATE_HAS_SECTOR, "table:any_with_prefix": ANY_WITH_PREFIX})
    return out


# ---------------------------------------------------------------- parsing cells
def parse_value(text: str) -> float | None:
    """A number from a statistics cell; ``None`` for a missing-value marker; ``ValueError`` otherwise.

    >>> parse_value("16,549"), parse_value("123.4 p"), parse_value(": c"), parse_value("..")
    (16549.0, 123.4, None, None)
    """
    try:
        v = float(text)
    except ValueError:
        s = text.strip().strip('"')
        if s in MISSING or _MISSING_FLAGGED.match(s):
            return None
        m = _FLAGGED.match(s)
        if not m:
            raise ValueError(f"{text!r} is not a number") from None
        num = m.group(1)
        if "," in num and not re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", num):
            raise ValueError(f"{text!r} is not a number (commas only as thousands separators)") from None
        v = float(num.replace(",", ""))
    if math.isnan(v) or math.isinf(v):
        if math.isnan(v):
            return None
        raise ValueError(f"{text!r} is not a finite number")
    return v


def parse_year(text: str) -> int:
    m = _YEAR.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a year")
    return int(m.group(1))


def guess_kind(table: Table) -> str | None:
    words = " ".join(filter(None, [table.value_col, table.path.name])).lower()
    for kind, keys in (("employment", ("employ", "jobs", "workers", "bres")), ("gva", ("gva", "gross value")),
                       ("exports", ("export", "trade")), ("establishments", ("establishment", "enterprise", "business count"))):
        if any(k in words for k in keys):
            return kind
    return None


def source_id(path: Path) -> str:
    """``src-file-<slug of the file name>``.

    >>> source_id(Path("/x/itl2_bres_employment.csv"))
    'src-file-itl2-bres-employment-csv'
    """
    return f"src-file-{slugify(path.name)}"


# ---------------------------------------------------------------- the load
class _Validated:
    """What pass 1 learned: caches for pass 2, the nodes to write, the rows to skip."""

    def __init__(self, claims: "Claims | None" = None):
        self.claims = claims or Claims()
        self.regions: dict[str, Place] = {}  # region id written to -> the place the table named
        self.region_by_text: dict[tuple[str, str | None], str] = {}
        self.codes: dict[str, schemes.Code] = {}  # raw text -> Code
        self.code_ids: dict[str, int] = {}  # code id -> index
        self.region_ids: dict[str, int] = {}
        self.sector_names: dict[str, str] = {}
        self.keys: dict[int, int] = {}  # (region, code, year) packed -> first line
        self.aggregate: set[int] = set()  # (region << 24 | code) pairs to skip
        self.keep_level: str | None = None
        self.skip_codes: set[int] = set()
        self.spool = _Spool()


class _Spool:
    """Valid rows of pass 1 as packed arrays in a temporary file, so pass 2 does not parse the file again.

    Memory stays at one chunk whatever the file size (18 bytes a row on disk).
    """

    CHUNK = 65_536

    def __init__(self):
        self._fh = tempfile.TemporaryFile(prefix="rox-spool-")
        self._new()
        self.rows = 0

    def _new(self):
        self.r, self.c, self.v, self.y = array("i"), array("i"), array("d"), array("h")

    def add(self, r: int, c: int, v: float, y: int | None) -> None:
        self.r.append(r)
        self.c.append(c)
        self.v.append(v)
        self.y.append(y or 0)
        if len(self.r) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        n = len(self.r)
        if n:
            self._fh.write(n.to_bytes(4, "little"))
            for a in (self.r, self.c, self.v, self.y):
                a.tofile(self._fh)
            self.rows += n
            self._new()

    def chunks(self):
        self.flush()
        self._fh.seek(0)
        while True:
            head = self._fh.read(4)
            if not head:
                return
            n = int.from_bytes(head, "little")
            out = []
            for code in ("i", "i", "d", "h"):
                a = array(code)
                a.fromfile(self._fh, n)
                out.append(a)
            yield out

    def close(self) -> None:
        self._fh.close()


class Claims:
    """Regions in the store that carry ``codes``, to attach a table's places to them.

    A place (``TLG3``, codes ``TLG3``/``UKG3``) is *attached* to the one existing region
    other than itself whose ``codes`` hold its id or one of its codes: ``GB-ENG-west-midlands``
    with ``codes: [TLG3, UKG3]``. Its facts go there and nothing new is written for it.

    Order matters: if the store already has a region with the place's own id (``TLG3``, made
    by a table loaded *before* the entity file that claims the code), the load keeps writing
    to it, so a reload changes nothing and no fact is counted twice, and warns that the two
    are one area. Loading entity files first, then tables, gives one region.
    """

    def __init__(self, rows: list[dict] | None = None, warnings: list[str] | None = None):
        self.by_code: dict[str, set[str]] = {}
        self.ids: set[str] = set()
        for row in rows or ():
            codes = row.get("codes") or []
            if isinstance(codes, str):
                codes = [codes]
            self.ids.add(row["id"])
            for c in codes:
                self.by_code.setdefault(code_key(c), set()).add(row["id"])
        self.warnings = warnings if warnings is not None else []
        self.attached: dict[str, str] = {}  # place id -> existing region id (only those that differ)
        self._seen: dict[str, str] = {}

    @classmethod
    def read(cls, store, warnings: list[str] | None = None) -> "Claims":
        return cls(store.run(REGION_CODES, {}), warnings)

    def attach(self, place: Place) -> str:
        """The id to write ``place`` as: an existing region claiming its codes, else its own."""
        hit = self._seen.get(place.id)
        if hit is not None:
            return hit
        hit = place.id
        found = sorted({rid for k in place.keys() for rid in self.by_code.get(k, ()) if rid != place.id})
        if found and place.id in self.ids:
            # made by a table loaded before an entity file claimed the code: keep writing to it (a reload
            # changes nothing, no fact is counted twice) and say how to have one region
            self.warnings.append(
                f"{place.id} and {', '.join(found)} are the same area ({', '.join(found)} has the code "
                f"{place.id}) but two regions in the store: {place.id} was made by a table loaded before the "
                f"entity file. Its facts stay on {place.id}. For one region, load entity files first, then "
                f"tables (see docs/load-table.md)")
        elif len(found) == 1:
            hit = found[0]
            self.attached[place.id] = hit
        elif len(found) > 1:
            self.warnings.append(f"{place.id}: several regions in the store claim its codes ({', '.join(found)}); "
                                 f"kept as {place.id}. Give the code to one region only")
        self._seen[place.id] = hit
        return hit


def _pack(r: int, c: int, y: int | None) -> int:
    return (r << 40) | (c << 16) | (y or 0)


def load_table(store, spec: TableSpec, opts: LoadOptions | None = None, progress: Progress | None = None,
               table: Table | None = None) -> LoadSummary:
    """Validate then load one table. Raises :class:`ValidationFailed` (nothing written) or
    :class:`RoxError` after rolling back."""
    opts = opts or LoadOptions()
    started = time.perf_counter()
    table = table or open_table(spec)
    path = table.path
    fname = str(spec.path)
    problems: list[Problem] = []
    scheme = opts.sector_scheme or table.sector_scheme or schemes.guess_scheme(table.sector_col)
    if opts.sector_scheme is None and table.sector_scheme is None and scheme:
        table.notes.append(f"sector scheme {scheme} (from column {table.sector_col!r}; give --sector-scheme to change)")
    if scheme is None:
        problems.append(Problem(fname, None, "--sector-scheme",
                                f"cannot tell the sector classification; give --sector-scheme ({', '.join(schemes.SCHEMES)})"))
    elif scheme not in schemes.SCHEMES:
        problems.append(Problem(fname, None, "--sector-scheme", f"unknown scheme {scheme!r} (one of: {', '.join(schemes.SCHEMES)})"))
    kind = opts.kind or guess_kind(table)
    if opts.kind is None and kind:
        table.notes.append(f"value kind {kind} (give --kind to change)")
    if kind is None:
        problems.append(Problem(fname, None, "--kind", f"cannot tell what the values are; give --kind ({', '.join(KINDS)})"))
    elif kind not in KINDS:
        problems.append(Problem(fname, None, "--kind", f"unknown kind {kind!r} (one of: {', '.join(KINDS)})"))
    unit = opts.unit or DEFAULT_UNIT.get(kind or "")
    if table.population and not opts.unit and unit:
        unit = f"{unit} ({table.population} only)"  # every fact says whom it counts (a B18sc file)
    try:
        gaz = Gazetteer(opts.region_scheme, opts.country)
    except ValueError as exc:
        problems.append(Problem(fname, None, "--region-scheme", str(exc)))
    if problems:
        raise ValidationFailed(problems)

    src = source_id(path)
    summary = LoadSummary(file=fname, source=src, notes=table.notes, warnings=table.warnings, unit=unit)
    claims = Claims.read(store, summary.warnings)
    v = _validate(table, scheme, kind, opts, gaz, summary, progress, claims)
    summary.skipped.update(table.skipped)  # rows the table reader left out (a region level not kept)
    summary.rows_read += sum(table.skipped.values())
    _plan_hierarchy(v, opts, summary, fname)

    lid = f"load-{uuid.uuid4().hex[:12]}"
    summary.load_id = lid
    undo = tempfile.TemporaryFile(mode="w+", prefix="rox-undo-", suffix=".jsonl")
    try:
        _write_nodes(store, v, src, path, opts, lid, table)
        _write_facts(store, table, v, summary, kind, unit, src, lid, opts, undo, progress, started)
    except BaseException as exc:
        try:
            undone = rollback(store, lid, undo)
        except Exception as rb:  # pragma: no cover - a store that fails both ways
            raise RoxError(f"load of {fname} failed ({exc}) and so did the rollback ({rb}); "
                           f"remove what carries load_id {lid!r}") from exc
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise RoxError(f"load of {fname} failed: {exc}. Nothing was kept: {undone}") from exc
    finally:
        undo.close()
        v.spool.close()
    summary.attached = dict(claims.attached)
    summary.seconds = time.perf_counter() - started
    return summary


def _validate(table: Table, scheme: str, kind: str, opts: LoadOptions, gaz: Gazetteer, summary: LoadSummary,
              progress: Progress | None, claims: Claims | None = None) -> _Validated:
    fname = str(table.spec.path)
    v = _Validated(claims)
    problems: list[Problem] = []
    years: dict[str, int | None] = {}
    skipped = summary.skipped
    nonneg = kind in NON_NEGATIVE
    want_year = opts.year
    spool = v.spool
    n = 0
    try:
        for cell in table.rows():
            n += 1
            if progress and not n % 20000:
                progress("validating", n, table.bytes_read or None, table.size or None)
            line = cell.line
            # year
            y = None
            if cell.year is not None and cell.year != "":
                y = years.get(cell.year, -1)
                if y == -1:
                    try:
                        y = years[cell.year] = parse_year(cell.year)
                    except ValueError as exc:
                        years[cell.year] = None
                        y = None
                        problems.append(Problem(fname, line, "year", str(exc)))
                        continue
                if y is None:
                    problems.append(Problem(fname, line, "year", f"{cell.year!r} is not a year"))
                    continue
            elif table.year_col is not None and table.layout == "long":
                problems.append(Problem(fname, line, "year", "missing"))
                continue
            if want_year is not None and y != want_year:
                skipped[f"year other than {want_year}"] += 1
                continue
            # value
            try:
                value = parse_value(cell.value)
            except ValueError as exc:
                problems.append(Problem(fname, line, "value", str(exc)))
                value = 0.0
            else:
                if value is None:
                    skipped["missing value (" + (cell.value.strip() or "empty") + ")"] += 1
                    continue
                if nonneg and value < 0:
                    problems.append(Problem(fname, line, "value", f"{cell.value.strip()} is negative; {kind} cannot be"))
            # region
            rkey = (cell.region, cell.region_name)
            rid = v.region_by_text.get(rkey)
            if rid is None:
                if not cell.region:
                    problems.append(Problem(fname, line, "region", "missing"))
                    continue
                res = gaz.resolve(cell.region, cell.region_name)
                if res.status == "ambiguous":
                    problems.append(Problem(fname, line, "region",
                                            f"{cell.region!r} is ambiguous: {res.describe()}; give a code, qualify the "
                                            f"name (e.g. '{cell.region}, {res.candidates[0].country}') or --country"))
                    continue
                place = res.place
                rid = v.claims.attach(place)
                if res.status == "unresolved" and rid == place.id:
                    summary.unresolved.setdefault(cell.region + (f" ({res.note})" if res.note else ""), line)
                v.region_by_text[rkey] = rid
                if rid not in v.regions:
                    v.regions[rid] = place
                    v.region_ids[rid] = len(v.region_ids)
            # sector
            code = v.codes.get(cell.sector)
            if code is None:
                try:
                    code = v.codes[cell.sector] = schemes.parse(scheme, cell.sector)
                except schemes.CodeError as exc:
                    problems.append(Problem(fname, line, "sector", str(exc)))
                    continue
                if code.id not in v.code_ids:
                    v.code_ids[code.id] = len(v.code_ids)
            if cell.sector_name and code.id not in v.sector_names:
                v.sector_names[code.id] = cell.sector_name
            key = _pack(v.region_ids[rid], v.code_ids[code.id], y)
            first = v.keys.setdefault(key, line)
            if first != line:
                problems.append(Problem(fname, line, "row", f"duplicate of line {first} (same region {rid}, sector "
                                                            f"{code.id}" + (f", year {y}" if y else "") + ")"))
            elif not problems:
                spool.add(key >> 40, (key >> 16) & 0xFFFFFF, value, y)
    except UnicodeDecodeError as exc:
        problems.append(Problem(fname, None, "file", f"not {table.encoding} text ({exc.reason} at byte {exc.start}); "
                                                     "give --encoding (e.g. latin-1, cp1252)"))
    except OSError as exc:
        problems.append(Problem(fname, None, "file", f"cannot read: {exc}"))
    summary.rows_read = n
    if progress:
        progress("validating", n, table.size or None, table.size or None)
    if problems:
        raise ValidationFailed(problems)
    if n == 0 and not table.skipped:
        why = " match --filter " + ", ".join(f"{k}={val}" for k, val in table.spec.filters.items()) if table.spec.filters else ""
        raise ValidationFailed([Problem(fname, None, "file", f"no data rows{why}; nothing to load")])
    return v


def _plan_hierarchy(v: _Validated, opts: LoadOptions, summary: LoadSummary, fname: str) -> None:
    by_id = {c.id: c for c in v.codes.values()}
    levels = Counter(c.level for c in by_id.values())
    order = sorted(levels, key=lambda lv: min(c.rank for c in by_id.values() if c.level == lv))
    found = ", ".join(f"{lv} ({levels[lv]})" for lv in order)
    if opts.level == "all":
        summary.hierarchy = f"levels {found}; kept all (--level all: aggregates and their parts both loaded)"
        return
    if opts.level != "finest":
        if opts.level not in levels:
            raise ValidationFailed([Problem(fname, None, "--level", f"no codes at level {opts.level!r}; levels found: {found}")])
        v.skip_codes = {v.code_ids[c.id] for c in by_id.values() if c.level != opts.level}
        summary.hierarchy = f"levels {found}; kept {opts.level} only (--level)"
        return
    contained = _containers(list(by_id.values()))
    if not any(contained.values()):
        summary.hierarchy = f"one level: {found}" if len(levels) == 1 else f"levels {found}; no code contains another"
        return
    idx = {cid: v.code_ids[cid] for cid in by_id}
    cont_idx = {idx[b]: [idx[a] for a in anc] for b, anc in contained.items() if anc}
    per_region: dict[int, set[int]] = {}
    mask = (1 << 24) - 1
    for key in v.keys:
        per_region.setdefault(key >> 40, set()).add((key >> 16) & mask)
    for r, cs in per_region.items():
        for c in cs:
            for a in cont_idx.get(c, ()):
                if a in cs:
                    v.aggregate.add((r << 24) | a)
    summary.hierarchy = (f"levels {found}; kept the finest breakdown present for each region (a code is skipped where "
                         f"finer codes inside it are present for the same region; --level LEVEL keeps one level)")


def _containers(codes: list[schemes.Code]) -> dict[str, list[str]]:
    """For each code id, the ids of codes in the list that contain it (prefix index, not all pairs)."""
    single: dict[str, list[schemes.Code]] = {}
    multi: list[schemes.Code] = []
    for c in codes:
        if len(c.cover) == 1 and c.cover[0]:
            single.setdefault(c.cover[0], []).append(c)
        elif c.cover:
            multi.append(c)
    out: dict[str, list[str]] = {}
    for b in codes:
        if not b.cover:
            out[b.id] = []
            continue
        first = b.cover[0]
        cands = [a for i in range(1, len(first) + 1) for a in single.get(first[:i], ())] + multi
        out[b.id] = [a.id for a in cands if a.contains(b)]
    return out


def _write_nodes(store, v: _Validated, src: str, path: Path, opts: LoadOptions, lid: str, table: Table) -> int:
    """Source, taxonomy, regions (+ containing regions), fine-code sectors; returns nodes sent."""
    p = {"lid": lid}
    title = opts.title or (f"{path.name} ({table.population} only)" if table.population else path.name)
    sprops = {"title": title, "kind": "statistics", "file": str(path.resolve())}
    if table.population:
        sprops["coverage"] = f"{table.population} only"
    store.run(_merge_nodes("Source"), dict(p, rows=[{"id": src, "props": sprops}]), write=True)
    tax = [{"id": s.id, "props": {"name": s.name, "description": s.description, "scheme": "rox",
                                   "source": "src-rox-taxonomy"}} for s in taxonomy.sectors()]
    store.run(_merge_nodes("Source"), dict(p, rows=[{"id": "src-rox-taxonomy", "props": {
        "title": "rox sector taxonomy (graph/taxonomy.yaml)", "kind": "dataset"}}]), write=True)
    _batches(store, _merge_nodes("Sector"), tax, p, opts.batch_size)
    _batches(store, _merge_rels("SUBSECTOR_OF"), [{"start": s.id, "end": s.parent, "source": "src-rox-taxonomy"}
                                                   for s in taxonomy.sectors() if s.parent], p, opts.batch_size)
    places: dict[str, Place] = {}
    part_of = []
    for rid, place in v.regions.items():
        if rid != place.id:  # attached to a region already in the store: it stays as it is
            continue
        places.setdefault(place.id, place)
        prev = place
        for par in parents(place):
            target = v.claims.attach(par)
            part_of.append({"start": prev.id, "end": target, "source": src})
            if target != par.id:  # the chain goes on from the existing region, as the store has it
                break
            places.setdefault(par.id, par)
            prev = par
    _batches(store, _merge_nodes("Region"), [{"id": pl.id, "props": pl.props(src)} for pl in places.values()], p, opts.batch_size)
    _batches(store, _merge_rels("PART_OF"), list({(r["start"], r["end"]): r for r in part_of}.values()), p, opts.batch_size)
    sectors = []
    links = []
    for code in {c.id: c for c in v.codes.values()}.values():
        name = v.sector_names.get(code.id) or f"{code.scheme.upper()} {code.code}"
        sectors.append({"id": code.id, "props": {"name": name, "scheme": code.scheme, "code": code.code, "source": src,
                                                 "description": f"{code.scheme} {code.level} {code.code}"}})
        if code.rox:
            links.append({"start": code.id, "end": code.rox, "source": src})
    _batches(store, _merge_nodes("Sector"), sectors, p, opts.batch_size)
    _batches(store, _merge_rels("SUBSECTOR_OF"), links, p, opts.batch_size)
    return 2 + len(tax) + len(places) + len(sectors)


def _batches(store, cypher: str, rows: list, params: dict, size: int) -> None:
    for i in range(0, len(rows), size):
        store.run(cypher, dict(params, rows=rows[i : i + size]), write=True)


def _node_ids(store, label: str, ids: list[str]) -> dict[str, int]:
    q = NODE_IDS.format(label=model.check_label(label))
    out: dict[str, int] = {}
    for i in range(0, len(ids), 10_000):
        out.update({r["id"]: r["nid"] for r in store.run(q, {"ids": ids[i : i + 10_000]})})
    missing = set(ids) - set(out)
    if missing:
        raise RoxError(f"{len(missing)} {label} node(s) vanished during the load, e.g. {sorted(missing)[:3]}")
    return out


CREATE_HAS_SECTOR = (
    "UNWIND $rows AS row "
    "MATCH (a) WHERE id(a) = row[0] MATCH (b) WHERE id(b) = row[1] "
    "CREATE (a)-[r:HAS_SECTOR {key: $kp + coalesce(toString(row[3]), ''), value: row[2], year: row[3], unit: $unit, "
    "kind: $kind, source: $source, load_id: $lid}]->(b)"
)
ANY_WITH_PREFIX = "MATCH ()-[r:HAS_SECTOR]->() WHERE r.key STARTS WITH $kp RETURN count(r) AS n"


def _write_facts(store, table: Table, v: _Validated, summary: LoadSummary, kind: str, unit: str | None, src: str,
                 lid: str, opts: LoadOptions, undo, progress: Progress | None, started: float) -> None:
    """Pass 2: the spooled rows in batches, two in flight (one serialised while the server runs the other).

    If the store holds no ``HAS_SECTOR`` whose key starts with this load's ``source|kind|unit|``
    (a first load), every MERGE would create, since pass 1 rejected duplicate keys: CREATE
    does the same, faster. Otherwise (a reload, a revised file) MERGE, returning changed values.
    """
    import threading
    from concurrent.futures import ThreadPoolExecutor

    params = {"kp": f"{src}|{kind}|{unit or ''}|", "unit": unit, "kind": kind, "source": src, "lid": lid}
    summary.regions = len(v.regions)
    summary.sectors = len(v.code_ids)
    region_nid = _node_ids(store, "Region", list(v.regions))
    code_nid = _node_ids(store, "Sector", list(v.code_ids))
    rn_of = [0] * len(v.region_ids)
    for rid, i in v.region_ids.items():
        rn_of[i] = region_nid[rid]
    cn_of = [0] * len(v.code_ids)
    for cid, i in v.code_ids.items():
        cn_of[i] = code_nid[cid]
    first_load = store.run(ANY_WITH_PREFIX, {"kp": params["kp"]})[0]["n"] == 0
    cypher = CREATE_HAS_SECTOR if first_load else HAS_SECTOR
    summary.notes.append("first load of this source: CREATE" if first_load else "source already loaded: MERGE (changes only what differs)")
    aggregate, skip_codes = v.aggregate, v.skip_codes
    skipped = summary.skipped
    agg_reason = "aggregate code: finer codes inside it are present for the region"
    level_reason = f"level other than {opts.level} (--level)"
    size = opts.batch_size
    used_codes: set[int] = set()
    lock = threading.Lock()
    loaded = 0
    done = 0
    total = v.spool.rows + len(v.spool.r)

    def send(rows):
        changed = store.run(cypher, dict(params, rows=rows), write=True)
        if changed:
            with lock:
                for row in changed:
                    undo.write(json.dumps(row) + "\n")
                undo.flush()
                summary.updated += len(changed)
        return len(rows)

    pending: list = []
    batch: list[list[Any]] = []
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="rox-load") as pool:
        try:
            for ra, ca, va, ya in v.spool.chunks():
                for ri, ci, val, y in zip(ra, ca, va, ya):
                    if skip_codes and ci in skip_codes:
                        skipped[level_reason] += 1
                        continue
                    if aggregate and ((ri << 24) | ci) in aggregate:
                        skipped[agg_reason] += 1
                        continue
                    batch.append([rn_of[ri], cn_of[ci], val, y or None])
                    if len(batch) >= size:
                        used_codes.update(r[1] for r in batch)
                        if len(pending) >= 2:
                            done += pending.pop(0).result()
                        pending.append(pool.submit(send, batch))
                        batch = []
                        if progress:
                            progress("loading", done, done, total)
            if batch:
                used_codes.update(r[1] for r in batch)
                pending.append(pool.submit(send, batch))
            while pending:
                done += pending.pop(0).result()
        finally:
            for fut in pending:  # an error: let batches in flight finish before rolling back
                try:
                    fut.result()
                except Exception:
                    pass
    loaded = done
    if progress:
        progress("loading", done, done, total)
    summary.rows_loaded = loaded
    code_of_nid = {code_nid[cid]: cid for cid in v.code_ids}
    rox = {c.id: c.rox for c in v.codes.values()}
    summary.unmapped = sorted(code_of_nid[n] for n in used_codes if rox[code_of_nid[n]] is None)
    created = store.run("MATCH ()-[r:HAS_SECTOR]->() WHERE r.load_id = $lid RETURN count(r) AS n", {"lid": lid})
    summary.created = created[0]["n"] if created else 0
    nodes = store.run("MATCH (n) WHERE n.load_id = $lid RETURN count(n) AS n", {"lid": lid})
    summary.nodes_created = nodes[0]["n"] if nodes else 0
    summary.unchanged = loaded - summary.created - summary.updated


def rollback(store, lid: str, undo=None) -> str:
    """Remove what load ``lid`` created and restore the values it changed; says what was done."""
    restored = 0
    if undo is not None:
        undo.flush()
        undo.seek(0)
        rows = []
        for line in undo:
            rows.append(json.loads(line))
            if len(rows) >= 5000:
                store.run(RESTORE, {"rows": rows}, write=True)
                restored += len(rows)
                rows = []
        if rows:
            store.run(RESTORE, {"rows": rows}, write=True)
            restored += len(rows)
    rels = _delete_in_batches(store, DELETE_RELS, lid)
    nodes = _delete_in_batches(store, DELETE_NODES, lid)
    return f"removed {rels} relationships and {nodes} nodes it had created and restored {restored} changed values"


def _delete_in_batches(store, statement: str, lid: str) -> int:
    """Run a ``... LIMIT n DETACH DELETE ... RETURN count(...) AS n`` statement until it
    deletes nothing; returns how many it deleted."""
    total = 0
    while True:
        got = store.run(statement, {"lid": lid}, write=True)
        k = got[0]["n"] if got else 0
        total += k
        if not k:
            return total


def env_batch() -> int:
    return int(os.environ.get("ROX_TABLE_BATCH", BATCH))

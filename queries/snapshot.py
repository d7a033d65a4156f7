"""What every match reads, kept on disk between requests: the matrix snapshot.

A match needs all region x sector facts, region metadata, sectors and datasets. Read
through the client per request that costs seconds at 456 k facts and fails at 4 M,
so rox keeps them in a folder beside the database (``<db>.snapshot/<uid>-<n>.facts/``:
one ``.npy`` per column, read memory-mapped, :mod:`rox.queries.arrays_dir`; for Neo4j
beside the journal, :func:`rox.loaders.journal.base_path`), named after the store's
generation (:mod:`rox.graph.generation`), which every write advances. The dataset tables
built from it are kept beside it too (:class:`TableCache`).

* :func:`read` gives a request its :class:`StoreData`: the file of the current
  generation when there is one (kept in memory too, for the app's next request),
  else it builds it (:func:`build`) and saves it for the next process;
* the file is built under the store's load lock held **shared** (loads hold it
  exclusively), so it never mixes two states; when a load is running the request
  reads the store itself and saves nothing;
* it is written to a temporary folder and renamed: a reader sees all of it or nothing;
  what belongs to older generations is removed after;
* the facts are read in pages of regions (``facts-of-regions``, two at a time), never
  in one huge answer;
* a load refreshes it at its end (:func:`refresh`, called by ``rox.api``), so the
  first match after a load finds it ready.

``ROX_SNAPSHOT=off`` switches it off: every request reads the store with the named
queries as before (``region-sector-matrix``, ``regions``, ``sectors``, ``datasets``):
the baseline of ``bench/bench_match.py`` and of the tests that check both give the
same results.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rox.graph.generation import Generation
from rox.loaders.journal import base_path
from rox.loaders.writer import lock_for
from rox.queries import arrays_dir, table_file
from rox.queries.frame import COLUMNS, NO_YEAR, FactFrame
from rox.queries.registry import run_named, run_named_bulk

__all__ = ["ENV", "StoreData", "build", "enabled", "folder", "live", "read", "refresh"]

ENV = "ROX_SNAPSHOT"
PAGE_REGIONS = 1000
READERS = 2
STALE_TEMP_S = 3600
_ARRAYS = ("region", "sector", "value", "year", *list(COLUMNS)[2:])
_memo: dict[str, StoreData] = {}


@dataclass(frozen=True, eq=False)
class StoreData:
    """The facts (a :class:`~rox.queries.frame.FactFrame`) and the ``regions``,
    ``sectors`` and ``datasets`` rows, as one state of the store."""

    frame: FactFrame
    regions: list[dict[str, Any]]
    sectors: list[dict[str, Any]]
    datasets: list[dict[str, Any]]
    generation: Generation | None = None
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    tables: dict[Any, Any] = field(default_factory=dict, repr=False)  # a TableCache once asked for

    def region_meta(self) -> dict[str, dict[str, Any]]:
        """Region id -> its ``regions`` row."""
        if not self.by_id:
            self.by_id.update((r["id"], r) for r in self.regions)
        return self.by_id

    def years(self) -> list[int]:
        """The years the facts are for, newest first (facts without a year left out)."""
        got = np.unique(self.frame.year)
        return [int(y) for y in got[got != NO_YEAR][::-1]]


def enabled() -> bool:
    """Whether the snapshot is used (``ROX_SNAPSHOT``: ``off``, ``0``, ``no`` or ``false`` switch it off)."""
    return os.environ.get(ENV, "on").strip().lower() not in ("off", "0", "no", "false")


def folder(store: Any) -> Path:
    """Where a store's snapshot files live."""
    base = base_path(store)
    return base.with_name(base.name + ".snapshot")


# -- reading the store ---------------------------------------------------------
def live(store: Any) -> StoreData:
    """Read everything through the named queries, per request (``ROX_SNAPSHOT=off``)."""
    return StoreData(
        FactFrame.from_rows(run_named(store, "region-sector-matrix")),
        run_named(store, "regions"),
        run_named(store, "sectors"),
        run_named(store, "datasets"),
    )


def _pages(ids: Sequence[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])


def _columns(groups: Sequence[Sequence[Any]]) -> dict[str, list[Any]]:
    """``facts-of-regions`` rows (region, source, dataset, kind, unit, year, sectors, values)
    -> one list per fact column (a value ``''`` is no value)."""
    cols: dict[str, list[Any]] = {c: [] for c in _ARRAYS}
    keys = ("region", "source", "dataset", "kind", "unit", "year")
    for *group, sectors, values in groups:
        for c, v in zip(keys, group, strict=True):
            cols[c].extend([v] * len(sectors))
        cols["sector"].extend(sectors)
        cols["value"].extend(values)
    return cols


def paged(store: Any) -> StoreData:
    """Read everything in pages of :data:`PAGE_REGIONS` regions, :data:`READERS` at a time."""
    regions = run_named(store, "regions")
    sectors = run_named(store, "sectors")
    datasets = run_named(store, "datasets")
    pages = list(_pages([r["id"] for r in regions], PAGE_REGIONS))
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        read = pool.map(lambda p: run_named_bulk(store, "facts-of-regions", {"ids": p}), pages)
        groups = [g for rows in read for g in rows]
    info = {s["id"]: (s.get("scheme"), s.get("code")) for s in sectors}
    return StoreData(FactFrame.from_columns(_columns(groups), info), regions, sectors, datasets)


# -- the folder -------------------------------------------------------------------
def _columns_of(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Rows -> columns (JSON reads a few long lists much faster than many small objects)."""
    keys = list(dict.fromkeys(k for r in rows for k in r))
    return {k: [r.get(k) for r in rows] for k in keys}


def _rows_of(cols: dict[str, list[Any]]) -> list[dict[str, Any]]:
    keys = list(cols)
    return [dict(zip(keys, vals, strict=True)) for vals in zip(*cols.values(), strict=True)] if keys else []


def _save(path: Path, data: StoreData) -> None:
    """Write ``data`` as the folder ``path`` (:mod:`rox.queries.arrays_dir`: atomic)."""
    f = data.frame
    vocabularies = {name: list(getattr(f, name)) for name in (*COLUMNS.values(), "sector_scheme", "sector_code")}
    rows = {"regions": _columns_of(data.regions), "sectors": data.sectors, "datasets": data.datasets}
    arrays_dir.write(path, {c: getattr(f, c) for c in _ARRAYS}, {"vocabularies": vocabularies, "rows": rows})


def _load(path: Path, gen: Generation) -> StoreData | None:
    """The snapshot in the folder ``path``, or None when there is none (or it cannot be read)."""
    got = arrays_dir.read(path)
    if got is None or set(got[0]) != set(_ARRAYS):
        return None  # none, or damaged: the caller rebuilds it
    arrays, meta = got
    columns: dict[str, Any] = dict(arrays)
    columns.update((name, tuple(v)) for name, v in meta["vocabularies"].items())
    rows = meta["rows"]
    frame = FactFrame(**columns)
    return StoreData(frame, _rows_of(rows["regions"]), rows["sectors"], rows["datasets"], gen)


def _path(store: Any, gen: Generation) -> Path:
    return folder(store) / f"{gen.key}.facts"


def _tidy(where: Path, keep: Generation) -> None:
    """Remove what belongs to other generations than ``keep``, and temporaries older than
    an hour (left by a process that died while writing; a younger one may be another
    process's folder being written)."""
    for p in where.iterdir():
        if p.name.startswith(".tmp-"):
            with contextlib.suppress(OSError):
                if time.time() - p.stat().st_mtime > STALE_TEMP_S:
                    arrays_dir.remove(p)
        elif not p.name.startswith(keep.key + "."):
            arrays_dir.remove(p) if p.is_dir() else p.unlink(missing_ok=True)


def build(store: Any) -> StoreData:
    """Read the store and save the snapshot of its generation -- unless a load holds the
    lock, then the data is only returned (see the module doc)."""
    lock = lock_for(store)
    if not lock.try_acquire_shared():
        return paged(store)
    try:
        gen = store.generation()  # no write runs while the lock is held shared
        data = paged(store)
        data = StoreData(data.frame, data.regions, data.sectors, data.datasets, gen)
        path = _path(store, gen)
        arrays_dir.remove(path)  # one that could not be read (a whole one is never rebuilt: read() found none)
        _save(path, data)
        _tidy(path.parent, gen)
    finally:
        lock.release()
    _memo.clear()
    _memo[str(path)] = data
    return data


def read(store: Any) -> StoreData:
    """What a request reads: the snapshot of the store's current generation (see the module doc)."""
    if not enabled():
        return live(store)
    gen = store.generation()
    path = _path(store, gen)
    data = _memo.get(str(path)) or _load(path, gen)
    if data is None:
        return build(store)
    _memo.clear()
    _memo[str(path)] = data
    return data


class TableCache(dict):
    """The tables of one snapshot (:func:`rox.queries.tables.tables_of`: key ``(dataset,
    year, level)``), kept in memory and, when the snapshot is on disk, beside it
    (``<uid>-<n>.table-<hash>/``), so the next process does not build them again."""

    def __init__(self, base: Path | None):
        super().__init__()
        self.base = base

    def _path(self, key: Any) -> Path | None:
        if self.base is None:
            return None
        digest = hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()[:16]
        return self.base.with_name(f"{self.base.name.removesuffix('.facts')}.table-{digest}")

    def __contains__(self, key: object) -> bool:
        if super().__contains__(key):
            return True
        path = self._path(key)
        got = table_file.load(path) if path is not None else None
        if got is None:
            return False
        super().__setitem__(key, got)
        return True

    def __setitem__(self, key: Any, tables: Any) -> None:
        super().__setitem__(key, tables)
        path = self._path(key)
        if path is not None:
            with contextlib.suppress(OSError):
                table_file.save(path, tables)


def table_cache(store: Any, data: StoreData) -> dict[Any, Any]:
    """Where a request keeps the tables it builds: the snapshot's :class:`TableCache`, or a
    plain dict for this request alone when the snapshot is off or was not saved."""
    if data.generation is None or not enabled():
        return {}
    if not isinstance(data.tables, TableCache):
        cache = TableCache(_path(store, data.generation))
        data.tables.clear()
        object.__setattr__(data, "tables", cache)
    return data.tables


def refresh(store: Any) -> None:
    """Bring the snapshot up to date now (after a load), if it is used."""
    if enabled():
        read(store)

"""Which tables a cross-dataset match compares (pure): the target's, and the peers'.

From the ``dataset-facts`` rows: each dataset is split by year and, when its regions
nest (a region and one it is part of, e.g. loaded with ``--region-level all``), by
region kind; each part is one :class:`~rox.queries.profiles.Table`.

* The **target's table**: the dataset holding the target's facts for ``year`` (else its
  latest year); ``dataset`` chooses when several do.
* Each **peer dataset** (all datasets expressible at the level, or those named) at its
  year nearest to the target's (ties: the later); a dataset none of whose codes can be
  expressed at the level is left out with a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from rox.graph.errors import NotFound, RoxError, UsageError
from rox.queries.frame import NO_YEAR, FactFrame, codes_of
from rox.queries.places import Meta
from rox.queries.profiles import Table, nearest_year, table

__all__ = ["by_dataset", "peer_tables", "target_table"]

Row = Mapping[str, Any]


def _year_key(years: np.ndarray) -> np.ndarray:
    """Years for sorting: none last, as Cypher's ORDER BY."""
    return np.where(years == NO_YEAR, np.iinfo(np.int32).max, years)


def _sorted_by(keys: tuple[np.ndarray, ...]) -> bool:
    """Whether rows are already in ``np.lexsort(keys)`` order (last key first); a pass, not a sort.

    >>> _sorted_by((np.array([2, 1]), np.array([0, 1]))), _sorted_by((np.array([1, 0]), np.array([0, 0])))
    (True, False)
    """
    if len(keys[0]) < 2:
        return True
    after = np.zeros(len(keys[0]) - 1, dtype=bool)  # row i+1 comes strictly after row i
    tied = np.ones(len(keys[0]) - 1, dtype=bool)
    for k in reversed(keys):
        after |= tied & (k[1:] > k[:-1])
        tied &= k[1:] == k[:-1]
    return bool((after | tied).all())


def by_dataset(facts: FactFrame | Iterable[Row], datasets: Iterable[str] | None = None) -> dict[str, FactFrame]:
    """The valued facts of each named dataset (of ``datasets``, when given), in dataset
    order, each by year, region and sector (the ``dataset-facts`` order)."""
    f = facts if isinstance(facts, FactFrame) else FactFrame.from_rows(facts)
    wanted = None if datasets is None else set(datasets)
    valued = ~np.isnan(f.value)
    out: dict[str, FactFrame] = {}
    for code in np.unique(f.dataset[valued]).tolist():
        name = f.datasets[code]
        if name is None or (wanted is not None and name not in wanted):
            continue
        part = f.take(valued & (f.dataset == code))
        keys = (part.sector, part.region, _year_key(part.year))
        out[name] = part if _sorted_by(keys) else part.take(np.lexsort(keys))
    return dict(sorted(out.items()))


def _ancestors(region: str, meta: Meta) -> set[str]:
    seen: set[str] = set()
    cur = (meta.get(region) or {}).get("part_of")
    while cur and cur not in seen:
        seen.add(cur)
        cur = (meta.get(cur) or {}).get("part_of")
    return seen


def _kind(meta: Meta, region: str) -> str:
    return str((meta.get(region) or {}).get("kind") or "region")


def _levels(f: FactFrame, meta: Meta) -> dict[str, FactFrame]:
    """The facts by region level: one level unless the regions nest, then by region kind
    (in order of first appearance)."""
    regions = {f.regions[i] for i in np.unique(f.region).tolist()}
    nested = any(_ancestors(r, meta) & regions for r in regions)
    if not nested:
        return {", ".join(sorted({_kind(meta, r) for r in regions})): f}
    names, codes = codes_of([_kind(meta, r) for r in f.regions])
    kinds = codes[f.region]
    first = np.unique(kinds, return_index=True)[1]
    return {names[k]: f.take(kinds == k) for k in kinds[np.sort(first)].tolist()}


def _dataset_of(f: FactFrame) -> str:
    return str(f.datasets[f.dataset[0]])


def tables_of(
    f: FactFrame, year: int | None, level: str, ctx: Mapping[str, Any], info: Mapping[str, Any]
) -> list[Table]:
    """The tables of one dataset's facts at ``year`` (one per region level), built once
    per request (kept in ``ctx["tables"]`` when the context has that dict)."""
    dataset = _dataset_of(f)
    built = ctx.get("tables")
    key = (dataset, year, level)
    if built is not None and key in built:
        return built[key]
    at_year = f.take(f.year == (NO_YEAR if year is None else year))
    out = [
        table(part, level, ctx["taxonomy"], dataset=dataset, year=year, region_level=lv, meta=info)
        for lv, part in _levels(at_year, ctx["meta"]).items()
    ]
    if built is not None:
        built[key] = out
    return out


def _own_years(data: Mapping[str, FactFrame], region: str, year: int | None) -> dict[str, list[int | None]]:
    """Each dataset holding ``region``'s facts (for ``year``, when given) -> the years of those facts."""
    own: dict[str, list[int | None]] = {}
    for d, f in data.items():
        ys = f.take(f.region == f.code("region", region)).years()
        if ys and (year is None or year in ys):
            own[d] = ys
    return own


def target_table(
    data: Mapping[str, FactFrame],
    region: str,
    year: int | None,
    dataset: str | None,
    level: str,
    ctx: Mapping[str, Any],
) -> Table:
    """The target's table (see the module doc); a clear error when it has no facts."""
    own = _own_years(data, region, year)
    if dataset is not None:
        if dataset not in data:
            raise NotFound(f"no dataset {dataset!r}; datasets: {', '.join(data) or 'none'}")
        if dataset not in own:
            raise RoxError(f"region {region!r} has no facts in dataset {dataset!r}{_for(year)}")
        own = {dataset: own[dataset]}
    if not own:
        raise RoxError(f"region {region!r} has no dataset facts{_for(year)}; nothing to match on")
    if len(own) > 1 and year is None:  # its latest year decides, then the dataset id
        best = max(max(y or 0 for y in ys) for ys in own.values())
        own = {d: ys for d, ys in own.items() if any((y or 0) == best for y in ys)}
    name = sorted(own)[0]
    y = year if year is not None else nearest_year([y for y in own[name] if y is not None], None)
    tabs = tables_of(data[name], y, level, ctx, ctx["info"].get(name, {}))
    hit = [t for t in tabs if region in t.matrix._index]
    if not hit or not hit[0].matrix.values.getrow(hit[0].matrix.index_of(region)).nnz:
        raise RoxError(_not_at_level(region, name, level, y))
    return hit[0]


def _for(year: int | None) -> str:
    return f" for year {year}" if year is not None else ""


def _not_at_level(region: str, dataset: str, level: str, year: int | None) -> str:
    """Why a region with facts in ``dataset`` has none at ``level``, and what to try.

    >>> _not_at_level("US-CA", "us-susb-2021", "division", 2021)
    "region 'US-CA' has facts in dataset 'us-susb-2021' for year 2021, but none of its codes can be expressed \
at level division (coarser codes, e.g. 2-digit NAICS sectors, or codes with no crosswalk to it); try level section"
    """
    coarser = {"fine": None, "taxonomy": "division or section", "division": "section", "section": None}.get(level)
    return (
        f"region {region!r} has facts in dataset {dataset!r}{_for(year)}, but none of its codes can be expressed "
        f"at level {level} (coarser codes, e.g. 2-digit NAICS sectors, or codes with no crosswalk to it)"
        + (f"; try level {coarser}" if coarser else "")
    )


def peer_tables(
    data: Mapping[str, FactFrame],
    target: Table,
    peers: Sequence[str] | None,
    level: str,
    ctx: Mapping[str, Any],
) -> tuple[list[Table], list[str]]:
    """The peer tables and the notes on datasets left out."""
    names = [n for n in peers if n not in ctx.get("unread", ())] if peers else list(data)
    unknown = [n for n in names if n not in data]
    if unknown:
        raise UsageError(f"no dataset {', '.join(map(repr, unknown))}; datasets: {', '.join(data)}")
    if level == "fine":
        names = [target.dataset]
    out: list[Table] = []
    notes: list[str] = []
    for name in names:
        if name == target.dataset:
            tabs = tables_of(data[name], target.year, level, ctx, ctx["info"].get(name, {}))
            out.extend(target if t.region_level == target.region_level else t for t in tabs)
            continue
        y = nearest_year([y for y in data[name].years() if y is not None], target.year)
        tabs = [t for t in tables_of(data[name], y, level, ctx, ctx["info"].get(name, {})) if t.matrix.sectors]
        if not tabs:
            notes.append(f"dataset {name} left out: none of its codes can be expressed at level {level}")
        out.extend(tabs)
    return out, notes

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

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rox.graph.errors import NotFound, RoxError, UsageError
from rox.queries.places import Meta
from rox.queries.profiles import Table, nearest_year, table

__all__ = ["by_dataset", "peer_tables", "target_table"]

Row = Mapping[str, Any]


def by_dataset(rows: Iterable[Row]) -> dict[str, list[Row]]:
    """The facts grouped by dataset (in dataset order)."""
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        out[r["dataset"]].append(r)
    return dict(sorted(out.items()))


def _ancestors(region: str, meta: Meta) -> set[str]:
    seen: set[str] = set()
    cur = (meta.get(region) or {}).get("part_of")
    while cur and cur not in seen:
        seen.add(cur)
        cur = (meta.get(cur) or {}).get("part_of")
    return seen


def _levels(rows: Sequence[Row], meta: Meta) -> dict[str, list[Row]]:
    """The rows by region level: one level unless the regions nest, then by region kind."""
    regions = {r["region"] for r in rows}
    nested = any(_ancestors(r, meta) & regions for r in regions)
    kinds = sorted({str((meta.get(r) or {}).get("kind") or "region") for r in regions})
    if not nested:
        return {", ".join(kinds): list(rows)}
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        out[str((meta.get(r["region"]) or {}).get("kind") or "region")].append(r)
    return dict(out)


def tables_of(
    rows: Sequence[Row], year: int | None, level: str, ctx: Mapping[str, Any], info: Mapping[str, Any]
) -> list[Table]:
    """The tables of one dataset's rows at ``year`` (one per region level)."""
    dataset = rows[0]["dataset"]
    at_year = [r for r in rows if r.get("year") == year]
    return [
        table(part, level, ctx["taxonomy"], dataset=dataset, year=year, region_level=lv, meta=info)
        for lv, part in _levels(at_year, ctx["meta"]).items()
    ]


def target_table(
    data: Mapping[str, list[Row]],
    region: str,
    year: int | None,
    dataset: str | None,
    level: str,
    ctx: Mapping[str, Any],
) -> Table:
    """The target's table (see the module doc); a clear error when it has no facts."""
    own = {d: [r for r in rows if r["region"] == region] for d, rows in data.items()}
    own = {d: rs for d, rs in own.items() if rs and (year is None or any(r.get("year") == year for r in rs))}
    if dataset is not None:
        if dataset not in data:
            raise NotFound(f"no dataset {dataset!r}; datasets: {', '.join(data) or 'none'}")
        if dataset not in own:
            raise RoxError(f"region {region!r} has no facts in dataset {dataset!r}{_for(year)}")
        own = {dataset: own[dataset]}
    if not own:
        raise RoxError(f"region {region!r} has no dataset facts{_for(year)}; nothing to match on")
    if len(own) > 1 and year is None:  # its latest year decides, then the dataset id
        best = max(max(r["year"] or 0 for r in rs) for rs in own.values())
        own = {d: rs for d, rs in own.items() if any((r["year"] or 0) == best for r in rs)}
    name = sorted(own)[0]
    y = year if year is not None else nearest_year([r["year"] for r in own[name]], None)
    tabs = tables_of(data[name], y, level, ctx, ctx["info"].get(name, {}))
    hit = [t for t in tabs if region in t.matrix._index]
    if not hit or not hit[0].matrix.values.getrow(hit[0].matrix.index_of(region)).nnz:
        raise RoxError(f"region {region!r} has no facts in dataset {name!r} at level {level}{_for(y)}")
    return hit[0]


def _for(year: int | None) -> str:
    return f" for year {year}" if year is not None else ""


def peer_tables(
    data: Mapping[str, list[Row]],
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
        y = nearest_year([r["year"] for r in data[name]], target.year)
        tabs = [t for t in tables_of(data[name], y, level, ctx, ctx["info"].get(name, {})) if t.matrix.sectors]
        if not tabs:
            notes.append(f"dataset {name} left out: none of its codes can be expressed at level {level}")
        out.extend(tabs)
    return out, notes

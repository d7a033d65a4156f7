"""Which codes of a hierarchical table to keep, so nothing is counted twice.

Tables mix levels: ``Total``, sections (``C (10-33)``), divisions (``30``) and groups
(``30.2``) in one column. By default (``finest``) a code is skipped for a region
where finer codes inside it are present for the same region, so the finest
breakdown each region has is loaded; ``--level LEVEL`` keeps one named level, and
``all`` keeps every code.

>>> from rox.loaders.schemes import parse
>>> codes = [parse("sic2007", c) for c in ("Total", "30", "30.2")]
>>> ids = {c.id: i for i, c in enumerate(codes)}
>>> h = plan(codes, ids, [(0, 0), (0, 1), (0, 2), (1, 1)], "finest", "t.csv")
>>> sorted(h.aggregate), h.skip_codes
([0, 1], set())
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rox.graph.errors import Problem, ValidationFailed
from rox.loaders.schemes import Code

#: bits of a code index in an aggregate key ``(region << CODE_BITS) | code``
CODE_BITS = 24


@dataclass
class Hierarchy:
    """What to skip: codes of another level, and (region, code) pairs that are aggregates."""

    description: str
    skip_codes: set[int] = field(default_factory=set)
    aggregate: set[int] = field(default_factory=set)  # (region << CODE_BITS) | code


def plan(
    codes: Iterable[Code], code_ids: dict[str, int], pairs: Iterable[tuple[int, int]], level: str, fname: str
) -> Hierarchy:
    """The codes to skip for ``level`` (``finest``, ``all`` or a level name); ``pairs``: (region, code) indexes."""
    by_id = {c.id: c for c in codes}
    levels = Counter(c.level for c in by_id.values())
    order = sorted(levels, key=lambda lv: min(c.rank for c in by_id.values() if c.level == lv))
    found = ", ".join(f"{lv} ({levels[lv]})" for lv in order)
    if level == "all":
        return Hierarchy(f"levels {found}; kept all (--level all: aggregates and their parts both loaded)")
    if level != "finest":
        if level not in levels:
            raise ValidationFailed(
                [Problem(fname, None, "--level", f"no codes at level {level!r}; levels found: {found}")]
            )
        return Hierarchy(
            f"levels {found}; kept {level} only (--level)",
            skip_codes={code_ids[c.id] for c in by_id.values() if c.level != level},
        )
    contained = containers(list(by_id.values()))
    if not any(contained.values()):
        return Hierarchy(f"one level: {found}" if len(levels) == 1 else f"levels {found}; no code contains another")
    cont_idx = {code_ids[b]: [code_ids[a] for a in anc] for b, anc in contained.items() if anc}
    return Hierarchy(
        f"levels {found}; kept the finest breakdown present for each region (a code is skipped where "
        f"finer codes inside it are present for the same region; --level LEVEL keeps one level)",
        aggregate=_aggregates(cont_idx, pairs),
    )


def _aggregates(cont_idx: dict[int, list[int]], pairs: Iterable[tuple[int, int]]) -> set[int]:
    per_region: dict[int, set[int]] = {}
    for r, c in pairs:
        per_region.setdefault(r, set()).add(c)
    out: set[int] = set()
    for r, cs in per_region.items():
        for c in cs:
            out.update((r << CODE_BITS) | a for a in cont_idx.get(c, ()) if a in cs)
    return out


def containers(codes: list[Code]) -> dict[str, list[str]]:
    """For each code id, the ids of codes in the list that contain it (prefix index, not all pairs)."""
    single: dict[str, list[Code]] = {}
    multi: list[Code] = []
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

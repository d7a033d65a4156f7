"""Named datasets: the statistical tables that form one dataset, and what it records.

``rox load-table FILE --dataset NAME`` puts the file's facts into dataset ``NAME``
(default: the file's own Source id). A dataset is one ``Dataset`` node (``id`` = the
name) with ``(:Source)-[:IN_DATASET]->(:Dataset)`` for each of its files, and the
facts carry its id (``HAS_SECTOR.dataset``). It records:

* ``kind``, ``unit``, ``scheme`` (sector classification): one of each per dataset; a
  file whose kind, unit or classification differs is refused before anything is read
  (:func:`check`);
* ``years``, ``region_levels``, ``regions``/``region_count`` and coverage:
  ``codes``/``code_count`` (the sector codes it has values for), and ``facts`` (how many
  ``HAS_SECTOR`` it holds) -- the union over its files (:func:`merged`).

Reloading a file changes nothing (the union is the same). What a load changes on an
existing Dataset node is journaled first (its old properties, ``op: node``) and a
Dataset or ``IN_DATASET`` it creates carries its ``load_id``, so a rollback or
``rox loads undo`` puts the record back as it was (:mod:`loaders.rollback`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rox.graph.errors import Problem, ValidationFailed
from rox.graph.model import DATASET
from rox.loaders import statements
from rox.loaders.writer import LoadSession

#: The Dataset node's properties (``properties(d)``), or no row.
GET = "MATCH (d:Dataset {id: $id}) RETURN properties(d) AS props"
#: The datasets a Source is in (a Source is in one at most).
OF_SOURCE = "MATCH (:Source {id: $source})-[:IN_DATASET]->(d:Dataset) RETURN d.id AS id"
#: What :func:`check` compares, with the words of its message.
FIXED = (("kind", "kind"), ("unit", "unit"), ("scheme", "classification (sector scheme)"))


def statements_sent() -> dict[str, str]:
    """Every statement this module sends (for the Cypher linter)."""
    return {
        "dataset:get": GET,
        "dataset:of_source": OF_SOURCE,
        "dataset:upsert": statements.node_load(DATASET),
        "dataset:link": statements.rel_load("IN_DATASET"),
    }


@dataclass
class Contribution:
    """What one load adds to its dataset (see :func:`merged`)."""

    kind: str
    unit: str | None
    scheme: str
    years: set[int] = field(default_factory=set)
    region_levels: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    facts: int = 0


def check_name(name: str | None, fname: str) -> None:
    """A dataset name is a non-blank line of text (it is data: it goes in as a parameter).

    >>> check_name("in-census2011-b18", "f.csv")
    >>> check_name(" ", "f.csv")
    Traceback (most recent call last):
    ...
    rox.graph.errors.ValidationFailed: 1 problem found; nothing was written
    f.csv: --dataset: a dataset name cannot be blank
    """
    if name is None:
        return
    reason = ""
    if not name.strip():
        reason = "a dataset name cannot be blank"
    elif name != name.strip() or any(ord(ch) < 32 for ch in name) or len(name) > 200:
        reason = f"{name!r}: no leading/trailing spaces or control characters, at most 200 characters"
    if reason:
        raise ValidationFailed([Problem(fname, None, "--dataset", reason)])


def read(store: Any, name: str) -> dict[str, Any] | None:
    """The Dataset node's properties, or ``None`` when there is none of that name."""
    got = store.run(GET, {"id": name})
    return dict(got[0]["props"]) if got else None


def check(store: Any, name: str, source: str, want: Contribution, fname: str) -> tuple[dict[str, Any] | None, bool]:
    """Refuse (:class:`ValidationFailed`, one line) a file that does not fit dataset ``name``:
    another kind, unit or classification, or a Source already in another dataset.
    Returns the dataset's current properties (``None``: a new dataset) and whether the
    file's Source is already in it (a reload)."""
    ids = [r["id"] for r in store.run(OF_SOURCE, {"source": source})]
    others = [i for i in ids if i != name]
    if others:
        reason = (
            f"this file (source {source}) is already in dataset {others[0]!r}; a file is in one dataset: "
            f"give --dataset {others[0]} or undo its load first (rox loads)"
        )
        raise ValidationFailed([Problem(fname, None, "--dataset", reason)])
    old = read(store, name)
    for key, words in FIXED if old is not None else ():
        mine, theirs = getattr(want, key), (old or {}).get(key)
        if (mine or None) != (theirs or None):
            reason = (
                f"dataset {name!r} holds {words} {theirs!r}, this file's is {mine!r}; "
                f"one dataset = one kind, one unit, one classification (give another --dataset)"
            )
            raise ValidationFailed([Problem(fname, None, "--dataset", reason)])
    return old, name in ids


def _union(old: Iterable[Any] | None, new: Iterable[Any]) -> list[Any]:
    return sorted(set(old or ()) | set(new))


def merged(name: str, title: str, old: dict[str, Any] | None, add: Contribution) -> dict[str, Any]:
    """The dataset's properties after this load: the union of what it had and what the load adds.

    >>> c = Contribution("employment", "persons", "isic4", {2011}, {"district"}, {"IN-WB-x"}, {"isic4:0111"}, 3)
    >>> p = merged("b18", "b18", None, c)
    >>> p["years"], p["code_count"], p["facts"]
    ([2011], 1, 3)
    >>> merged("b18", "b18", p, Contribution("employment", "persons", "isic4", {2011}, facts=0)) == p
    True
    """
    old = old or {}
    regions = _union(old.get("regions"), add.regions)
    codes = _union(old.get("codes"), add.codes)
    props = {
        "title": old.get("title") or title,
        "kind": add.kind,
        "unit": add.unit,
        "scheme": add.scheme,
        "years": _union(old.get("years"), add.years),
        "region_levels": _union(old.get("region_levels"), add.region_levels),
        "regions": regions,
        "region_count": len(regions),
        "codes": codes,
        "code_count": len(codes),
        "facts": int(old.get("facts") or 0) + add.facts,
    }
    return {k: v for k, v in props.items() if v is not None}


def write(s: LoadSession, name: str, source: str, title: str, old: dict[str, Any] | None, add: Contribution) -> bool:
    """Record this load in dataset ``name`` and link the file's Source to it; returns whether
    the record changed. The old record is journaled (synced) before it is changed."""
    props = merged(name, title, old, add)
    changed = old is None or any(old.get(k) != v for k, v in props.items())
    if changed:
        if old is not None:
            s.keep_undo([{"op": "node", "label": DATASET, "id": name, "props": old}], sync=True)
        s.send(statements.node_load(DATASET), [{"id": name, "props": props}], "writing dataset")
    s.send(statements.rel_load("IN_DATASET"), [{"start": source, "end": name, "props": {}}], "writing dataset")
    return changed

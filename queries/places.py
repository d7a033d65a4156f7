"""Where regions sit: the places containing a region and the places inside it.

Pure functions over the ``regions`` rows (``{id: {"part_of": parent id, ...}}``):
matching leaves a region's own county, country and districts out of its partners
(:func:`hierarchy_of`), and ``blend`` weighs a firm by whether it sits in the region
itself or only in a place containing it (:func:`local_places`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

Meta = Mapping[str, Mapping[str, Any]]

__all__ = ["ancestors", "children_of", "descendants", "hierarchy_of", "local_places"]


def ancestors(region: str, meta: Meta) -> set[str]:
    """The places containing ``region`` (its ``PART_OF`` chain upwards).

    >>> meta = {"GB": {}, "GB-ENG": {"part_of": "GB"}, "GB-DER": {"part_of": "GB-ENG"}}
    >>> sorted(ancestors("GB-DER", meta))
    ['GB', 'GB-ENG']
    """
    out: set[str] = set()
    cur = (meta.get(region) or {}).get("part_of")
    while cur and cur not in out and cur != region:
        out.add(cur)
        cur = (meta.get(cur) or {}).get("part_of")
    return out


def children_of(meta: Meta) -> dict[str, list[str]]:
    """Each place -> the places directly inside it (build once when asking for many regions).

    >>> children_of({"GB": {}, "GB-ENG": {"part_of": "GB"}})
    {'GB': ['GB-ENG']}
    """
    children: dict[str, list[str]] = defaultdict(list)
    for rid, m in meta.items():
        if m.get("part_of"):
            children[m["part_of"]].append(rid)
    return dict(children)


def descendants(region: str, meta: Meta, children: Mapping[str, list[str]] | None = None) -> set[str]:
    """The places inside ``region`` (``PART_OF`` chains downwards); ``children``: the
    :func:`children_of` ``meta``, when already built.

    >>> meta = {"GB": {}, "GB-ENG": {"part_of": "GB"}, "GB-DER": {"part_of": "GB-ENG"}}
    >>> sorted(descendants("GB", meta))
    ['GB-DER', 'GB-ENG']
    """
    children = children_of(meta) if children is None else children
    down: set[str] = set()
    stack = list(children.get(region, []))
    while stack:
        rid = stack.pop()
        if rid not in down and rid != region:
            down.add(rid)
            stack.extend(children.get(rid, []))
    return down


def hierarchy_of(region: str, meta: Meta) -> set[str]:
    """The regions containing ``region`` and the regions inside it (``PART_OF`` chains).

    A region's own county, country or districts are not partners abroad, so
    matching leaves them out unless ``include_related`` is set.

    >>> meta = {"GB": {}, "GB-ENG": {"part_of": "GB"}, "GB-DER": {"part_of": "GB-ENG"}, "CN": {}}
    >>> sorted(hierarchy_of("GB-ENG", meta))
    ['GB', 'GB-DER']
    """
    return ancestors(region, meta) | descendants(region, meta)


def local_places(region: str, meta: Meta, children: Mapping[str, list[str]] | None = None) -> set[str]:
    """The region and the places inside it (``children`` as for :func:`descendants`).

    >>> sorted(local_places("GB-ENG", {"GB": {}, "GB-ENG": {"part_of": "GB"}, "GB-DER": {"part_of": "GB-ENG"}}))
    ['GB-DER', 'GB-ENG']
    """
    return descendants(region, meta, children) | {region}

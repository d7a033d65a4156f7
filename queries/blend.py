"""The ``blend`` measure's pieces: its components, their weights and the link evidence.

``blend`` is the weighted mean of five components, each in [0, 1]:

* ``overlap``: Jaccard index of the sectors held;
* ``complementarity``: strength in the sectors the region lacks but is close to,
  divided by the best candidate's;
* ``links``: firms present in both places (1; 0.5 when one side is only a place
  containing the region), universities linking them through research (0.5 each),
  divided by the best candidate's (:func:`link_strength`);
* ``agreements``: 1 when an agreement links the two places;
* ``trade``: 1 when trade figures link them.

Everything here is pure: the bridges come from the fetch step
(:func:`rox.queries.fetch.read_bridges`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rox.graph.errors import UsageError
from rox.queries.places import Meta, children_of, local_places

__all__ = ["COMPONENTS", "DEFAULT_WEIGHTS", "Evidence", "evidence", "link_strength", "parse_weights", "scale_to_best"]

COMPONENTS = ("overlap", "complementarity", "links", "agreements", "trade")
DEFAULT_WEIGHTS = {"overlap": 0.5, "complementarity": 0.2, "links": 0.15, "agreements": 0.1, "trade": 0.05}

Bridges = Mapping[str, Sequence[Mapping[str, Any]]]


def parse_weights(text: str | Mapping[str, float] | None) -> dict[str, float]:
    """``"overlap=0.6,links=0.4"`` -> weights (unnamed components get 0).

    >>> parse_weights("overlap=3,trade=1")["overlap"]
    3.0
    >>> parse_weights(None) == DEFAULT_WEIGHTS
    True
    """
    if text is None:
        return dict(DEFAULT_WEIGHTS)
    items = text.items() if isinstance(text, Mapping) else (p.split("=", 1) for p in text.split(",") if p.strip())
    weights = {c: 0.0 for c in COMPONENTS}
    for item in items:
        k, v = (item[0].strip(), item[1]) if len(item) == 2 else (item[0].strip(), None)
        weights[k] = _weight(k, v)
    if sum(weights.values()) <= 0:
        raise UsageError("blend weights must not all be zero")
    return weights


def _weight(component: str, value: Any) -> float:
    """One weight, checked: a known component and a number >= 0."""
    if component not in COMPONENTS:
        raise UsageError(f"unknown blend component {component!r}; components: {', '.join(COMPONENTS)}")
    if value is None:
        raise UsageError(f"blend weight for {component!r} needs a value: {component}=NUMBER")
    try:
        weight = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"blend weight for {component!r} must be a number, got {value!r}") from None
    if weight < 0:
        raise UsageError(f"blend weight for {component!r} must be >= 0")
    return weight


def link_strength(bridges: Bridges, local_a: set[str], local_b: set[str]) -> float:
    """The ``links`` evidence between two regions: each firm counts 1 when it is
    present in both regions themselves (or places inside them), 0.5 when one side
    is only a place containing the region (a firm "in China"); each university
    linking them through research counts 0.5.

    >>> b = {"firms": [{"id": "f", "a_place": "A", "b_place": "B"}, {"id": "g", "a_place": "A", "b_place": "CN"}],
    ...      "universities": [{"id": "u"}, {"id": "u"}]}
    >>> link_strength(b, {"A"}, {"B"})
    2.0
    """
    firms: dict[str, float] = {}
    for f in bridges.get("firms", ()):
        w = 1.0 if f["a_place"] in local_a and f["b_place"] in local_b else 0.5
        firms[f["id"]] = max(firms.get(f["id"], 0.0), w)
    return sum(firms.values()) + 0.5 * len({u["id"] for u in bridges.get("universities", ())})


@dataclass(frozen=True, eq=False)
class Evidence:
    """What links the target to each region (arrays over the matrix's regions; 0 where
    nothing was read): raw link strength, and 1/0 for agreements and trade."""

    links: np.ndarray
    agreements: np.ndarray
    trade: np.ndarray

    @classmethod
    def none(cls, n: int) -> Evidence:
        """No evidence for ``n`` regions."""
        return cls(np.zeros(n), np.zeros(n), np.zeros(n))


def evidence(target: str, regions: Sequence[str], bridges: Mapping[str, Bridges], meta: Meta) -> Evidence:
    """The :class:`Evidence` of ``target`` with every region that has bridges read.

    >>> ev = evidence("A", ["A", "B", "C"], {"B": {"firms": [], "universities": [{"id": "u"}],
    ...                                          "agreements": [{"id": "g"}], "trade": []}}, {})
    >>> ev.links.tolist(), ev.agreements.tolist(), ev.trade.tolist()
    ([0.0, 0.5, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0])
    """
    out = Evidence.none(len(regions))
    children = children_of(meta)  # once: local_places per candidate would rebuild it (quadratic)
    local_target = local_places(target, meta, children)
    for j, rid in enumerate(regions):
        b = bridges.get(rid)
        if b is None:
            continue
        out.links[j] = link_strength(b, local_target, local_places(rid, meta, children))
        out.agreements[j] = 1.0 if b.get("agreements") else 0.0
        out.trade[j] = 1.0 if b.get("trade") else 0.0
    return out


def scale_to_best(x: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """``x`` divided by its largest value among the candidates (unchanged when that is not > 0).

    >>> scale_to_best(np.array([4.0, 2.0, 1.0]), np.array([False, True, True])).tolist()
    [2.0, 1.0, 0.5]
    """
    best = np.nanmax(x[candidates]) if candidates.any() else 0.0
    return x / best if best > 0 else x

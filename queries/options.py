"""The options of ``match`` and ``compare``, validated in one place.

:class:`FactOptions` says which facts to read and how presence is decided (both
entry points); :class:`MatchOptions` adds the measure, the candidate filters and
the blend weights. Both are frozen; a bad value is a :class:`UsageError` at
construction, so nothing is read from the store for a request that cannot run.

>>> MatchOptions(measure="blend", countries=["cn", "in"]).countries
('CN', 'IN')
>>> MatchOptions(measure="blend").weight_map["overlap"]
0.5
>>> MatchOptions(top=0)
Traceback (most recent call last):
...
rox.graph.errors.UsageError: --top must be at least 1
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rox.graph.errors import UsageError
from rox.queries.blend import parse_weights
from rox.queries.facts import LEVELS
from rox.queries.measures import measure_names

__all__ = ["FactOptions", "MatchOptions"]


def _codes(values: Iterable[str] | str | None, upper: bool = False) -> tuple[str, ...] | None:
    """A filter list as a sorted tuple of distinct values (None when empty)."""
    if not values:
        return None
    items = [values] if isinstance(values, str) else list(values)
    return tuple(sorted({v.upper() if upper else v for v in items}))


@dataclass(frozen=True)
class FactOptions:
    """Which facts (``year``, ``source``, sector ``level``, the target's ``dataset`` when
    it is in several) and the presence rule (``RCA >= threshold``; ``strict``: ``>``)."""

    year: int | None = None
    source: str | None = None
    threshold: float = 1.0
    strict: bool = False
    level: str = "fine"
    dataset: str | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise UsageError(f"unknown level {self.level!r}; levels: {', '.join(LEVELS)}")
        if self.source is not None and (self.dataset is not None or self.level in ("division", "section")):
            raise UsageError(
                "--source picks one table's facts; it does not go with --dataset or --level division|section"
            )

    @property
    def presence_rule(self) -> str:
        """``RCA >= 1.0`` or ``RCA > 1.0``."""
        return f"RCA {'>' if self.strict else '>='} {self.threshold}"

    @classmethod
    def of(cls, options: FactOptions | None = None, **keywords: Any):
        """``options`` with ``keywords`` applied, or new options from the keywords alone;
        an unknown keyword is a :class:`UsageError` naming it."""
        unknown = sorted(set(keywords) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            raise UsageError(
                f"unknown option(s) {', '.join(unknown)}; options: "
                + ", ".join(f.name for f in dataclasses.fields(cls))
            )
        return cls(**keywords) if options is None else dataclasses.replace(options, **keywords)


@dataclass(frozen=True)
class MatchOptions(FactOptions):
    """Everything ``match`` takes besides the store and the region (see ``rox match --help``).

    ``countries`` (upper-cased), ``kinds`` and ``peer_datasets`` (the datasets candidates
    come from) become sorted tuples; ``weights`` (text
    ``"overlap=0.6,links=0.4"`` or a mapping) apply to ``blend`` only and are parsed
    here (``blend`` without weights uses the defaults).
    """

    measure: str = "jaccard"
    top: int = 10
    exclude_same_country: bool = False
    countries: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None
    min_population: int | None = None
    max_population: int | None = None
    min_sectors: int = 1
    weights: Any = None
    include_related: bool = False
    explain: bool = True
    peer_datasets: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.measure not in measure_names():
            raise UsageError(f"unknown measure {self.measure!r}; measures: {', '.join(measure_names())}")
        if self.top < 1:
            raise UsageError("--top must be at least 1")
        if self.weights is not None and self.measure != "blend":
            raise UsageError(f"--weights apply to --measure blend only (measure is {self.measure!r})")
        super().__post_init__()
        object.__setattr__(self, "countries", _codes(self.countries, upper=True))
        object.__setattr__(self, "kinds", _codes(self.kinds))
        object.__setattr__(self, "peer_datasets", _codes(self.peer_datasets))
        if self.measure == "blend":
            object.__setattr__(self, "weights", tuple(parse_weights(self._weights_given()).items()))

    def _weights_given(self) -> str | Mapping[str, float] | None:
        w = self.weights
        return dict(w) if isinstance(w, tuple) else w

    @property
    def weight_map(self) -> dict[str, float] | None:
        """The blend weights by component (None for other measures)."""
        return dict(self.weights) if self.weights is not None else None

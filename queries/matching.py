"""Partner matching: rank regions against one region and explain every match.

Three steps, for :func:`match` and :func:`compare` alike:

1. **fetch** (:mod:`rox.queries.fetch`, I/O only): the region x sector facts
   (``region-sector-matrix``), sector names (``sectors``), region metadata
   (``regions``), the graph's firms, universities and agreements for ``ppr`` only,
   and the bridges of all shown partners — for ``blend`` of all candidates — in
   ONE ``bridges-many`` query. Which facts: :func:`~rox.queries.facts.select_facts`
   (with ``source``, that source's; else values when every fact of the region has
   one in a single unit, else link presence).
2. **rank** (:mod:`rox.queries.rank`, pure): filter candidates (same country,
   countries, kinds, population, minimum sectors, related regions), score them
   with the measure from the registry (:mod:`rox.queries.measures`; RCA and
   presence over *all* regions), order by score descending, ties by region id.
3. **explain** (:mod:`rox.queries.explain`, pure): shared sectors with both sides'
   RCA, complementary sectors (lacked by the target, close to what it holds, held by
   the partner), and the firms, universities, agreements and trade that link the
   two, each with its source.

Options come as keywords or as one :class:`~rox.queries.options.MatchOptions`.

Example:
    >>> from rox.graph.store import open_store                     # doctest: +SKIP
    >>> res = match(open_store(), "GB-DER", measure="jaccard", top=3)   # doctest: +SKIP
    >>> [r["region"] for r in res.rows]                        # doctest: +SKIP
    ['CN-AH', 'GB-ENG-midlands', 'CN-HN-zhuzhou']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rox.graph.errors import NotFound, RoxError, UsageError
from rox.queries import cross_match, explain, fetch, measures, rank, snapshot
from rox.queries.blend import COMPONENTS, DEFAULT_WEIGHTS, link_strength, parse_weights
from rox.queries.explain import flatten
from rox.queries.facts import LEVELS, select_facts
from rox.queries.fetch import load_matrix
from rox.queries.measures import measure_names
from rox.queries.options import FactOptions, MatchOptions
from rox.queries.places import hierarchy_of
from rox.queries.rank_input import RankInput
from rox.queries.registry import run_named

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "EXTRA_MEASURES",
    "LEVELS",
    "FactOptions",
    "MatchOptions",
    "MatchResult",
    "compare",
    "flatten",
    "hierarchy_of",
    "link_strength",
    "load_matrix",
    "match",
    "measure_names",
    "parse_weights",
    "select_facts",
]

# The measures beyond the similarity family, with their summaries (kept for the app;
# every measure, these included, is in :data:`rox.queries.measures.MEASURES`).
EXTRA_MEASURES = {s.name: s.summary for s in measures.MEASURES.values() if s.input in ("relatedness", "components")}
TIE_BREAK = "score descending, then region id ascending"


@dataclass
class MatchResult:
    """Ranked partners with explanations, and the parameters that produced them."""

    rows: list[dict[str, Any]]
    params: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def flat_rows(self) -> list[dict[str, Any]]:
        """Rows with explanation lists flattened to readable strings (CSV, XLSX)."""
        return [flatten(r) for r in self.rows]


def _rank_input(facts: fetch.Facts, opts: FactOptions) -> RankInput:
    return RankInput(facts.matrix, facts.mode, opts.threshold, opts.strict, facts.graph_edges)


def _target(facts: fetch.Facts, region: str, year: int | None) -> int:
    """The region's row in the matrix, or a clear error (unknown region; no facts)."""
    if region not in facts.regions:
        raise NotFound(f"no region with id {region!r}")
    if region not in facts.matrix._index:
        raise RoxError(
            f"region {region!r} has no sector facts{' for year ' + str(year) if year else ''}; nothing to match on"
        )
    return facts.matrix.index_of(region)


def on_datasets(store: Any, region: str, opts: FactOptions) -> bool:
    """Whether a request goes through the named datasets (:mod:`rox.queries.cross_match`):
    at ``division``/``section`` level, with ``dataset``/``peer_datasets``, or when all
    the region's facts are in named datasets and no ``source`` is given. Else today's
    path (regions described by documents, ``--source``)."""
    if opts.level in ("division", "section") or opts.dataset or getattr(opts, "peer_datasets", None):
        return True
    if opts.source is not None:
        return False
    got = run_named(store, "region-datasets", {"region": region})
    return bool(got) and all(r["dataset"] is not None for r in got)


def _match_datasets(store: Any, region: str, opts: MatchOptions) -> MatchResult:
    rows, extra, notes = cross_match.match_datasets(store, region, opts)
    meta = snapshot.read(store).region_meta()
    if opts.explain and rows:
        bridges = fetch.read_bridges(store, region, [r["region"] for r in rows])
        for r in rows:
            r.update({k: v for k, v in bridges[r["region"]].items()})
    facts = fetch.Facts(None, "values", extra["dataset"], {}, meta)  # type: ignore[arg-type]
    params = _params(region, opts, facts, extra.pop("candidates"))
    params.update(extra)
    params["presence_rule"] = opts.presence_rule
    params["peer_datasets_asked"] = list(opts.peer_datasets) if opts.peer_datasets else None
    return MatchResult(rows, params, notes)


def match(store: Any, region: str, *, options: MatchOptions | None = None, **keywords: Any) -> MatchResult:
    """Rank partner regions for ``region`` (an id); see the module doc and :class:`MatchOptions`."""
    opts = MatchOptions.of(options, **keywords)
    if on_datasets(store, region, opts):
        return _match_datasets(store, region, opts)
    spec = measures.spec(opts.measure)
    facts = fetch.read_facts(store, region, opts, graph=spec.input == "graph")  # fetch
    target = _target(facts, region, opts.year)
    inp = _rank_input(facts, opts)
    keep = rank.candidates(inp.presence, facts.matrix.regions, facts.regions, region, opts)
    bridges: dict[str, Any] = {}
    if spec.input == "components":  # blend: the bridges of every candidate, one query
        bridges = fetch.read_bridges(store, region, [facts.matrix.regions[j] for j in keep])
        inp = rank.with_evidence(inp, region, keep, bridges, facts.regions, opts.weight_map)
    ranking = rank.rank(inp, opts.measure, target, keep, opts.top)
    if opts.explain:  # the shown rows' bridges not read yet, one query
        bridges.update(fetch.read_bridges(store, region, [r for r in ranking.regions if r not in bridges]))
    rows = explain.match_rows(
        inp,
        ranking,
        target,
        measure=opts.measure,
        meta=facts.regions,
        names=facts.sector_names,
        bridges=bridges if opts.explain else None,
    )
    notes = []
    if facts.mode == "presence" and opts.source is None:
        notes.append("values ignored: facts mix units or lack values; give --source to match on one table's values")
    return MatchResult(rows, _params(region, opts, facts, ranking.candidates), notes)


def _params(region: str, opts: MatchOptions, facts: fetch.Facts, candidates: int) -> dict[str, Any]:
    """Every parameter that produced a match (exported with it)."""
    from rox import __version__

    return {
        "region": region,
        "region_name": facts.regions[region].get("name"),
        "measure": opts.measure,
        "top": opts.top,
        "year": opts.year,
        "level": opts.level,
        "threshold": opts.threshold,
        "presence_rule": opts.presence_rule if facts.mode == "values" else "link present",
        "value_mode": facts.mode,
        "data_source": facts.data_source,
        "exclude_same_country": opts.exclude_same_country,
        "countries": list(opts.countries) if opts.countries else None,
        "kinds": list(opts.kinds) if opts.kinds else None,
        "min_population": opts.min_population,
        "max_population": opts.max_population,
        "min_sectors": opts.min_sectors,
        "weights": opts.weight_map,
        "include_related": opts.include_related,
        "candidates": candidates,
        "tie_break": TIE_BREAK,
        "rox_version": __version__,
    }


def compare(store: Any, a: str, b: str, *, options: FactOptions | None = None, **keywords: Any) -> dict[str, Any]:
    """Side-by-side profiles of two regions, their shared and complementary sectors and bridges.

    Options (keywords or ``options=``): ``year``, ``source``, ``threshold``, ``strict``, ``level``.
    """
    if a == b:
        raise UsageError(f"compare needs two different regions, got {a!r} twice")
    opts = FactOptions.of(options, **keywords)
    if on_datasets(store, a, opts):
        view = cross_match.compare_datasets(store, a, b, opts)
        return {"value_mode": "values", "data_source": view["a_side"]["dataset"], **view}
    facts = fetch.read_facts(store, a, opts, regions=False)
    for r in (a, b):
        if r not in facts.matrix._index:
            raise RoxError(f"region {r!r} has no sector facts; nothing to compare")
    bridges = fetch.read_bridges(store, a, [b])[b]
    view = explain.comparison(
        _rank_input(facts, opts), facts.sector_names, facts.matrix.index_of(a), facts.matrix.index_of(b), bridges
    )
    return {"a": a, "b": b, "value_mode": facts.mode, "data_source": facts.data_source, **view}

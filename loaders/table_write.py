"""Pass 2 of a table load: the nodes, then the facts, through the shared writer.

1. nodes: the file's ``Source``, the rox taxonomy, the regions (with the regions they
   lie in and ``PART_OF``) and one ``Sector`` per fine code (``sic2007:30``) with
   ``SUBSECTOR_OF`` to its rox sector; what exists is left as it is (``ON CREATE``);
2. facts: the spooled rows as ``HAS_SECTOR`` relationships keyed by
   ``<source>|<kind>|<unit>|<year>`` (the key :mod:`loaders.entities` uses), with
   ``value``, ``unit``, ``kind``, ``year``, ``source``, ``dataset`` (:mod:`loaders.datasets`) and
   the value's ``flags`` (Eurostat's ``b``, ``p``, ``d``...; absent when there are none).
   Regions and sectors are found by their ``id`` (indexed), once per batch.

A first load of a source (no ``HAS_SECTOR`` with its key prefix) CREATEs the facts:
pass 1 rejected duplicate keys, so every MERGE would create. Otherwise MERGE, which
changes only what differs, keeps the old value on the relationship
(``undo_load``/``undo_value``, see :mod:`loaders.rollback`) and returns it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from rox.graph import model, taxonomy
from rox.graph.errors import RoxError
from rox.loaders import rollback
from rox.loaders.gazetteer import Place, parents
from rox.loaders.table_check import Validated
from rox.loaders.table_model import Table
from rox.loaders.writer import LoadSession


@cache
def merge_nodes(label: str) -> str:
    model.check_label(label)
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) ON CREATE SET n += row.props, n.load_id = $lid"


@cache
def merge_rels(rel: str) -> str:
    r = model.REL_TYPES[model.check_rel_type(rel)]
    return (
        f"UNWIND $rows AS row MATCH (a:{r.start} {{id: row.start}}) MATCH (b:{r.end} {{id: row.end}}) "
        f"MERGE (a)-[r:{rel}]->(b) ON CREATE SET r.source = row.source, r.load_id = $lid"
    )


#: Each batch names its regions and sectors once (``$regions``, ``$sectors``: ids); its rows are
#: ``[region index, sector index, value, year, flags]`` into those lists. The nodes are found by their
#: indexed ``id`` once per batch, not once per row, which is as fast as the internal-id seeks
#: used before. A batch whose nodes are not all there writes nothing.
_NODES = (
    "UNWIND $regions AS rid MATCH (a:Region {id: rid}) WITH collect(a) AS ra "
    "UNWIND $sectors AS sid MATCH (b:Sector {id: sid}) WITH ra, collect(b) AS sb "
    "WHERE size(ra) = size($regions) AND size(sb) = size($sectors) "
    "UNWIND $rows AS row WITH ra[row[0]] AS a, sb[row[1]] AS b, row "
)
#: Returns the rows whose existing relationship had another value (their old value is also kept
#: on the relationship until the load ends).
HAS_SECTOR = (
    _NODES + "WITH a, b, row, $kp + coalesce(toString(row[3]), '') AS k "
    "MERGE (a)-[r:HAS_SECTOR {key: k}]->(b) "
    "ON CREATE SET r.value = row[2], r.year = row[3], r.unit = $unit, r.kind = $kind, r.source = $source, "
    "r.flags = row[4], r.dataset = $dataset, r.load_id = $lid "
    "WITH a, b, r, row, k WHERE coalesce(r.load_id, '') <> $lid AND (r.value IS NULL OR r.value <> row[2]) "
    "WITH a, b, r, row, k, r.value AS old SET r.undo_load = $lid, r.undo_value = old, r.value = row[2] "
    "RETURN a.id AS start, b.id AS end, k AS key, old"
)
#: Returns how many it created, so a batch that wrote nothing is noticed.
CREATE_HAS_SECTOR = (
    _NODES + "CREATE (a)-[r:HAS_SECTOR {key: $kp + coalesce(toString(row[3]), ''), value: row[2], year: row[3], "
    "unit: $unit, kind: $kind, source: $source, dataset: $dataset, load_id: $lid}]->(b) SET r.flags = row[4] "
    "RETURN count(r) AS n"
)
#: How many of ``$ids`` exist as regions / sectors (checked once before the facts).
COUNT_REGIONS = "UNWIND $ids AS i MATCH (n:Region {id: i}) RETURN count(n) AS n"
COUNT_SECTORS = "UNWIND $ids AS i MATCH (n:Sector {id: i}) RETURN count(n) AS n"
ANY_WITH_PREFIX = "MATCH ()-[r:HAS_SECTOR]->() WHERE r.key STARTS WITH $kp RETURN count(r) AS n"
CREATED_RELS = "MATCH ()-[r:HAS_SECTOR]->() WHERE r.load_id = $lid RETURN count(r) AS n"
CREATED_NODES = "MATCH (n) WHERE n.load_id = $lid RETURN count(n) AS n"


def statements() -> dict[str, str]:
    """Every statement this module sends (for the Cypher linter)."""
    out = {f"table:node:{lb}": merge_nodes(lb) for lb in ("Source", "Sector", "Region")}
    out.update({f"table:rel:{r}": merge_rels(r) for r in ("SUBSECTOR_OF", "PART_OF")})
    out.update(
        {
            "table:has_sector": HAS_SECTOR,
            "table:create_has_sector": CREATE_HAS_SECTOR,
            "table:any_with_prefix": ANY_WITH_PREFIX,
            "table:created_rels": CREATED_RELS,
            "table:created_nodes": CREATED_NODES,
            "table:count_regions": COUNT_REGIONS,
            "table:count_sectors": COUNT_SECTORS,
        }
    )
    return out


def write_nodes(s: LoadSession, v: Validated, src: str, path: Path, title: str | None, table: Table) -> int:
    """Source, taxonomy, regions (+ containing regions), fine-code sectors; returns nodes sent."""
    title = title or (f"{path.name} ({table.population} only)" if table.population else path.name)
    sprops = {"title": title, "kind": "statistics", "file": str(path.resolve())}
    if table.population:
        sprops["coverage"] = f"{table.population} only"
    s.send(merge_nodes("Source"), [{"id": src, "props": sprops}], "writing nodes")
    tax = [
        {
            "id": x.id,
            "props": {"name": x.name, "description": x.description, "scheme": "rox", "source": "src-rox-taxonomy"},
        }
        for x in taxonomy.sectors()
    ]
    s.send(
        merge_nodes("Source"),
        [
            {
                "id": "src-rox-taxonomy",
                "props": {"title": "rox sector taxonomy (graph/taxonomy.yaml)", "kind": "dataset"},
            }
        ],
        "writing nodes",
    )
    s.send(merge_nodes("Sector"), tax, "writing nodes")
    s.send(
        merge_rels("SUBSECTOR_OF"),
        [{"start": x.id, "end": x.parent, "source": "src-rox-taxonomy"} for x in taxonomy.sectors() if x.parent],
        "writing nodes",
    )
    places, part_of = _places(v, src)
    s.send(merge_nodes("Region"), [{"id": pl.id, "props": pl.props(src)} for pl in places.values()], "writing nodes")
    s.send(merge_rels("PART_OF"), list({(r["start"], r["end"]): r for r in part_of}.values()), "writing nodes")
    sectors, links = _sectors(v, src)
    s.send(merge_nodes("Sector"), sectors, "writing nodes")
    s.send(merge_rels("SUBSECTOR_OF"), links, "writing nodes")
    return 2 + len(tax) + len(places) + len(sectors)


def _places(v: Validated, src: str) -> tuple[dict[str, Place], list[dict[str, str]]]:
    """The regions to write (and those they lie in) and their ``PART_OF`` rows."""
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
    return places, part_of


def _sectors(v: Validated, src: str) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    sectors, links = [], []
    for code in {c.id: c for c in v.codes.values()}.values():
        name = v.sector_names.get(code.id) or f"{code.scheme.upper()} {code.code}"
        sectors.append(
            {
                "id": code.id,
                "props": {
                    "name": name,
                    "scheme": code.scheme,
                    "code": code.code,
                    "source": src,
                    "description": f"{code.scheme} {code.level} {code.code}",
                },
            }
        )
        if code.rox:
            links.append({"start": code.id, "end": code.rox, "source": src})
    return sectors, links


class FactRows:
    """The spooled rows as ``HAS_SECTOR`` batches, skipping the codes the hierarchy plan drops."""

    def __init__(self, v: Validated, skip_codes: set[int], aggregate: set[int], level: str, size: int):
        self.v, self.skip_codes, self.aggregate, self.size = v, skip_codes, aggregate, size
        self.region_of = [""] * len(v.region_ids)
        for rid, i in v.region_ids.items():
            self.region_of[i] = rid
        self.code_of = [""] * len(v.code_ids)
        for cid, i in v.code_ids.items():
            self.code_of[i] = cid
        self.skipped: Counter = Counter()
        self.used_codes: set[int] = set()
        self.used_regions: set[int] = set()
        self.level_reason = f"level other than {level} (--level)"

    def batches(self) -> Iterator[dict[str, Any]]:
        """Batches of ``rows`` with the ``regions`` and ``sectors`` they index (see :data:`HAS_SECTOR`)."""
        skip_codes, aggregate, flags = self.skip_codes, self.aggregate, self.v.flags
        batch: list[list[Any]] = []
        regions: dict[int, int] = {}
        sectors: dict[int, int] = {}
        for ra, ca, va, ya in self.v.spool.chunks():
            for ri, ci, val, y in zip(ra, ca, va, ya, strict=True):
                if skip_codes and ci in skip_codes:
                    self.skipped[self.level_reason] += 1
                elif aggregate and ((ri << 24) | ci) in aggregate:
                    self.skipped["aggregate code: finer codes inside it are present for the region"] += 1
                else:
                    f = flags.get((ri << 40) | (ci << 16) | y) if flags else None
                    batch.append(
                        [regions.setdefault(ri, len(regions)), sectors.setdefault(ci, len(sectors)), val, y or None, f]
                    )
                    if len(batch) >= self.size:
                        yield self._batch(batch, regions, sectors)
                        batch, regions, sectors = [], {}, {}
        if batch:
            yield self._batch(batch, regions, sectors)

    def years(self) -> set[int]:
        """The years of the facts written (those of the codes and pairs the hierarchy plan keeps)."""
        mask = (1 << 24) - 1
        keys: Any = self.v.keys
        if self.skip_codes or self.aggregate:
            skip, agg = self.skip_codes, self.aggregate
            keys = (
                k
                for k in keys
                if ((k >> 16) & mask) not in skip and (((k >> 40) << 24) | ((k >> 16) & mask)) not in agg
            )
        return {y for y in {k & 0xFFFF for k in keys} if y}

    def coverage(self) -> tuple[set[str], set[str], set[str]]:
        """The regions (ids), their levels (kinds) and the sector codes the written facts name."""
        regions = {self.region_of[i] for i in self.used_regions}
        levels = {self.v.regions[r].kind for r in regions if r in self.v.regions}
        return regions, levels, {self.code_of[i] for i in self.used_codes}

    def _batch(self, rows: list[list[Any]], regions: dict[int, int], sectors: dict[int, int]) -> dict[str, Any]:
        self.used_codes.update(sectors)
        self.used_regions.update(regions)
        return {
            "rows": rows,
            "regions": [self.region_of[r] for r in regions],
            "sectors": [self.code_of[c] for c in sectors],
        }


def _check_nodes(s: LoadSession, v: Validated) -> None:
    """Every region and sector the facts go to is in the store (they were written by this load or were there)."""
    for statement, ids in ((COUNT_REGIONS, list(v.region_ids)), (COUNT_SECTORS, list(v.code_ids))):
        found = sum(s.store.run(statement, {"ids": ids[i : i + 10_000]})[0]["n"] for i in range(0, len(ids), 10_000))
        if found != len(ids):
            raise RoxError(f"{len(ids) - found} node(s) of this table vanished from the store during the load")


def write_facts(
    s: LoadSession, rows: FactRows, summary: Any, kind: str, unit: str | None, src: str, dataset: str | None = None
) -> None:
    """Pass 2: the facts, two batches in flight; fills the summary's counts. The facts it creates
    carry ``dataset`` (default: the source id)."""
    params = {"kp": f"{src}|{kind}|{unit or ''}|", "unit": unit, "kind": kind, "source": src, "dataset": dataset or src}
    _check_nodes(s, rows.v)
    first_load = s.store.run(ANY_WITH_PREFIX, {"kp": params["kp"]})[0]["n"] == 0
    summary.notes.append(
        "first load of this source: CREATE"
        if first_load
        else "source already loaded: MERGE (changes only what differs)"
    )

    def changed(batch: dict[str, Any], got: list[dict[str, Any]]) -> None:
        if first_load:
            if not got or got[0]["n"] != len(batch["rows"]):
                raise RoxError("a batch of facts found its regions or sectors gone from the store")
        elif got:
            s.keep_undo(({"op": "has_sector", **row} for row in got), sync=False)
            summary.updated += len(got)

    total = rows.v.spool.rows + len(rows.v.spool.r)
    loaded = s.stream(
        CREATE_HAS_SECTOR if first_load else HAS_SECTOR, rows.batches(), "writing facts", params, total, changed
    )
    summary.skipped.update(rows.skipped)
    summary.rows_loaded = loaded
    rox = {c.id: c.rox for c in rows.v.codes.values()}
    summary.unmapped = sorted(rows.code_of[n] for n in rows.used_codes if rox[rows.code_of[n]] is None)
    summary.created = _count(s, CREATED_RELS)
    summary.nodes_created = _count(s, CREATED_NODES)
    summary.unchanged = loaded - summary.created - summary.updated
    s.counts = {
        "facts": loaded,
        "created": summary.created,
        "changed": summary.updated,
        "nodes_created": summary.nodes_created,
    }
    if summary.updated:
        s.keep_undo((), sync=True)  # the old values are on disk before the marks go
        rollback.until_done(s.store, rollback.CLEAR_MARKS, s.id)


def _count(s: LoadSession, statement: str) -> int:
    got = s.store.run(statement, {"lid": s.id})
    return got[0]["n"] if got else 0

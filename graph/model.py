"""The rox graph model: node labels, relationship types and their properties.

This module is the only place labels and relationship types are spelled. Cypher
that rox builds at run time may interpolate a label or type only after checking it
against :data:`LABELS` / :data:`REL_TYPES` (see :func:`check_label`); every value
goes in as a ``$parameter``.

Graph shape::

    (Region)-[:PART_OF]->(Region)
    (Region)-[:HAS_SECTOR {value, unit, year, source, evidence}]->(Sector)
    (Sector)-[:SUBSECTOR_OF]->(Sector)
    (Firm)-[:IN_SECTOR]->(Sector)
    (Firm)-[:HEADQUARTERED_IN]->(Region)
    (Firm)-[:OPERATES_IN]->(Region)
    (University)-[:LOCATED_IN]->(Region)
    (University)-[:RESEARCHES]->(Sector)
    (Region)-[:PARTY_TO]->(Agreement)
    (Agreement)-[:COVERS]->(Sector)
    (Region)-[:TRADES_WITH {value, currency, year, direction, flow}]->(Region)
    (Region)-[:SIMILAR_TO {measure, score, rank, params, source}]->(Region)
    (any fact node)-[:SOURCED_FROM]->(Source)
    (Source)-[:IN_DATASET]->(Dataset)

A ``Dataset`` groups the statistical tables (one ``Source`` each) that hold one kind of
value in one unit and one sector classification (``rox load-table --dataset NAME``); it
records its years, region levels and coverage, and the table facts carry its id
(``HAS_SECTOR.dataset``), so a profile's facts can be selected by dataset.

Every node and relationship carries ``source`` (a Source id); facts taken from a
document also carry ``evidence``, the sentence quoted from it.
"""

from __future__ import annotations

from dataclasses import dataclass

REGION = "Region"
SECTOR = "Sector"
FIRM = "Firm"
UNIVERSITY = "University"
AGREEMENT = "Agreement"
SOURCE = "Source"
DATASET = "Dataset"

LABELS: tuple[str, ...] = (REGION, SECTOR, FIRM, UNIVERSITY, AGREEMENT, SOURCE, DATASET)


@dataclass(frozen=True)
class RelType:
    """A relationship type with the labels it joins and the properties it may carry."""

    name: str
    start: str
    end: str
    properties: tuple[str, ...] = ("source", "evidence")
    doc: str = ""


REL_TYPES: dict[str, RelType] = {
    r.name: r
    for r in (
        RelType("PART_OF", REGION, REGION, doc="a region lies inside another"),
        RelType(
            "HAS_SECTOR",
            REGION,
            SECTOR,
            ("value", "unit", "year", "kind", "source", "evidence", "flags", "dataset"),
            "a region holds a sector; value/unit/year when measured (employment, GVA, exports...)",
        ),
        RelType("SUBSECTOR_OF", SECTOR, SECTOR, doc="taxonomy tree and fine codes under rox sectors"),
        RelType("IN_SECTOR", FIRM, SECTOR, doc="a firm works in a sector"),
        RelType("HEADQUARTERED_IN", FIRM, REGION, doc="a firm's head office"),
        RelType("OPERATES_IN", FIRM, REGION, doc="a firm has operations in a region"),
        RelType("LOCATED_IN", UNIVERSITY, REGION, doc="a university's home region"),
        RelType("RESEARCHES", UNIVERSITY, SECTOR, doc="a university's research strengths"),
        RelType("PARTY_TO", REGION, AGREEMENT, doc="a region signed or takes part in an agreement"),
        RelType("COVERS", AGREEMENT, SECTOR, doc="an agreement covers a sector"),
        RelType(
            "TRADES_WITH",
            REGION,
            REGION,
            ("value", "currency", "unit", "sector", "year", "direction", "flow", "source", "evidence"),
            "a trade figure between two places",
        ),
        RelType(
            "SIMILAR_TO",
            REGION,
            REGION,
            ("measure", "score", "rank", "params", "source"),
            "computed by `rox similar --write`: one of a region's top-k partners by a sector-overlap "
            "measure (as Neo4j GDS nodeSimilarity.write); params is the JSON of the run's options",
        ),
        RelType("SOURCED_FROM", "*", SOURCE, ("evidence",), "where a node's facts come from"),
        RelType("IN_DATASET", SOURCE, DATASET, (), "a statistical table (its Source) is one file of a dataset"),
    )
}

REGION_KINDS: tuple[str, ...] = (
    "country",
    "nation",
    "state",
    "province",
    "county",
    "city",
    "unitary-authority",
    "metropolitan-county",
    "combined-authority",
    "district",
    "statistical-region",
    "economic-region",
    "region",
)

NODE_PROPERTIES: dict[str, tuple[str, ...]] = {
    REGION: ("id", "name", "kind", "country", "population", "lat", "lon", "aliases", "codes", "source"),
    SECTOR: ("id", "name", "scheme", "code", "description", "source"),
    FIRM: ("id", "name", "country", "source", "evidence"),
    UNIVERSITY: ("id", "name", "country", "domain", "source", "evidence"),
    AGREEMENT: ("id", "name", "kind", "date", "source", "evidence"),
    SOURCE: ("id", "title", "kind", "publisher", "date", "url", "file", "sha256"),
    DATASET: (
        "id",
        "title",
        "kind",
        "unit",
        "scheme",
        "years",
        "region_levels",
        "regions",
        "region_count",
        "codes",
        "code_count",
        "facts",
    ),
}


def check_label(label: str) -> str:
    """Return ``label`` if it is a rox label, else raise ``ValueError``.

    >>> check_label("Region")
    'Region'
    >>> check_label("Region) DETACH DELETE (n")
    Traceback (most recent call last):
    ...
    ValueError: unknown label 'Region) DETACH DELETE (n'
    """
    if label not in LABELS:
        raise ValueError(f"unknown label {label!r}")
    return label


def check_rel_type(name: str) -> str:
    """Return ``name`` if it is a rox relationship type, else raise ``ValueError``."""
    if name not in REL_TYPES:
        raise ValueError(f"unknown relationship type {name!r}")
    return name

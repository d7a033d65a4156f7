"""Plain-Python values out of either driver.

Query results leave the store as lists of ``dict`` rows holding only JSON-friendly
values: nodes become ``{"_type": "node", "_id": ..., "_labels": [...], **props}``,
relationships ``{"_type": "relationship", "_rel": TYPE, "_start": ..., "_end": ...,
**props}``, paths ``{"_type": "path", "nodes": [...], "relationships": [...]}``.
``_id`` is the node's rox ``id`` property when it has one (stable across engines),
else the engine's own id as a string.
"""

from __future__ import annotations

import math
from typing import Any


def node_dict(labels, props: dict, engine_id) -> dict:
    props = {k: plain(v) for k, v in dict(props).items()}
    return {"_type": "node", "_id": str(props.get("id", engine_id)), "_labels": sorted(labels), **props}


def rel_dict(rel_type: str, props: dict, start, end) -> dict:
    props = {k: plain(v) for k, v in dict(props).items()}
    return {"_type": "relationship", "_rel": rel_type, "_start": str(start), "_end": str(end), **props}


def plain(value: Any) -> Any:
    """Convert driver values (nodes, relationships, paths, temporal types) to plain ones."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    converter = _converters.get(type(value).__module__.split(".")[0])
    if converter is not None:
        out = converter(value)
        if out is not NotImplemented:
            return out
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return str(value)


def _from_falkordb(value: Any) -> Any:
    from falkordb import Edge, Node, Path

    if isinstance(value, Node):
        return node_dict(value.labels or [], value.properties, value.id)
    if isinstance(value, Edge):
        return rel_dict(
            value.relation, value.properties, _falkor_end_id(value.src_node), _falkor_end_id(value.dest_node)
        )
    if isinstance(value, Path):
        return {
            "_type": "path",
            "nodes": [plain(n) for n in value.nodes()],
            "relationships": [plain(e) for e in value.edges()],
        }
    return NotImplemented


def _falkor_end_id(end: Any) -> Any:
    # FalkorDB edges carry endpoint ids (ints) or Node objects depending on the call.
    if hasattr(end, "properties"):
        return end.properties.get("id", end.id)
    return end


def _from_neo4j(value: Any) -> Any:
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return node_dict(value.labels, dict(value), value.element_id)
    if isinstance(value, Relationship):
        start = dict(value.start_node).get("id", value.start_node.element_id) if value.start_node else None
        end = dict(value.end_node).get("id", value.end_node.element_id) if value.end_node else None
        return rel_dict(value.type, dict(value), start, end)
    if isinstance(value, Path):
        return {
            "_type": "path",
            "nodes": [plain(n) for n in value.nodes],
            "relationships": [plain(r) for r in value.relationships],
        }
    return NotImplemented


_converters = {"falkordb": _from_falkordb, "redislite": _from_falkordb, "neo4j": _from_neo4j}


# FalkorDB's compact reply: each value is [type, payload]
_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY = 1, 2, 3, 4, 5, 6


def decode_compact(cell: Any) -> Any:
    """One value of a FalkorDB compact reply, as :func:`plain` would give it (doubles
    arrive as text; NaN becomes None). Only strings, numbers, booleans, nulls and lists:
    a node, relationship, path or map is refused, not guessed.

    >>> decode_compact([6, [[2, "a"], [5, "0.5"], [3, 7], [1, None], [4, "true"]]])
    ['a', 0.5, 7, None, True]
    """
    kind, value = cell
    if kind in (_STRING, _INTEGER):
        return value
    if kind == _DOUBLE:
        number = float(value)
        return None if math.isnan(number) else number
    if kind == _ARRAY:
        return [decode_compact(c) for c in value]
    if kind == _NULL:
        return None
    if kind == _BOOLEAN:
        return value == "true"
    raise ValueError(f"compact value of type {kind} is not decoded here (nodes, relationships, paths, maps)")

"""Named Cypher queries: one query per ``queries/cypher/*.cypher`` file.

Each file starts with a header of ``//`` comment lines::

    // name: shared-sectors
    // description: Sectors both regions hold.
    // params: a (region id), b (region id)
    // mode: read

followed by exactly one Cypher statement. The same file runs on FalkorDB and
Neo4j. Where the dialects must differ, a file keeps one variant per engine:
``NAME.falkordb.cypher`` and ``NAME.neo4j.cypher``; :func:`get` picks the one for
the engine at hand.

Example:
    >>> q = get("shared-sectors")
    >>> q.params
    ('a', 'b')
    >>> q.mode
    'read'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from rox.graph.errors import NotFound, RoxError, UsageError

QUERY_DIR = Path(__file__).with_name("cypher")
ENGINES = ("falkordb", "neo4j")
_HEADER = re.compile(r"^//\s*(name|description|params|mode)\s*:\s*(.*)$")
_PARAM_NAME = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class NamedQuery:
    """A parsed query file."""

    name: str
    description: str
    params: tuple[str, ...]
    param_docs: tuple[str, ...]
    mode: str
    texts: dict[str, str] = field(hash=False)  # engine -> Cypher ("*" when portable)
    paths: tuple[Path, ...] = ()

    def text(self, engine: str = "*") -> str:
        """The Cypher for ``engine`` (the portable text when there is no variant)."""
        return self.texts.get(engine) or self.texts["*"]


def _param_name(doc: str) -> str:
    """``"a (region id)"`` -> ``"a"``."""
    found = _PARAM_NAME.match(doc)
    if found is None:
        raise RoxError(f"query header: parameter {doc!r} does not start with a name")
    return found.group(1)


def parse(path: Path) -> tuple[dict[str, str], str]:
    """Split a query file into its header fields and its Cypher body."""
    header: dict[str, str] = {}
    body: list[str] = []
    in_header = True
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _HEADER.match(line.strip()) if in_header else None
        if m:
            header[m.group(1)] = m.group(2).strip()
            continue
        if in_header and line.strip().startswith("//") and not body:
            continue
        in_header = False
        body.append(line)
    text = "\n".join(body).strip()
    if text.endswith(";"):
        text = text[:-1].rstrip()
    return header, text


@cache
def load_all() -> dict[str, NamedQuery]:
    """Every named query, by name."""
    grouped: dict[str, dict[str, tuple[dict[str, str], str, Path]]] = {}
    for path in sorted(QUERY_DIR.glob("*.cypher")):
        parts = path.name[: -len(".cypher")].split(".")
        engine = parts[1] if len(parts) == 2 and parts[1] in ENGINES else "*"
        header, text = parse(path)
        name = header.get("name") or parts[0]
        if name != parts[0]:
            raise RoxError(f"{path}: header name {name!r} does not match the file name")
        grouped.setdefault(name, {})[engine] = (header, text, path)
    out: dict[str, NamedQuery] = {}
    for name, variants in grouped.items():
        header = next(iter(variants.values()))[0]
        param_docs = tuple(p.strip() for p in header.get("params", "").split(",") if p.strip())
        params = tuple(_param_name(p) for p in param_docs)
        out[name] = NamedQuery(
            name=name,
            description=header.get("description", ""),
            params=params,
            param_docs=param_docs,
            mode=header.get("mode", "read"),
            texts={engine: text for engine, (_, text, _) in variants.items()},
            paths=tuple(p for (_, _, p) in variants.values()),
        )
    return out


def get(name: str) -> NamedQuery:
    """The named query, or ``NotFound`` listing the names there are."""
    queries = load_all()
    if name not in queries:
        raise NotFound(f"no query named {name!r}; known: {', '.join(sorted(queries))}")
    return queries[name]


def check_params(name: str, params: Mapping[str, Any]) -> NamedQuery:
    """The named query, after checking that ``params`` are exactly the ones it takes
    (:class:`UsageError` naming the missing and unknown ones otherwise)."""
    q = get(name)
    missing = [p for p in q.params if p not in params]
    unknown = [p for p in params if p not in q.params]
    if missing or unknown:
        bits = []
        if missing:
            bits.append(f"missing parameter(s) {', '.join(missing)}")
        if unknown:
            bits.append(f"unknown parameter(s) {', '.join(unknown)}")
        raise UsageError(f"query {name!r}: {'; '.join(bits)} (takes: {', '.join(q.param_docs) or 'none'})")
    return q


def run_named(store, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run a named query on ``store`` after checking its parameters."""
    params = dict(params or {})
    q = check_params(name, params)
    return store.run(q.text(store.engine), params, write=q.mode == "write")


def run_named_bulk(store, name: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
    """Run a named read query for many rows: each row a list in its RETURN order
    (:meth:`rox.graph.store.Store.run_bulk`)."""
    params = dict(params or {})
    q = check_params(name, params)
    if q.mode != "read":
        raise UsageError(f"query {name!r} writes; bulk reads run read queries only")
    return store.run_bulk(q.text(store.engine), params)


def all_cypher_texts() -> dict[str, str]:
    """Every Cypher text rox sends, by a descriptive name, for the Neo4j linter.

    Includes each named query (every engine variant that Neo4j would run, i.e.
    portable texts and ``.neo4j`` variants), the loaders' write statements and the
    Neo4j schema statements.
    """
    texts: dict[str, str] = {}
    for q in load_all().values():
        for engine, text in q.texts.items():
            if engine in ("*", "neo4j"):
                texts[f"query:{q.name}" + ("" if engine == "*" else ".neo4j")] = text
    from rox.graph.neo4j_store import SCHEMA as NEO4J_SCHEMA
    from rox.loaders import statements

    for i, stmt in enumerate(NEO4J_SCHEMA):
        texts[f"schema:{i}"] = stmt
    texts.update({f"loader:{k}": v for k, v in statements.all_statements().items()})
    from rox.queries import similar

    texts.update(similar.statements())  # SIMILAR_TO writes of `rox similar --write`
    from rox.graph import generation

    texts.update({"generation:bump": generation.BUMP, "generation:read": generation.READ})
    return texts

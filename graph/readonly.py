"""Find write clauses in a Cypher text, ignoring strings, comments and identifiers.

The read-only console is enforced by the database itself (FalkorDB's
``GRAPH.RO_QUERY``; Neo4j's READ access mode). This scanner runs first, so the
user gets a message naming the clause instead of a driver error, and procedures
that write (APOC's ``apoc.create.*`` and the like) are refused by name.

>>> write_clauses("MATCH (n) RETURN n.name AS `create`")
[]
>>> write_clauses("MATCH (n {name: 'DELETE me'}) DETACH DELETE n")
['DELETE', 'DETACH']
>>> write_clauses("// CREATE\\nMATCH (n) SET n.x = 1")
['SET']
"""

from __future__ import annotations

import re

WRITE_KEYWORDS = frozenset(
    {"CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "LOAD", "FOREACH", "ALTER", "GRANT", "REVOKE", "DENY"}
)
WRITE_PROCEDURE_PREFIXES = ("apoc.create", "apoc.merge", "apoc.refactor", "apoc.periodic", "apoc.load", "gds.graph.drop",
                            "db.create", "dbms.", "apoc.cypher.run", "apoc.do", "apoc.schema")

_TOKEN = re.compile(
    r"""
    (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<quoted>`[^`]*`)
  | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def write_clauses(cypher: str) -> list[str]:
    """Write keywords and write procedures found in ``cypher``, sorted and unique."""
    found: set[str] = set()
    prev_dot = False
    for m in _TOKEN.finditer(cypher):
        kind = m.lastgroup
        text = m.group()
        if kind == "word":
            upper = text.upper()
            lower = text.lower()
            if not prev_dot and upper in WRITE_KEYWORDS:
                found.add(upper)
            if any(lower.startswith(p) for p in WRITE_PROCEDURE_PREFIXES):
                found.add(text)
        if kind != "comment" and not text.isspace():
            prev_dot = text == "." or (kind == "other" and text == ".")
    return sorted(found)


_CLAUSE_END = {"ORDER", "SKIP", "LIMIT", "UNION"}


def return_columns(cypher: str) -> list[str] | None:
    """Column names of the last top-level ``RETURN``, in order; None if unknown (``*``).

    Used to restore the user's column order after the console wraps a query in
    ``CALL { ... } RETURN *`` (which returns columns sorted by name).

    >>> return_columns("MATCH (a)-[r]->(b) RETURN a, r AS rel, b.name ORDER BY a")
    ['a', 'rel', 'b.name']
    >>> return_columns("MATCH (n) RETURN DISTINCT n.id AS id, count(n) // c, d")
    ['id', 'count(n)']
    >>> return_columns("MATCH (n) RETURN *") is None
    True
    """
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(cypher) if m.lastgroup != "comment"]
    depth, last = 0, None
    for i, (kind, text) in enumerate(tokens):
        if kind == "other" and text in "([{":
            depth += 1
        elif kind == "other" and text in ")]}":
            depth -= 1
        elif kind == "word" and depth == 0 and text.upper() == "RETURN":
            last = i
    if last is None:
        return None
    names: list[str] = []
    item: list[str] = []
    depth = 0
    rest = tokens[last + 1:]
    if rest and rest[0][0] == "word" and rest[0][1].upper() == "DISTINCT":
        rest = rest[1:]
    for kind, text in rest:
        if depth == 0 and kind == "word" and text.upper() in _CLAUSE_END:
            break
        if kind == "other" and text in "([{":
            depth += 1
        elif kind == "other" and text in ")]}":
            depth -= 1
        if depth == 0 and kind == "other" and text == ",":
            names.append(_item_name(item))
            item = []
            continue
        item.append(text)
    names.append(_item_name(item))
    if any(n in ("", "*") for n in names):
        return None
    return names


def _item_name(parts: list[str]) -> str:
    words = [p for p in parts if not p.isspace()]
    if len(words) >= 2 and words[-2].upper() == "AS":
        return words[-1].strip("`")
    return "".join(parts).strip()

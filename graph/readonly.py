"""Find write clauses in a Cypher text, ignoring strings, comments and identifiers.

The read-only console is enforced by the database itself (FalkorDB's
``GRAPH.RO_QUERY``; Neo4j's READ access mode). This scanner is the second guard:
Neo4j's READ mode still allows writes on a single instance started without
routing, and a clear message ("CREATE is a write clause") beats a driver error.

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

"""Find write clauses in a Cypher text, by tokens, not by words.

The read-only console is enforced by the database itself (FalkorDB's
``GRAPH.RO_QUERY``; Neo4j's READ access mode). This scanner runs first, so the
user gets a message naming the clause instead of a driver error, and procedures
that write (APOC's ``apoc.create.*`` and the like) are refused by name.

The text is cut into tokens (strings, comments and backtick identifiers are
single tokens and never read as keywords). A write keyword counts only where it
can start its clause: not after ``.``, ``:``, ``|``, ``$`` or ``AS`` (a property,
label, type, parameter or alias), not before ``:`` (a map key), and only when the
next token can follow it (``CREATE (``, ``SET n.x``, ``LOAD CSV``, ``DETACH
DELETE``...). So ``RETURN r.id AS load``, ``WITH {set: 1} AS m`` and
``ORDER BY remove`` are reads, and every real write is still found.

>>> write_clauses("MATCH (n) RETURN n.name AS `create`")
[]
>>> write_clauses("MATCH (n {name: 'DELETE me'}) DETACH DELETE n")
['DELETE', 'DETACH']
>>> write_clauses("// CREATE\\nMATCH (n) SET n.x = 1")
['SET']
>>> write_clauses("MATCH (r) RETURN r.id AS load")
[]
>>> write_clauses("WITH {set: 1, remove: 2} AS m RETURN m.set AS remove ORDER BY remove")
[]
>>> write_clauses("LOAD CSV FROM 'file:///x' AS row RETURN row")
['LOAD']
>>> write_clauses("CALL apoc.create.node(['X'], {}) YIELD node RETURN node")
['apoc.create.node']
"""

from __future__ import annotations

import re
from typing import NamedTuple

WRITE_KEYWORDS = frozenset(
    {
        "CREATE",
        "MERGE",
        "DELETE",
        "DETACH",
        "NODETACH",
        "SET",
        "REMOVE",
        "DROP",
        "LOAD",
        "FOREACH",
        "ALTER",
        "GRANT",
        "REVOKE",
        "DENY",
        "RENAME",
        "START",
        "STOP",
    }
)
WRITE_PROCEDURE_PREFIXES = (
    "apoc.create",
    "apoc.merge",
    "apoc.refactor",
    "apoc.periodic",
    "apoc.load",
    "gds.graph.drop",
    "db.create",
    "dbms.",
    "apoc.cypher.run",
    "apoc.do",
    "apoc.schema",
    "apoc.nodes.delete",
    "apoc.trigger",
    "apoc.export",
    "apoc.import",
    "apoc.atomic",
    "apoc.lock",
    "db.idx.fulltext.create",
    "db.idx.fulltext.drop",
    "db.idx.vector.create",
)

# Words that continue an expression or clause: a keyword-named variable followed by
# one of these is a variable (``RETURN remove ORDER BY remove``), never a clause.
CONTINUATION = frozenset(
    {
        "AS",
        "ORDER",
        "SKIP",
        "LIMIT",
        "AND",
        "OR",
        "XOR",
        "NOT",
        "IN",
        "IS",
        "STARTS",
        "ENDS",
        "CONTAINS",
        "DESC",
        "ASC",
        "DESCENDING",
        "ASCENDING",
        "UNION",
        "RETURN",
        "WITH",
        "WHERE",
        "THEN",
        "ELSE",
        "END",
        "WHEN",
        "YIELD",
        "BY",
        "MATCH",
        "OPTIONAL",
        "UNWIND",
        "CALL",
        "DISTINCT",
        "OFFSET",
    }
)
# What the next token must be for the keyword to start a clause; "item" = "(" or a
# word that is not a continuation word.
_NEXT: dict[str, tuple[str, ...]] = {
    "CREATE": ("item", "OR"),
    "MERGE": ("item",),
    "DELETE": ("item", "["),
    "SET": ("item",),
    "REMOVE": ("item",),
    "DROP": ("item",),
    "ALTER": ("item",),
    "GRANT": ("item",),
    "REVOKE": ("item",),
    "DENY": ("item",),
    "RENAME": ("item",),
    "DETACH": ("DELETE",),
    "NODETACH": ("DELETE",),
    "LOAD": ("CSV",),
    "FOREACH": ("(",),
    "START": ("DATABASE",),
    "STOP": ("DATABASE",),
}
_NOT_AFTER = frozenset({".", ":", "|", "$", "&", "!", "%"})

_TOKEN = re.compile(
    r"""
    (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<quoted>`[^`]*`)
  | (?P<number>0x[0-9A-Fa-f]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class Token(NamedTuple):
    """One significant token: kind (string, quoted, number, word, other), text, offset."""

    kind: str
    text: str
    start: int


def tokens(cypher: str) -> list[Token]:
    """The significant tokens of ``cypher`` (comments and white space dropped).

    >>> [t.text for t in tokens("MATCH (n) // c\\nRETURN n.x, 'a b' AS `s`")]
    ['MATCH', '(', 'n', ')', 'RETURN', 'n.x', ',', "'a b'", 'AS', '`s`']
    """
    return [
        Token(m.lastgroup or "other", m.group(), m.start())
        for m in _TOKEN.finditer(cypher)
        if m.lastgroup not in ("comment", "space")
    ]


def _upper(tok: Token | None) -> str:
    return tok.text.upper() if tok is not None and tok.kind == "word" else ""


def _is_clause(keyword: str, prev: Token | None, nxt: Token | None) -> bool:
    """Whether ``keyword`` (a write keyword) starts a clause between ``prev`` and ``nxt``."""
    if prev is not None and (prev.text in _NOT_AFTER or _upper(prev) == "AS"):
        return False
    if nxt is None or nxt.text == ":":
        return False
    for allowed in _NEXT[keyword]:
        if allowed == "item" and (
            nxt.text == "(" or nxt.kind == "quoted" or (nxt.kind == "word" and _upper(nxt) not in CONTINUATION)
        ):
            return True
        if allowed == _upper(nxt) or (allowed in "([" and nxt.text == allowed):
            return True
    return False


def _is_write_procedure(tok: Token, prev: Token | None, nxt: Token | None) -> bool:
    called = (nxt is not None and nxt.text == "(") or _upper(prev) == "CALL"
    return called and tok.text.lower().startswith(WRITE_PROCEDURE_PREFIXES)


def write_clauses(cypher: str) -> list[str]:
    """Write keywords and write procedures found in ``cypher``, sorted and unique."""
    toks = tokens(cypher)
    found: set[str] = set()
    for i, tok in enumerate(toks):
        if tok.kind != "word":
            continue
        prev = toks[i - 1] if i else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        upper = tok.text.upper()
        if upper in WRITE_KEYWORDS and _is_clause(upper, prev, nxt):
            found.add(upper)
        if _is_write_procedure(tok, prev, nxt):
            found.add(tok.text)
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
    toks = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(cypher) if m.lastgroup != "comment"]
    depth, last = 0, None
    for i, (kind, text) in enumerate(toks):
        if kind == "other" and text in "([{":
            depth += 1
        elif kind == "other" and text in ")]}":
            depth -= 1
        elif kind == "word" and depth == 0 and text.upper() == "RETURN":
            last = i
    if last is None:
        return None
    rest = toks[last + 1 :]
    if rest and rest[0][0] == "space":
        rest = rest[1:]
    if rest and rest[0][0] == "word" and rest[0][1].upper() == "DISTINCT":
        rest = rest[1:]
    names = _return_items(rest)
    if any(n in ("", "*") for n in names):
        return None
    return names


def _return_items(rest: list[tuple[str | None, str]]) -> list[str]:
    names: list[str] = []
    item: list[str] = []
    depth = 0
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
    return names


def _item_name(parts: list[str]) -> str:
    words = [p for p in parts if not p.isspace()]
    if len(words) >= 2 and words[-2].upper() == "AS":
        return words[-1].strip("`")
    return "".join(parts).strip()

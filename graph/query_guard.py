"""Checks on console Cypher that the engine cannot make itself.

* :func:`split_prefix` separates a leading ``CYPHER k=v ...`` (FalkorDB parameters,
  Neo4j options) from the query, so the console can keep it *outside* the
  ``CALL { ... } RETURN * LIMIT n`` wrapper that caps the rows; a query that can
  not be wrapped is refused, never run without the cap.
* :func:`range_problems`: FalkorDB's ``range(a, b)`` allocates its whole list in
  one piece before any memory bound is checked, and an allocation larger than the
  machine aborts the server for every client. So a console ``range()`` longer than
  a bound (the store's ``max_list_items``: 256 MB at 16 bytes an item), or whose
  bounds are computed from the data (so cannot be known before it runs), is
  refused. Bounds made of numbers, ``$parameters`` and ``+ - * / %`` are evaluated
  here.

>>> split_prefix("CYPHER q=1 r=[2, 3] MATCH (n) RETURN $q")
('CYPHER q=1 r=[2, 3] ', 'MATCH (n) RETURN $q')
>>> range_problems("UNWIND range(1, 2000000000) AS x RETURN count(x)", {}, 10_000_000)
['range(1, 2000000000) would build a list of 2,000,000,000 items, more than the 10,000,000 a console query may build']
>>> range_problems("UNWIND range(0, $n - 1) AS i RETURN i", {"n": 10}, 10_000_000)
[]
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

from rox.graph.readonly import Token, tokens

BYTES_PER_ITEM = 16  # one FalkorDB SIValue


def split_prefix(cypher: str) -> tuple[str, str]:
    """``(prefix, body)``: the leading ``CYPHER [version] name=value ...`` and the rest.

    >>> split_prefix("MATCH (n) RETURN n")
    ('', 'MATCH (n) RETURN n')
    >>> split_prefix("CYPHER 5 runtime=slotted MATCH (n) RETURN n")
    ('CYPHER 5 runtime=slotted ', 'MATCH (n) RETURN n')
    >>> split_prefix("CYPHER rows=[{a: 1}] UNWIND $rows AS r RETURN r")
    ('CYPHER rows=[{a: 1}] ', 'UNWIND $rows AS r RETURN r')
    """
    toks = tokens(cypher)
    if not toks or toks[0].kind != "word" or toks[0].text.upper() != "CYPHER":
        return "", cypher
    i = 1
    if i < len(toks) and toks[i].kind == "number":
        i += 1
    while i + 2 < len(toks) and toks[i].kind == "word" and toks[i + 1].text == "=":
        i = _value_end(toks, i + 2)
    start = toks[i].start if i < len(toks) else len(cypher)
    return cypher[:start], cypher[start:]


def _value_end(toks: list[Token], i: int) -> int:
    """Index after the value starting at ``toks[i]`` (a token, ``-`` number, or a bracketed group)."""
    if toks[i].text == "-" and i + 1 < len(toks):
        return i + 2
    if toks[i].text not in "[{(" or toks[i].kind != "other":
        return i + 1
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].kind == "other" and toks[j].text in "[{(":
            depth += 1
        elif toks[j].kind == "other" and toks[j].text in "]})":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(toks)


def range_problems(cypher: str, params: Mapping[str, Any], max_items: int) -> list[str]:
    """One sentence per ``range()`` call that is too long or cannot be checked."""
    toks = tokens(cypher)
    problems = []
    for i, tok in enumerate(toks):
        if (
            tok.kind == "word"
            and tok.text.lower() == "range"
            and i + 1 < len(toks)
            and toks[i + 1].text == "("
            and not (i and toks[i - 1].text in ".:")
        ):
            args, end = _call_args(toks, i + 1)
            text = cypher[tok.start : toks[end].start + 1] if end < len(toks) else cypher[tok.start :]
            problem = _range_problem(text, [_const_int(a, params) for a in args], max_items)
            if problem:
                problems.append(problem)
    return problems


def _call_args(toks: list[Token], open_at: int) -> tuple[list[list[Token]], int]:
    """The argument token lists of the call whose ``(`` is at ``open_at``, and the index of its ``)``."""
    args: list[list[Token]] = [[]]
    depth = 0
    for j in range(open_at, len(toks)):
        t = toks[j]
        if t.kind == "other" and t.text in "([{":
            depth += 1
            if depth == 1:
                continue
        elif t.kind == "other" and t.text in ")]}":
            depth -= 1
            if depth == 0:
                return args, j
        elif depth == 1 and t.text == ",":
            args.append([])
            continue
        args[-1].append(t)
    return args, len(toks)


def _range_problem(text: str, values: list[int | None], max_items: int) -> str | None:
    if len(values) not in (2, 3):
        return None  # the engine reports the wrong number of arguments itself
    if any(v is None for v in values):
        return (
            f"{text}: its bounds are computed, so its length cannot be checked before it runs; "
            "give them as numbers or $parameters"
        )
    start, end, step = values[0], values[1], values[2] if len(values) == 3 else 1
    assert start is not None and end is not None and step is not None
    if step == 0:
        return None
    n = max(0, (end - start) // step + 1)
    if n > max_items:
        return f"{text} would build a list of {n:,} items, more than the {max_items:,} a console query may build"
    return None


_OPS: dict[type, Callable[..., int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.floordiv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def _const_int(arg: list[Token], params: Mapping[str, Any]) -> int | None:
    """The integer value of an argument made of integers, ``$params`` and ``+ - * / %``; else None.

    >>> _const_int(tokens("2 * (1000 + $n)"), {"n": 5})
    2010
    >>> _const_int(tokens("size(xs)"), {}) is None
    True
    """
    parts = []
    for i, t in enumerate(arg):
        if t.kind == "number" and t.text.isdigit():
            parts.append(t.text)
        elif t.kind == "word" and i and arg[i - 1].text == "$":
            value = params.get(t.text)
            if not isinstance(value, int) or isinstance(value, bool):
                return None
            parts.append(f"({value})")
        elif t.kind == "other" and t.text in "+-*/%()" or t.text == "$":
            parts.append("" if t.text == "$" else t.text)
        else:
            return None
    try:
        return _eval(ast.parse("".join(parts), mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError, OverflowError):
        return None


def _eval(node: ast.AST) -> int:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left), _eval(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.operand))
    raise ValueError("not a constant integer expression")

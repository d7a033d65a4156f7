"""The demo's match rankings (every measure), comparisons and named-query results are
exactly what ``tests/regression/demo_pins.json`` pinned before the restructure
(issue 8): ids and ranks exactly, floats to 1e-9.

Re-pin only for a deliberate change of results (``tests/regression/pin.py``)."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import pytest

from rox.api import Rox
from rox.queries.measures import measure_names

sys.path.insert(0, str(Path(__file__).resolve().parent / "regression"))
import pin  # noqa: E402

TOL = 1e-9


def differences(got: Any, want: Any, path: str = "") -> list[str]:
    """Where ``got`` differs from ``want``: exact for everything but floats (1e-9).

    >>> differences({"a": [1, 0.5]}, {"a": [1, 0.5 + 1e-12]})
    []
    >>> differences({"a": [1, "x"]}, {"a": [2, "x"], "b": 0})
    ['/a/0: 1 != 2', '/: keys differ: missing b']
    """
    if isinstance(want, dict) and isinstance(got, dict):
        out = [d for k in sorted(want.keys() & got.keys()) for d in differences(got[k], want[k], f"{path}/{k}")]
        if got.keys() != want.keys():
            extra, missing = sorted(got.keys() - want.keys()), sorted(want.keys() - got.keys())
            out.append(
                f"{path or '/'}: keys differ:"
                + (f" missing {', '.join(missing)}" if missing else "")
                + (f" extra {', '.join(extra)}" if extra else "")
            )
        return out
    if isinstance(want, list) and isinstance(got, list):
        if len(got) != len(want):
            return [f"{path}: {len(got)} items != {len(want)} pinned"]
        return [d for k, (g, w) in enumerate(zip(got, want, strict=True)) for d in differences(g, w, f"{path}/{k}")]
    if _is_float(want) or _is_float(got):
        if _number(got) and _number(want) and math.isclose(got, want, rel_tol=0.0, abs_tol=TOL):
            return []
    elif type(got) is type(want) and got == want:
        return []
    return [f"{path}: {got!r} != {want!r}"]


def _is_float(x: Any) -> bool:
    return isinstance(x, float)


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


@pytest.fixture(scope="module")
def fresh(demo_store) -> dict[str, Any]:
    """Everything recomputed through the public API (``Rox.match``, ``compare``, ``query``
    over the matching engine), as ``pin.py`` made the pins."""
    return pin.collect(Rox(demo_store), measure_names())


@pytest.fixture(scope="module")
def pinned() -> dict[str, Any]:
    return pin.read()


def test_every_measure_is_pinned(pinned):
    measures = {key.split("|")[1] for key in pinned["match"]}
    assert measures == set(measure_names())


@pytest.mark.parametrize("section", ["match", "compare", "query"])
def test_results_equal_the_pins(fresh, pinned, section):
    assert fresh[section].keys() == pinned[section].keys()
    diffs = differences(fresh[section], pinned[section])
    assert not diffs, f"{len(diffs)} differences from the pins, first: " + "; ".join(diffs[:10])


def test_the_comparison_can_fail(pinned):
    """The checker sees a changed rank, id and score (a check that cannot fail is no check)."""
    rows = pinned["match"]["GB-DER|jaccard|default"]
    changed = [dict(r) for r in rows]
    changed[0] = {**changed[0], "score": changed[0]["score"] + 1e-6}
    assert differences(changed, rows) == [f"/0/score: {changed[0]['score']!r} != {rows[0]['score']!r}"]
    swapped = [rows[1], rows[0], *rows[2:]]
    assert differences(swapped, rows)
    assert differences(rows[:-1], rows) == [f": {len(rows) - 1} items != {len(rows)} pinned"]
    assert differences({"a": [1, 0.5]}, {"a": [1, 0.5 + 1e-12]}) == []  # floats to 1e-9
    assert differences({"a": [1, "x"]}, {"a": [2, "x"], "b": 0}) == ["/a/0: 1 != 2", "/: keys differ: missing b"]
    assert differences(True, 1) and differences(None, 0.0) and differences("1", 1)  # types count

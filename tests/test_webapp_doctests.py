"""The docstring examples of the app's modules (``rox.webapp.*``) run and hold.

tests/test_doctests.py collects rox, rox.graph, rox.loaders and rox.queries; the app's
modules import Streamlit, so they are collected here."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

pytest.importorskip("streamlit")

import rox.webapp  # noqa: E402

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
SKIP = {"rox.webapp.entry", "rox.webapp.main"}  # entry points: importing runs the app


def examples_in(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    return [t for t in doctest.DocTestFinder().find(module, name) if t.examples]


NAMES = [f"rox.webapp.{m.name}" for m in pkgutil.iter_modules(rox.webapp.__path__)]
WITH_EXAMPLES = [n for n in sorted(set(NAMES) - SKIP) if examples_in(n)]


def test_the_app_has_examples():
    assert {"rox.webapp.visgraph", "rox.webapp.graph_export", "rox.webapp.console", "rox.webapp.compare"} <= set(
        WITH_EXAMPLES
    )


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_app_docstring_examples(name):
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in examples_in(name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name} (output above)"

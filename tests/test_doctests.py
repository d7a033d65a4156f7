"""Every docstring example in the ``rox.*`` package runs and holds (the networkx habit:
examples are tests). Collected here, by import name, so the client's folders
(``graph/`` as ``rox.graph`` ...) are imported once, under the one namespace."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import rox

PACKAGES = (
    "rox",
    "rox.graph",
    "rox.loaders",
    "rox.loaders.profiles",
    "rox.loaders.documents",
    "rox.queries",
    "rox.webapp",
)
# Entry points: importing them runs the CLI or the app.
SKIP = {"rox.__main__", "rox.webapp.entry", "rox.webapp.main"}
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def module_names() -> list[str]:
    names = []
    for package in PACKAGES:
        pkg = importlib.import_module(package)
        names.append(package)
        names += [f"{package}.{m.name}" for m in pkgutil.iter_modules(pkg.__path__) if not m.ispkg]
    return sorted(set(names) - SKIP)


def examples(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    return [t for t in doctest.DocTestFinder().find(module, name) if t.examples]


WITH_EXAMPLES = [n for n in module_names() if examples(n)]


def test_the_namespace_has_examples():
    assert rox.__version__
    assert len(WITH_EXAMPLES) >= 10, WITH_EXAMPLES
    assert {"rox.webapp.visgraph", "rox.webapp.graph_export", "rox.webapp.console"} <= set(WITH_EXAMPLES)


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples(name):
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in examples(name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name} (output above)"

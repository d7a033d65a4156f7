"""The measure registry is the one list of measures: the README table, the docstrings
and ``rox match --measure`` all follow it."""

from __future__ import annotations

import argparse
import inspect
import re

import pytest
from support import ROOT

from rox.queries import measures as ms


def readme_matching_table() -> str:
    """The table in the README's "### Matching" section (its first run of ``|`` lines)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n### Matching\n", 1)[1].split("\n## ", 1)[0]
    lines = section.splitlines()
    first = next(k for k, line in enumerate(lines) if line.startswith("| measure |"))
    table = []
    for line in lines[first:]:
        if not line.startswith("|"):
            break
        table.append(line)
    return "\n".join(table)


def test_readme_lists_exactly_the_registered_measures():
    assert readme_matching_table() == ms.readme_table()
    listed = re.findall(r"^\| `([^`]+)` \|", readme_matching_table(), flags=re.M)
    assert listed == ms.measure_names()


@pytest.mark.parametrize("name", ms.measure_names())
def test_every_measure_documents_formula_and_reference(name):
    spec = ms.spec(name)
    doc = inspect.getdoc(spec.function)
    assert re.search(r"^Formula: \S", doc, flags=re.M), doc
    assert re.search(r"^Reference: \S", doc, flags=re.M), doc
    assert spec.formula in " ".join(doc.split()) and spec.reference in " ".join(doc.split())
    row = next(line for line in ms.readme_table().splitlines() if line.startswith(f"| `{name}` |"))
    assert spec.summary.replace("|", "\\|") in row and spec.input in row
    assert ms.describe(name)["formula"] == spec.formula


def match_measure_choices() -> list[str]:
    """The ``--measure`` choices of the real ``rox match`` parser."""
    from rox import cli

    cli._load_extensions()
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    option = next(a for a in sub.choices["match"]._actions if "--measure" in a.option_strings)
    return list(option.choices)


def test_rox_match_accepts_exactly_the_registered_measures():
    assert match_measure_choices() == ms.measure_names()


def test_a_table_row_out_of_step_is_seen():
    """The comparison is strict: a changed summary shows up as a README difference."""
    spec = ms.MEASURES["jaccard"]
    try:
        ms.MEASURES["jaccard"] = type(spec)(**{**spec.__dict__, "summary": "something else"})
        assert readme_matching_table() != ms.readme_table()
    finally:
        ms.MEASURES["jaccard"] = spec
    assert readme_matching_table() == ms.readme_table()

"""Start-up stays cheap (issue 13, item 3): ``import rox.cli``, building the ``rox``
parser, ``rox --version`` and the commands that only read the store (``stats``,
``query``, ``server status``) import none of the matching engine's libraries (numpy,
scipy, networkx), the loaders' (pydantic, pycountry) or the app's (streamlit, pyvis,
pandas); nothing imports openpyxl or rich unless it writes XLSX or draws a table.

Checked by what a fresh interpreter has imported, not by timing, so the test does not
depend on the machine: importing these costs about a second, most of ``rox stats``'s
start-up before (docs/performance.md, "Start-up").
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import import_module

import pytest
from support import ROOT

from rox import api, cli

#: What a light start-up must not import (top-level package names).
HEAVY = {"numpy", "scipy", "networkx", "pandas", "pydantic", "pycountry", "streamlit", "pyvis", "openpyxl", "rich"}


def imported_by(code: str) -> set[str]:
    """The top-level packages a fresh interpreter has imported once ``code`` ran."""
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.splitlines()[-1]))


def run_cli(*argv: str) -> str:
    """Code that runs ``rox ARGV`` in-process and checks it succeeded (``--version`` exits)."""
    return (
        "from rox.cli import main\n"
        "try:\n"
        f"    code = main({list(argv)!r})\n"
        "except SystemExit as stop:\n"
        "    code = stop.code\n"
        "assert code == 0, code\n"
    )


def test_the_probe_sees_a_heavy_import():
    assert {"numpy", "scipy"} <= imported_by("import scipy.sparse")


def test_importing_the_cli_and_building_its_parser_is_light():
    loaded = imported_by("import rox.cli\nrox.cli._load_extensions()\nrox.cli.build_parser(lazy=True)\n")
    assert not loaded & (HEAVY | {"redis", "yaml"}), sorted(loaded & (HEAVY | {"redis", "yaml"}))


def test_version_is_light():
    loaded = imported_by(run_cli("--version"))
    assert not loaded & (HEAVY | {"redis"}), sorted(loaded & (HEAVY | {"redis"}))


@pytest.mark.parametrize(
    "argv",
    [
        ("stats", "--format", "json"),
        ("query", "shared-sectors", "--param", "a=GB-DER", "--param", "b=CN-AH", "--format", "csv"),
        ("server", "status"),
    ],
    ids=["stats", "query", "server-status"],
)
def test_commands_reading_the_store_are_light(demo_db, argv):
    loaded = imported_by(run_cli("--db", str(demo_db), *argv))
    assert not loaded & HEAVY, sorted(loaded & HEAVY)


def test_the_api_imports_its_heavy_names_on_first_use():
    code = (
        "import sys\n"
        "import rox.api\n"
        "assert 'rox.queries.matching' not in sys.modules and 'rox.loaders.entities' not in sys.modules\n"
        "from rox.api import MatchResult, MATCH_LEVELS\n"
        "import rox.queries.matching as matching\n"
        "assert MatchResult is matching.MatchResult and MATCH_LEVELS == tuple(matching.LEVELS)\n"
    )
    assert {"numpy", "scipy"} <= imported_by(code)  # asked for: imported then


def test_every_lazy_name_is_the_lower_layers_own():
    for name, (module, attribute) in api._LAZY.items():
        assert getattr(api, name) is getattr(import_module(module), attribute), name
    assert tuple(import_module("rox.queries.similar").MEASURES) == api.SIMILAR_MEASURES
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        api.nope  # noqa: B018


def _parsers(lazy: bool):
    cli._load_extensions()
    parser = cli.build_parser(lazy=lazy)
    sub = next(a for a in parser._actions if isinstance(a, cli.SubCommands))
    return parser, sub


def test_the_lazy_parser_parses_and_helps_like_the_full_one():
    full, full_sub = _parsers(lazy=False)
    lazy, lazy_sub = _parsers(lazy=True)
    assert lazy_sub.fillers, "no command is filled lazily"
    for argv in (
        ["--db", "x.db", "match", "Derby", "--measure", "blend", "--top", "3", "--country", "CN"],
        ["compare", "GB-DER", "CN-AH", "--level", "taxonomy"],
        ["similar", "--all", "--measure", "cosine"],
        ["load-table", "t.csv", "--sector-scheme", "sic2007", "--layout", "long"],
        ["stats", "--format", "json"],
    ):
        assert lazy.parse_args(argv) == full.parse_args(argv), argv
    for name in full_sub.choices:
        lazy_sub.fill(name)
        assert lazy_sub.choices[name].format_help() == full_sub.choices[name].format_help(), name
    with pytest.raises(SystemExit) as bad:
        _parsers(lazy=True)[0].parse_args(["match", "Derby", "--measure", "nope"])
    assert bad.value.code == 2

"""rox installs as one namespace: the wheel holds only ``rox`` (and its dist-info),
with the client's folders inside it (``rox.graph``, ``rox.loaders``, ``rox.queries``,
``rox.webapp``), their data files, and the layer contract holds on that layout."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from support import ROOT

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    (path,) = out.glob("rox-*.whl")
    return path


@pytest.fixture(scope="module")
def unpacked(wheel, tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as z:
        z.extractall(where)
    return where


def test_wheel_top_level_names_are_only_rox(wheel):
    with zipfile.ZipFile(wheel) as z:
        top = {name.split("/")[0] for name in z.namelist()}
    dist_info = {t for t in top if t.endswith(".dist-info")}
    assert len(dist_info) == 1, top
    assert top - dist_info == {"rox"}, top


def test_wheel_holds_every_mapped_package_and_its_data(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    mapping = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    for package, folder in mapping.items():
        sources = {p.name for p in (ROOT / folder).glob("*.py")}
        packed = {n.rsplit("/", 1)[1] for n in names if n.rsplit("/", 1)[0] == package.replace(".", "/")}
        assert sources and sources <= packed, (package, sources - packed)
    assert "rox/graph/taxonomy.yaml" in names
    cypher = {p.name for p in (ROOT / "queries" / "cypher").glob("*.cypher")}
    assert cypher and {f"rox/queries/cypher/{c}" for c in cypher} <= names


def test_every_subpackage_folder_is_mapped():
    """A folder with an ``__init__.py`` under a mapped folder must be mapped too, or it
    would silently be left out of the wheel."""
    mapping = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    mapped = {(ROOT / folder).resolve() for folder in mapping["package-dir"].values()}
    assert set(mapping["packages"]) == set(mapping["package-dir"])
    for folder in list(mapped):
        for init in folder.rglob("__init__.py"):
            assert init.parent.resolve() in mapped, f"{init.parent} is a package but not in pyproject's package-dir"


def test_installed_layout_imports_and_keeps_the_layer_contract(unpacked):
    """The unpacked wheel imports on its own, and import-linter's contracts (pyproject
    ``[tool.importlinter]``) hold on it."""
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    probe = "import rox.api, rox.webapp, rox.graph.model, rox.loaders, rox.queries.matching as m; print(m.__file__)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=unpacked, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(str(unpacked)), out.stdout
    lint = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=unpacked,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert lint.returncode == 0, lint.stdout[-3000:] + lint.stderr[-2000:]
    assert "0 broken" in lint.stdout, lint.stdout[-2000:]

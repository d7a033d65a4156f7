"""Lay out the ``rox`` package as it installs, as a tree of file copies, for tools that
read packages from folders (mypy, import-linter).

rox keeps the client's folders (``graph/``, ``loaders/``, ``queries/``, ``webapp/``)
and installs them as ``rox.graph``, ``rox.loaders``... through setuptools'
``package-dir`` mapping; an editable install resolves that with an import hook that
static tools do not see. This script reads the mapping from ``pyproject.toml`` and
copies every ``.py`` file to its installed place under ``build/rox-tree/`` (copies,
not symlinks: import-linter's scanner skips symlinked files). The tree is made anew
on every run; edit the sources, never the tree.

    python scripts/link_tree.py          # prints the tree's folder
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "build" / "rox-tree"


def package_dirs() -> dict[str, Path]:
    """``{"rox.graph": ROOT/"graph", ...}`` from ``[tool.setuptools.package-dir]``."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    return {name: ROOT / folder for name, folder in config["package-dir"].items()}


def build() -> Path:
    """(Re)make the tree and return its root (the folder holding ``rox/``)."""
    shutil.rmtree(TREE, ignore_errors=True)
    for name, folder in package_dirs().items():
        target = TREE.joinpath(*name.split("."))
        target.mkdir(parents=True, exist_ok=True)
        for source in folder.glob("*.py"):
            shutil.copy2(source, target / source.name)
    return TREE


if __name__ == "__main__":
    print(build())
    sys.exit(0)

"""Helpers shared by test modules (import as ``from support import ...``).

Kept out of ``conftest.py`` so that test modules never import a conftest (pytest
may load several files of that name).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path in ../shared, or skip the test with the reason."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"needs ../shared/{'/'.join(parts)} (the shared data folder beside the project); not found at {p}")
    return p


def rox(*args, db=None, check=True):
    """Run the ``rox`` command (``python -m rox``) on ``db``; raise with its stderr if it fails."""
    cmd = [sys.executable, "-m", "rox"] + (["--db", str(db)] if db else []) + [str(a) for a in args]
    out = subprocess.run(
        cmd, capture_output=True, text=True, cwd=ROOT, timeout=300, env={**os.environ, "NEO4J_URI": ""}
    )
    if check and out.returncode != 0:
        raise AssertionError(f"rox {' '.join(map(str, args))} exited {out.returncode}: {out.stderr}")
    return out

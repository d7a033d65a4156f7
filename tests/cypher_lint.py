"""Lint Cypher texts with Neo4j's own parser and semantic analysis.

Runs ``node tools/cypher-lint/lint.mjs`` (npm package
``@neo4j-cypher/language-support``, pinned in tools/cypher-lint/package.json)
once for a whole batch of texts: Node start-up and the linter's warm-up cost
~2-4 s, each text ~50-1000 ms (the semantic analysis is Neo4j's Java front
end compiled to JS); results are cached per text in
tools/cypher-lint/node_modules/.cache/, so an unchanged batch takes ~0.2 s.

Set-up (once per checkout): ``npm ci --prefix tools/cypher-lint``
(or ``bash scripts/setup-test-tools.sh``).

    from tests.cypher_lint import lint_cypher   # or: from cypher_lint import ...
    errors = lint_cypher({"by_region": "MATCH (r:Region {id: $region}) RETURN r"})
    assert errors == {"by_region": []}

Only ERROR-severity diagnostics come back; "Parameter $x is not defined" is
filtered out (the linter has no parameter values) and no label,
relationship-type, function or procedure catalogue is used.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LINT_DIR = REPO_ROOT / "tools" / "cypher-lint"
LINT_SCRIPT = LINT_DIR / "lint.mjs"
PACKAGE_DIR = LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support"

SETUP_HINT = "run `npm ci --prefix tools/cypher-lint` (or `bash scripts/setup-test-tools.sh`) from the repository root"

# Set ROX_REQUIRE_TEST_TOOLS=1 (CI should) to turn a missing linter into a
# hard failure instead of a skip.
_REQUIRE_ENV = "ROX_REQUIRE_TEST_TOOLS"


class CypherLintUnavailable(RuntimeError):
    """Node or the npm package is missing."""


def _missing(reason: str, *, skip: bool | None):
    if skip is None:
        skip = os.environ.get(_REQUIRE_ENV, "") not in ("1", "true", "yes")
    message = f"Cypher linter unavailable: {reason}; {SETUP_HINT}"
    if skip:
        import pytest

        pytest.skip(message)
    raise CypherLintUnavailable(message)


def ensure_linter(*, skip: bool | None = None) -> list[str]:
    """Return the command that runs the linter.

    When node or ``tools/cypher-lint/node_modules`` is missing: calls
    ``pytest.skip`` (default) or raises :class:`CypherLintUnavailable` (a
    RuntimeError) when ``skip=False`` or env ROX_REQUIRE_TEST_TOOLS=1.
    """
    node = shutil.which("node")
    if node is None:
        return _missing("`node` is not on PATH (Node >= 20 needed)", skip=skip)
    if not LINT_SCRIPT.is_file():
        return _missing(f"{LINT_SCRIPT} is missing", skip=skip)
    if not (PACKAGE_DIR / "package.json").is_file():
        return _missing(f"{PACKAGE_DIR} is not installed", skip=skip)
    return [node, str(LINT_SCRIPT)]


def lint_cypher(texts: dict[str, str], *, cache: bool = True, timeout: float = 300.0) -> dict[str, list[dict]]:
    """Lint every text in one Node process.

    ``cache=False`` re-lints every text instead of using the results cached in
    tools/cypher-lint/node_modules/.cache/ (keyed by package version, lint
    script and text).

    Returns ``{name: [diagnostic, ...]}`` for every input name (empty list =
    clean). A diagnostic is ``{"severity": "error", "message", "offset",
    "end", "line", "column", "source"}``; offset is 0-based into the text,
    line and column are 1-based; source is "neo4j" or "rox-cypher-lint"
    (empty text, or more than one statement in one text).
    """
    if not texts:
        return {}
    cmd = ensure_linter()
    payload = json.dumps([{"name": name, "text": text} for name, text in texts.items()])
    env = dict(os.environ)
    if not cache:
        env["CYPHER_LINT_NO_CACHE"] = "1"
    proc = subprocess.run(
        cmd,
        input=payload,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=LINT_DIR,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"cypher linter failed (exit {proc.returncode}): {proc.stderr.strip() or proc.stdout[:2000]}"
        )
    try:
        results = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise RuntimeError(f"cypher linter printed no JSON: {proc.stdout[:2000]!r}") from exc
    out = {item["name"]: item["diagnostics"] for item in results}
    missing = set(texts) - set(out)
    if missing:
        raise RuntimeError(f"cypher linter returned no result for {sorted(missing)}")
    return out


def format_errors(errors: dict[str, list[dict]], texts: dict[str, str] | None = None) -> str:
    """Readable report of the non-empty entries of a :func:`lint_cypher` result."""
    lines = []
    for name, diags in errors.items():
        for d in diags:
            lines.append(f"{name}:{d.get('line')}:{d.get('column')}: {d['message']}")
            if texts and name in texts:
                src_lines = texts[name].splitlines()
                ln = d.get("line", 1) - 1
                if 0 <= ln < len(src_lines):
                    lines.append(f"    {src_lines[ln]}")
                    lines.append("    " + " " * max(d.get("column", 1) - 1, 0) + "^")
    return "\n".join(lines)

#!/usr/bin/env bash
# make lint: ruff (lint and format check), mypy and the layer contract (import-linter).
# mypy and import-linter read the package as it installs (rox.graph, rox.queries ...),
# so they run on the tree laid out by scripts/link_tree.py; mypy's paths are mapped
# back to the source folders in its output.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/.venv/bin"
"$bin/ruff" check .
"$bin/ruff" format --check .
tree=$("$bin/python" scripts/link_tree.py)
# --no-incremental: the tree is laid anew each run, and a cache keyed on it went stale
(cd "$tree" && "$bin/mypy" --config-file "$OLDPWD/pyproject.toml" --no-incremental rox) \
  | sed -E 's#^rox/(graph|loaders|queries|webapp)/#\1/#'
(cd "$tree" && PYTHONPATH=. "$bin/lint-imports" --no-cache "$OLDPWD/pyproject.toml") | tail -n 3

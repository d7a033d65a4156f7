#!/usr/bin/env bash
# Create .venv with Python >= 3.12 and install rox into it (editable).
#   scripts/setup.sh          runtime dependencies
#   scripts/setup.sh test     plus the test dependencies
# Idempotent: re-running only installs what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  local c
  for c in "${ROX_PYTHON:-}" python3.13 python3.12 python3; do
    [ -n "$c" ] || continue
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  # pyenv installs that are not the active version (the pyenv shim refuses them)
  for c in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3; do
    if [ -x "$c" ] && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      echo "$c"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  PY=$(find_python) || { echo "rox needs Python >= 3.12 (FalkorDBLite); install it or set ROX_PYTHON=/path/to/python3.12" >&2; exit 1; }
  echo "setup: creating .venv with $PY ($("$PY" --version))"
  rm -rf .venv
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "test" ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi
echo "setup: $(.venv/bin/rox --version) in .venv"

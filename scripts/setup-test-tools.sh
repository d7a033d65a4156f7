#!/usr/bin/env bash
# Installs the non-pip tools rox's test tiers need. Idempotent: run it as
# often as you like (CI runs it before pytest); finished steps are skipped.
#
#   1. tools/cypher-lint node_modules  (npm ci): Neo4j's Cypher linter
#      @neo4j-cypher/language-support + dclint (compose linter)
#   2. a compose validator: Debian's docker-compose (1.29, `config -q` works
#      without a Docker engine) unless `docker compose` / `docker-compose`
#      is already there
#   3. Debian chromium (headless screenshots of the Streamlit app)
#
# Needs: node >= 20 and npm on PATH; root or sudo for apt-get.
# Skip parts with ROX_SKIP_APT=1 (no apt-get at all) or ROX_SKIP_CHROMIUM=1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LINT_DIR="$ROOT/tools/cypher-lint"

log() { printf '[setup-test-tools] %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi

APT_UPDATED=0
apt_install() {
  if [ "${ROX_SKIP_APT:-0}" = "1" ]; then
    log "ROX_SKIP_APT=1: not installing $*"
    return 0
  fi
  if [ "$APT_UPDATED" = "0" ]; then
    log "apt-get update"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  $SUDO env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -qq "$@"
}

# --- 1. node packages ---------------------------------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  log "ERROR: node and npm (Node >= 20) must be on PATH for tools/cypher-lint" >&2
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  log "ERROR: Node >= 20 needed, found $(node --version)" >&2
  exit 1
fi

lock_sum="$(sha256sum "$LINT_DIR/package-lock.json" | cut -d' ' -f1)"
stamp="$LINT_DIR/node_modules/.rox-lock-sha256"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_sum" ] \
   && [ -f "$LINT_DIR/node_modules/@neo4j-cypher/language-support/package.json" ]; then
  log "tools/cypher-lint/node_modules up to date"
else
  log "npm ci --prefix tools/cypher-lint"
  npm ci --prefix "$LINT_DIR" --no-audit --no-fund --loglevel=error
  printf '%s\n' "$lock_sum" > "$stamp"
fi

# --- 2. compose validator -------------------------------------------------------
if command -v docker-compose >/dev/null 2>&1; then
  log "compose validator: $(docker-compose version --short 2>/dev/null || echo docker-compose)"
elif command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  log "compose validator: docker compose $(docker compose version --short 2>/dev/null)"
else
  # --no-install-recommends: skip docker.io (the engine); only the CLI's
  # python code is needed for `docker-compose config`
  apt_install --no-install-recommends docker-compose
fi

# --- 3. chromium ---------------------------------------------------------------------
if [ "${ROX_SKIP_CHROMIUM:-0}" = "1" ]; then
  log "ROX_SKIP_CHROMIUM=1: skipping chromium"
elif [ -x /usr/bin/chromium ]; then
  log "chromium present: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
else
  apt_install chromium
fi

log "done"

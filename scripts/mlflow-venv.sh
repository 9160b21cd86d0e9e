#!/usr/bin/env bash
# Brings the Python virtual environment of the MLflow client tests (mlflow-tests/) and runs a
# command in it.
#
# Usage: scripts/mlflow-venv.sh [command args...]   e.g. scripts/mlflow-venv.sh python -m pytest
#  - The venv is .tools/mlflow-venv (git-ignored), made with the machine's python3; as root on
#    Debian, python3-venv is installed when `python3 -m venv` cannot create one.
#  - The packages are those pinned in mlflow-tests/requirements.txt (every one, dependencies
#    included). They are installed only when the venv is missing or when the fingerprint of the
#    requirements file and the Python version differs from the one recorded in the venv.
#  - MLFLOW_VENV_DIR and MLFLOW_VENV_REQUIREMENTS choose another venv and requirements file
#    (the full mlflow package of the tracking server and the benchmark: .tools/mlflow-server-venv
#    from mlflow-bench/requirements.txt, whose constraints file counts in the fingerprint).
#  - MLflow's telemetry is off: MLFLOW_DISABLE_TELEMETRY=true and DO_NOT_TRACK=true are exported.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_DIR="${MLFLOW_VENV_DIR:-$REPO_ROOT/.tools/mlflow-venv}"
REQUIREMENTS="${MLFLOW_VENV_REQUIREMENTS:-$REPO_ROOT/mlflow-tests/requirements.txt}"
PYTHON="${PYTHON:-python3}"

export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true

log() { printf '[mlflow-venv] %s\n' "$*" >&2; }

venv_fingerprint() {
  {
    "$PYTHON" --version 2>&1
    cat "$REQUIREMENTS"
    # the constraints a requirements file names (-c file, next to it)
    sed -n 's/^-c[[:space:]]*//p' "$REQUIREMENTS" | while read -r constraints; do
      cat "$(dirname "$REQUIREMENTS")/$constraints"
    done
  } | sha256sum | cut -d' ' -f1
}

create_venv() {
  rm -rf "$VENV_DIR"
  mkdir -p "$(dirname "$VENV_DIR")"
  if "$PYTHON" -m venv "$VENV_DIR" >&2; then
    return
  fi
  # Debian's python3 has no ensurepip without the python3-venv package.
  rm -rf "$VENV_DIR"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Debian's python3-venv package"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >&2 ||
      { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >&2; }
    "$PYTHON" -m venv "$VENV_DIR" >&2
  else
    log "'$PYTHON -m venv' failed: install python3-venv (apt-get install python3-venv)"
    exit 1
  fi
}

ensure_venv() {
  local stamp="$VENV_DIR/.requirements-fingerprint"
  local wanted
  wanted="$(venv_fingerprint)"
  if [ -x "$VENV_DIR/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return
  fi
  log "creating $VENV_DIR from ${REQUIREMENTS#"$REPO_ROOT"/}"
  create_venv
  "$VENV_DIR/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS" >&2
  echo "$wanted" >"$stamp"
}

ensure_venv
export VIRTUAL_ENV="$VENV_DIR"
export PATH="$VENV_DIR/bin:$PATH"
if [ $# -gt 0 ]; then
  exec "$@"
fi

#!/usr/bin/env bash
# Runs the MLflow client tests (mlflow-tests/, pytest with the pinned mlflow-skinny client)
# against the example backend's MLflow-compatible API.
#
# Usage: scripts/mlflow-tests.sh [pytest args...]    (through scripts/bootstrap.sh when
# Node.js 22 or yarn 4 are not on PATH; the script re-runs itself through it then)
#  - Starts the example backend (packages/backend as `yarn start backend` runs it: SQLite in
#    memory, the example data) on a free port of its own (MLFLOW_TESTS_BACKEND_PORT to choose one), so that it runs while
#    `make start` (7007) or the browser tests (7307) hold theirs, and waits for its readiness.
#  - Three static tokens are configured for the run (backend.auth.externalAccess from the
#    environment): one with full access, which the client sends as MLFLOW_TRACKING_TOKEN, one
#    restricted to this plugin (docs/mlflow.md's pipeline token), and one restricted to the
#    catalog plugin, for the "denied" cases. User tokens (the example
#    users of examples/org.yaml) come from the development-only exampleUser auth provider.
#  - Starts an MLflow tracking server (`mlflow server`, the full mlflow package of
#    mlflow-bench/requirements.txt in .tools/mlflow-server-venv; SQLite and served artifacts in
#    a temporary directory) alongside, configured as the backend's
#    modelRegistry.mlflow.trackingServer, for the `runs:/` registrations: the tests log runs
#    there. MLFLOW_TESTS_TRACKING_SERVER=0 runs without it (those tests are then skipped).
#  - Stops both at the end, also on failure or interruption; exits with pytest's code.
set -euo pipefail
SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
cd "$(dirname "$SELF")/.."
repo_root="$PWD"

case "$(yarn --version 2>/dev/null || true)" in
  4.*) ;;
  *) exec scripts/bootstrap.sh "$SELF" "$@" ;;
esac

log() { printf '[mlflow-tests] %s\n' "$*" >&2; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
random_token() {
  python3 -c 'import secrets; print(secrets.token_hex(24))'
}

# The venvs first: a failed install should not leave a server to stop.
scripts/mlflow-venv.sh true
server_venv="$repo_root/.tools/mlflow-server-venv"
with_tracking="${MLFLOW_TESTS_TRACKING_SERVER:-1}"
if [ "$with_tracking" != 0 ]; then
  MLFLOW_VENV_DIR="$server_venv" MLFLOW_VENV_REQUIREMENTS="$repo_root/mlflow-bench/requirements.txt" \
    scripts/mlflow-venv.sh true
fi

port="${MLFLOW_TESTS_BACKEND_PORT:-$(free_port)}"
base_url="http://localhost:$port"
full_token="$(random_token)"
catalog_only_token="$(random_token)"
registry_only_token="$(random_token)"
log_dir=test-output/mlflow-tests
mkdir -p "$log_dir"
backend_log="$log_dir/backend.log"

# Ends a process group started with setsid: TERM, up to 10 s, then KILL.
stop_group() {
  local pid="$1" label="$2"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    log "stopping the $label (process group $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
}
# Waits until $1 answers, or fails when process $2 exits or after MLFLOW_TESTS_START_TIMEOUT s.
wait_ready() {
  local url="$1" pid="$2" logfile="$3" label="$4" started
  started=$(date +%s)
  until curl -sf -o /dev/null "$url"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "the $label exited before it was ready; the end of its log:"
      tail -n 40 "$logfile" >&2
      exit 1
    fi
    if [ $(($(date +%s) - started)) -gt "${MLFLOW_TESTS_START_TIMEOUT:-300}" ]; then
      log "the $label was not ready after ${MLFLOW_TESTS_START_TIMEOUT:-300} s; the end of its log:"
      tail -n 40 "$logfile" >&2
      exit 1
    fi
    sleep 1
  done
  log "$label ready after $(($(date +%s) - started)) s"
}
backend_pid=
tracking_pid=
tracking_dir=
cleanup() {
  stop_group "$backend_pid" backend
  stop_group "$tracking_pid" "tracking server"
  if [ -n "$tracking_dir" ]; then rm -rf "$tracking_dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tracking_url=
if [ "$with_tracking" != 0 ]; then
  tracking_port="$(free_port)"
  tracking_url="http://127.0.0.1:$tracking_port"
  tracking_dir="$(mktemp -d)"
  tracking_log="$log_dir/tracking-server.log"
  log "starting the MLflow tracking server on port $tracking_port (log: $tracking_log)"
  MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true setsid "$server_venv/bin/mlflow" server \
    --host 127.0.0.1 --port "$tracking_port" --workers 1 \
    --backend-store-uri "sqlite:///$tracking_dir/mlflow.db" \
    --artifacts-destination "$tracking_dir/artifacts" >"$tracking_log" 2>&1 </dev/null &
  tracking_pid=$!
fi

log "starting the backend on port $port (log: $backend_log)"
# The backend's code run as `yarn start backend` runs it (NODE_ENV=development, the CLI's
# TypeScript transform, app-config.yaml) but without the CLI's file watcher: a change to a
# source file during the run would restart it and empty its in-memory database.
# setsid: the backend gets a process group of its own, which cleanup ends.
transform="$(node -p 'require.resolve("@backstage/cli-node/config/nodeTransform.cjs")')"
(
  cd packages/backend
  if [ -n "$tracking_url" ]; then
    export APP_CONFIG_modelRegistry_mlflow_trackingServer_baseUrl="$tracking_url"
  fi
  # The suite tests what an MLflow client sees with the registry's own rules: the example
  # portal's governance of production (an approved request, gates) is turned off here, as
  # MLflow clients have no request to open; jest covers its INVALID_STATE answer.
  NODE_ENV=development \
    APP_CONFIG_modelRegistry_stages_approvals_production_required=0 \
    APP_CONFIG_modelRegistry_stages_gates_production='[]' \
    APP_CONFIG_backend_baseUrl="$base_url" \
    APP_CONFIG_backend_listen_port="$port" \
    APP_CONFIG_backend_auth_externalAccess="[
      {\"type\": \"static\", \"options\": {\"token\": \"$full_token\", \"subject\": \"mlflow-tests\"}},
      {\"type\": \"static\", \"options\": {\"token\": \"$registry_only_token\", \"subject\": \"mlflow-tests-pipelines\"},
       \"accessRestrictions\": [{\"plugin\": \"model-registry\"}]},
      {\"type\": \"static\", \"options\": {\"token\": \"$catalog_only_token\", \"subject\": \"mlflow-tests-catalog-only\"},
       \"accessRestrictions\": [{\"plugin\": \"catalog\"}]}
    ]" \
    APP_CONFIG_modelRegistry_scaffolder_localPublish_directory="$repo_root/$log_dir/published-models" \
    exec setsid node --enable-source-maps --require "$transform" src/index.ts
) >"$backend_log" 2>&1 </dev/null &
backend_pid=$!

wait_ready "$base_url/.backstage/health/v1/readiness" "$backend_pid" "$backend_log" backend

if [ -n "$tracking_url" ]; then
  wait_ready "$tracking_url/health" "$tracking_pid" "$tracking_log" "tracking server"
fi

status=0
MLFLOW_TRACKING_URI="$base_url/api/model-registry/mlflow" \
  MLFLOW_REGISTRY_URI="$base_url/api/model-registry/mlflow" \
  MLFLOW_TRACKING_TOKEN="$full_token" \
  MLFLOW_TESTS_BACKEND_URL="$base_url" \
  MLFLOW_TESTS_CATALOG_ONLY_TOKEN="$catalog_only_token" \
  MLFLOW_TESTS_REGISTRY_ONLY_TOKEN="$registry_only_token" \
  MLFLOW_TESTS_TRACKING_SERVER_URI="$tracking_url" \
  scripts/mlflow-venv.sh python -m pytest mlflow-tests "$@" || status=$?
if [ "$status" != 0 ]; then
  log "pytest exited with $status; the backend's log is $backend_log"
fi
exit "$status"

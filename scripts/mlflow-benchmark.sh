#!/usr/bin/env bash
# MLflow client benchmark: the same MlflowClient calls against this repository's backend (its
# MLflow-compatible API) and a real `mlflow server` (SQLite, one worker), interleaved, at 300
# and 2,000 versions on one model (mlflow-bench/benchmark.py). Prints a markdown table;
# docs/benchmarks.md keeps the figures. Not part of `make test`.
#
#   scripts/mlflow-benchmark.sh [benchmark.py options, e.g. --rounds 200 --json out.json]
#
# The venv (.tools/mlflow-server-venv, git-ignored, shared with the tracking server of
# scripts/mlflow-tests.sh) is installed by scripts/mlflow-venv.sh from
# mlflow-bench/requirements.txt when missing or when that file or its constraints changed. Both servers listen on
# free ports and keep their data in a temporary directory; both process groups are ended at
# the end. Their logs stay in test-output/mlflow-bench/ (git-ignored).
#
# The backend is the example backend of `yarn start backend` (packages/backend, app-config.yaml,
# SQLite files) run by node with the same transform but without the CLI's file watcher: in a
# work tree that others edit, the watcher would restart it in the middle of a measurement.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$PWD"

export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true
venv="$repo/.tools/mlflow-server-venv"
requirements="$repo/mlflow-bench/requirements.txt"
# The static token of app-config.yaml (a service principal of the example portal).
token="${MLFLOW_BENCH_TOKEN:-local-dev-token-for-curl}"

log() { printf '[mlflow-benchmark] %s\n' "$*" >&2; }

ensure_venv() {
  MLFLOW_VENV_DIR="$venv" MLFLOW_VENV_REQUIREMENTS="$requirements" scripts/mlflow-venv.sh true
}

free_port() {
  "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until $1 answers 200, or fails after $2 seconds, or as soon as process $3 exits.
wait_for() {
  local url="$1" deadline=$((SECONDS + $2)) pid="$3"
  until curl -fs -o /dev/null "$url"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "the server behind $url exited"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$url did not answer within $2 s"
      return 1
    fi
    sleep 1
  done
}

dir="$(mktemp -d -t mlflow-bench-XXXXXX)"
logs="$repo/test-output/mlflow-bench"
mkdir -p "$logs"
pids=()
cleanup() {
  # Each server runs in its own process group (setsid): end the group, workers included.
  local pid waited
  for pid in "${pids[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    waited=0
    while kill -0 -- "-$pid" 2>/dev/null && [ "$waited" -lt 20 ]; do
      sleep 0.5
      waited=$((waited + 1))
    done
    # mlflow server does not always stop within 10 s of TERM (bash then reports "Killed").
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT

ensure_venv

mlflow_port="$(free_port)"
log "starting mlflow server on port $mlflow_port (log: $logs/mlflow.log)"
setsid "$venv/bin/mlflow" server --host 127.0.0.1 --port "$mlflow_port" --workers 1 \
  --backend-store-uri "sqlite:///$dir/mlflow.db" \
  --default-artifact-root "$dir/artifacts" >"$logs/mlflow.log" 2>&1 &
pids+=("$!")
mlflow_pid="$!"

backend_port="$(free_port)"
log "starting the example backend on port $backend_port (log: $logs/backend.log)"
(
  export APP_CONFIG_backend_listen_port="$backend_port"
  export APP_CONFIG_backend_baseUrl="http://localhost:$backend_port"
  # Every plugin's SQLite database in $dir instead of memory.
  export APP_CONFIG_backend_database_connection="{\"directory\":\"$dir/backend-db\"}"
  mkdir -p "$dir/backend-db"
  # As `yarn start backend` runs it (the guest sign-in works only in development).
  export NODE_ENV=development
  cd packages/backend
  exec setsid ../../scripts/bootstrap.sh node \
    --require @backstage/cli-node/config/nodeTransform.cjs src/index.ts
) >"$logs/backend.log" 2>&1 &
pids+=("$!")
backend_pid="$!"

wait_for "http://127.0.0.1:$mlflow_port/health" 180 "$mlflow_pid" || {
  tail -n 40 "$logs/mlflow.log" >&2
  exit 1
}
log "mlflow server is up"

mlflow_uri="http://127.0.0.1:$mlflow_port"
wait_for "http://localhost:$backend_port/.backstage/health/v1/readiness" 300 "$backend_pid" || {
  tail -n 40 "$logs/backend.log" >&2
  exit 1
}
log "the backend is up"
# A user of the example org (the guest): its reads go through the catalog's permission check,
# which a service token's skip (probes only). Its sign-in resolves its groups from the catalog,
# so it waits until the catalog has read examples/org.yaml (a token issued before that would
# carry no group for the token's whole life).
guest_token() {
  curl -fsS -H 'X-Requested-With: XMLHttpRequest' \
    "http://localhost:$backend_port/api/auth/guest/refresh" |
    "$venv/bin/python" -c '
import json, sys
identity = json.load(sys.stdin)["backstageIdentity"]
groups = [r for r in identity["identity"]["ownershipEntityRefs"] if r.startswith("group:")]
print(identity["token"] if groups else "")'
}
user_token=""
for _ in $(seq 1 120); do
  user_token="$(guest_token || true)"
  [ -n "$user_token" ] && break
  sleep 1
done
if [ -z "$user_token" ]; then
  log "the guest's sign-in found no group within 120 s (has the catalog read examples/org.yaml?)"
  exit 1
fi
ours_args=(
  --ours "http://localhost:$backend_port/api/model-registry/mlflow"
  --ours-user-token "$user_token"
  --ours-create-tag "backstage.io/owner=group:default/platform-ml"
  --ours-native "http://localhost:$backend_port/api/model-registry"
  --ours-health "http://localhost:$backend_port/.backstage/health/v1/liveness"
)

log "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
MLFLOW_TRACKING_TOKEN="$token" "$venv/bin/python" mlflow-bench/benchmark.py \
  "${ours_args[@]}" --mlflow "$mlflow_uri" "$@"
log "load after the run: $(cut -d' ' -f1-3 /proc/loadavg)"

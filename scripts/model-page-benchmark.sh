#!/usr/bin/env bash
# The model page benchmark in the browser: seeds a registry database with 1,000 models × 100
# versions (the registry benchmark's generator), starts the portal on it (the example data
# plus the seeded models as catalog entities) and times the model page in headless Chromium
# (packages/app/e2e-bench/modelPage.bench.ts). Prints figures; docs/benchmarks.md keeps them.
#
#   BOOTSTRAP_SKIP_INSTALL=1 scripts/bootstrap.sh scripts/model-page-benchmark.sh \
#     [--db sqlite|postgres] [--target production|dev] [--models N] [--versions N]
#
# --target production (the default): the app is built for production (yarn workspace app
# build) and served by the backend on :7007, as Backstage is deployed. --target dev: the
# development servers (`yarn start app` on :3000).
#
# --db sqlite (the default): every plugin on SQLite files, as in `make start`.
# --db postgres: every plugin on PostgreSQL, as in production (BENCH_POSTGRES_URL, a superuser
# connection string, e.g. from scripts/postgres-test-server.sh start); the databases are
# created with a random prefix and dropped at the end.
# Ports 3000 and 7007 must be free.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

models=1000
versions=100
db=sqlite
target=production
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db="$2"; shift 2 ;;
    --target) target="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --versions) versions="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

dir="$(mktemp -d -t model-page-bench-XXXXXX)"
prefix="mpb_$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')_"
psql_bin="$(command -v psql || echo /usr/lib/postgresql/15/bin/psql)"
cleanup() {
  rm -rf "$dir"
  if [ "$db" = postgres ]; then
    for name in $("$psql_bin" "$BENCH_POSTGRES_URL" -Atc \
      "select datname from pg_database where datname like '${prefix}%'"); do
      "$psql_bin" "$BENCH_POSTGRES_URL" -qc "drop database \"$name\" with (force)" || true
    done
  fi
}
trap cleanup EXIT

case "$db" in
  sqlite)
    yarn workspace @model-registry/plugin-model-registry-backend bench \
      --seed-only "$dir" --models "$models" --versions "$versions"
    # Every plugin's SQLite database in $dir (the registry's is the seeded one).
    export APP_CONFIG_backend_database_connection="{\"directory\":\"$dir\"}"
    ;;
  postgres)
    : "${BENCH_POSTGRES_URL:?set BENCH_POSTGRES_URL to a superuser connection string}"
    yarn workspace @model-registry/plugin-model-registry-backend bench \
      --seed-only "$dir" --seed-postgres "${prefix}model-registry" \
      --models "$models" --versions "$versions"
    # One database per plugin, named <prefix><pluginId> (the registry's is the seeded one).
    export APP_CONFIG_backend_database_client=pg
    export APP_CONFIG_backend_database_connection="$BENCH_POSTGRES_URL"
    export APP_CONFIG_backend_database_prefix="$prefix"
    ;;
  *) echo "--db must be sqlite or postgres" >&2; exit 2 ;;
esac

# The seeded models and datasets next to the example data (config from the environment
# overrides app-config.yaml).
export APP_CONFIG_catalog_locations="$(
  cat <<JSON
[
  {"type":"file","target":"../../examples/org.yaml","rules":[{"allow":["User","Group"]}]},
  {"type":"file","target":"../../examples/systems.yaml"},
  {"type":"file","target":"../../examples/datasets.yaml"},
  {"type":"file","target":"../../examples/models.yaml"},
  {"type":"file","target":"$dir/catalog.yaml","rules":[{"allow":["Group","Resource","MLModel"]}]}
]
JSON
)"
case "$target" in
  production) yarn workspace app build >/dev/null ;;
  dev) ;;
  *) echo "--target must be production or dev" >&2; exit 2 ;;
esac

export BENCH_VERSIONS="$versions" BENCH_DB="$db" BENCH_TARGET="$target"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
yarn playwright test -c playwright.bench.config.ts

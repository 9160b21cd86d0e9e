#!/usr/bin/env bash
# Everything `make test` runs, in order; stops at the first failure with a non-zero exit.
# Run through scripts/bootstrap.sh (the Makefile does) so that Node.js and yarn are on PATH.
#
# Database tests run on SQLite, and on PostgreSQL when
# BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; when it is not and the
# PostgreSQL server binaries are installed, a throw-away server is started for the run.
# Set SKIP_E2E=1 to skip the browser tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n=== %s\n' "$*"; }

if [ -z "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ] &&
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  step "starting a throw-away PostgreSQL for the database tests"
  BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$(scripts/postgres-test-server.sh start)"
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
  trap 'scripts/postgres-test-server.sh stop' EXIT
fi
if [ -n "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
  echo "database tests: SQLite and PostgreSQL"
else
  echo "database tests: SQLite only (no PostgreSQL server available)"
fi

# Not incremental: the declarations an incremental build re-emits can list the members of
# an inferred type in another order, which the API report check would take for a change.
step "type check (tsc)"
yarn tsc --incremental false

# Compares the public API of each plugin package (from tsc's dist-types) with its committed
# report*.api.md; `yarn build:api-reports` updates them.
step "API reports (backstage-repo-tools api-reports --ci)"
yarn test:api-reports

step "lint"
yarn backstage-cli repo lint

step "formatting (prettier)"
yarn prettier --check .

step "unit and integration tests (jest)"
yarn backstage-cli repo test --watchAll=false

step "MLflow client tests (pytest, the real mlflow client against the MLflow API)"
scripts/mlflow-tests.sh

if [ "${SKIP_E2E:-}" = "1" ]; then
  step "browser tests skipped (SKIP_E2E=1)"
else
  step "browser tests (headless Chromium)"
  scripts/e2e.sh
fi

step "all checks passed"

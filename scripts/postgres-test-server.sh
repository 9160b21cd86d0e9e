#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on 127.0.0.1 for the database tests.
#
# Usage: scripts/postgres-test-server.sh start   -> prints the superuser connection string
#        scripts/postgres-test-server.sh stop
# The server runs as the `postgres` OS user (initdb refuses root) with trust auth, in a
# temporary data folder recorded in .tools/postgres-test-server.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_FILE="$REPO_ROOT/.tools/postgres-test-server"

find_bin_dir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  done
  return 1
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin_dir data_dir port
  if ! bin_dir="$(find_bin_dir)"; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "[postgres] installing the postgresql package" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
      bin_dir="$(find_bin_dir)"
    else
      echo "[postgres] no PostgreSQL server binaries found (apt-get install postgresql)" >&2
      exit 1
    fi
  fi
  data_dir="$(mktemp -d /tmp/mlreg-pg.XXXXXX)"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$data_dir"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  as_postgres "$bin_dir/initdb" -D "$data_dir/data" --auth=trust --username=postgres -E UTF8 >/dev/null
  as_postgres "$bin_dir/pg_ctl" -D "$data_dir/data" -l "$data_dir/server.log" -w \
    -o "-h 127.0.0.1 -p $port -k $data_dir -c max_connections=300 -c fsync=off" start >/dev/null
  mkdir -p "$(dirname "$STATE_FILE")"
  printf '%s\n%s\n' "$bin_dir" "$data_dir" >"$STATE_FILE"
  echo "postgresql://postgres@127.0.0.1:$port"
}

stop() {
  [ -f "$STATE_FILE" ] || return 0
  local bin_dir data_dir
  bin_dir="$(sed -n 1p "$STATE_FILE")"
  data_dir="$(sed -n 2p "$STATE_FILE")"
  as_postgres "$bin_dir/pg_ctl" -D "$data_dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$data_dir" "$STATE_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

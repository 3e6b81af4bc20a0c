#!/usr/bin/env bash
# A loopback PostgreSQL cluster for the worker's multi-process tests (tests/GeoDense.Worker.Tests).
# Idempotent: creates the cluster `geodense-tests` (Debian's pg_createcluster, port 55432, listening on 127.0.0.1
# only) the first time, starts it when it is down, makes the role and database if missing, and prints the Npgsql
# connection string as its last line. Needs Debian's `postgresql` package and root (or the postgres user).
set -euo pipefail
PORT="${GEODENSE_TEST_PG_PORT:-55432}"
CLUSTER=geodense-tests
DB=geodense_tests
ROLE=geodense
PASSWORD=geodense-tests

version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)"
[ -n "$version" ] || { echo "postgres-for-tests: Debian package postgresql is not installed (apt-get install postgresql)" >&2; exit 1; }
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }

if ! pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx "$version/$CLUSTER"; then
  pg_createcluster "$version" "$CLUSTER" -p "$PORT" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  # loopback only; small settings: it holds a few test schemas
  cat >"/etc/postgresql/$version/$CLUSTER/conf.d/geodense-tests.conf" <<CONF
listen_addresses = '127.0.0.1'
max_connections = 200
shared_buffers = 32MB
fsync = off
CONF
fi
if ! pg_lsclusters -h | awk -v c="$CLUSTER" '$2==c {print $4}' | grep -qx online; then
  pg_ctlcluster "$version" "$CLUSTER" start
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PORT" && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$PORT" || { echo "postgres-for-tests: cluster did not come up on port $PORT" >&2; exit 1; }

psql_() { as_postgres psql -q -X -p "$PORT" -v ON_ERROR_STOP=1 "$@"; }
if [ "$(psql_ -tAc "SELECT 1 FROM pg_roles WHERE rolname='$ROLE'")" != 1 ]; then
  psql_ -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'"
fi
if [ "$(psql_ -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'")" != 1 ]; then
  psql_ -c "CREATE DATABASE $DB OWNER $ROLE"
fi
echo "Host=127.0.0.1;Port=$PORT;Username=$ROLE;Password=$PASSWORD;Database=$DB"

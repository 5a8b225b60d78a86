#!/usr/bin/env bash
# Makes sure a PostgreSQL server is there for the test suite and prints the DATABASE_URL to
# use. DATABASE_URL, when set, wins. Otherwise: the server on 127.0.0.1:5432; else start the
# local cluster; else install PostgreSQL from Debian's packages and start it. The role it
# creates has CREATEDB, which pytest-django needs for its test database.
set -euo pipefail
log() { echo "ensure_postgres: $*" >&2; }

if [ -n "${DATABASE_URL:-}" ]; then
  log "using DATABASE_URL from the environment"
  echo "$DATABASE_URL"
  exit 0
fi

HOST=127.0.0.1 PORT=5432 ROLE=psykiskhalsa DB=psykiskhalsa
URL="postgres://$ROLE:$ROLE@$HOST:$PORT/$DB"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
ready() { pg_isready -q -h "$HOST" -p "$PORT" 2>/dev/null; }
as_postgres_psql() {
  # Over the socket as the postgres OS user (peer auth), falling back to TCP (trust auth).
  if id postgres >/dev/null 2>&1 && as_root runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qAt "$@" 2>/dev/null; then
    return 0
  fi
  psql -v ON_ERROR_STOP=1 -qAt -h "$HOST" -p "$PORT" -U postgres "$@"
}

if ! command -v pg_isready >/dev/null 2>&1 || ! ready; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    log "no PostgreSQL here; installing it from Debian's packages"
    as_root apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  log "starting the PostgreSQL $version cluster"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  for _ in $(seq 1 30); do ready && break; sleep 1; done
  ready || { log "PostgreSQL did not start on $HOST:$PORT"; exit 1; }
fi

if ! psql "postgres://$ROLE:$ROLE@$HOST:$PORT/postgres" -qAt -c 'select 1' >/dev/null 2>&1; then
  log "creating role $ROLE with CREATEDB"
  as_postgres_psql -c "DO \$\$BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
      CREATE ROLE $ROLE LOGIN PASSWORD '$ROLE' CREATEDB;
    ELSE
      ALTER ROLE $ROLE LOGIN PASSWORD '$ROLE' CREATEDB;
    END IF; END\$\$;" >&2
fi
exists=$(psql "postgres://$ROLE:$ROLE@$HOST:$PORT/postgres" -qAt \
  -c "select 1 from pg_database where datname = '$DB'")
if [ "$exists" != 1 ]; then
  psql "postgres://$ROLE:$ROLE@$HOST:$PORT/postgres" -q -c "CREATE DATABASE $DB" >&2
fi
echo "$URL"

#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks.
#   source scripts/pg.sh; pg_start   -> exports MARKETPLACE_TEST_POSTGRES (a connection string)
#   pg_stop                          -> stops the server and deletes its directory
# Installs PostgreSQL from Debian's packages when it is missing (needs root, as in CI).

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

pg_install() {
  pg_bindir >/dev/null && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is not installed; install it (Debian: apt-get install -y postgresql) and retry." >&2
    return 1
  fi
  echo "Installing PostgreSQL (apt-get install -y postgresql)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

# Runs a command as the postgres user when we are root (initdb refuses to run as root).
pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  pg_install || return 1
  local bin; bin=$(pg_bindir)
  PG_TMP=$(mktemp -d /tmp/marketplace-pg.XXXXXX)
  chmod 755 "$PG_TMP"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_TMP"
  pg_as "$bin/initdb" -D "$PG_TMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null || return 1
  local try port
  for try in 1 2 3 4 5 6 7 8 9 10; do
    port=$(( 20000 + RANDOM % 20000 ))
    if pg_as "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/log" -w -o "-p $port -h 127.0.0.1 -k $PG_TMP -c fsync=off -c max_connections=300" start >/dev/null; then
      export PG_PORT=$port
      export MARKETPLACE_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
      echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $PG_TMP)"
      return 0
    fi
  done
  echo "Could not start PostgreSQL; log:" >&2; cat "$PG_TMP/log" >&2
  return 1
}

pg_stop() {
  [ -n "${PG_TMP:-}" ] || return 0
  pg_as "$(pg_bindir)/pg_ctl" -D "$PG_TMP/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_TMP"
  unset PG_TMP
}

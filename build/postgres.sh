#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on a free loopback port for the tests, and stops it.
# Sourced by build/test.sh: start_postgres exports IDENTITYSYNC_TEST_POSTGRES (an Npgsql connection
# string) and IDENTITYSYNC_TEST_POSTGRES_DATA; stop_postgres stops the server and removes its files.
# PostgreSQL refuses to run as root, so as root the cluster belongs to the 'postgres' user. A cluster
# the Debian package may have started on 5432 is left alone.

postgres_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

free_port() {
  # Below the kernel's ephemeral range (32768 and up), where an outgoing connection's local port could
  # take the port between this check and the server's bind.
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_postgres() {
  local bin port dir
  bin=$(postgres_bin) || { echo "PostgreSQL is not installed (Debian package 'postgresql')." >&2; return 1; }
  port=$(free_port) || { echo "No free loopback port for PostgreSQL." >&2; return 1; }
  dir=$(mktemp -d /tmp/identitysync-postgres.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  # One role must give a password, so that the tests can prove a refused one is reported, never echoed.
  { echo "host all identitysync_password 127.0.0.1/32 scram-sha-256"; cat "$dir/data/pg_hba.conf"; } > "$dir/pg_hba.conf"
  as_owner cp "$dir/pg_hba.conf" "$dir/data/pg_hba.conf"
  local started=
  for _ in 1 2 3; do
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c full_page_writes=off" start >/dev/null; then
      started=1
      break
    fi
    # Taken after all (another process bound it first): try another port.
    port=$(free_port) || break
  done
  [ -n "$started" ] || { cat "$dir/server.log" >&2; rm -rf "$dir"; return 1; }
  export IDENTITYSYNC_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  # A tablespace on a 16 MiB tmpfs, so that a test can fill the server's disk for real (root only: mount).
  if [ "$(id -u)" -eq 0 ] && mkdir -p "$dir/small" && mount -t tmpfs -o size=16m tmpfs "$dir/small" 2>/dev/null; then
    mkdir "$dir/small/ts" && chown postgres:postgres "$dir/small/ts"
    as_owner "$bin/psql" -q -h "$dir" -p "$port" -U postgres -d postgres -c "CREATE TABLESPACE identitysync_small LOCATION '$dir/small/ts'" >/dev/null \
      && export IDENTITYSYNC_TEST_POSTGRES_SMALL_TABLESPACE=identitysync_small
  fi
  export IDENTITYSYNC_TEST_POSTGRES_DATA="$dir/data"
  export IDENTITYSYNC_TEST_POSTGRES_BIN="$bin"
  POSTGRES_DIR=$dir
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)."
}

stop_postgres() {
  [ -n "${POSTGRES_DIR:-}" ] || return 0
  as_owner "$IDENTITYSYNC_TEST_POSTGRES_BIN/pg_ctl" -D "$POSTGRES_DIR/data" -m fast -w stop >/dev/null 2>&1 \
    || as_owner "$IDENTITYSYNC_TEST_POSTGRES_BIN/pg_ctl" -D "$POSTGRES_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  mountpoint -q "$POSTGRES_DIR/small" 2>/dev/null && umount "$POSTGRES_DIR/small"
  rm -rf "$POSTGRES_DIR"
  POSTGRES_DIR=
}

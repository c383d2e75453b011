#!/bin/bash
# kindlab stand-in for the official postgres entrypoint: on the first start it creates the cluster in
# $PGDATA with the superuser "postgres" and the password from POSTGRES_PASSWORD, lets every address
# in with a password, and then runs the server as the postgres user.
set -euo pipefail

as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

if [[ "${1:-}" == "postgres" || "${1:-}" == -* ]]; then
  [[ "${1:-}" == -* ]] && set -- postgres "$@"
  if [[ "$(id -u)" == 0 ]]; then
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
  fi
  if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
    if [[ -z "${POSTGRES_PASSWORD:-}" ]]; then
      echo "Error: the database is uninitialized and POSTGRES_PASSWORD is not set." >&2
      echo "       Set POSTGRES_PASSWORD to a non-empty value for the superuser." >&2
      exit 1
    fi
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    chown postgres "$pwfile"
    as_postgres initdb --username=postgres --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -D "$PGDATA" >/dev/null
    rm -f "$pwfile"
    {
      echo "listen_addresses = '*'"
      echo "jit = off"
    } >>"$PGDATA/postgresql.conf"
    echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    echo "PostgreSQL init process complete; ready for start up."
  fi
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$@"
fi
exec "$@"

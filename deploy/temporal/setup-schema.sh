#!/bin/sh
# Creates the Temporal and visibility databases and brings their schemas up to date.
# Runs once in temporalio/admin-tools; the server starts when this exits 0. Idempotent.
set -eu

: "${POSTGRES_SEEDS:?}" "${DB_PORT:?}" "${POSTGRES_USER:?}"
export SQL_PASSWORD="${POSTGRES_PWD:?}"

echo "waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}"
until nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do sleep 1; done

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

for db in temporal temporal_visibility; do
  case "$db" in
    temporal) schema=temporal ;;
    *) schema=visibility ;;
  esac
  echo "schema for database $db"
  # `create` fails when the database exists (a re-run); a real failure shows in the next step
  sql --db "$db" create || echo "could not create $db (usually: it exists already)"
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "/etc/temporal/schema/postgresql/v12/$schema/versioned"
done
echo "Temporal schemas are up to date"

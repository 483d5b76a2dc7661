#!/usr/bin/env bash
# The database's two roles, made once on an empty cluster: the postgres image runs this from
# /docker-entrypoint-initdb.d as POSTGRES_USER (the superuser) against POSTGRES_DB, and
# deploy/test-scaled.sh runs it the same way on its throwaway cluster.
#
# - The owner role owns the database, its schema and every table: migrations run as it.
# - The app role is what the web processes connect as: no superuser, no CREATEDB or
#   CREATEROLE, owner of nothing. It reaches the tables through the owner's default
#   privileges (SELECT, INSERT, UPDATE, DELETE; USAGE on sequences). On the audit log it
#   keeps only SELECT and INSERT: audit/migrations/0003 revokes the rest once the table
#   exists, so that a stolen app connection cannot rewrite or empty the log.
#
# Needs SCRUBROOM_DATABASE_OWNER_ROLE, SCRUBROOM_DATABASE_APP_ROLE and the files named by
# SCRUBROOM_DATABASE_OWNER_PASSWORD_FILE and SCRUBROOM_DATABASE_APP_PASSWORD_FILE.
set -euo pipefail

for variable in POSTGRES_USER POSTGRES_DB SCRUBROOM_DATABASE_OWNER_ROLE SCRUBROOM_DATABASE_APP_ROLE \
  SCRUBROOM_DATABASE_OWNER_PASSWORD_FILE SCRUBROOM_DATABASE_APP_PASSWORD_FILE; do
  if [ -z "${!variable:-}" ]; then
    echo "postgres-init.sh: $variable is not set" >&2
    exit 1
  fi
done
for file in "$SCRUBROOM_DATABASE_OWNER_PASSWORD_FILE" "$SCRUBROOM_DATABASE_APP_PASSWORD_FILE"; do
  if [ ! -s "$file" ]; then
    echo "postgres-init.sh: $file is missing or empty" >&2
    exit 1
  fi
done

# The passwords are read by psql itself (backquotes below), never put on a command line, and
# quoted by psql (:'name' for literals, :"name" for identifiers).
psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v database="$POSTGRES_DB" \
  -v owner="$SCRUBROOM_DATABASE_OWNER_ROLE" \
  -v app="$SCRUBROOM_DATABASE_APP_ROLE" \
  -v owner_password_file="$SCRUBROOM_DATABASE_OWNER_PASSWORD_FILE" \
  -v app_password_file="$SCRUBROOM_DATABASE_APP_PASSWORD_FILE" <<'SQL'
\set owner_password `cat :'owner_password_file'`
\set app_password `cat :'app_password_file'`
CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
\unset owner_password
\unset app_password

ALTER DATABASE :"database" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO :"app";

ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";

-- Every table and sequence the owner creates (each migration) is open to the app for rows,
-- never for its structure: no TRUNCATE, REFERENCES, TRIGGER or ALTER.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT USAGE ON SEQUENCES TO :"app";
SQL

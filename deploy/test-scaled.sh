#!/usr/bin/env bash
# The scaled suite without Docker: the topology of docker-compose.yml on loopback.
#
# Starts Debian's PostgreSQL and Redis and a local S3-protocol server (moto; no real S3 can
# run here), points the whole test suite at them, and stops them again. Tests marked
# `scaled` start two Daphne processes on the same stores. Usage: deploy/test-scaled.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$pg_bin" ] || ! command -v redis-server >/dev/null; then
  echo "The scaled suite needs PostgreSQL and Redis servers:" >&2
  echo "  apt-get install postgresql redis-server   (Debian/Ubuntu)" >&2
  exit 1
fi

free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

work=$(mktemp -d /tmp/scrubroom-scaled.XXXXXX)
chmod 755 "$work"
pids=()
pg_port=$(free_port)
redis_port=$(free_port)
s3_port=$(free_port)
region=${SCRUBROOM_REGION:-test-region}

# PostgreSQL refuses to run as root; on CI (root) it runs as the package's postgres user.
as_pg=()
if [ "$(id -u)" = 0 ]; then
  as_pg=(runuser -u postgres --)
  chown postgres "$work"
fi

cleanup() {
  set +e
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "Scaled suite: PostgreSQL :$pg_port, Redis :$redis_port, S3 (moto) :$s3_port, region $region"
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg" -U scrubroom -A trust --no-sync -E UTF8 >/dev/null
# Durability is traded for speed (a throwaway cluster); scrubroom.region is the server's own
# statement of where it is, which the residency checks compare.
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -w -l "$work/pg.log" start -o \
  "-c listen_addresses=127.0.0.1 -p $pg_port -k $work -c fsync=off \
   -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 \
   -c scrubroom.region=$region" >/dev/null

# The deployment's roles, made by the script docker-compose.yml mounts into its PostgreSQL:
# an owner (migrations) and an app role (tests/test_database_roles.py connects as it). It
# runs in template1 here, so that every database created in this cluster, pytest-django's
# test databases included, starts with the deployment's privileges. The suite connects as the
# owner, so its migrations create the tables as they do in docker-compose.yml; only here may
# the owner create databases, which pytest-django needs.
new_password() { "$PYTHON" -c 'import secrets; print(secrets.token_hex(16))'; }
owner_password=$(new_password)
app_password=$(new_password)
mkdir -m 700 "$work/secrets"
echo "$owner_password" >"$work/secrets/owner"
echo "$app_password" >"$work/secrets/app"
PATH="$pg_bin:$PATH" PGHOST=127.0.0.1 PGPORT="$pg_port" POSTGRES_USER=scrubroom \
  POSTGRES_DB=template1 SCRUBROOM_DATABASE_OWNER_ROLE=scrubroom_owner \
  SCRUBROOM_DATABASE_APP_ROLE=scrubroom_app \
  SCRUBROOM_DATABASE_OWNER_PASSWORD_FILE="$work/secrets/owner" \
  SCRUBROOM_DATABASE_APP_PASSWORD_FILE="$work/secrets/app" deploy/postgres-init.sh >/dev/null
"$pg_bin/psql" --no-psqlrc -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U scrubroom \
  -d postgres -c "ALTER ROLE scrubroom_owner CREATEDB"

redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
  --dir "$work" --logfile "$work/redis.log" &
pids+=($!)

"$PYTHON" -m moto.server -H 127.0.0.1 -p "$s3_port" >"$work/s3.log" 2>&1 &
pids+=($!)

# Wait for each server to answer (bounded), then create the bucket in the region.
"$PYTHON" - "$redis_port" "$s3_port" "$region" <<'EOF'
import socket, sys, time

import boto3

redis_port, s3_port, region = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
deadline = time.monotonic() + 60
for port in (redis_port, s3_port):
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"nothing answers on port {port}")
            time.sleep(0.1)
s3 = boto3.client(
    "s3", endpoint_url=f"http://127.0.0.1:{s3_port}", region_name=region,
    aws_access_key_id="scrubroom", aws_secret_access_key="scrubroom",
)
for bucket in ("scrubroom-private", "scrubroom-backups"):
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
EOF

export SCRUBROOM_TEST_SCALED=1
export SCRUBROOM_REGION="$region"
export SCRUBROOM_DATABASE_URL="postgres://scrubroom_owner:$owner_password@127.0.0.1:$pg_port/scrubroom"
# Read by audit/migrations/0003, which takes UPDATE, DELETE and TRUNCATE on the audit log
# from this role; the URL is the app role's own (tests/test_database_roles.py).
export SCRUBROOM_DATABASE_APP_ROLE=scrubroom_app
export SCRUBROOM_TEST_APP_DATABASE_URL="postgres://scrubroom_app:$app_password@127.0.0.1:$pg_port/scrubroom"
export SCRUBROOM_REDIS_URL="redis://127.0.0.1:$redis_port/0"
export SCRUBROOM_S3_BUCKET=scrubroom-private
export SCRUBROOM_S3_ENDPOINT_URL="http://127.0.0.1:$s3_port"
export SCRUBROOM_S3_ACCESS_KEY_ID=scrubroom
export SCRUBROOM_S3_SECRET_ACCESS_KEY=scrubroom
export SCRUBROOM_BACKUP_TARGET=s3://scrubroom-backups/nightly
"$PYTHON" -m pytest -p no:cacheprovider "$@"

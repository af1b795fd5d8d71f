#!/usr/bin/env bash
# Tests reads from a streaming replica (DATABASE_READ_URL) on one machine:
# creates a PostgreSQL 15 cluster on another port as a streaming replica of
# the local primary (Debian's pg_createcluster + pg_basebackup -R), runs the
# read-replica tests against the pair, and removes the replica again.
#
#   tests/replica/run.sh            # primary 127.0.0.1:5432, replica on 5433
#
# Needs root (or the postgres user) and a primary that accepts replication
# connections from 127.0.0.1: when its pg_hba.conf has no replication line,
# this script adds `host replication all 127.0.0.1/32 trust` (the same trust
# the primary already gives to ordinary connections here) and reloads it.
set -euo pipefail

VERSION=${PG_VERSION:-15}
PRIMARY_CLUSTER=${PRIMARY_CLUSTER:-main}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
NAME=${REPLICA_CLUSTER:-hub_replica}
PORT=${REPLICA_PORT:-5433}
DATA=/var/lib/postgresql/$VERSION/$NAME
CONF=/etc/postgresql/$VERSION/$NAME
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }

remove_replica() {
  if pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION $NAME"; then
    pg_dropcluster --stop "$VERSION" "$NAME"
    echo "replica cluster $VERSION/$NAME removed"
  fi
}
trap remove_replica EXIT
remove_replica

HBA=/etc/postgresql/$VERSION/$PRIMARY_CLUSTER/pg_hba.conf
if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication' "$HBA"; then
  echo "host replication all 127.0.0.1/32 trust" >> "$HBA"
  as_postgres psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -qc "SELECT pg_reload_conf()" >/dev/null
  echo "added a replication line to $HBA"
fi

# A new cluster for its configuration (port, logs), its data replaced by a
# base backup of the primary with standby.signal and primary_conninfo (-R).
pg_createcluster "$VERSION" "$NAME" -p "$PORT" >/dev/null
cp "$HBA" "$CONF/pg_hba.conf"
echo "listen_addresses = '127.0.0.1'" > "$CONF/conf.d/90-replica.conf"
echo "autovacuum = off" >> "$CONF/conf.d/90-replica.conf"
find "$DATA" -mindepth 1 -delete
as_postgres pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA" -R -X stream -c fast
pg_ctlcluster "$VERSION" "$NAME" start
for _ in $(seq 1 50); do
  if as_postgres psql -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT pg_is_in_recovery()" 2>/dev/null | grep -qx t; then
    break
  fi
  sleep 0.2
done
echo "replica on port $PORT: in recovery = $(as_postgres psql -h 127.0.0.1 -p "$PORT" -U postgres -tAc 'SELECT pg_is_in_recovery()')"

cd "$(dirname "$0")/../.."
TEST_REPLICA_URL=postgres://postgres@127.0.0.1:$PORT \
  cargo test -p tests --test it -- read_replica "$@"

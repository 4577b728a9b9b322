#!/usr/bin/env bash
# Throwaway PostgreSQL for the clinic-store tests and benchmarks (127.0.0.1 only).
#   scripts/pg-test-server.sh start   # installs the Debian package if missing, inits + starts a cluster and prints
#                                     # a shell assignment: WAC_PG_URL='postgres://clinic:clinic@127.0.0.1:54329/clinic_test'
#   scripts/pg-test-server.sh url     # prints the bare URL (exit 1 when not running)
#   scripts/pg-test-server.sh stop    # stops the cluster and deletes its data directory
# Use it:  eval "$(bash scripts/pg-test-server.sh start)" && export WAC_PG_URL
# Env: WAC_PG_PORT (default 54329), WAC_PG_DIR (default /tmp/wac-pg-test). Postgres never runs as root: as root the
# cluster is owned by the `postgres` system user (created by the Debian package).
set -euo pipefail

PORT="${WAC_PG_PORT:-54329}"
DIR="${WAC_PG_DIR:-/tmp/wac-pg-test}"
DATA="$DIR/data"
LOG="$DIR/server.log"
DB=clinic_test
USER_NAME=clinic
PASSWORD=clinic
URL="postgres://$USER_NAME:$PASSWORD@127.0.0.1:$PORT/$DB"

log() { echo "[pg-test-server] $*" >&2; }

find_bin() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
	done
	return 1
}

ensure_installed() {
	if BIN="$(find_bin)"; then return 0; fi
	if [ "$(id -u)" != 0 ]; then log "PostgreSQL is not installed and this user cannot apt-get install it"; exit 1; fi
	log "installing PostgreSQL (apt-get install -y postgresql)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || true
	apt-get install -y -qq postgresql >&2
	BIN="$(find_bin)" || { log "PostgreSQL binaries not found after install"; exit 1; }
}

# Runs a command as the cluster owner (postgres when we are root).
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		su postgres -s /bin/sh -c "$*"
	else
		sh -c "$*"
	fi
}

is_ready() { as_owner "'$BIN/pg_ctl' -D '$DATA' status" >/dev/null 2>&1; }

start() {
	ensure_installed
	mkdir -p "$DIR"
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || useradd --system --home-dir "$DIR" --shell /bin/sh postgres
		chown postgres "$DIR"
		chmod 700 "$DIR"
	fi
	if [ ! -f "$DATA/PG_VERSION" ]; then
		log "initdb in $DATA"
		local pwfile="$DIR/pw"
		echo "$PASSWORD" >"$pwfile"
		[ "$(id -u)" = 0 ] && chown postgres "$pwfile"
		as_owner "'$BIN/initdb' -D '$DATA' -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null 2>&1 || '$BIN/initdb' -D '$DATA' -U postgres --auth=trust --encoding=UTF8 >/dev/null"
		rm -f "$pwfile"
		cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
CONF
	fi
	if ! is_ready; then
		as_owner "'$BIN/pg_ctl' -D '$DATA' -l '$LOG' -w -t 60 start" >/dev/null
	fi
	as_owner "'$BIN/psql' -h 127.0.0.1 -p $PORT -U postgres -d postgres -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$USER_NAME'\"" | grep -q 1 ||
		as_owner "'$BIN/psql' -h 127.0.0.1 -p $PORT -U postgres -d postgres -qc \"CREATE ROLE $USER_NAME LOGIN PASSWORD '$PASSWORD'\""
	as_owner "'$BIN/psql' -h 127.0.0.1 -p $PORT -U postgres -d postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='$DB'\"" | grep -q 1 ||
		as_owner "'$BIN/psql' -h 127.0.0.1 -p $PORT -U postgres -d postgres -qc \"CREATE DATABASE $DB OWNER $USER_NAME\""
	echo "WAC_PG_URL='$URL'"
}

stop() {
	BIN="$(find_bin)" || exit 0
	if [ -f "$DATA/PG_VERSION" ]; then
		as_owner "'$BIN/pg_ctl' -D '$DATA' -m fast -w stop" >/dev/null 2>&1 || true
	fi
	rm -rf "$DIR"
	log "stopped"
}

url() {
	BIN="$(find_bin)" || exit 1
	is_ready || exit 1
	echo "$URL"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
url) url ;;
*)
	echo "usage: $0 start|stop|url" >&2
	exit 2
	;;
esac

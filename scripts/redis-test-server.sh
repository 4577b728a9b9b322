#!/usr/bin/env bash
# Throwaway Redis for n8n queue mode in tests, the demo and benchmarks (127.0.0.1 only, no persistence).
#   scripts/redis-test-server.sh start   # installs the Debian package if missing, starts redis-server on a free port
#                                        # (or WAC_REDIS_PORT) with its files in a temp folder, and prints a shell
#                                        # assignment: WAC_REDIS_URL='redis://127.0.0.1:PORT/0'
#   scripts/redis-test-server.sh url     # prints the bare URL (exit 1 when not running)
#   scripts/redis-test-server.sh stop    # stops the server and deletes its folder
# Use it:  eval "$(bash scripts/redis-test-server.sh start)" && export WAC_REDIS_URL
# Env: WAC_REDIS_PORT (default: a free port), WAC_REDIS_DIR (default /tmp/wac-redis-test). One server per folder:
# `start` again with the same folder reuses the running server.
set -euo pipefail

DIR="${WAC_REDIS_DIR:-/tmp/wac-redis-test}"
PIDFILE="$DIR/redis.pid"
PORTFILE="$DIR/port"
LOG="$DIR/server.log"

log() { echo "[redis-test-server] $*" >&2; }

ensure_installed() {
	if command -v redis-server >/dev/null 2>&1; then return 0; fi
	if [ "$(id -u)" != 0 ]; then log "redis-server is not installed and this user cannot apt-get install it"; exit 1; fi
	log "installing Redis (apt-get install -y redis-server)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || true
	apt-get install -y -qq --no-install-recommends redis-server >&2
	command -v redis-server >/dev/null 2>&1 || { log "redis-server not found after install"; exit 1; }
}

free_port() {
	# The OS picks a free port (tiny race window, acceptable for tests).
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
		node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

is_running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

ping() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }

start() {
	ensure_installed
	mkdir -p "$DIR"
	if is_running && ping "$(cat "$PORTFILE")"; then
		echo "WAC_REDIS_URL='redis://127.0.0.1:$(cat "$PORTFILE")/0'"
		return 0
	fi
	local port="${WAC_REDIS_PORT:-$(free_port)}"
	echo "$port" >"$PORTFILE"
	# No RDB/AOF files (a test queue needs no durability); the working directory stays inside $DIR.
	redis-server --bind 127.0.0.1 --port "$port" --dir "$DIR" --save '' --appendonly no \
		--daemonize yes --pidfile "$PIDFILE" --logfile "$LOG" --protected-mode yes >&2
	for _ in $(seq 1 100); do
		if ping "$port"; then
			echo "WAC_REDIS_URL='redis://127.0.0.1:$port/0'"
			return 0
		fi
		sleep 0.1
	done
	log "redis-server did not answer on port $port; log:"
	tail -n 20 "$LOG" >&2 || true
	exit 1
}

stop() {
	if is_running; then
		local pid
		pid="$(cat "$PIDFILE")"
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -rf "$DIR"
	log "stopped"
}

url() {
	is_running || exit 1
	local port
	port="$(cat "$PORTFILE")"
	ping "$port" || exit 1
	echo "redis://127.0.0.1:$port/0"
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

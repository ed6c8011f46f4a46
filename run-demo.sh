#!/usr/bin/env bash
# The main job: builds the jar if needed and shows the store at work, offline, on this machine only.
# A real HTTP server on 127.0.0.1 serves a file; `pull` downloads it into a fresh store (verified, pinned),
# `pull` again is a hit without any connection, `which` prints the path, and an offline pull still works.
set -euo pipefail
cd "$(dirname "$0")"
export OPT_OUT_TRACKING=true
JAR=agent/target/model-redirect.jar
[ -f "$JAR" ] || mvn -B -q package -pl agent -DskipTests

work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/www"
head -c $((64 * 1024 * 1024)) /dev/urandom > "$work/www/demo-model.bin"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/www" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

url="http://127.0.0.1:$port/demo-model.bin"
store="$work/store"
echo "== first pull: a miss, downloaded and verified"
java -jar "$JAR" pull "$url" --store "$store"
echo "== second pull: a hit, no connection"
java -jar "$JAR" pull "$url" --store "$store"
echo "== which"
java -jar "$JAR" which "$url" --store "$store"
echo "== with the server stopped and offline=true"
kill "$server_pid"; server_pid=
java -jar "$JAR" pull "$url" --store "$store" --offline
echo "== sha256 recorded in the lock file matches the file"
grep -o '"sha256": "[0-9a-f]*"' "$store/models.lock"
sha256sum "$work/www/demo-model.bin" | cut -d' ' -f1

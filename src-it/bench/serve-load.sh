#!/usr/bin/env bash
# Load harness (not a test) for the hit path of `serve`: a store holding one model (config.json and a SIZE_KB
# model.bin, built in the Hub cache layout by this script), served by `java -jar model-redirect.jar serve` on a free
# port of 127.0.0.1, loaded with ApacheBench at CONCURRENCY clients:
#   1. GET  config.json  (REQUESTS requests)   the small-file hit every client makes
#   2. HEAD model.bin    (REQUESTS requests)   the metadata request the Hub's clients send before each file
#   3. GET  model.bin    (REQUESTS/10)         the large-file hit
# Prints requests/s, p50 and p99 (ms) of each, and the serve JVM's peak RSS (VmHWM). Every request is on loopback; the
# run is bounded by its request counts and stops serve on exit.
#
# Usage (from anywhere):  src-it/bench/serve-load.sh [REQUESTS] [CONCURRENCY] [SIZE_KB]   (defaults 5000 64 1024)
# Environment: JAVA_OPTS (JVM options for serve, default -Xmx64m), JAR (default agent/target/model-redirect.jar,
# built when missing), BENCH_DIR (default /var/tmp).
set -euo pipefail

REQUESTS=${1:-5000}
CONCURRENCY=${2:-64}
SIZE_KB=${3:-1024}
for value in "$REQUESTS" "$CONCURRENCY" "$SIZE_KB"; do
    [[ $value =~ ^[1-9][0-9]*$ ]] || { echo "arguments must be positive integers, got '$value'" >&2; exit 2; }
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
export OPT_OUT_TRACKING=true
JAR=${JAR:-agent/target/model-redirect.jar}
read -r -a JAVA_ARGS <<<"${JAVA_OPTS:--Xmx64m}"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

command -v ab >/dev/null || die "ApacheBench (ab) is missing: apt-get install -y apache2-utils"
command -v curl >/dev/null || die "curl is missing: apt-get install -y curl"
command -v java >/dev/null || die "java is missing"

WORK=""
SERVE_PID=""
cleanup() {
    local rc=$?
    if [[ -n $SERVE_PID ]] && kill -0 "$SERVE_PID" 2>/dev/null; then
        kill -TERM "$SERVE_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVE_PID" 2>/dev/null || true
    fi
    [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

if [[ ! -f $JAR ]]; then
    say "building $JAR"
    mvn -B -q -o -pl agent package -DskipTests >&2
fi

WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/serve-load.XXXXXX")
COMMIT=0123456789abcdef0123456789abcdef01234567
REPO="$WORK/store/hub/models--org--bench"
mkdir -p "$REPO/blobs" "$REPO/refs" "$REPO/snapshots/$COMMIT"
printf '{"hidden_size": 8}\n' >"$WORK/config.json"
head -c "$((SIZE_KB * 1024))" /dev/urandom >"$WORK/model.bin"
CONFIG_OID=$( { printf 'blob %d\0' "$(stat -c %s "$WORK/config.json")"; cat "$WORK/config.json"; } | sha1sum | cut -d' ' -f1)
MODEL_SHA=$(sha256sum "$WORK/model.bin" | cut -d' ' -f1)
mv "$WORK/config.json" "$REPO/blobs/$CONFIG_OID"
mv "$WORK/model.bin" "$REPO/blobs/$MODEL_SHA"
printf %s "$COMMIT" >"$REPO/refs/main"
ln -s "../../blobs/$CONFIG_OID" "$REPO/snapshots/$COMMIT/config.json"
ln -s "../../blobs/$MODEL_SHA" "$REPO/snapshots/$COMMIT/model.bin"

java "${JAVA_ARGS[@]}" -jar "$JAR" serve --port 0 --store "$WORK/store" --log quiet >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVE_PID=$!
URL=""
for _ in $(seq 300); do
    URL=$(sed -n 's/^model-redirect: serving .* at \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$WORK/serve.out")
    [[ -n $URL ]] && break
    kill -0 "$SERVE_PID" 2>/dev/null || die "serve exited: $(cat "$WORK/serve.err")"
    sleep 0.1
done
[[ -n $URL ]] || die "serve printed no URL within 30 s"
BASE="$URL/org/bench/resolve/main"
[[ $(curl -sS -f "$BASE/model.bin" | sha256sum | cut -d' ' -f1) == "$MODEL_SHA" ]] || die "serve sent other bytes"
say "serve pid $SERVE_PID at $URL (${JAVA_ARGS[*]}); $REQUESTS requests, $CONCURRENCY at once"

run() { # run LABEL AB-ARGS...: prints one summary line
    local label=$1; shift
    local out
    out=$(ab -q -r -c "$CONCURRENCY" "$@" 2>&1) || die "ab failed for $label: $out"
    local rps p50 p99 failed
    rps=$(awk '/^Requests per second/ {print $4}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    failed=$(awk '/^Failed requests/ {print $3}' <<<"$out")
    printf '%-28s %10s req/s   p50 %5s ms   p99 %5s ms   failed %s\n' "$label" "$rps" "$p50" "$p99" "$failed"
}

ab -q -n 200 -c 8 "$BASE/config.json" >/dev/null 2>&1 || true # warm-up
echo "serve hit path on 127.0.0.1, $CONCURRENCY concurrent clients (ApacheBench), serve ${JAVA_ARGS[*]}"
run "GET config.json" -n "$REQUESTS" "$BASE/config.json"
run "HEAD model.bin" -n "$REQUESTS" -i "$BASE/model.bin"
run "GET model.bin (${SIZE_KB} KiB)" -n "$(( REQUESTS / 10 > CONCURRENCY ? REQUESTS / 10 : CONCURRENCY ))" "$BASE/model.bin"
echo "serve peak RSS: $(awk '/^VmHWM/ {printf "%d MiB", $2 / 1024}' "/proc/$SERVE_PID/status")"

#!/usr/bin/env bash
# Benchmark harness (not a test): one large file served over HTTP on 127.0.0.1 by
#   (a) nginx (sendfile), a private instance with its own config and prefix, never the system service
#   (b) java -jar model-redirect.jar serve, from a store holding the same file in the Hub cache layout
# downloaded with `curl -o /dev/null` from each, alternating, ROUNDS times; prints the median throughput of each and
# the ratio serve/nginx (goal >= 0.7). Before the timed runs, each server's bytes are checked once against the sha256.
#
# Usage (from anywhere):  src-it/bench/serve-vs-nginx.sh [SIZE_MB] [ROUNDS]   (defaults 2048 3)
# Environment:
#   JAVA_OPTS   extra JVM options for serve, e.g. JAVA_OPTS=-Xmx64m
#   JAR         the jar to measure (default agent/target/model-redirect.jar, built when missing)
#   BENCH_DIR   where the work directory is made (default /var/tmp)
# Both servers read the same inode (the store's blob, hard-linked into nginx's root), kept in the page cache, so the
# runs compare the servers, not the disk. Exit code 0 when every run worked (the goal is informational), 1 otherwise.
set -euo pipefail

SIZE_MB=${1:-2048}
ROUNDS=${2:-3}
[[ $SIZE_MB =~ ^[1-9][0-9]*$ ]] || { echo "SIZE_MB must be a positive integer, got '$SIZE_MB'" >&2; exit 2; }
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a positive integer, got '$ROUNDS'" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
export OPT_OUT_TRACKING=true
JAR=${JAR:-agent/target/model-redirect.jar}
read -r -a JAVA_ARGS <<<"${JAVA_OPTS:-}"

WORK=""
NGINX_PID=""
SERVE_PID=""
POLICY_RC=""
source "$(dirname "${BASH_SOURCE[0]}")/serve-lib.sh"
trap 'say "failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

# ---------------------------------------------------------------- prerequisites

command -v curl >/dev/null || die "curl is missing: apt-get install -y curl"
command -v java >/dev/null || die "java is missing"
command -v sha256sum >/dev/null || die "sha256sum is missing (coreutils)"

ensure_jar

source "$(dirname "${BASH_SOURCE[0]}")/nginx-lib.sh"
nginx_ensure_installed

# ---------------------------------------------------------------- the file, in a store and in nginx's root

BASE=${BENCH_DIR:-/var/tmp}
mkdir -p "$BASE"
WORK=$(mktemp -d "$BASE/mr-serve-bench.XXXXXX")
chmod 755 "$WORK"
mkdir -p "$WORK/www" "$WORK/nginx/logs"
chmod 755 "$WORK/www"

need_kb=$(( SIZE_MB * 1024 + 256 * 1024 ))
free_kb=$(df -Pk "$WORK" | awk 'NR==2 {print $4}')
(( free_kb >= need_kb )) || die "$WORK has $((free_kb / 1024)) MiB free; needs about $((need_kb / 1024)) MiB"

SIZE=$(( SIZE_MB * 1024 * 1024 ))
say "generating $SIZE_MB MiB of random bytes"
head -c "$SIZE" /dev/urandom >"$WORK/file.bin"
SHA=$(sha256sum "$WORK/file.bin" | cut -d' ' -f1)
COMMIT=$(printf 'serve-vs-nginx %s' "$SHA" | sha1sum | cut -d' ' -f1)
# the Hub cache layout: blob named by its sha256 (an LFS file), refs/main, a relative snapshot symlink
STORE=$WORK/store
REPO=$STORE/hub/models--bench--big
mkdir -p "$REPO/blobs" "$REPO/refs" "$REPO/snapshots/$COMMIT"
mv "$WORK/file.bin" "$REPO/blobs/$SHA"
printf '%s' "$COMMIT" >"$REPO/refs/main"
ln -s "../../blobs/$SHA" "$REPO/snapshots/$COMMIT/model.bin"
chmod 644 "$REPO/blobs/$SHA"
ln "$REPO/blobs/$SHA" "$WORK/www/model.bin"   # the same inode: one copy in the page cache for both servers
say "store $STORE: hf://bench/big/model.bin at commit $COMMIT, sha256 $SHA"

nginx_start_on_free_port model.bin || die "nginx did not start: $(tail -n 5 "$WORK/nginx/logs/error.log" 2>/dev/null)"
NGINX_URL=http://127.0.0.1:$PORT/model.bin
say "nginx $("$NGINX" -v 2>&1 | sed 's/.*version: //') (pid $NGINX_PID) serves $NGINX_URL"

# ---------------------------------------------------------------- serve

serve_start "$STORE"
SERVE_URL=$SERVE_BASE/bench/big/resolve/main/model.bin
say "model-redirect serve (pid $SERVE_PID, JAVA_OPTS='${JAVA_OPTS:-}') serves $SERVE_URL"

# ---------------------------------------------------------------- check the bytes once (also warms both up)

cat "$REPO/blobs/$SHA" >/dev/null
for url in "$NGINX_URL" "$SERVE_URL"; do
    got=$(curl -s -S -f "$url" | sha256sum | cut -d' ' -f1)
    [[ $got == "$SHA" ]] || die "$url sent bytes with sha256 $got, expected $SHA"
done
say "both servers sent the file's exact bytes (sha256 checked)"

# ---------------------------------------------------------------- timed runs

declare -A SPEED
# timed NAME URL: one download to /dev/null; records bytes per second
timed() {
    local name=$1 url=$2 out
    out=$(curl -s -S -f -o /dev/null -w '%{size_download} %{time_total} %{speed_download}' "$url") \
        || die "$name: curl $url failed"
    local bytes seconds speed
    read -r bytes seconds speed <<<"$out"
    (( bytes == SIZE )) || die "$name: downloaded $bytes bytes, expected $SIZE"
    speed=$(awk -v b="$bytes" -v s="$seconds" 'BEGIN {printf "%.0f", b / s}')
    SPEED[$name]+="$speed "
    printf 'bench: round %d  %-6s %7.3f s  %8.1f MiB/s\n' "$round" "$name" "$seconds" \
        "$(awk -v v="$speed" 'BEGIN {print v / 1048576}')" >&2
}

LOAD_BEFORE=$(uptime | sed 's/.*load average/load average/')
say "load before: $LOAD_BEFORE"
for round in $(seq "$ROUNDS"); do
    if (( round % 2 == 1 )); then
        timed nginx "$NGINX_URL"; timed serve "$SERVE_URL"
    else
        timed serve "$SERVE_URL"; timed nginx "$NGINX_URL"
    fi
done
LOAD_AFTER=$(uptime | sed 's/.*load average/load average/')
RSS_KB=$(awk '/^VmHWM/ {print $2}' "/proc/$SERVE_PID/status" 2>/dev/null || echo 0)

# ---------------------------------------------------------------- report

median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
nginx_med=$(median <<<"${SPEED[nginx]}")
serve_med=$(median <<<"${SPEED[serve]}")
ratio=$(awk -v a="$serve_med" -v b="$nginx_med" 'BEGIN {printf "%.3f", a / b}')
mib() { awk -v v="$1" 'BEGIN {printf "%.1f", v / 1048576}'; }

echo
echo "Download of $SIZE_MB MiB over 127.0.0.1 with curl -o /dev/null, $ROUNDS rounds each, alternating;" \
    "file in the page cache"
echo "cores=$(nproc)  JAVA_OPTS='${JAVA_OPTS:-}'  JAR=$JAR"
echo "load before: $LOAD_BEFORE"
echo "load after:  $LOAD_AFTER"
printf '%-28s %14s   %s\n' server "median MiB/s" "runs (MiB/s)"
printf '%-28s %14s   %s\n' "nginx (sendfile)" "$(mib "$nginx_med")" \
    "$(for v in ${SPEED[nginx]}; do printf '%s ' "$(mib "$v")"; done)"
printf '%-28s %14s   %s\n' "model-redirect serve" "$(mib "$serve_med")" \
    "$(for v in ${SPEED[serve]}; do printf '%s ' "$(mib "$v")"; done)"
echo
echo "ratio serve / nginx (median throughput): $ratio   goal >= 0.7: $(awk -v r="$ratio" 'BEGIN {print (r >= 0.7) ? "PASS" : "MISS"}')"
echo "peak RSS of serve: $(awk -v k="$RSS_KB" 'BEGIN {printf "%.1f", k / 1024}') MiB"

#!/usr/bin/env bash
# Benchmark harness (not a test): the hit path of `serve` against nginx, with ab (Debian's apache2-utils), side by side
# in one run. The same bytes on both servers: a small git file (291 bytes, like a config.json) and an LFS file
# (BIG_MB MiB). For each case (small GET, small HEAD, big GET; each with a new connection per request and with
# keep-alive) ab sends REQUESTS requests, CONCURRENCY at a time, to nginx and to serve, alternating which goes first,
# ROUNDS times. Prints, per case, the median requests/s and median p99 (ms) of each server and the ratio serve/nginx.
#
# Usage (from anywhere):  src-it/bench/serve-ab.sh [REQUESTS] [ROUNDS]        (defaults 5000 3)
# Environment:
#   CONCURRENCY  clients at once (default 64)
#   BIG_MB       size of the large file in MiB (default 4); BIG_REQUESTS requests for it (default REQUESTS / 5)
#   JAVA_OPTS    JVM options for serve;  SERVE_ARGS  extra serve options (e.g. "--threads 64")
#   TOKEN=1      serve with --token-file and ab sending the bearer token (nginx is sent the header too)
#   JAR          the jar to measure (default agent/target/model-redirect.jar, built when missing)
#   BENCH_DIR    where the work directory is made (default /var/tmp)
# Goals: small files >= 0.5x nginx's requests/s with serve's p99 <= 25 ms, big files >= 0.9x. Informational: the exit
# code is 0 when every run answered every request correctly, 1 otherwise.
set -euo pipefail

REQUESTS=${1:-5000}
ROUNDS=${2:-3}
CONCURRENCY=${CONCURRENCY:-64}
BIG_MB=${BIG_MB:-4}
BIG_REQUESTS=${BIG_REQUESTS:-$(( REQUESTS / 5 ))}
for v in REQUESTS ROUNDS CONCURRENCY BIG_MB BIG_REQUESTS; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "$v must be a positive integer, got '${!v}'" >&2; exit 2; }
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
export OPT_OUT_TRACKING=true
JAR=${JAR:-agent/target/model-redirect.jar}
read -r -a JAVA_ARGS <<<"${JAVA_OPTS:-}"
read -r -a EXTRA_ARGS <<<"${SERVE_ARGS:-}"

WORK=""
NGINX_PID=""
SERVE_PID=""
POLICY_RC=""
source "$(dirname "${BASH_SOURCE[0]}")/serve-lib.sh"

command -v ab >/dev/null || die "ab is missing: apt-get install -y apache2-utils"
command -v curl >/dev/null || die "curl is missing: apt-get install -y curl"
command -v java >/dev/null || die "java is missing"
ensure_jar
source "$(dirname "${BASH_SOURCE[0]}")/nginx-lib.sh"
nginx_ensure_installed

# ---------------------------------------------------------------- the files, in a store and in nginx's root

BASE=${BENCH_DIR:-/var/tmp}
mkdir -p "$BASE"
WORK=$(mktemp -d "$BASE/mr-serve-ab.XXXXXX")
chmod 755 "$WORK"
mkdir -p "$WORK/www" "$WORK/nginx/logs"
chmod 755 "$WORK/www"

# 291 bytes of JSON, a git (non-LFS) file: its blob is named by its git blob id
{ printf '{"architectures":["BertModel"],"hidden_size":384,"num_attention_heads":12,"num_hidden_layers":6,'
  printf '"intermediate_size":1536,"max_position_embeddings":512,"model_type":"bert","vocab_size":30522,'
  printf '"hidden_act":"gelu","layer_norm_eps":1e-12,"pad_token_id":0,"type_vocab_size":2,"torch_dtype":"f32"}\n'
} >"$WORK/small"
SMALL_SIZE=$(stat -c %s "$WORK/small")
SMALL_OID=$( { printf 'blob %d\0' "$SMALL_SIZE"; cat "$WORK/small"; } | sha1sum | cut -d' ' -f1)
head -c $(( BIG_MB * 1024 * 1024 )) /dev/urandom >"$WORK/big"
BIG_SIZE=$(stat -c %s "$WORK/big")
BIG_SHA=$(sha256sum "$WORK/big" | cut -d' ' -f1)
COMMIT=$(printf 'serve-ab %s' "$BIG_SHA" | sha1sum | cut -d' ' -f1)
STORE=$WORK/store
REPO=$STORE/hub/models--bench--tiny
mkdir -p "$REPO/blobs" "$REPO/refs" "$REPO/snapshots/$COMMIT"
mv "$WORK/small" "$REPO/blobs/$SMALL_OID"
mv "$WORK/big" "$REPO/blobs/$BIG_SHA"
chmod 644 "$REPO/blobs/"*
printf '%s' "$COMMIT" >"$REPO/refs/main"
ln -s "../../blobs/$SMALL_OID" "$REPO/snapshots/$COMMIT/config.json"
ln -s "../../blobs/$BIG_SHA" "$REPO/snapshots/$COMMIT/model.bin"
ln "$REPO/blobs/$SMALL_OID" "$WORK/www/config.json"   # the same inodes: one copy in the page cache
ln "$REPO/blobs/$BIG_SHA" "$WORK/www/model.bin"
say "store $STORE: bench/tiny at $COMMIT: config.json ($SMALL_SIZE B), model.bin ($BIG_SIZE B)"

nginx_start_on_free_port config.json || die "nginx did not start: $(tail -n 5 "$WORK/nginx/logs/error.log" 2>/dev/null)"
NGINX_BASE=http://127.0.0.1:$PORT
say "nginx $("$NGINX" -v 2>&1 | sed 's/.*version: //') (pid $NGINX_PID) at $NGINX_BASE"

# ---------------------------------------------------------------- serve

AB_AUTH=()
if [[ ${TOKEN:-0} == 1 ]]; then
    TOKEN_VALUE=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    printf '%s\n' "$TOKEN_VALUE" >"$WORK/tokens"
    EXTRA_ARGS+=(--token-file "$WORK/tokens")
    AB_AUTH=(-H "Authorization: Bearer $TOKEN_VALUE")
fi
serve_start "$STORE" --log quiet "${EXTRA_ARGS[@]}"
SERVE_PREFIX=$SERVE_BASE/bench/tiny/resolve/main
say "model-redirect serve (pid $SERVE_PID, JAVA_OPTS='${JAVA_OPTS:-}', SERVE_ARGS='${EXTRA_ARGS[*]}') at $SERVE_BASE"

# both send the same bytes (checked once; also warms both up, and the JIT with a short ab run)
for pair in "$NGINX_BASE/config.json $SERVE_PREFIX/config.json" "$NGINX_BASE/model.bin $SERVE_PREFIX/model.bin"; do
    read -r a b <<<"$pair"
    cmp <(curl -s -S -f "${AB_AUTH[@]}" "$a") <(curl -s -S -f "${AB_AUTH[@]}" "$b") \
        || die "$a and $b sent different bytes"
done
say "both servers sent the same bytes; warming up"
ab -q -n 2000 -c "$CONCURRENCY" -k "${AB_AUTH[@]}" "$SERVE_PREFIX/config.json" >/dev/null
ab -q -n 2000 -c "$CONCURRENCY" "${AB_AUTH[@]}" "$SERVE_PREFIX/config.json" >/dev/null
ab -q -n 200 -c "$CONCURRENCY" -k "${AB_AUTH[@]}" "$SERVE_PREFIX/model.bin" >/dev/null

# ---------------------------------------------------------------- timed runs

# case name | path | ab flags | requests
CASES=(
    "small GET|config.json||$REQUESTS"
    "small HEAD|config.json|-i|$REQUESTS"
    "big GET|model.bin||$BIG_REQUESTS"
    "small GET keep-alive|config.json|-k|$REQUESTS"
    "small HEAD keep-alive|config.json|-k -i|$REQUESTS"
    "big GET keep-alive|model.bin|-k|$BIG_REQUESTS"
)
declare -A RPS P99
FAILED=0
# one_ab SERVER CASE URL FLAGS N: one ab run; appends requests/s and p99 to RPS/P99[SERVER|CASE]
one_ab() {
    local server=$1 name=$2 url=$3 flags=$4 n=$5 out rps p99 failed non2xx
    read -r -a f <<<"$flags"
    out=$(ab -n "$n" -c "$CONCURRENCY" "${f[@]}" "${AB_AUTH[@]}" "$url" 2>&1) || { say "$server $name: ab failed: $out"; FAILED=1; return; }
    rps=$(awk '/^Requests per second:/ {print $4}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    failed=$(awk '/^Failed requests:/ {print $3}' <<<"$out")
    non2xx=$(awk '/^Non-2xx responses:/ {print $3}' <<<"$out")
    if [[ ${failed:-1} != 0 || -n $non2xx ]]; then
        say "$server $name: failed=$failed non-2xx=${non2xx:-0}"; FAILED=1
    fi
    RPS[$server|$name]+="$rps "
    P99[$server|$name]+="$p99 "
    printf 'bench: round %d  %-6s %-22s %9.0f req/s  p99 %4s ms\n' "$round" "$server" "$name" "$rps" "$p99" >&2
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq "$ROUNDS"); do
    for c in "${CASES[@]}"; do
        IFS='|' read -r name path flags n <<<"$c"
        if (( round % 2 == 1 )); then
            one_ab nginx "$name" "$NGINX_BASE/$path" "$flags" "$n"
            one_ab serve "$name" "$SERVE_PREFIX/$path" "$flags" "$n"
        else
            one_ab serve "$name" "$SERVE_PREFIX/$path" "$flags" "$n"
            one_ab nginx "$name" "$NGINX_BASE/$path" "$flags" "$n"
        fi
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
RSS_KB=$(awk '/^VmHWM/ {print $2}' "/proc/$SERVE_PID/status" 2>/dev/null || echo 0)

# ---------------------------------------------------------------- report

median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
echo
echo "ab -n $REQUESTS (big: $BIG_REQUESTS) -c $CONCURRENCY over 127.0.0.1, $ROUNDS rounds, alternating; medians;" \
    "small = $SMALL_SIZE B, big = $BIG_MB MiB"
echo "cores=$(nproc)  load before: $LOAD_BEFORE  after: $LOAD_AFTER  JAVA_OPTS='${JAVA_OPTS:-}'" \
    "SERVE_ARGS='${EXTRA_ARGS[*]}'  $(java -version 2>&1 | head -n 1)"
printf '%-24s %12s %12s %8s %10s %10s   %s\n' case "nginx req/s" "serve req/s" ratio "nginx p99" "serve p99" goal
for c in "${CASES[@]}"; do
    IFS='|' read -r name _ _ _ <<<"$c"
    nr=$(median <<<"${RPS[nginx|$name]:-0}"); sr=$(median <<<"${RPS[serve|$name]:-0}")
    np=$(median <<<"${P99[nginx|$name]:-0}"); sp=$(median <<<"${P99[serve|$name]:-0}")
    ratio=$(awk -v a="$sr" -v b="$nr" 'BEGIN {printf "%.2f", (b > 0) ? a / b : 0}')
    # the p99 goal is for small files: 64 clients sharing one link for multi-MB bodies wait for bandwidth
    want=0.5; limit=25; goal=">= 0.5x, p99 <= 25 ms"
    [[ $name == big* ]] && { want=0.9; limit=1000000; goal=">= 0.9x"; }
    verdict=$(awk -v r="$ratio" -v w="$want" -v p="$sp" -v l="$limit" 'BEGIN {print (r >= w && p <= l) ? "PASS" : "MISS"}')
    printf '%-24s %12.0f %12.0f %7sx %7s ms %7s ms   %s: %s\n' "$name" "$nr" "$sr" "$ratio" \
        "$np" "$sp" "$goal" "$verdict"
done
echo "peak RSS of serve: $(awk -v k="$RSS_KB" 'BEGIN {printf "%.1f", k / 1024}') MiB"
echo "reproduce: CONCURRENCY=$CONCURRENCY BIG_MB=$BIG_MB BIG_REQUESTS=$BIG_REQUESTS ${TOKEN:+TOKEN=$TOKEN }src-it/bench/serve-ab.sh $REQUESTS $ROUNDS"
exit "$FAILED"

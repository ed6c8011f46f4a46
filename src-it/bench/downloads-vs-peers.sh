#!/usr/bin/env bash
# Benchmark harness (not a test): the downloader against curl and aria2c, whole processes side by side in one run.
#
#   1. Throttled link: one THROTTLED_MB file from a server that limits every connection to RATE bytes/s (strictly,
#      no burst: src-it/bench/ThrottledFileServer.java), fetched by `curl -o`, `aria2c -x4` and
#      `model-redirect pull` (CONNECTIONS connections, default 4), alternating, ROUNDS times.
#   2. Resume: on the same link, a pull killed with SIGKILL after a random delay (SEED), then run again; the server
#      counts the bytes it sent for both: the ratio to the file size is what a kill cost.
#   3. Loopback: one LOOPBACK_MB file from nginx (sendfile) on 127.0.0.1, `curl -o` against a verified pull.
#
# Prints the medians and the three ratios: pull / aria2c and curl / pull on the throttled link, pull / curl on
# loopback, and the bytes fetched over one kill / file size, with the command line that reproduces them; and, on the
# throttled link, how long each client took from its start to its first request (the server's clock).
#
# Usage (from the repository root):  src-it/bench/downloads-vs-peers.sh [ROUNDS]      (default 3)
# Environment: THROTTLED_MB (200), RATE (20000000 bytes/s per connection), LOOPBACK_MB (1024), CONNECTIONS (4),
#   SEED (1), JAR (default agent/target/model-redirect.jar, built when missing), JAVA_OPTS, BENCH_DIR (/var/tmp),
#   DROP_CACHE=1 to drop the page cache before every loopback run (needs root; slows everything else on the machine),
#   CDS=1 to time the pulls with a class-data archive of the CLI (one training pull writes it first; see
#   docs/downloads.md, "Faster starts").
# Needs: curl, aria2c (apt-get install aria2), nginx (installed from Debian when missing, as root), GNU time, java.
set -euo pipefail

ROUNDS=${1:-3}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a positive integer, got '$ROUNDS'" >&2; exit 2; }
THROTTLED_MB=${THROTTLED_MB:-200}
RATE=${RATE:-20000000}
LOOPBACK_MB=${LOOPBACK_MB:-1024}
CONNECTIONS=${CONNECTIONS:-4}
SEED=${SEED:-1}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
export OPT_OUT_TRACKING=true
JAR=${JAR:-agent/target/model-redirect.jar}
read -r -a JAVA_ARGS <<<"${JAVA_OPTS:-}"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

WORK=""
NGINX_PID=""
SERVER_PID=""
POLICY_RC=""
cleanup() {
    local rc=$?
    for pid in $SERVER_PID $NGINX_PID; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    [[ -n $POLICY_RC ]] && rm -f "$POLICY_RC"
    [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is missing: apt-get install -y time"
command -v curl >/dev/null || die "curl is missing: apt-get install -y curl"
command -v aria2c >/dev/null || die "aria2c is missing: apt-get install -y aria2"
command -v java >/dev/null || die "java is missing"
if [[ ! -f $JAR ]]; then
    [[ $JAR == agent/target/model-redirect.jar ]] || die "JAR=$JAR does not exist"
    say "building $JAR (mvn -B -q package -pl agent -DskipTests)"
    mvn -B -q package -pl agent -DskipTests || die "the build failed"
fi
source "$(dirname "${BASH_SOURCE[0]}")/nginx-lib.sh"
nginx_ensure_installed

BASE=${BENCH_DIR:-/var/tmp}
mkdir -p "$BASE"
WORK=$(mktemp -d "$BASE/mr-peers.XXXXXX")
chmod 755 "$WORK"
mkdir -p "$WORK/www" "$WORK/out" "$WORK/logs"
chmod 755 "$WORK/www"
need_kb=$(( (THROTTLED_MB + LOOPBACK_MB) * 1024 * 2 + 512 * 1024 ))
free_kb=$(df -Pk "$WORK" | awk 'NR==2 {print $4}')
(( free_kb >= need_kb )) || die "$WORK has $((free_kb / 1024)) MiB free; needs about $((need_kb / 1024)) MiB"

SLOW=$WORK/www/slow.bin
FAST=$WORK/www/fast.bin
say "generating $THROTTLED_MB MiB and $LOOPBACK_MB MiB of random bytes"
head -c $(( THROTTLED_MB * 1024 * 1024 )) /dev/urandom >"$SLOW"
head -c $(( LOOPBACK_MB * 1024 * 1024 )) /dev/urandom >"$FAST"
chmod 644 "$SLOW" "$FAST"
SLOW_SHA=$(sha256sum "$SLOW" | cut -d' ' -f1)
FAST_SHA=$(sha256sum "$FAST" | cut -d' ' -f1)
SLOW_SIZE=$(stat -c %s "$SLOW")

# ---------------------------------------------------------------- servers

SPORT=$(nginx_free_port)
java "$(dirname "${BASH_SOURCE[0]}")/ThrottledFileServer.java" "$SLOW" "$SPORT" "$RATE" >"$WORK/logs/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
    grep -q '^listening' "$WORK/logs/server.log" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "the throttled server did not start: $(cat "$WORK/logs/server.log")"
    sleep 0.1
done
SLOW_URL=http://127.0.0.1:$SPORT/slow.bin
sent() { curl -s -f "http://127.0.0.1:$SPORT/__sent"; }
first() { curl -s -f "http://127.0.0.1:$SPORT/__first"; }
say "throttled server: $SLOW_URL, $RATE bytes/s per connection"

nginx_start_on_free_port fast.bin || die "nginx did not start: $(tail -n 5 "$WORK/nginx/logs/error.log" 2>/dev/null)"
FAST_URL=http://127.0.0.1:$PORT/fast.bin
say "nginx serves $FAST_URL"

# ---------------------------------------------------------------- runs

declare -A WALL START
declare -A LABEL=([curl_slow]="curl -o (throttled)" [aria2_slow]="aria2c -x4 (throttled)"
    [mr_slow]="model-redirect pull (throttled)" [curl_fast]="curl -o (loopback)"
    [mr_fast]="model-redirect pull (loopback)")
TOOLS=(curl_slow aria2_slow mr_slow curl_fast mr_fast)

timed() {
    local tool=$1 round=$2
    shift 2
    local tf=$WORK/time.txt log=$WORK/logs/$tool.$round.log started
    [[ $tool == *_slow ]] && first >/dev/null
    started=$(date +%s%3N)
    if ! /usr/bin/time -f '%e' -o "$tf" "$@" >"$log" 2>&1; then
        say "FAILED: $tool, round $round: $*"
        sed 's/^/    /' "$log" >&2 || true
        exit 1
    fi
    local wall
    wall=$(tail -n 1 "$tf")
    WALL[$tool]+="$wall "
    [[ $tool == *_slow ]] && START[$tool]+="$(( $(first) - started )) "
    printf 'bench: round %d  %-34s %7.2f s\n' "$round" "${LABEL[$tool]}" "$wall" >&2
}

fresh() { rm -rf "$WORK/out"; mkdir -p "$WORK/out"; sync; }
check() { [[ $(sha256sum "$1" | cut -d' ' -f1) == "$2" ]] || die "$1: wrong sha256"; }
pulled() { echo "$WORK/out/store/url/127.0.0.1_$1/$2"; }
if [[ ${CDS:-0} == 1 ]]; then
    # one pull of a 40 MiB file (parallel ranges) loads the classes a pull needs; the JVM writes the archive at exit
    head -c $(( 40 << 20 )) /dev/urandom >"$WORK/www/train.bin"
    chmod 644 "$WORK/www/train.bin"
    java "${JAVA_ARGS[@]}" -XX:ArchiveClassesAtExit="$WORK/cli.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$JAR" \
        pull "http://127.0.0.1:$PORT/train.bin" --store "$WORK/train-store" >"$WORK/logs/train.log" 2>&1 \
        || die "the training pull for the class-data archive failed: $(tail -n 3 "$WORK/logs/train.log")"
    [[ -s $WORK/cli.jsa ]] || die "no class-data archive was written: $(tail -n 3 "$WORK/logs/train.log")"
    JAVA_ARGS+=(-XX:SharedArchiveFile="$WORK/cli.jsa")
    say "class-data archive: $(( $(stat -c %s "$WORK/cli.jsa") >> 20 )) MiB"
fi
MR=(java "${JAVA_ARGS[@]}" -Dmodel.redirect.connections="$CONNECTIONS" -jar "$JAR" pull)
mr() { "${MR[@]}" "$1" --store "$WORK/out/store"; }

RESUME=""
RANDOM=$SEED
LOAD_BEFORE=$(uptime | sed 's/.*load average: //')
say "$ROUNDS rounds; load average before: $LOAD_BEFORE"
for round in $(seq "$ROUNDS"); do
    fresh; timed curl_slow "$round" curl -s -S -f -o "$WORK/out/slow.bin" "$SLOW_URL"
    check "$WORK/out/slow.bin" "$SLOW_SHA"
    fresh; timed aria2_slow "$round" aria2c -x4 -q --allow-overwrite=true -d "$WORK/out" -o slow.bin "$SLOW_URL"
    check "$WORK/out/slow.bin" "$SLOW_SHA"
    fresh; timed mr_slow "$round" "${MR[@]}" "$SLOW_URL" --store "$WORK/out/store"
    check "$(pulled "$SPORT" slow.bin)" "$SLOW_SHA"

    # one kill -9 at a random point of a throttled pull, then the same pull again
    fresh
    before=$(sent)
    delay=$(awk -v r=$RANDOM 'BEGIN {printf "%.2f", 1.2 + 2.0 * r / 32767}')
    # the java process itself is the background job, so the kill reaches it (not a subshell around it)
    "${MR[@]}" "$SLOW_URL" --store "$WORK/out/store" >"$WORK/logs/killed.$round.log" 2>&1 &
    victim=$!
    sleep "$delay"
    kill -KILL "$victim" 2>/dev/null || true
    wait "$victim" 2>/dev/null || true
    mid=$(sent)
    mr "$SLOW_URL" >"$WORK/logs/resumed.$round.log" 2>&1 || die "the resumed pull failed: $(tail -n 3 "$WORK/logs/resumed.$round.log")"
    check "$(pulled "$SPORT" slow.bin)" "$SLOW_SHA"
    after=$(sent)
    ratio=$(awk -v a="$after" -v b="$before" -v s="$SLOW_SIZE" 'BEGIN {printf "%.4f", (a - b) / s}')
    RESUME+="$ratio "
    say "round $round  kill after ${delay}s: $(( (mid - before) >> 20 )) MiB sent before the kill," \
        "$(( (after - mid) >> 20 )) MiB after; fetched / size = $ratio"

    fresh
    [[ ${DROP_CACHE:-0} == 1 ]] && { echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; }
    cat "$FAST" >/dev/null
    timed curl_fast "$round" curl -s -S -f -o "$WORK/out/fast.bin" "$FAST_URL"
    check "$WORK/out/fast.bin" "$FAST_SHA"
    fresh
    [[ ${DROP_CACHE:-0} == 1 ]] && { echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; }
    cat "$FAST" >/dev/null
    timed mr_fast "$round" "${MR[@]}" "$FAST_URL" --store "$WORK/out/store"
    check "$(pulled "$PORT" fast.bin)" "$FAST_SHA"
done
LOAD_AFTER=$(uptime | sed 's/.*load average: //')

# ---------------------------------------------------------------- report

median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
minimum() { tr ' ' '\n' | grep . | sort -g | head -n 1; }
maximum() { tr ' ' '\n' | grep . | sort -g | tail -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a/b}'; }
verdict() { awk -v r="$1" -v g="$2" -v op="$3" 'BEGIN {ok = (op == "le") ? r <= g : r >= g; print ok ? "PASS" : "MISS"}'; }

echo
echo "Throttled: $THROTTLED_MB MiB at $RATE bytes/s per connection; loopback: $LOOPBACK_MB MiB from nginx;" \
    "$ROUNDS rounds, alternating; connections=$CONNECTIONS; cores=$(nproc)"
echo "load average before: $LOAD_BEFORE, after: $LOAD_AFTER"
printf '%-34s %9s %7s %7s\n' tool "median s" "min s" "max s"
for tool in "${TOOLS[@]}"; do
    printf '%-34s %9.2f %7.2f %7.2f\n' "${LABEL[$tool]}" "$(median <<<"${WALL[$tool]}")" \
        "$(minimum <<<"${WALL[$tool]}")" "$(maximum <<<"${WALL[$tool]}")"
done
echo "throttled, from the process's start to the server's first request for the file (median ms):" \
    "curl $(median <<<"${START[curl_slow]}"), aria2c $(median <<<"${START[aria2_slow]}")," \
    "pull $(median <<<"${START[mr_slow]}")"
mr_slow=$(median <<<"${WALL[mr_slow]}")
aria=$(median <<<"${WALL[aria2_slow]}")
curl_slow=$(median <<<"${WALL[curl_slow]}")
r1=$(ratio "$mr_slow" "$aria")
r2=$(ratio "$curl_slow" "$mr_slow")
r3=$(ratio "$(median <<<"${WALL[mr_fast]}")" "$(median <<<"${WALL[curl_fast]}")")
r4=$(median <<<"$RESUME")
echo
echo "throttled: pull / aria2c -x4 (median wall)  $r1   goal <= 1.05: $(verdict "$r1" 1.05 le)"
echo "throttled: curl / pull (median wall)        $r2   goal >= 3.5:  $(verdict "$r2" 3.5 ge)"
echo "loopback:  pull / curl -o (median wall)     $r3   goal <= 1.3:  $(verdict "$r3" 1.3 le)"
echo "resume:    bytes fetched over one kill / size, median $r4 (max $(maximum <<<"$RESUME"))   goal <= 1.02:" \
    "$(verdict "$(maximum <<<"$RESUME")" 1.02 le)"
echo "every file fetched verified against the source's sha256"
echo "reproduce: THROTTLED_MB=$THROTTLED_MB RATE=$RATE LOOPBACK_MB=$LOOPBACK_MB CONNECTIONS=$CONNECTIONS SEED=$SEED" \
    "JAVA_OPTS='${JAVA_OPTS:-}' CDS=${CDS:-0} src-it/bench/downloads-vs-peers.sh $ROUNDS"

#!/usr/bin/env bash
# Benchmark harness (not a test): downloads one large file from a private nginx on 127.0.0.1 with
#   (a) curl -o FILE                       the baseline: no hash, no fsync
#   (b) curl | tee FILE | sha256sum        curl plus hashing, for reference
#   (c) java -jar model-redirect.jar pull  the downloader: ranged chunks, sha256, fsync, atomic publication
# alternating, ROUNDS times each, and prints median wall time, peak RSS and the ratio (c)/(a).
#
# Usage (from the repository root):  src-it/bench/download-vs-curl.sh [SIZE_MB] [ROUNDS]   (defaults 2048 3)
# Environment:
#   JAVA_OPTS   extra JVM options for (c), e.g. JAVA_OPTS=-Xmx64m
#   JAR         the jar to measure (default agent/target/model-redirect.jar, built when missing)
#   BENCH_DIR   where the work directory is made (default /var/tmp); source file and downloads share its file system
#   KEEP_CACHE  1: do not drop the page cache between runs even when possible
#   SOURCE_CACHE  warm (default): the source file is read into the page cache before every run, so nginx serves it
#               from memory and the runs measure the transfer, not the disk; cold: nginx reads it from disk
# Exit code 0 when every run worked (goals are informational), 1 when something broke.
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

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

WORK=""
NGINX_PID=""
POLICY_RC=""
cleanup() {
    local rc=$?
    if [[ -n $NGINX_PID ]] && kill -0 "$NGINX_PID" 2>/dev/null; then
        kill -QUIT "$NGINX_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
    fi
    [[ -n $POLICY_RC ]] && rm -f "$POLICY_RC"
    [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'say "failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- prerequisites

[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is missing: apt-get install -y time"
command -v curl >/dev/null || die "curl is missing: apt-get install -y curl"
command -v java >/dev/null || die "java is missing"

if [[ ! -f $JAR ]]; then
    [[ $JAR == agent/target/model-redirect.jar ]] || die "JAR=$JAR does not exist"
    say "building $JAR (mvn -B -q package -pl agent -DskipTests)"
    mvn -B -q package -pl agent -DskipTests || die "the build failed"
fi

source "$(dirname "${BASH_SOURCE[0]}")/nginx-lib.sh"
nginx_ensure_installed

# ---------------------------------------------------------------- work directory and test file

BASE=${BENCH_DIR:-/var/tmp}
mkdir -p "$BASE"
WORK=$(mktemp -d "$BASE/mr-bench.XXXXXX")
chmod 755 "$WORK"
mkdir -p "$WORK/www" "$WORK/nginx/logs" "$WORK/out"
chmod 755 "$WORK/www"

need_kb=$(( SIZE_MB * 1024 * 2 + 512 * 1024 ))
free_kb=$(df -Pk "$WORK" | awk 'NR==2 {print $4}')
(( free_kb >= need_kb )) || die "$WORK has $((free_kb / 1024)) MiB free; needs about $((need_kb / 1024)) MiB"

FILE=$WORK/www/file.bin
say "generating $SIZE_MB MiB of random bytes in $FILE"
head -c $(( SIZE_MB * 1024 * 1024 )) /dev/urandom >"$FILE"
chmod 644 "$FILE"
SOURCE_SHA=$(sha256sum "$FILE" | cut -d' ' -f1)
say "sha256 $SOURCE_SHA"

# ---------------------------------------------------------------- nginx

nginx_start_on_free_port file.bin || die "nginx did not start: $(tail -n 5 "$WORK/nginx/logs/error.log" 2>/dev/null)"
URL=http://127.0.0.1:$PORT/file.bin
say "nginx $("$NGINX" -v 2>&1 | sed 's/.*version: //') (pid $NGINX_PID) serves $URL"

# ---------------------------------------------------------------- runs

DROP=""
if [[ ${KEEP_CACHE:-0} != 1 ]] && { sync; echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then
    DROP=1
    say "the page cache is dropped before every run"
else
    say "the page cache is NOT dropped between runs (needs root and a writable /proc/sys; or KEEP_CACHE=1);" \
        "only sync runs between them"
fi

settle() {
    rm -rf "$WORK/out"
    mkdir -p "$WORK/out"
    sync
    if [[ -n $DROP ]]; then echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; fi
    # nginx serves the source from memory (as a CDN would), unless SOURCE_CACHE=cold
    if [[ ${SOURCE_CACHE:-warm} != cold ]]; then cat "$FILE" >/dev/null; fi
}

declare -A WALL RSS CPU
TOOLS=(curl curl_sha mr)
declare -A LABEL=([curl]="curl -o" [curl_sha]="curl | tee | sha256sum" [mr]="model-redirect pull")

# timed TOOL ROUND CMD...: runs CMD under /usr/bin/time, records wall seconds, CPU seconds and peak RSS KiB
timed() {
    local tool=$1 round=$2
    shift 2
    local tf=$WORK/time.txt log=$WORK/logs/$tool.$round.log
    mkdir -p "$WORK/logs"
    if ! /usr/bin/time -f '%e %M %U %S' -o "$tf" "$@" >"$log" 2>&1; then
        say "FAILED: $tool, round $round: $*"
        sed 's/^/    /' "$log" "$tf" >&2 || true
        exit 1
    fi
    local wall rss user sys cpu
    read -r wall rss user sys < <(tail -n 1 "$tf")
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
    WALL[$tool]+="$wall "
    RSS[$tool]+="$rss "
    CPU[$tool]+="$cpu "
    printf 'bench: round %d  %-24s %7.2f s wall %6.2f s CPU %6d MiB\n' "$round" "${LABEL[$tool]}" "$wall" "$cpu" \
        $(( rss / 1024 )) >&2
}

say "$ROUNDS rounds of: curl -o, curl | sha256sum, model-redirect pull (JAVA_OPTS='${JAVA_OPTS:-}', JAR=$JAR)"
LOAD_BEFORE=$(uptime | sed 's/.*load average: //')
say "load average before: $LOAD_BEFORE"
for round in $(seq "$ROUNDS"); do
    settle
    timed curl "$round" curl -s -S -f -o "$WORK/out/file.bin" "$URL"
    actual=$(stat -c %s "$WORK/out/file.bin")
    (( actual == SIZE_MB * 1024 * 1024 )) || die "curl -o wrote $actual bytes"

    settle
    timed curl_sha "$round" bash -o pipefail -c \
        'curl -s -S -f "$1" | tee "$2" | sha256sum >"$3"' _ "$URL" "$WORK/out/file.bin" "$WORK/out/sha"
    [[ $(cut -d' ' -f1 "$WORK/out/sha") == "$SOURCE_SHA" ]] || die "curl | sha256sum: wrong sha256"

    settle
    store=$WORK/out/store
    timed mr "$round" java "${JAVA_ARGS[@]}" -jar "$JAR" pull "$URL" --store "$store"
    pulled=$store/url/127.0.0.1_$PORT/file.bin
    [[ -f $pulled ]] || die "model-redirect did not publish $pulled: $(cat "$WORK/logs/mr.$round.log")"
    grep -q "\"$SOURCE_SHA\"" "$pulled.meta.json" || die "the recorded sha256 in $pulled.meta.json is not the source's"
    [[ $(sha256sum "$pulled" | cut -d' ' -f1) == "$SOURCE_SHA" ]] || die "the pulled file's sha256 differs from the source's"
done
rm -rf "$WORK/out"
LOAD_AFTER=$(uptime | sed 's/.*load average: //')

# ---------------------------------------------------------------- report

median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
maximum() { tr ' ' '\n' | grep . | sort -g | tail -n 1; }
minimum() { tr ' ' '\n' | grep . | sort -g | head -n 1; }

echo
echo "Download of $SIZE_MB MiB from nginx on 127.0.0.1, $ROUNDS rounds each, alternating;" \
    "page cache $([[ -n $DROP ]] && echo dropped || echo 'NOT dropped') between runs;" \
    "source file ${SOURCE_CACHE:-warm} in cache"
echo "JAVA_OPTS='${JAVA_OPTS:-}'  JAR=$JAR  cores=$(nproc)  load average before: $LOAD_BEFORE, after: $LOAD_AFTER"
printf '%-24s %9s %7s %7s %12s %15s %12s\n' tool "median s" "min s" "max s" "median CPU s" "median RSS MiB" "max RSS MiB"
for tool in "${TOOLS[@]}"; do
    printf '%-24s %9.2f %7.2f %7.2f %12.2f %15.1f %12.1f\n' "${LABEL[$tool]}" \
        "$(median <<<"${WALL[$tool]}")" "$(minimum <<<"${WALL[$tool]}")" "$(maximum <<<"${WALL[$tool]}")" \
        "$(median <<<"${CPU[$tool]}")" \
        "$(median <<<"${RSS[$tool]}" | awk '{print $1/1024}')" "$(maximum <<<"${RSS[$tool]}" | awk '{print $1/1024}')"
done
curl_med=$(median <<<"${WALL[curl]}")
sha_med=$(median <<<"${WALL[curl_sha]}")
mr_med=$(median <<<"${WALL[mr]}")
mr_rss=$(maximum <<<"${RSS[mr]}" | awk '{printf "%.1f", $1/1024}')
ratio=$(awk -v a="$mr_med" -v b="$curl_med" 'BEGIN {printf "%.3f", a/b}')
ratio_sha=$(awk -v a="$mr_med" -v b="$sha_med" 'BEGIN {printf "%.3f", a/b}')
echo
echo "ratio model-redirect / curl -o (median wall): $ratio   goal <= 1.15: $(awk -v r="$ratio" 'BEGIN {print (r <= 1.15) ? "PASS" : "MISS"}')"
echo "ratio model-redirect / curl | sha256sum:      $ratio_sha   (reference)"
echo "peak RSS of model-redirect: $mr_rss MiB          goal < 150 MiB: $(awk -v m="$mr_rss" 'BEGIN {print (m < 150) ? "PASS" : "MISS"}')"
echo "sha256 of every pulled file equals the source's: $SOURCE_SHA"

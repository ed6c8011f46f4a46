#!/usr/bin/env bash
# Start-up cost of the agent on a trivial main that loads no DJL: the same JVM command without an agent, with a no-op
# agent (an empty premain: the JVM's own fixed cost of any -javaagent), and with -javaagent:model-redirect.jar,
# alternating, ROUNDS times each, in one run. Prints median wall time and median peak RSS of each, and the differences.
# Not a test: a measurement.
#
#   src-it/bench/agent-startup.sh [ROUNDS]        (default 20; JAVA=/path/to/java to use another JDK)
set -euo pipefail
cd "$(dirname "$0")/../.."
export OPT_OUT_TRACKING=true
ROUNDS=${1:-20}
JAVA=${JAVA:-java}
JAR=${JAR:-agent/target/model-redirect.jar}
[ -f "$JAR" ] || mvn -B -q package -pl agent -DskipTests
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/classes"
cat > "$work/src/Hello.java" <<'JAVA'
public class Hello {
    public static void main(String[] args) {
        System.out.println("hello " + args.length);
    }
}
JAVA
cat > "$work/src/NoopAgent.java" <<'JAVA'
public class NoopAgent {
    public static void premain(String args, java.lang.instrument.Instrumentation instrumentation) {
    }
}
JAVA
javac -d "$work/classes" "$work/src/Hello.java" "$work/src/NoopAgent.java"
printf 'Premain-Class: NoopAgent\n' > "$work/manifest"
(cd "$work/classes" && jar cfm "$work/noop-agent.jar" "$work/manifest" NoopAgent.class)

run() { # label, java args...: appends "wall_seconds rss_kib" to $work/$label
  local label=$1; shift
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$work/last" "$JAVA" "$@" -cp "$work/classes" Hello >/dev/null 2>"$work/stderr" \
    || { cat "$work/stderr" >&2; exit 1; }
  end=$(date +%s%N)
  echo "$(echo "($end - $start) / 1000000000" | bc -l) $(cat "$work/last")" >> "$work/$label"
}
# warm the file cache once
run warm; run warm -javaagent:"$work/noop-agent.jar"; run warm -javaagent:"$JAR"=store="$work/store"
for _ in $(seq "$ROUNDS"); do
  run plain
  run noop -javaagent:"$work/noop-agent.jar"
  run agent -javaagent:"$JAR"=store="$work/store"
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
plain_wall=$(cut -d' ' -f1 "$work/plain" | median); agent_wall=$(cut -d' ' -f1 "$work/agent" | median)
plain_rss=$(cut -d' ' -f2 "$work/plain" | median); agent_rss=$(cut -d' ' -f2 "$work/agent" | median)
noop_wall=$(cut -d' ' -f1 "$work/noop" | median); noop_rss=$(cut -d' ' -f2 "$work/noop" | median)
echo "java: $("$JAVA" -version 2>&1 | head -1); rounds: $ROUNDS each, alternating; load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %10s %14s\n' "" "wall (s)" "peak RSS (MiB)"
printf '%-22s %10.3f %14.1f\n' "trivial main" "$plain_wall" "$(echo "$plain_rss/1024" | bc -l)"
printf '%-22s %10.3f %14.1f\n' "with a no-op agent" "$noop_wall" "$(echo "$noop_rss/1024" | bc -l)"
printf '%-22s %10.3f %14.1f\n' "with model-redirect" "$agent_wall" "$(echo "$agent_rss/1024" | bc -l)"
printf '%-22s %+10.0f ms %+11.1f MiB   (goal: at most +60 ms and +15 MiB)\n' "model-redirect - none" \
  "$(echo "($agent_wall-$plain_wall)*1000" | bc -l)" "$(echo "($agent_rss-$plain_rss)/1024" | bc -l)"
printf '%-22s %+10.0f ms %+11.1f MiB   (the JVM fixed cost of any -javaagent)\n' "no-op agent - none" \
  "$(echo "($noop_wall-$plain_wall)*1000" | bc -l)" "$(echo "($noop_rss-$plain_rss)/1024" | bc -l)"
printf '%-22s %+10.0f ms %+11.1f MiB   (what model-redirect itself adds)\n' "model-redirect - no-op" \
  "$(echo "($agent_wall-$noop_wall)*1000" | bc -l)" "$(echo "($agent_rss-$noop_rss)/1024" | bc -l)"

# Shared by the benchmark scripts that run `serve` beside nginx: messages, clean-up on exit, the jar, stopping a
# process, and starting serve on a free port. Needs: WORK, JAR, JAVA_ARGS (array), NGINX_PID, SERVE_PID, POLICY_RC
# (set them, empty, before sourcing). Source it; it installs the EXIT/INT/TERM traps.

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# stops serve and nginx, removes the policy-rc.d guard and the work directory; keeps the exit code
cleanup() {
    local rc=$?
    stop_pid "$SERVE_PID" TERM
    stop_pid "$NGINX_PID" QUIT
    [[ -n $POLICY_RC ]] && rm -f "$POLICY_RC"
    [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ensure_jar: builds agent/target/model-redirect.jar when it is the JAR asked for and missing
ensure_jar() {
    if [[ ! -f $JAR ]]; then
        [[ $JAR == agent/target/model-redirect.jar ]] || die "JAR=$JAR does not exist"
        say "building $JAR (mvn -B -q package -pl agent -am -DskipTests)"
        mvn -B -q package -pl agent -am -DskipTests || die "the build failed"
    fi
}

# stop_pid PID SIGNAL: signal, wait up to 5 s, then SIGKILL
stop_pid() {
    local pid=$1 sig=$2
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill "-$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# serve_start STORE [SERVE OPTION...]: starts `java -jar $JAR serve --port 0 --store STORE --offline OPTIONS` and
# waits for its first line. Sets SERVE_PID and SERVE_BASE (http[s]://127.0.0.1:PORT); output in $WORK/serve.*.
serve_start() {
    local store=$1 line
    shift
    java "${JAVA_ARGS[@]}" -jar "$JAR" serve --port 0 --store "$store" --offline "$@" \
        >"$WORK/serve.stdout" 2>"$WORK/serve.stderr" </dev/null &
    SERVE_PID=$!
    SERVE_BASE=""
    for _ in $(seq 300); do
        line=$(head -n 1 "$WORK/serve.stdout" 2>/dev/null || true)
        if [[ $line =~ ^model-redirect:\ serving\ .*\ at\ (https?://[^ ]+)$ ]]; then
            SERVE_BASE=${BASH_REMATCH[1]}
            return 0
        fi
        kill -0 "$SERVE_PID" 2>/dev/null || break
        sleep 0.1
    done
    die "serve did not start: $(cat "$WORK/serve.stdout" "$WORK/serve.stderr")"
}

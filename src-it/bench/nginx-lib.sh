# Shared by the benchmark scripts: a private nginx on a free 127.0.0.1 port, serving $WORK/www, with its own
# configuration, logs and temporary folders under $WORK/nginx (never the system service).
# Needs: WORK, and `say` and `die` functions. Sets: NGINX, PORT, NGINX_PID, and POLICY_RC while installing (the
# caller's clean-up removes it if the script is interrupted). Source it; stop nginx with `kill $NGINX_PID`.

# nginx_ensure_installed: finds nginx, or installs it from Debian (as root) without starting the system service.
nginx_ensure_installed() {
    NGINX=$(command -v nginx || true)
    [[ -z $NGINX && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
    [[ -n $NGINX ]] && return 0
    [[ $EUID -eq 0 ]] || die "nginx is missing; install it as root: apt-get install -y nginx-light (or nginx)"
    say "installing nginx from Debian (the system service is not started)"
    apt-get update -qq
    local pkg=nginx candidate
    for candidate in nginx-light nginx; do
        if apt-cache policy "$candidate" 2>/dev/null | grep -q 'Candidate: [0-9]'; then pkg=$candidate; break; fi
    done
    # policy-rc.d 101 keeps the package's post-install script from starting the system service
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        POLICY_RC=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' >"$POLICY_RC"
        chmod +x "$POLICY_RC"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null
    if [[ -n $POLICY_RC ]]; then rm -f "$POLICY_RC"; POLICY_RC=""; fi
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    [[ -x $NGINX ]] || die "nginx is still missing after installing $pkg"
}

nginx_free_port() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
            2>/dev/null && return
    fi
    local p
    for _ in $(seq 50); do
        p=$(( 20000 + RANDOM % 40000 ))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
    return 1
}

# nginx_start PROBE: starts nginx on $PORT and waits until it serves $WORK/www/PROBE; 1 when it does not come up.
nginx_start() {
    local probe=$1 conf=$WORK/nginx/nginx.conf
    mkdir -p "$WORK/nginx/logs"
    cat >"$conf" <<NGINX_CONF
daemon off;
master_process on;
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    default_type application/octet-stream;
    client_body_temp_path $WORK/nginx/client_body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server {
        listen 127.0.0.1:$PORT;
        root $WORK/www;
    }
}
NGINX_CONF
    "$NGINX" -c "$conf" -p "$WORK/nginx/" -e "$WORK/nginx/logs/error.log" </dev/null \
        >>"$WORK/nginx/logs/stdout.log" 2>&1 &
    NGINX_PID=$!
    for _ in $(seq 50); do
        if curl -s -f -o /dev/null -r 0-0 "http://127.0.0.1:$PORT/$probe"; then return 0; fi
        kill -0 "$NGINX_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=""
    return 1
}

# nginx_start_on_free_port PROBE: up to three tries on fresh free ports; 1 when nginx never comes up.
nginx_start_on_free_port() {
    for _ in 1 2 3; do
        PORT=$(nginx_free_port) || return 1
        nginx_start "$1" && return 0
    done
    return 1
}

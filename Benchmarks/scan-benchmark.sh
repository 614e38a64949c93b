#!/usr/bin/env bash
# Compares tlsfit scan with sslscan, testssl.sh, nmap ssl-enum-ciphers and sslyze against one
# local nginx: wall time and the number of TCP connections each tool opens, on loopback and
# through a proxy that adds a 40 ms round trip. Offline: everything listens on 127.0.0.1.
#
# usage: Benchmarks/scan-benchmark.sh            (from the repository root; builds tlsfit -c release)
# env:   DELAY_MS=20 (one-way proxy delay)  TOOL_TIMEOUT=900 (seconds per tool run)  SKIP_BUILD=1
#
# Connections are counted by nginx itself: the `accepts` counter of stub_status on a second,
# plain-HTTP listener, read before and after each run (minus the one status request in between).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DELAY_MS=${DELAY_MS:-20}
TOOL_TIMEOUT=${TOOL_TIMEOUT:-900}
WORK=$(mktemp -d /tmp/tlsfit-bench.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
    sleep 0.3
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
TLS_PORT=$(free_port); STATUS_PORT=$(free_port); PROXY_PORT=$(free_port)

# The server: TLS 1.2 with 8 suites in a server order, TLS 1.3 with its 3 default suites, 3 groups.
TLS12_SUITES="ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA:AES256-GCM-SHA384:AES128-SHA"
SUITE_COUNT=11
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 30 \
    -subj "/CN=bench.tlsfit.test" -addext "subjectAltName=DNS:bench.tlsfit.test" 2>/dev/null
mkdir -p "$WORK/logs" "$WORK/tmp"
cat > "$WORK/nginx.conf" <<CONF
worker_processes 4;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log $WORK/logs/access.log;
    client_body_temp_path $WORK/tmp;
    proxy_temp_path $WORK/tmp;
    fastcgi_temp_path $WORK/tmp;
    uwsgi_temp_path $WORK/tmp;
    scgi_temp_path $WORK/tmp;
    server {
        listen 127.0.0.1:$TLS_PORT ssl;
        server_name bench.tlsfit.test;
        ssl_certificate $WORK/cert.pem;
        ssl_certificate_key $WORK/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers $TLS12_SUITES;
        ssl_prefer_server_ciphers on;
        ssl_ecdh_curve X25519:prime256v1:secp384r1;
        ssl_session_tickets off;
        location / { return 200 "ok\n"; }
    }
    server {
        listen 127.0.0.1:$STATUS_PORT;
        location / { stub_status; }
    }
}
CONF
nginx -c "$WORK/nginx.conf" -e "$WORK/logs/error.log" || { echo "nginx did not start"; exit 1; }
python3 /work/shared/tools/latency-proxy.py --listen "127.0.0.1:$PROXY_PORT" --target "127.0.0.1:$TLS_PORT" \
    --delay-ms "$DELAY_MS" >"$WORK/proxy.log" 2>&1 &
PIDS+=($!)
sleep 1

accepts() { curl -s "http://127.0.0.1:$STATUS_PORT/" | awk 'NR==3 {print $1}'; }

if [ -z "${SKIP_BUILD:-}" ]; then
    (cd "$ROOT" && swift build -c release >"$WORK/build.log" 2>&1) || { echo "release build failed"; cat "$WORK/build.log"; exit 1; }
fi
TLSFIT="$ROOT/.build/release/tlsfit"

# name | command template (PORT is replaced)
TOOLS=(
    "tlsfit scan|$TLSFIT scan 127.0.0.1:PORT --quiet --format json --timeout 10"
    "sslscan|sslscan --no-colour 127.0.0.1:PORT"
    "testssl.sh -p -P -E|env NXCONNECT=127.0.0.1:0 testssl --quiet --color 0 --warnings off --nodns none --ip 127.0.0.1 -p -P -E 127.0.0.1:PORT"
    "nmap ssl-enum-ciphers|nmap -n -Pn -p PORT --script ssl-enum-ciphers 127.0.0.1"
    "sslyze|sslyze 127.0.0.1:PORT"
)

printf '\nServer: nginx %s, %d suites (8 TLS 1.2 in server order + 3 TLS 1.3), groups X25519:P-256:P-384\n' \
    "$(nginx -v 2>&1 | sed 's/.*nginx\///')" "$SUITE_COUNT"
printf 'Host: %s cores; proxy one-way delay %s ms (round trip %s ms)\n\n' "$(nproc)" "$DELAY_MS" "$((DELAY_MS * 2))"
printf '| tool | loopback: time | loopback: connections | 40 ms RTT: time | 40 ms RTT: connections | note |\n'
printf '| --- | ---: | ---: | ---: | ---: | --- |\n'
for entry in "${TOOLS[@]}"; do
    name=${entry%%|*}
    template=${entry#*|}
    binary=$(echo "$template" | awk '{print ($1=="env") ? $3 : $1}')
    if ! command -v "$binary" >/dev/null 2>&1; then
        printf '| %s | - | - | - | - | not installed (%s) |\n' "$name" "$binary"
        continue
    fi
    row="| $name |"
    note=""
    for port in "$TLS_PORT" "$PROXY_PORT"; do
        command=${template//PORT/$port}
        before=$(accepts)
        start=$(date +%s.%N)
        timeout "$TOOL_TIMEOUT" $command >"$WORK/out-$name-$port.txt" 2>&1
        rc=$?
        end=$(date +%s.%N)
        sleep 0.5
        after=$(accepts)
        connections=$((after - before - 1))
        seconds=$(printf '%.2f' "$(echo "$end - $start" | bc)")
        row="$row ${seconds} s | $connections |"
        if [ "$rc" = 124 ]; then note="$note timed out after ${TOOL_TIMEOUT}s;"; fi
        if [ "$rc" != 0 ] && [ "$rc" != 124 ] && [ "$name" != "tlsfit scan" ]; then note="$note exit $rc;"; fi
        if [ "$name" = "tlsfit scan" ] && [ "$rc" != 0 ]; then note="$note exit $rc;"; fi
    done
    printf '%s %s |\n' "$row" "${note:-}"
done

# What tlsfit found, to check against the configuration above.
printf '\ntlsfit scan of the server (text):\n\n'
"$TLSFIT" scan "127.0.0.1:$TLS_PORT" --quiet --timeout 10 | sed 's/^/    /'

#!/usr/bin/env bash
# Compares tlsfit scan with sslscan, nmap ssl-enum-ciphers, sslyze and testssl.sh on three nginx
# profiles (issue #16), on loopback and through a proxy that adds a 40 ms round trip (connects
# included): wall time (median), CPU (user+sys of the tool and its children, median) and the
# TCP connections each tool opens (nginx's own count). Offline: everything listens on 127.0.0.1.
#
#   A  TLS 1.2 only, RSA-2048, 10 Windows Update-like suites, server order
#   B  TLS 1.2 + 1.3, ECDSA P-256, 3 + 3 suites, client order
#   C  ALL:@SECLEVEL=0, TLS 1.0-1.3, RSA-2048 (about 40 suites for TLS 1.2), server order
#
# usage: Benchmarks/scan-benchmark.sh            (from anywhere; builds tlsfit -c release)
# env:   LOOPBACK_RUNS=5  DELAYED_RUNS=3  DELAY_MS=20 (one-way)  TOOL_TIMEOUT=300  SKIP_BUILD=1
#        SLOW_RUNS=1 (rounds in which testssl.sh runs: it takes a minute a profile, 100x the others)
#        TLSFIT=path (a tlsfit binary to use instead of building)  INSTALL=0 (do not install peers)
#
# Runs are interleaved: each round runs every tool once on every profile, so load on the machine
# falls on all tools alike. Connections: the `accepts` counter of nginx's stub_status on a plain
# listener, read before and after each run (minus the status request). nginx runs 2 workers with
# the session cache and tickets off, so every connection is a full handshake.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOOPBACK_RUNS=${LOOPBACK_RUNS:-5}
DELAYED_RUNS=${DELAYED_RUNS:-3}
DELAY_MS=${DELAY_MS:-20}
TOOL_TIMEOUT=${TOOL_TIMEOUT:-300}
WORK=$(mktemp -d /tmp/tlsfit-bench.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
    sleep 0.3
    rm -rf "$WORK"
}
trap cleanup EXIT

# Prerequisites: the peers (Debian packages, sslyze from PyPI) when missing.
if [ "${INSTALL:-1}" = 1 ]; then
    missing=()
    for pair in sslscan:sslscan nmap:nmap testssl:testssl.sh hyperfine:hyperfine nginx:nginx-light bc:bc; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing ${missing[*]}" >&2
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    command -v sslyze >/dev/null 2>&1 || pip install -q sslyze >/dev/null 2>&1 || pip install -q --break-system-packages sslyze >/dev/null
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
STATUS_PORT=$(free_port)
declare -A PORT DPORT
for p in A B C; do PORT[$p]=$(free_port); DPORT[$p]=$(free_port); done

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/rsa.key" -out "$WORK/rsa.pem" -days 30 \
    -subj "/CN=bench.tlsfit.test" -addext "subjectAltName=DNS:bench.tlsfit.test" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/ec.key" -out "$WORK/ec.pem" -days 30 \
    -subj "/CN=bench.tlsfit.test" -addext "subjectAltName=DNS:bench.tlsfit.test" 2>/dev/null
mkdir -p "$WORK/logs" "$WORK/tmp"

A_SUITES="ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256"
B_SUITES="ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-SHA"
server_block() { # port cert key directives
    cat <<BLOCK
    server {
        listen 127.0.0.1:$1 ssl;
        server_name bench.tlsfit.test;
        ssl_certificate $2;
        ssl_certificate_key $3;
        ssl_session_cache off;
        ssl_session_tickets off;
        $4
        location / { return 200 "ok\n"; }
    }
BLOCK
}
cat > "$WORK/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log crit;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/tmp;
    proxy_temp_path $WORK/tmp;
    fastcgi_temp_path $WORK/tmp;
    uwsgi_temp_path $WORK/tmp;
    scgi_temp_path $WORK/tmp;
$(server_block "${PORT[A]}" "$WORK/rsa.pem" "$WORK/rsa.key" "ssl_protocols TLSv1.2; ssl_ciphers $A_SUITES; ssl_prefer_server_ciphers on; ssl_ecdh_curve X25519:prime256v1:secp384r1;")
$(server_block "${PORT[B]}" "$WORK/ec.pem" "$WORK/ec.key" "ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers $B_SUITES; ssl_prefer_server_ciphers off; ssl_ecdh_curve X25519:prime256v1;")
$(server_block "${PORT[C]}" "$WORK/rsa.pem" "$WORK/rsa.key" "ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3; ssl_ciphers ALL:@SECLEVEL=0; ssl_prefer_server_ciphers on;")
    server {
        listen 127.0.0.1:$STATUS_PORT;
        location / { stub_status; }
    }
}
CONF
nginx -c "$WORK/nginx.conf" -e "$WORK/logs/error.log" || { echo "nginx did not start"; exit 1; }
for p in A B C; do
    python3 /work/shared/tools/latency-proxy.py --listen "127.0.0.1:${DPORT[$p]}" --target "127.0.0.1:${PORT[$p]}" \
        --delay-ms "$DELAY_MS" --delay-connect >"$WORK/proxy-$p.log" 2>&1 &
    PIDS+=($!)
done
sleep 1

accepts() { curl -s "http://127.0.0.1:$STATUS_PORT/" | awk 'NR==3 {print $1}'; }

if [ -n "${TLSFIT:-}" ]; then
    :
elif [ -z "${SKIP_BUILD:-}" ]; then
    # Static Swift runtime: a third less start-up (no dynamic linking of the Swift libraries).
    # No $ORIGIN run path: the system's libssl is not searched for beside the binary first (about
    # 30 failed opens at every start, and a place to plant a library).
    (cd "$ROOT" && swift build -c release --static-swift-stdlib --disable-local-rpath --scratch-path "$ROOT/.build-static" >"$WORK/build.log" 2>&1) ||
        { echo "release build failed"; cat "$WORK/build.log"; exit 1; }
    TLSFIT="$ROOT/.build-static/release/tlsfit"
else
    TLSFIT="$ROOT/.build-static/release/tlsfit"
fi

# Wall time and CPU (user + sys of the tool and its children) of one command; prints "wall cpu rc".
# The wait is a blocking waitpid with a timer that kills at the timeout: subprocess.run(timeout=)
# polls with sleeps that double up to 50 ms, which added up to 33 ms to a 33 ms run.
cat > "$WORK/run.py" <<'PY'
import resource, subprocess, sys, threading, time
timeout, out = float(sys.argv[1]), sys.argv[2]
before = resource.getrusage(resource.RUSAGE_CHILDREN)
timed_out = []
with open(out, "wb") as f:
    start = time.monotonic()
    proc = subprocess.Popen(sys.argv[3:], stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    timer = threading.Timer(timeout, lambda: (timed_out.append(1), proc.kill()))
    timer.start()
    rc = proc.wait()
    wall = time.monotonic() - start
    timer.cancel()
if timed_out:
    rc = 124
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
print(f"{wall:.3f} {cpu:.3f} {rc}")
PY

# name | command template (PORT is replaced)
TOOLS=(
    "tlsfit scan|$TLSFIT scan bench.tlsfit.test --connect 127.0.0.1:PORT --quiet --format json --timeout 10"
    "tlsfit scan --fast|$TLSFIT scan bench.tlsfit.test --connect 127.0.0.1:PORT --quiet --format json --timeout 10 --fast"
    "sslscan|sslscan --no-colour 127.0.0.1:PORT"
    "nmap ssl-enum-ciphers|nmap -n -Pn -p PORT --script ssl-enum-ciphers 127.0.0.1"
    "sslyze|sslyze 127.0.0.1:PORT"
    "testssl.sh -p -P -E|env NXCONNECT=127.0.0.1:0 testssl --quiet --color 0 --warnings off --nodns none --ip 127.0.0.1 -p -P -E 127.0.0.1:PORT"
)

RESULTS="$WORK/results.tsv"   # profile net tool wall cpu connections rc
run_one() { # profile net tool-index
    local profile=$1 net=$2 entry=${TOOLS[$3]}
    local name=${entry%%|*} template=${entry#*|}
    local port=${PORT[$profile]}
    [ "$net" = delayed ] && port=${DPORT[$profile]}
    local binary
    binary=$(echo "$template" | awk '{print ($1=="env") ? $3 : $1}')
    command -v "$binary" >/dev/null 2>&1 || return
    case "$name" in testssl*) [ "$ROUND" -le "${SLOW_RUNS:-1}" ] || return ;; esac
    local before after
    before=$(accepts)
    read -r wall cpu rc < <(python3 "$WORK/run.py" "$TOOL_TIMEOUT" "$WORK/out-$profile-$net-$3.txt" ${template//PORT/$port})
    sleep 0.3
    after=$(accepts)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$profile" "$net" "$name" "$wall" "$cpu" "$((after - before - 1))" "$rc" >>"$RESULTS"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq 1 "$LOOPBACK_RUNS"); do
    ROUND=$round
    for p in A B C; do for t in "${!TOOLS[@]}"; do run_one "$p" loopback "$t"; done; done
    echo "loopback round $round done ($(cut -d' ' -f1 /proc/loadavg))" >&2
done
for round in $(seq 1 "$DELAYED_RUNS"); do
    ROUND=$round
    for p in A B C; do for t in "${!TOOLS[@]}"; do run_one "$p" delayed "$t"; done; done
    echo "40 ms round $round done ($(cut -d' ' -f1 /proc/loadavg))" >&2
done

# 14 hosts (the Windows Update hosts, all pointed at profile A) against one, through the 40 ms proxy.
resolve=()
while read -r host port; do resolve+=(--resolve "$host=127.0.0.1:${DPORT[A]}"); done < <(
    awk -F'\t' '$1 == "host" { print $2, $3 }' "$ROOT/CipherSuites/update-hosts.tsv")
echo "14 hosts: ${#resolve[@]} --resolve arguments" >&2
MANY=()
for round in $(seq 1 "$DELAYED_RUNS"); do
    read -r wall cpu rc < <(python3 "$WORK/run.py" "$TOOL_TIMEOUT" "$WORK/out-many.txt" "$TLSFIT" scan --windows-update "${resolve[@]}" --quiet --format json --timeout 10)
    MANY+=("$wall")
done
END_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

# Exactness: what tlsfit found against the configuration.
python3 - "$WORK" "$A_SUITES" "$B_SUITES" <<'PY'
import json, sys, glob
work, a, b = sys.argv[1], sys.argv[2].split(":"), sys.argv[3].split(":")
def load(profile, tool):
    try: return json.load(open(f"{work}/out-{profile}-loopback-{tool}.txt"))["hosts"][0]
    except Exception as e: return None
for tool, label in [(0, "tlsfit scan"), (1, "tlsfit scan --fast")]:
    A, B, C = load("A", tool), load("B", tool), load("C", tool)
    ok = []
    ok.append(A is not None and [s for s in A["protocols"].get("TLSv1.2", {}).get("cipherSuites", [])].__len__() == 10 and A["serverPreference"].get("TLSv1.2") is True and [p for p, v in A["protocols"].items() if v["accepted"]] == ["TLSv1.2"])
    ok.append(B is not None and len(B["protocols"]["TLSv1.2"]["cipherSuites"]) == 3 and len(B["protocols"]["TLSv1.3"]["cipherSuites"]) == 3 and B["serverPreference"].get("TLSv1.2") is False)
    print(f"{label}: A {'exact' if ok[0] else 'WRONG'} (10 suites, server order, TLS 1.2 only); B {'exact' if ok[1] else 'WRONG'} (3 + 3 suites, client order); C: " +
          ", ".join(f"{v}: {len(C['protocols'][v]['cipherSuites'])}" for v in sorted(C["protocols"]) if C["protocols"][v]["accepted"]) if C else "C: no result")
A0, A1 = load("A", 0), load("A", 1)
C0, C1 = load("C", 0), load("C", 1)
if A0: print("A order:", " ".join(A0["protocols"]["TLSv1.2"]["cipherSuites"]))
if C0 and C1: print("C: --fast found the same suites in the same order as the default:", C0["protocols"] == C1["protocols"] and C0["serverPreference"] == C1["serverPreference"])
PY

# The table: medians.
python3 - "$RESULTS" "$START_LOAD" "$END_LOAD" "$(nproc)" "${MANY[*]}" <<'PY'
import sys, statistics, collections
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
data = collections.defaultdict(list)
for profile, net, tool, wall, cpu, conns, rc in rows:
    data[(profile, net, tool)].append((float(wall), float(cpu), int(conns), int(rc)))
tools = list(dict.fromkeys(r[2] for r in rows))
def med(key, i):
    v = [x[i] for x in data.get(key, [])]
    return statistics.median(v) if v else None
print(f"\nload average: {sys.argv[2]} at the start, {sys.argv[3]} at the end; {sys.argv[4]} cores\n")
for profile in "ABC":
    print(f"Profile {profile}\n")
    print("| tool | loopback: time | CPU | connections | 40 ms RTT: time | CPU | connections | vs tlsfit (loopback / 40 ms) | note |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    base = {net: med((profile, net, "tlsfit scan"), 0) for net in ("loopback", "delayed")}
    for tool in tools:
        cells, notes = [], set()
        for net in ("loopback", "delayed"):
            k = (profile, net, tool)
            if k not in data: cells += ["-", "-", "-"]; continue
            cells += [f"{med(k,0):.2f} s", f"{med(k,1):.2f} s", f"{med(k,2):.0f}"]
            for x in data[k]:
                if x[3] == 124: notes.add("timed out")
                elif x[3] != 0 and not tool.startswith("tlsfit"): notes.add(f"exit {x[3]}")
                elif x[3] != 0: notes.add(f"tlsfit exit {x[3]}")
        runs = [len(data.get((profile, n, tool), [])) for n in ("loopback", "delayed")]
        if tool.startswith("testssl"): notes.add(f"{runs[0]} + {runs[1]} runs")
        ratio = "/".join(f"{med((profile, n, tool), 0) / base[n]:.1f}x" if base[n] and (profile, n, tool) in data else "-" for n in ("loopback", "delayed"))
        print(f"| {tool} | " + " | ".join(cells) + f" | {ratio} | {', '.join(sorted(notes))} |")
    print()
many = [float(x) for x in sys.argv[5].split()]
one = med(("A", "delayed", "tlsfit scan"), 0)
if many and one:
    print(f"14 hosts (profile A, 40 ms): median {statistics.median(many):.2f} s, one host {one:.2f} s: {statistics.median(many) / one:.1f}x")
PY

# Start-up: a scan of a closed port (nothing listens on 127.0.0.1:1), and the same binary's --version.
if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N -i -w 5 -r 50 --export-json "$WORK/closed.json" "$TLSFIT scan 127.0.0.1:1 --timeout 1" "$TLSFIT --version" >/dev/null 2>&1
    python3 - "$WORK/closed.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command'].split('/')[-1]}: mean {r['mean'] * 1000:.1f} ms, median {r['median'] * 1000:.1f} ms, best {r['min'] * 1000:.1f} ms (hyperfine, 50 runs)")
PY
fi

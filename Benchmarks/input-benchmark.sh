#!/usr/bin/env bash
# Inputs at the speed of the disk, hosts side by side (issue #26): every row against its floor, the
# same work done by a plain tool, in one run. Offline: everything listens on 127.0.0.1.
#
#   log      diagnose --log of a 60 MB WindowsUpdate.log       vs grep -cE 'FAILED|Making request'
#   fleet    report --fleet of 20,000 and 100,000 exports       vs cat of the same files
#   pcap     hello --pcap of a 1,000-hello capture              vs tshark printing every hello's JA3
#   proxy    diagnose of 9 hosts and of 1 host through a proxy that never answers, --timeout 3
#   reg      config of a .reg of a million values               vs grep -c '='
#   scan     Benchmarks/scan-benchmark.sh (the last round's table), and the connections of
#            tlsfit scan, sslscan and nmap on a TLS 1.2-only openssl s_server, Windows
#            Update-like suites, server order
#
# usage: Benchmarks/input-benchmark.sh [ROW...]     (default: every row; builds tlsfit -c release)
# env:   TLSFIT=path (a binary instead of building)  LOG_MB=60  FLEET=20000  FLEET_BIG=100000
#        SCAN=0 (skip the scan rows)  INSTALL=0 (do not install sslscan/nmap)  KEEP=1 (keep inputs)
#        LOOPBACK_RUNS=3 DELAYED_RUNS=2 SLOW_RUNS=0 (passed to scan-benchmark.sh)
# Wall time and peak RSS come from /usr/bin/time -v; the load average is printed at both ends.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${*:-log fleet pcap proxy reg scan}
LOG_MB=${LOG_MB:-60}
FLEET=${FLEET:-20000}
FLEET_BIG=${FLEET_BIG:-100000}
WORK=$(mktemp -d /tmp/tlsfit-input-bench.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

if [ -n "${TLSFIT:-}" ]; then
    BIN=$TLSFIT
else
    # As the scan benchmark: static Swift runtime, no $ORIGIN RUNPATH.
    (cd "$ROOT" && swift build -c release --static-swift-stdlib --disable-local-rpath --scratch-path .build-static --product tlsfit >/dev/null) || exit 1
    BIN=$ROOT/.build-static/release/tlsfit
fi
echo "binary: $BIN ($(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null))"
echo "machine: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
TABLE=$WORK/table.md
printf '| work | tlsfit | floor | ratio | target | met |\n|---|---|---|---|---|---|\n' >"$TABLE"

# measure CMD... -> prints "wall_seconds peak_MiB exit cpu_seconds" (wall from a monotonic clock; RSS and
# user+system CPU from time -v).
measure() {
    python3 - "$@" <<'PY'
import subprocess, sys, time
cmd = sys.argv[1:]
start = time.monotonic()
run = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.monotonic() - start
rss = 0
cpu = 0.0
for line in run.stderr.splitlines():
    if "Maximum resident set size" in line:
        rss = int(line.split(":")[1]) / 1024
    if "User time (seconds)" in line or "System time (seconds)" in line:
        cpu += float(line.split(":")[1])
code = run.returncode
for line in run.stderr.splitlines():
    if "Exit status" in line:
        code = int(line.split(":")[1])
print(f"{wall:.3f} {rss:.1f} {code} {cpu:.3f}")
PY
}
# row WORK TLSFIT_S TLSFIT_MIB TLSFIT_CPU FLOOR_TEXT FLOOR_S FLOOR_CPU MIN_FLOOR TARGET_RATIO MAX_MIB TARGET_TEXT
# (the floor counts as MIN_FLOOR seconds when it is faster; the ratio is of wall times)
row() {
    python3 - "$@" >>"$TABLE" <<'PY'
import sys
work, s, mib, cpu, floor_text, floor_s, floor_cpu, min_floor, target, max_mib, target_text = sys.argv[1:]
s, mib, cpu, floor_s, floor_cpu, min_floor, target, max_mib = map(float, (s, mib, cpu, floor_s, floor_cpu, min_floor, target, max_mib))
f = max(floor_s, min_floor)
ratio = s / f
met = ratio <= target and (max_mib <= 0 or mib <= max_mib)
floor = f"{floor_text}: {floor_s:.2f} s (CPU {floor_cpu:.2f} s)" if floor_text else "-"
print(f"| {work} | {s:.2f} s (CPU {cpu:.2f} s), {mib:.0f} MiB | {floor} | {ratio:.1f}x | {target_text} | {'yes' if met else 'NO'} |")
PY
    tail -1 "$TABLE"
}
has() { case " $ROWS " in *" $1 "*) return 0;; *) return 1;; esac; }

if has log; then
    python3 "$ROOT/Benchmarks/make-inputs.py" wulog "$WORK/WindowsUpdate.log" "$LOG_MB"
    ls -l "$WORK/WindowsUpdate.log" | awk '{print "log:", $5, "bytes"}'
    grep -cE 'FAILED|Making request' "$WORK/WindowsUpdate.log" >/dev/null  # page cache
    read -r gs _ _ gs_cpu <<<"$(measure grep -cE 'FAILED|Making request' "$WORK/WindowsUpdate.log")"
    read -r ts tm tc ts_cpu <<<"$(measure "$BIN" diagnose --log "$WORK/WindowsUpdate.log" --offline --server-profile windows-update --quiet --format json)"
    echo "diagnose --log exit $tc"
    row "\`diagnose --log\` of a $LOG_MB MB WindowsUpdate.log" "$ts" "$tm" "$ts_cpu" "\`grep -cE\`" "$gs" "$gs_cpu" 0.05 10 100 "10x grep, < 100 MiB"
    # Streamed: four times the file, the same memory.
    for _ in 1 2 3; do cat "$WORK/WindowsUpdate.log"; done >>"$WORK/big.log"
    cat "$WORK/WindowsUpdate.log" >>"$WORK/big.log"
    read -r gs _ _ gs_cpu <<<"$(measure grep -cE 'FAILED|Making request' "$WORK/big.log")"
    read -r ts tm tc ts_cpu <<<"$(measure "$BIN" diagnose --log "$WORK/big.log" --offline --server-profile windows-update --quiet --format json)"
    # The issue's 10x is the 60 MB row's; this row checks that memory stays flat (the ratio is shown, not judged).
    row "\`diagnose --log\` of a $((LOG_MB * 4)) MB WindowsUpdate.log" "$ts" "$tm" "$ts_cpu" "\`grep -cE\`" "$gs" "$gs_cpu" 0.05 1000000 100 "< 100 MiB (streamed)"
    rm -f "$WORK/big.log" "$WORK/WindowsUpdate.log"
fi

if has fleet; then
    for count in $FLEET $FLEET_BIG; do
        python3 "$ROOT/Benchmarks/make-fleet.py" "$WORK/fleet$count" "$count" >/dev/null
        du -sh "$WORK/fleet$count" | awk -v c="$count" '{print "fleet of", c, "exports:", $1}'
        sh -c "find '$WORK/fleet$count' -type f -print0 | xargs -0 cat >/dev/null"
        read -r cs _ _ cs_cpu <<<"$(measure sh -c "find '$WORK/fleet$count' -type f -print0 | xargs -0 cat >/dev/null")"
        read -r ts tm tc ts_cpu <<<"$(measure "$BIN" report --fleet "$WORK/fleet$count" --offline --server-profile windows-update --format json --output "$WORK/fleet.json" --quiet)"
        echo "report --fleet exit $tc (1: some groups fail, as generated)"
        if [ "$count" = "$FLEET" ]; then
            row "\`report --fleet\` of $count exports" "$ts" "$tm" "$ts_cpu" "\`cat\`" "$cs" "$cs_cpu" 0.2 3 200 "3x cat, < 200 MiB"
        else
            row "\`report --fleet\` of $count exports" "$ts" "$tm" "$ts_cpu" "\`cat\`" "$cs" "$cs_cpu" 0.2 "$(python3 -c "print(5 / max($cs, 0.2))")" 0 "5 s"
        fi
        rm -rf "$WORK/fleet$count"
    done
fi

if has pcap; then
    hexes=()
    for r in windows-7 windows-8.1 windows-10-1607 windows-10-22h2 windows-11 server-2012r2 server-2016 server-2019 server-2022 server-2025; do
        h=$("$BIN" hello --windows "$r" --format hex 2>/dev/null | tr -d ' \n')
        [ -n "$h" ] && hexes+=("$h")
    done
    python3 "$ROOT/Benchmarks/make-inputs.py" pcap "$WORK/hellos.pcap" 1000 "${hexes[@]}"
    ls -l "$WORK/hellos.pcap" | awk -v n="${#hexes[@]}" '{print "capture:", $5, "bytes, 1000 hellos of", n, "releases"}'
    tshark -r "$WORK/hellos.pcap" -Y tls.handshake.type==1 -T fields -e tls.handshake.ja3 >/dev/null 2>&1
    read -r ss _ _ ss_cpu <<<"$(measure tshark -r "$WORK/hellos.pcap" -Y tls.handshake.type==1 -T fields -e tls.handshake.ja3)"
    echo "tshark JA3 lines: $(tshark -r "$WORK/hellos.pcap" -Y tls.handshake.type==1 -T fields -e tls.handshake.ja3 2>/dev/null | grep -c .)"
    read -r ts tm tc ts_cpu <<<"$(measure "$BIN" hello --pcap "$WORK/hellos.pcap")"
    echo "hello --pcap exit $tc"
    row "\`hello --pcap\` of 1,000 hellos" "$ts" "$tm" "$ts_cpu" "tshark JA3" "$ss" "$ss_cpu" 0 0.5 0 "2x faster than tshark"
fi

if has proxy; then
    PPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    # A proxy that accepts and never answers.
    python3 - "$PPORT" <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(512)
held = []
while True:
    c, _ = s.accept(); held.append(c)
PY
    PIDS+=($!)
    sleep 0.5
    printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319]\r\n"SchUseStrongCrypto"=dword:00000001\r\n' >"$WORK/machine.reg"
    hosts="sls.update.microsoft.com fe2.update.microsoft.com fe2cr.update.microsoft.com fe3.delivery.mp.microsoft.com fe3cr.delivery.mp.microsoft.com slscr.update.microsoft.com tsfe.trafficshaping.dsp.mp.microsoft.com settings-win.data.microsoft.com login.live.com"
    read -r one om oc one_cpu <<<"$(measure "$BIN" diagnose fe2.update.microsoft.com --config "$WORK/machine.reg" --proxy "http://127.0.0.1:$PPORT" --timeout 3 --quiet --format json)"
    # shellcheck disable=SC2086
    read -r nine nm nc nine_cpu <<<"$(measure "$BIN" diagnose $hosts --config "$WORK/machine.reg" --proxy "http://127.0.0.1:$PPORT" --timeout 3 --quiet --format json)"
    echo "silent proxy: 1 host $one s (exit $oc), 9 hosts $nine s (exit $nc)"
    row "\`diagnose\` of 1 host through a silent proxy, \`--timeout 3\`" "$one" "$om" "$one_cpu" "" 3 0 3 "$(python3 -c "print(4 / 3)")" 0 "timeout + 1 s (4 s)"
    row "\`diagnose\` of 9 hosts through a silent proxy, \`--timeout 3\`" "$nine" "$nm" "$nine_cpu" "1 host" "$one" "$one_cpu" 0 1.5 0 "1.5x one host"
fi

if has reg; then
    python3 "$ROOT/Benchmarks/make-inputs.py" reg "$WORK/million.reg" 1000000
    ls -l "$WORK/million.reg" | awk '{print ".reg:", $5, "bytes"}'
    grep -c '=' "$WORK/million.reg" >/dev/null
    read -r gs _ _ gs_cpu <<<"$(measure grep -c '=' "$WORK/million.reg")"
    read -r ts tm tc ts_cpu <<<"$(measure "$BIN" config "$WORK/million.reg" --format json)"
    echo "config exit $tc"
    row "\`config\` of a .reg of a million values" "$ts" "$tm" "$ts_cpu" "\`grep -c '='\`" "$gs" "$gs_cpu" 0.05 20 300 "20x grep (1 s), < 300 MiB"
    rm -f "$WORK/million.reg"
fi

if has scan && [ "${SCAN:-1}" = 1 ]; then
    if [ "${INSTALL:-1}" = 1 ]; then
        missing=()
        for pair in sslscan:sslscan nmap:nmap hyperfine:hyperfine bc:bc; do command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}"); done
        if [ ${#missing[@]} -gt 0 ]; then
            echo "installing ${missing[*]}" >&2
            apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
        fi
    fi
    # TLS 1.2 only, RSA, 10 Windows Update-like suites in server order, on openssl s_server; a relay
    # in front counts the connections each tool opens.
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/rsa.key" -out "$WORK/rsa.pem" -days 30 \
        -subj "/CN=bench.tlsfit.test" -addext "subjectAltName=DNS:bench.tlsfit.test" 2>/dev/null
    SPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    RPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    openssl s_server -quiet -accept "127.0.0.1:$SPORT" -cert "$WORK/rsa.pem" -key "$WORK/rsa.key" -tls1_2 -serverpref \
        -cipher "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256" \
        </dev/null >/dev/null 2>&1 &
    PIDS+=($!)
    python3 - "$RPORT" "$SPORT" "$WORK/accepts" <<'PY' &
import socket, sys, threading
listen, target, counter = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", listen)); s.listen(512)
count = 0
def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            b.sendall(d)
    except OSError: pass
    for x in (a, b):
        try: x.shutdown(socket.SHUT_RDWR)
        except OSError: pass
while True:
    c, _ = s.accept()
    count += 1
    open(counter, "w").write(str(count))
    try: u = socket.create_connection(("127.0.0.1", target))
    except OSError: c.close(); continue
    for a, b in ((c, u), (u, c)): threading.Thread(target=pipe, args=(a, b), daemon=True).start()
PY
    PIDS+=($!)
    sleep 1
    echo 0 >"$WORK/accepts"
    counts() {  # TOOL CMD...: connections the command opened
        local before after
        before=$(cat "$WORK/accepts"); "${@:2}" >"$WORK/$1.out" 2>&1; sleep 0.3; after=$(cat "$WORK/accepts")
        echo $((after - before))
    }
    tc=$(counts tlsfit "$BIN" scan "127.0.0.1:$RPORT" --timeout 5)
    grep -E "TLS|suite" "$WORK/tlsfit.out" | head -3
    sc=NA; nc=NA
    command -v sslscan >/dev/null && sc=$(counts sslscan sslscan --no-colour "127.0.0.1:$RPORT")
    command -v nmap >/dev/null && nc=$(counts nmap nmap -Pn -p "$RPORT" --script ssl-enum-ciphers 127.0.0.1)
    echo "s_server connections: tlsfit $tc, sslscan $sc, nmap $nc"
    fewer=$(python3 -c "v=[int(x) for x in '$sc $nc'.split() if x.isdigit()]; print(min(v) if v else 0)")
    echo "| connections of \`scan\` on an openssl s_server (TLS 1.2, 10 suites, server order) | $tc | sslscan $sc, nmap $nc | | at most the fewer ($fewer) | $([ "$fewer" -gt 0 ] && [ "$tc" -le "$fewer" ] && echo yes || echo NO) |" >>"$TABLE"
    tail -1 "$TABLE"
    echo "scan benchmark (the last round's targets):"
    LOOPBACK_RUNS=${LOOPBACK_RUNS:-3} DELAYED_RUNS=${DELAYED_RUNS:-2} SLOW_RUNS=${SLOW_RUNS:-0} TLSFIT=$BIN INSTALL=0 \
        bash "$ROOT/Benchmarks/scan-benchmark.sh" 2>&1 | tee "$WORK/scan-benchmark.out" | tail -45
fi

echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$TABLE"

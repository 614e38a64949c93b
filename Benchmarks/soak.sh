#!/usr/bin/env bash
# Soak run: scan a set of local servers (two tlsfit serve profiles, a silent server, a refused port)
# over and over in ONE tlsfit process for SOAK_SECONDS (default 300), then Ctrl-C it, and report
# the client's memory and open files per round and the servers' at start and end.
# Usage: Benchmarks/soak.sh [SECONDS]   (release build; needs python3)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL=${1:-${SOAK_SECONDS:-300}}
swift build -c release --disable-local-rpath --product tlsfit >/dev/null
BIN=$(swift build -c release --disable-local-rpath --show-bin-path)/tlsfit
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P1=$(free_port); P2=$(free_port); P3=$(free_port); P4=$(free_port)
"$BIN" serve --profile windows-update --port "$P1" --cert-out "$WORK/a" >/dev/null 2>&1 &
S1=$!
"$BIN" serve --profile windows-update-tls13 --port "$P2" --cert-out "$WORK/b" >/dev/null 2>&1 &
S2=$!
python3 - "$P3" <<'PY' &
import socket, sys, threading, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
def hold(c):
    time.sleep(30); c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=hold, args=(c,), daemon=True).start()
PY
sleep 1.5
cat "$WORK/a/ca.pem" "$WORK/b/ca.pem" > "$WORK/ca.pem"

usage() { awk '/VmRSS/ {print $2}' /proc/$1/status; }
fds() { ls /proc/$1/fd | wc -l; }
echo "servers at start: serve#1 rss $(usage $S1) KiB fds $(fds $S1); serve#2 rss $(usage $S2) KiB fds $(fds $S2)"

start=$(date +%s)
timeout -s INT "$SECONDS_TOTAL" "$BIN" scan --quiet --format json --timeout 1 \
    fe2.update.microsoft.com sls.update.microsoft.com 127.0.0.1:"$P3" 127.0.0.1:"$P4" \
    --resolve fe2.update.microsoft.com=127.0.0.1:"$P1" --resolve sls.update.microsoft.com=127.0.0.1:"$P2" \
    --ca-file "$WORK/ca.pem" --repeat 1000000 >/dev/null 2>"$WORK/rounds.txt" || true
end=$(date +%s)

echo "servers at end:   serve#1 rss $(usage $S1) KiB fds $(fds $S1); serve#2 rss $(usage $S2) KiB fds $(fds $S2)"
python3 - "$WORK/rounds.txt" "$((end - start))" <<'PY'
import re, sys
rows = [tuple(map(int, m.groups())) for m in re.finditer(r"round (\d+): (\d+) connections, rss (\d+) KiB, open files (\d+)", open(sys.argv[1]).read())]
if not rows:
    print("no rounds recorded"); sys.exit(1)
n = len(rows); conns = sum(r[1] for r in rows)
first, last = rows[0], rows[-1]
tenth = rows[min(9, n - 1)]
print(f"client: {n} rounds, {conns} connections in {sys.argv[2]} s")
print(f"client rss KiB: round 1 {first[2]}, round {tenth[0]} {tenth[2]}, last {last[2]}, max {max(r[2] for r in rows)}")
print(f"client open files: round 1 {first[3]}, last {last[3]}, max {max(r[3] for r in rows)}")
print("interrupted cleanly" if "scan interrupted" in open(sys.argv[1]).read() else "NOT interrupted cleanly")
PY

#!/bin/sh
# Fleet benchmark: 10,000 varied exports, grouped and simulated offline against the Windows Update hosts.
#   Benchmarks/fleet-benchmark.sh [COUNT]
# Builds tlsfit in release mode, writes the fleet with make-fleet.py (deterministic), runs
#   tlsfit report --fleet DIR --offline --server-profile windows-update --format json --output /tmp/...
# and prints the wall time, configurations (exports) per second and the peak RSS.
set -eu
cd "$(dirname "$0")/.."
COUNT="${1:-10000}"
WORK="$(mktemp -d /tmp/tlsfit-fleet-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT INT TERM
swift build -c release --disable-local-rpath --product tlsfit >/dev/null
BIN="$(swift build -c release --disable-local-rpath --show-bin-path)/tlsfit"
python3 Benchmarks/make-fleet.py "$WORK/fleet" "$COUNT"
OUT="$WORK/report.json"
set +e
python3 - "$BIN" "$WORK/fleet" "$OUT" "$COUNT" <<'PY'
import json, os, resource, subprocess, sys, time
binary, fleet, out, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
cmd = [binary, "report", "--fleet", fleet, "--offline", "--server-profile", "windows-update", "--format", "json", "--output", out, "--quiet"]
print("command:", " ".join(cmd))
timed = os.path.exists("/usr/bin/time")
start = time.monotonic()
run = subprocess.run((["/usr/bin/time", "-v"] if timed else []) + cmd, stderr=subprocess.PIPE, text=True)
wall = time.monotonic() - start
rc = run.returncode
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
source = "python resource (RUSAGE_CHILDREN)"
for line in run.stderr.splitlines():
    if timed and "Maximum resident set size" in line:
        peak_kib, source = int(line.split(":")[1]), "/usr/bin/time -v"
    elif not line.strip().startswith(("Command being timed", "User time", "System time", "Percent", "Elapsed", "Average",
                                      "Maximum", "Major", "Minor", "Voluntary", "Involuntary", "Swaps", "File system",
                                      "Socket", "Signals", "Page size", "Exit status")):
        print(line, file=sys.stderr)
report = json.load(open(out))
groups = report["groups"]
machines = sum(g["machineCount"] for g in groups)
print(f"exit code {rc} (1: some groups fail, as generated)")
print(f"exports: {count}, machines read: {machines}, skipped: {len(report['skipped'])}, distinct configurations: {len(groups)}, hosts: {len(report['hosts'])}, cells: {len(report['cells'])}")
print(f"wall time: {wall:.2f} s")
print(f"configurations per second: {count / wall:.0f} exports/s")
print(f"peak RSS: {peak_kib / 1024:.1f} MiB ({source})")
PY

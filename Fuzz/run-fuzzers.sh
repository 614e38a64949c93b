#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each one for a fixed budget.
#
#   Fuzz/run-fuzzers.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 60; TARGET defaults to every target. Inputs that crash, hang
# (-timeout=10) or exceed -rss_limit_mb=2048 land in Fuzz/artifacts/<target>/; the corpus grows
# in Fuzz/corpus/<target>/ (neither is checked in). A crash does not end the target's run: the
# fuzzer restarts for what remains of the budget. Prints a Markdown table; exits 1 when anything
# was found.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fixtures="$here/../Tests/TLSFitCoreTests/Fixtures/windows"
budget="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(regedit pol gpresult suites-text suites-json cipherlist hostport server-profile windows-config capture)
fi

# -use-ld=lld: gold aborts ("internal error in format_file_lineno") on these links.
build=(swift build --package-path "$here" -c release
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld)
"${build[@]}" >&2
bin="$("${build[@]}" --show-bin-path)"

# Suppressions for leaks outside tlsfit, if any (see lsan.supp).
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# Seed directories (read-only: libFuzzer writes new inputs only into the first corpus directory).
seeds() {
    case "$1" in
        regedit) echo "$fixtures/regedit $fixtures/broken" ;;
        pol) echo "$fixtures/pol $fixtures/broken" ;;
        gpresult) echo "$fixtures/gpresult $here/seeds/gpresult $fixtures/broken" ;;
        suites-text) echo "$fixtures/tls $fixtures/lists" ;;
        suites-json) echo "$fixtures/tls" ;;
        cipherlist) echo "$here/seeds/cipherlist $fixtures/lists" ;;
        hostport) echo "$here/seeds/hostport" ;;
        server-profile) echo "$here/seeds/server-profile" ;;
        capture) echo "$here/seeds/capture" ;;
        windows-config) echo "$fixtures/regedit $fixtures/pol $fixtures/gpresult $fixtures/tls $fixtures/lists $fixtures/broken" ;;
    esac
}
dict() {
    case "$1" in
        regedit | windows-config) echo "$here/dicts/regedit.dict" ;;
        gpresult) echo "$here/dicts/xml.dict" ;;
        suites-json | server-profile) echo "$here/dicts/json.dict" ;;
    esac
}

rows=()
found_total=0
for target in "${targets[@]}"; do
    corpus="$here/corpus/$target"
    artifacts="$here/artifacts/$target"
    log="$here/artifacts/$target.log"
    mkdir -p "$corpus" "$artifacts"
    : > "$log"
    options=(-max_total_time="$budget" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
             -artifact_prefix="$artifacts/")
    d="$(dict "$target")"
    [ -n "$d" ] && options+=(-dict="$d")
    read -r -a seed_dirs <<< "$(seeds "$target")"
    marker="$(mktemp)"
    start=$(date +%s)
    execs=0
    while :; do
        remaining=$((budget - ($(date +%s) - start)))
        [ "$remaining" -le 0 ] && break
        options[0]="-max_total_time=$remaining"
        echo "== fuzz-$target: ${remaining}s" >&2
        run_log="$(mktemp)"
        status=0
        "$bin/fuzz-$target" "${options[@]}" "$corpus" "${seed_dirs[@]}" > "$run_log" 2>&1 || status=$?
        cat "$run_log" >> "$log"
        # Executions: the final stats of a clean run, else the last status line before the crash.
        n=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$run_log" | tail -1)
        [ -z "$n" ] && n=$(sed -n 's/^#\([0-9][0-9]*\)[[:space:]].*/\1/p' "$run_log" | tail -1)
        execs=$((execs + ${n:-0}))
        rm -f "$run_log"
        [ "$status" -eq 0 ] && break
    done
    # Only what this run found: artifacts newer than the marker.
    count() { find "$artifacts" -type f -name "$1-*" -newer "$marker" | wc -l; }
    crashes=$(count crash); timeouts=$(count timeout); ooms=$(count oom); leaks=$(count leak)
    rm -f "$marker"
    found_total=$((found_total + crashes + timeouts + ooms + leaks))
    size=$(find "$corpus" -type f | wc -l)
    rows+=("| fuzz-$target | $budget | $execs | $crashes | $timeouts | $ooms | $leaks | $size |")
done

echo "| Target | Seconds | Executions | Crashes | Timeouts | OOMs | Leaks | Corpus |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "Artifacts: Fuzz/artifacts/<target>/; logs: Fuzz/artifacts/<target>.log"
[ "$found_total" -eq 0 ]

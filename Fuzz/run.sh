#!/bin/bash
# Builds the libFuzzer targets (-sanitize=fuzzer) and runs each for a bounded time on its
# committed corpus. Exits non-zero when a target crashes; the crashing input is kept in
# crashes/<target>/ and should become a regression test.
# Usage: Fuzz/run.sh [seconds per target, default 60]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-60}
cd "$here"
# --force-resolved-versions: exactly the dependency versions in Fuzz/Package.resolved (committed).
swift build -c debug --force-resolved-versions -Xswiftc -sanitize=fuzzer --build-path "$here/.build" 2>&1 | tail -3
status=0
for target in FuzzResidentsCSV:residents-csv FuzzBallotEntry:ballot-entry FuzzRecord:record-log FuzzRecordArchive:record-zip FuzzRecordDirectory:record-dir; do
    name=${target%%:*}; corpus=${target##*:}
    mkdir -p "crashes/$name" "$here/.build/corpus/$corpus"
    echo "== $name for ${seconds}s (corpus Corpus/$corpus)"
    set +e
    "$here/.build/debug/$name" -max_total_time="$seconds" -max_len=65536 -timeout=20 -artifact_prefix="crashes/$name/" \
        "$here/.build/corpus/$corpus" "Corpus/$corpus" > "$here/.build/$name.log" 2>&1
    fuzzer=$?
    set -e
    grep -E "^#[0-9]+ +DONE|ERROR|SUMMARY|Done [0-9]+ runs|Test unit written" "$here/.build/$name.log" || true
    # A crash, a hang (timeout) or running out of memory: libFuzzer exits non-zero and saves the input.
    if [ "$fuzzer" -ne 0 ] || ls "crashes/$name"/crash-* "crashes/$name"/timeout-* "crashes/$name"/oom-* >/dev/null 2>&1; then
        echo "!! $name found an input that crashes or hangs (exit $fuzzer): $(ls crashes/$name) — see .build/$name.log"
        status=1
    fi
done
exit $status

#!/bin/bash
# Builds the libFuzzer targets (-sanitize=fuzzer) and runs each for a bounded time on its
# committed corpus. Exits non-zero when a target crashes; the crashing input is kept in
# crashes/<target>/ and should become a regression test.
# Usage: Fuzz/run.sh [seconds per target, default 60]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-60}
cd "$here"
swift build -c debug -Xswiftc -sanitize=fuzzer --build-path "$here/.build" 2>&1 | tail -3
status=0
for target in FuzzResidentsCSV:residents-csv FuzzBallotEntry:ballot-entry FuzzRecord:record-log; do
    name=${target%%:*}; corpus=${target##*:}
    mkdir -p "crashes/$name" "$here/.build/corpus/$corpus"
    echo "== $name for ${seconds}s (corpus Corpus/$corpus)"
    if ! "$here/.build/debug/$name" -max_total_time="$seconds" -max_len=65536 -timeout=20 -artifact_prefix="crashes/$name/" \
        "$here/.build/corpus/$corpus" "Corpus/$corpus" 2>&1 | grep -E "^#[0-9]+ +DONE|ERROR|SUMMARY|Done [0-9]+ runs" ; then
        :
    fi
    if ls "crashes/$name"/crash-* "crashes/$name"/timeout-* "crashes/$name"/oom-* >/dev/null 2>&1; then
        echo "!! $name found an input that crashes or hangs: $(ls crashes/$name)"
        status=1
    fi
done
exit $status

#!/usr/bin/env bash
# Issue 7's benchmark: tally and verify a generated record of 1,000,000 ballots, beside two
# baselines measured in the same run — sha256sum of the same ballot log, and votelib's approval
# tally (PyPI) of the same ballots after parsing. Usage: ./record-compare.sh  (BALLOTS=N to resize)
# Needs: python3 with votelib (pip install votelib), GNU time (/usr/bin/time). Writes raw output
# to .compare/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p .compare
ballots=${BALLOTS:-1000000}
record=${TMPDIR:-/tmp}/xuanyi-record-bench/record-$ballots

# The xuanyi binary (release) from the parent package, and the record.
(cd .. && swift build -c release --product xuanyi >/dev/null)
xuanyi=../.build/release/xuanyi
if [ ! -f "$record/statement.sig" ]; then
    rm -rf "$record"
    "$xuanyi" record-examples --generated "$ballots" --out "$record"
fi
ls -l "$record/ballots.jsonl"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }

echo "== sha256sum of ballots.jsonl (3 runs)"
for i in 1 2 3; do seconds sha256sum "$record/ballots.jsonl"; done | tee .compare/sha256sum.txt
echo "== votelib approval tally after parsing"
python3 record/votelib_tally.py "$record" | tee .compare/votelib.json
echo "== xuanyi verify (3 runs: seconds, peak KiB)"
for i in 1 2 3; do seconds "$xuanyi" verify "$record"; done | tee .compare/verify.txt
echo "== ordo-one/benchmark: RecordBenchmarks"
RECORD="$record" BALLOTS="$ballots" swift package --disable-sandbox benchmark --target RecordBenchmarks --format markdown --no-progress \
    2>/dev/null > .compare/record.md
cat .compare/record.md

python3 - "$ballots" <<'PY'
import json, sys
n = int(sys.argv[1])
med = lambda path: sorted(float(l.split()[0]) for l in open(path) if l.strip())[1]
peak = lambda path: max(int(l.split()[1]) for l in open(path) if l.strip())
sha, verify = med(".compare/sha256sum.txt"), med(".compare/verify.txt")
vote = json.load(open(".compare/votelib.json"))
print(f"sha256sum: {sha:.2f} s = {n / sha:,.0f} ballots/s")
print(f"xuanyi verify: {verify:.2f} s = {n / verify:,.0f} ballots/s, peak {peak('.compare/verify.txt') / 1024:.0f} MiB, "
      f"{verify / sha:.1f}× sha256sum's time")
print(f"votelib tally: {vote['tally_s']} s = {vote['tally_per_s']:,} ballots/s (parse {vote['parse_s']} s)")
PY

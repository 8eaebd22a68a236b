#!/usr/bin/env bash
# Runs `openssl speed` and Notary's benchmarks back to back on this machine and prints each
# Notary rate as a ratio of the openssl CLI's (target: ≥ 0.90). Usage: ./compare-openssl.sh
# Needs: openssl, python3. Writes the raw outputs to .compare/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p .compare
seconds=${SECONDS_PER_TEST:-3}

openssl version | tee .compare/openssl-version.txt
openssl speed -seconds "$seconds" ed25519 2>/dev/null | tee .compare/openssl-ed25519.txt | tail -2
openssl speed -seconds "$seconds" -evp sha256 -bytes 16384 2>/dev/null | tee .compare/openssl-sha256.txt | tail -2
swift package --disable-sandbox benchmark --format markdown --no-progress 2>&1 > .compare/notary.md
# openssl again after ours, so a load change during the run shows up as a spread.
openssl speed -seconds "$seconds" ed25519 2>/dev/null > .compare/openssl-ed25519-after.txt
openssl speed -seconds "$seconds" -evp sha256 -bytes 16384 2>/dev/null > .compare/openssl-sha256-after.txt

python3 - <<'PY'
import re
def ed(path):
    line = [l for l in open(path) if "EdDSA (Ed25519)" in l][0].split()
    return float(line[-2]), float(line[-1])
def sha(path):
    line = [l for l in open(path) if l.startswith("sha256")][0].split()
    return float(line[-1].rstrip("k")) * 1000 / 16384      # openssl's k = 1000 bytes
def p50(name):
    """Operations per second from the median wall-clock time of one (scaled) operation."""
    text = open(".compare/notary.md").read()
    section = text.split("### " + name, 1)[1].split("###", 1)[0]
    row = [l for l in section.splitlines() if l.startswith("| Time (wall clock)")][0]
    unit = re.search(r"\((ns|μs|us|ms|s)\)", row).group(1)
    cells = [c.strip().replace(",", "") for c in row.split("|")[1:-1]]
    seconds = float(cells[3]) * {"ns": 1e-9, "μs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]
    return 1 / seconds
sign_b, verify_b = ed(".compare/openssl-ed25519.txt")
sign_a, verify_a = ed(".compare/openssl-ed25519-after.txt")
sha_b, sha_a = sha(".compare/openssl-sha256.txt"), sha(".compare/openssl-sha256-after.txt")
rows = [
    ("Ed25519 sign", p50("Ed25519 sign (20-byte message)"), (sign_b + sign_a) / 2),
    ("Ed25519 verify", p50("Ed25519 verify (20-byte message)"), (verify_b + verify_a) / 2),
    ("SHA-256, 16 KiB blocks", p50("SHA-256 of a 16 KiB block"), (sha_b + sha_a) / 2),
]
print("\n| operation | Notary p50 (/s) | openssl speed (/s, mean of before and after) | ratio |")
print("|---|---:|---:|---:|")
for name, ours, theirs in rows:
    print(f"| {name} | {ours:,.0f} | {theirs:,.0f} | {ours / theirs:.2f} |")
canon = p50("Canonical JSON of a ballot line")
base = p50("Baseline: JSONEncoder(.sortedKeys) of a ballot line")
print(f"| canonical JSON of a ballot line | {canon:,.0f} | JSONEncoder(.sortedKeys): {base:,.0f} | {canon / base:.2f} |")
print(f"\nopenssl before/after: sign {sign_b:,.0f}/{sign_a:,.0f}, verify {verify_b:,.0f}/{verify_a:,.0f}, sha256 {sha_b:,.0f}/{sha_a:,.0f} blocks/s")
PY

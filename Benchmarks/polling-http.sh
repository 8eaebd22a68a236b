#!/bin/bash
# Polling over HTTP on 127.0.0.1: electronic casts per second (durable commit + signed receipt)
# and check-ins per second, with wrk, beside `openssl speed ed25519` measured in the same run.
# Usage (from the repository root, after `swift build -c release --product xuanyi`):
#   Benchmarks/polling-http.sh            # HOUSEHOLDS=30000 DURATION=5 THREADS=2 CONNECTIONS=64
# Needs: wrk, python3, curl, sqlite3, openssl (apt-get install wrk python3 curl sqlite3 openssl).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=${XUANYI:-$root/.build/release/xuanyi}
households=${HOUSEHOLDS:-30000}
duration=${DURATION:-5}
threads=${THREADS:-2}
connections=${CONNECTIONS:-64}
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$work"' EXIT

"$bin" demo --no-serve --database "$work/b.sqlite" --households "$households" --admin-password bench-password-1 > /dev/null
python3 "$here/http/prepare.py" "$work/b.sqlite" "$work"
box=$(sqlite3 "$work/b.sqlite" "SELECT ballotBox.id FROM ballotBox JOIN pollingRound ON pollingRound.id = ballotBox.roundID WHERE pollingRound.electionID = 1 AND ballotBox.kind = 'fixed' AND ballotBox.status = 'open' LIMIT 1")
round=$(sqlite3 "$work/b.sqlite" "SELECT id FROM pollingRound WHERE electionID = 1 ORDER BY number LIMIT 1")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --database "$work/b.sqlite" --port "$port" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" > /dev/null && break; sleep 0.2; done

# A staff session for the check-in API.
token=$(curl -s -c "$work/jar" -b "$work/jar" "http://127.0.0.1:$port/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
curl -s -o /dev/null -c "$work/jar" -b "$work/jar" --data-urlencode "_csrf=$token" --data-urlencode username=admin --data-urlencode password=bench-password-1 "http://127.0.0.1:$port/login"
session=$(awk '$6 == "xy_session" { print $7 }' "$work/jar")
csrf=$(curl -s -b "$work/jar" "http://127.0.0.1:$port/" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')

# Casts recorded: electronic check-ins (one per cast, in the cast's own transaction). Since the
# sealed box the ballots themselves stay sealed until the committee opens the box, so the log
# is not where they are counted; a check-in is, in every version measured.
logged() { sqlite3 "$work/b.sqlite" "SELECT count(*) FROM checkIn JOIN pollingRound ON pollingRound.id = checkIn.roundID WHERE pollingRound.electionID = 1 AND checkIn.method = 'electronic'"; }

echo "== baseline: GET /health through the same server and middleware ($threads threads, $connections connections, ${duration}s)"
wrk -t"$threads" -c"$connections" -d"${duration}s" "http://127.0.0.1:$port/health" | tee "$work/health.out"
checked() { sqlite3 "$work/b.sqlite" "SELECT count(*) FROM checkIn WHERE roundID = $round"; }

echo "== check-in: POST /api/v1/elections/1/check-ins ($threads threads, $connections connections, ${duration}s)"
before=$(checked)
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$here/http/polling.lua" "http://127.0.0.1:$port" -- \
  checkin "$work/checkin.txt" "$threads" "$session" "$csrf" "$round" "$box" | tee "$work/checkin.out"
echo "check-ins recorded: $(( $(checked) - before ))"

echo "== electronic casting: POST /elections/1/vote/cast ($threads threads, $connections connections, ${duration}s)"
before=$(logged)
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$here/http/polling.lua" "http://127.0.0.1:$port" -- \
  cast "$work/cast.txt" "$threads" "$(cat "$work/marks.txt")" "$round" "$(sqlite3 "$work/b.sqlite" "SELECT paperDigest FROM pollingRound WHERE id = $round")" | tee "$work/cast.out"
cast_logged=$(( $(logged) - before ))
echo "ballots logged: $cast_logged"

echo "== electronic casting, JSON API: POST /api/v1/elections/1/ballots ($threads threads, $connections connections, ${duration}s)"
before=$(logged)
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$here/http/polling.lua" "http://127.0.0.1:$port" -- \
  castapi "$work/castapi.txt" "$threads" "$round" "$(sqlite3 "$work/b.sqlite" "SELECT paperDigest FROM pollingRound WHERE id = $round")" "$(cat "$work/ballot.json")" | tee "$work/castapi.out"
api_logged=$(( $(logged) - before ))
echo "ballots logged: $api_logged"
kill "$server"; wait "$server" 2>/dev/null || true; server=""

echo "== openssl speed ed25519 (same machine, same run)"
openssl speed -seconds 3 ed25519 2>/dev/null | tee "$work/openssl.out" | tail -2
sign=$(awk '/253 bits EdDSA/ { print $(NF-1) }' "$work/openssl.out" | tail -1)
# Rates of what was recorded (ballots in the log, check-ins), over the run's length: a request
# that failed or found no voter left does not count.
health=$(awk '/Requests\/sec/ { print $2 }' "$work/health.out")
python3 - "$sign" "$health" "$cast_logged" "$api_logged" "$(( $(checked) - 0 ))" "$duration" "$work/checkin.out" <<'PY'
import re, sys
sign, health, cast, api, _, duration = (float(x) for x in sys.argv[1:7])
checkin = float(re.search(r"Requests/sec:\s+([0-9.]+)", open(sys.argv[7]).read()).group(1))
print(f"openssl ed25519 sign/s: {sign:,.0f}    GET /health: {health:,.0f}/s")
for name, count in (("web form, receipt page", cast), ("JSON API", api)):
    rate = count / duration
    print(f"casts/s, {name}: {rate:,.0f}  = {rate / sign:.2f} of the sign rate (target ≥ 0.25), {rate / health:.2f} of GET /health")
print(f"check-ins/s: {checkin:,.0f}  = {checkin / sign:.2f} of the sign rate, {checkin / health:.2f} of GET /health")
PY

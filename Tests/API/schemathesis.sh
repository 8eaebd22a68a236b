#!/bin/bash
# Checks the running server against its own OpenAPI document with schemathesis (PyPI): every
# documented operation, generated inputs, no server error, documented status codes, content
# types and response schemas — once as a visitor and once signed in as the administrator with
# the CSRF header, on a throw-away demo database. Bounded by --max-examples.
# Usage: Tests/API/schemathesis.sh [examples per operation, default 30]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${XUANYI:-$root/.build/debug/xuanyi}
examples=${1:-30}
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$work"' EXIT
"$bin" demo --no-serve --database "$work/api.sqlite" --households 250 --admin-password api-password-123 > /dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --database "$work/api.sqlite" --port "$port" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$port/health" > /dev/null && break; sleep 0.1; done
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
echo "== schemathesis as a visitor"
schemathesis run "http://127.0.0.1:$port/api/openapi.json" -c "$checks" -n "$examples" --phases examples,fuzzing --request-timeout 10 --seed 1
token=$(curl -s -c "$work/jar" -b "$work/jar" "http://127.0.0.1:$port/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
curl -s -o /dev/null -c "$work/jar" -b "$work/jar" --data-urlencode "_csrf=$token" --data-urlencode username=admin --data-urlencode password=api-password-123 "http://127.0.0.1:$port/login"
session=$(awk '$6 == "xy_session" { print $7 }' "$work/jar")
csrf=$(curl -s -b "$work/jar" "http://127.0.0.1:$port/" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
echo "== schemathesis signed in as the administrator (session cookie and X-CSRF-Token)"
schemathesis run "http://127.0.0.1:$port/api/openapi.json" -H "Cookie: xy_session=$session" -H "X-CSRF-Token: $csrf" \
    -c "$checks" -n "$examples" --phases examples,fuzzing --request-timeout 10 --seed 2
if grep -q "unhandled error" "$work/server.log"; then
    echo "the server logged unhandled errors:"; grep "unhandled error" "$work/server.log" | head -5; exit 1
fi

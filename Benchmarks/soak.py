#!/usr/bin/env python3
"""Soak test: the server under concurrent electronic casting and check-in load is killed with
SIGKILL at random moments and restarted, again and again. Afterwards every ballot whose receipt
was returned must be in the ballot log, no ballot may be there twice (one electronic check-in
per electronic ballot, every tracking code once), every acknowledged check-in must be there,
the ballot log's hash chain must verify, and so must the audit chain (`xuanyi verify --audit`).

Usage (from the repository root, after `swift build -c release --product xuanyi`):
    python3 Benchmarks/soak.py [--kills 12] [--households 12000] [--workers 8] [--seed 1]
Prints the figures for BENCHMARKS.md and exits non-zero when anything was lost or doubled.
Unacknowledged casts are retried in the next cycle with the same form token (the server must
answer with the same receipt, never a second ballot).
"""
import argparse, hashlib, http.client, json, os, random, signal, socket, sqlite3, subprocess, sys, tempfile, threading, time

parser = argparse.ArgumentParser()
parser.add_argument("--binary", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "release", "xuanyi"))
parser.add_argument("--kills", type=int, default=12)
parser.add_argument("--households", type=int, default=12000)
parser.add_argument("--workers", type=int, default=8)
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()
rng = random.Random(args.seed)
here = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp(prefix="xuanyi-soak-")
db_path = os.path.join(work, "soak.sqlite")
subprocess.run([args.binary, "demo", "--no-serve", "--database", db_path, "--households", str(args.households), "--admin-password", "soak-password-1"],
               check=True, stdout=subprocess.DEVNULL)
subprocess.run([sys.executable, os.path.join(here, "http", "prepare.py"), db_path, work], check=True, stdout=subprocess.DEVNULL)
db = sqlite3.connect(db_path)
round_id = db.execute("SELECT id FROM pollingRound WHERE electionID = 1 ORDER BY number LIMIT 1").fetchone()[0]
box_id = db.execute("SELECT ballotBox.id FROM ballotBox WHERE roundID = ? AND kind = 'fixed' AND status = 'open' LIMIT 1", (round_id,)).fetchone()[0]
paper = db.execute("SELECT paperDigest FROM pollingRound WHERE id = ?", (round_id,)).fetchone()[0]
db.close()
ballot = open(os.path.join(work, "ballot.json")).read()
voters = [line.strip() for line in open(os.path.join(work, "cast.txt"))] + [line.strip() for line in open(os.path.join(work, "castapi.txt"))]
checkins = [int(line) for line in open(os.path.join(work, "checkin.txt"))]
csrf = "soaksoaksoaksoaksoaksoaksoaksoak0000000000"

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port

lock = threading.Lock()
receipts = {}         # voter token -> tracking code (acknowledged)
pending = list(voters)  # voters still to cast (or to retry)
tokens = {v: f"soak{i:028d}" for i, v in enumerate(voters)}  # one form token per voter, reused on retry
acknowledged_checkins = set()
queue_checkins = list(checkins)
stats = {"requests": 0, "ok": 0, "errors": 0, "retried_same_receipt": 0}

def cast_worker(port, stop):
    while not stop.is_set():
        with lock:
            if not pending: return
            voter = pending.pop()
        body = json.dumps({"round": round_id, "paper": paper, "formToken": tokens[voter], "ballot": json.loads(ballot)})
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("POST", "/api/v1/elections/1/ballots", body, {"Content-Type": "application/json", "Cookie": f"xy_voter={voter}; xy_csrf={csrf}", "X-CSRF-Token": csrf})
            response = conn.getresponse(); data = response.read(); conn.close()
            with lock: stats["requests"] += 1
            if response.status in (200, 201):
                tracking = json.loads(data)["tracking"]
                with lock:
                    stats["ok"] += 1
                    if voter in receipts and receipts[voter] != tracking: raise SystemExit(f"voter {voter}: second receipt {tracking} != {receipts[voter]}")
                    receipts[voter] = tracking
            elif response.status == 409 and voter in receipts:
                pass
            else:
                with lock: stats["errors"] += 1; pending.insert(0, voter)
        except (OSError, http.client.HTTPException):
            with lock: stats["errors"] += 1; pending.insert(0, voter)   # not acknowledged: retry next cycle, same form token

def checkin_worker(port, session, token, stop):
    while not stop.is_set():
        with lock:
            if not queue_checkins: return
            number = queue_checkins.pop()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("POST", "/api/v1/elections/1/check-ins", json.dumps({"round": round_id, "box": box_id, "number": number}),
                         {"Content-Type": "application/json", "Cookie": f"xy_session={session}", "X-CSRF-Token": token})
            response = conn.getresponse(); response.read(); conn.close()
            with lock: stats["requests"] += 1
            if response.status in (200, 201):
                with lock: stats["ok"] += 1; acknowledged_checkins.add(number)
            elif response.status == 409:
                with lock: acknowledged_checkins.add(number) if number in acknowledged_checkins else None
            else:
                with lock: stats["errors"] += 1
        except (OSError, http.client.HTTPException):
            with lock: stats["errors"] += 1; queue_checkins.insert(0, number)

def login(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/login"); response = conn.getresponse(); page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = page.split('name="_csrf" value="')[1].split('"')[0]
    conn.request("POST", "/login", f"_csrf={token}&username=admin&password=soak-password-1", {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse(); response.read()
    session = [c.split(";")[0].split("=", 1)[1] for c in response.headers.get_all("Set-Cookie") if c.startswith("xy_session=")][0]
    conn.request("GET", "/", headers={"Cookie": f"xy_session={session}"}); page = conn.getresponse().read().decode(); conn.close()
    return session, page.split('name="_csrf" value="')[1].split('"')[0]

kills = 0
started = time.time()
while kills < args.kills and (pending or queue_checkins):
    port = free_port()
    server = subprocess.Popen([args.binary, "serve", "--database", db_path, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1); c.request("GET", "/health")
            if c.getresponse().status == 200: break
        except OSError: time.sleep(0.05)
    session, token = login(port)
    stop = threading.Event()
    threads = [threading.Thread(target=cast_worker, args=(port, stop)) for _ in range(args.workers)]
    threads += [threading.Thread(target=checkin_worker, args=(port, session, token, stop)) for _ in range(max(1, args.workers // 2))]
    for t in threads: t.start()
    time.sleep(rng.uniform(0.3, 2.5))
    os.kill(server.pid, signal.SIGKILL); server.wait(); kills += 1
    stop.set()
    for t in threads: t.join()

db = sqlite3.connect(db_path)
rows = db.execute("SELECT seq, line, tracking, roundID FROM ballotLog WHERE electionID = 1 ORDER BY seq").fetchall()
trackings = [r[2] for r in rows]
previous = "0" * 64
chain_ok = True
for index, (seq, line, tracking, _) in enumerate(rows):
    if seq != index + 1 or hashlib.sha256(line.encode()).hexdigest() != tracking or json.loads(line)["prev"] != previous: chain_ok = False
    previous = tracking
lost = [t for t in receipts.values() if t not in set(trackings)]
doubled = len(trackings) - len(set(trackings))
electronic_lines = sum(1 for _, line, _, r in rows if r == round_id and json.loads(line).get("method") == "electronic")
electronic_checkins = db.execute("SELECT count(*) FROM checkIn WHERE roundID = ? AND method = 'electronic'", (round_id,)).fetchone()[0]
present_checkins = {n for (n,) in db.execute("SELECT rollEntry.number FROM checkIn JOIN rollEntry ON rollEntry.id = checkIn.rollEntryID WHERE checkIn.roundID = ?", (round_id,))}
lost_checkins = [n for n in acknowledged_checkins if n not in present_checkins]
db.close()
audit = subprocess.run([args.binary, "verify", "--audit", "--database", db_path, "--json"], capture_output=True, text=True)
audit_ok = audit.returncode == 0 and json.loads(audit.stdout)["intact"]
elapsed = time.time() - started
print(f"kills: {kills} (SIGKILL at random moments, 0.3–2.5 s apart) in {elapsed:.0f} s")
print(f"requests: {stats['requests']} answered ({stats['ok']} acknowledged), {stats['errors']} cut off or refused and retried")
print(f"receipts returned: {len(receipts)}; lost: {len(lost)}; ballots in the log: {len(trackings)}; doubled tracking codes: {doubled}")
print(f"electronic ballots {electronic_lines} = electronic check-ins {electronic_checkins}: {'yes' if electronic_lines == electronic_checkins else 'NO'}")
print(f"check-ins acknowledged: {len(acknowledged_checkins)}; lost: {len(lost_checkins)}")
print(f"ballot-log chain: {'verifies' if chain_ok else 'BROKEN'}; audit chain: {'intact' if audit_ok else 'BROKEN'}")
failed = lost or doubled or lost_checkins or not chain_ok or not audit_ok or electronic_lines != electronic_checkins
print("SOAK: " + ("FAIL" if failed else "PASS"))
if not failed: subprocess.run(["rm", "-rf", work])
sys.exit(1 if failed else 0)

#!/usr/bin/env python3
"""Soak test: the server under concurrent electronic casting and check-in load is killed with
SIGKILL at random moments and restarted, again and again. Afterwards every ballot whose receipt
was returned must be in the ballot log, no ballot may be there twice (one electronic check-in
per electronic ballot, every tracking code once), every acknowledged check-in must be there,
the ballot log's hash chain must verify, and so must the audit chain (`xuanyi verify --audit`).

Usage (from the repository root, after `swift build -c release --product xuanyi`):
    python3 Benchmarks/soak.py [--kills 12] [--households 12000] [--workers 8] [--seed 1]
Prints the figures for BENCHMARKS.md and exits non-zero when anything was lost or doubled.
Kills come both during load and between it (the workers stopped, the server idle). A cast cut
off (no answer, or 5xx/429) is retried in the next cycle with the same form token: the server
must answer with the same receipt, never a second ballot. A cast the server refuses (any other
4xx) is given up, not retried, and fails the run. A check-in refused as already issued (409) is
expected only after an earlier attempt of the same number was cut off (that attempt committed:
the number must then be in the database); any other refusal fails the run. On failure the
working folder (database, logs) is kept and its path printed.
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

def keep_folder_on_error(kind, value, traceback):
    sys.__excepthook__(kind, value, traceback)
    print(f"working folder kept: {work}")
sys.excepthook = keep_folder_on_error
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
second_receipts = []         # a retried cast answered with a different receipt (a second ballot)
refused_casts = {}            # voter token -> "status: body" (given up, never retried)
attempted_checkins = set()    # numbers sent at least once
cut_off_checkins = set()      # numbers whose request got no answer (may have committed)
refused_checkins = {}         # number -> "status: body" (unexpected refusals)
already_checkins = set()      # numbers answered 409 after an earlier cut-off attempt

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
                    if voter in receipts and receipts[voter] != tracking: second_receipts.append(f"voter {voter}: second receipt {tracking} != {receipts[voter]}")
                    else: receipts[voter] = tracking
            elif response.status == 409 and voter in receipts:
                pass
            elif response.status >= 500 or response.status == 429:
                with lock: stats["errors"] += 1; pending.insert(0, voter)   # not recorded: retry, same form token
            else:
                # Refused: retrying cannot change the answer. Give up and report it.
                with lock: refused_casts[voter] = f"{response.status}: {data[:200].decode(errors='replace')}"
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
            response = conn.getresponse(); data = response.read(); conn.close()
            with lock:
                stats["requests"] += 1
                first_attempt = number not in attempted_checkins
                attempted_checkins.add(number)
            if response.status in (200, 201):
                with lock: stats["ok"] += 1; acknowledged_checkins.add(number)
            elif response.status == 409 and not first_attempt and number in cut_off_checkins:
                # An earlier attempt was cut off after it committed: the number must be in the database.
                with lock: already_checkins.add(number)
            elif response.status >= 500 or response.status == 429:
                with lock: stats["errors"] += 1; queue_checkins.insert(0, number)
            else:
                with lock: refused_checkins[number] = f"{response.status}: {data[:200].decode(errors='replace')}"
        except (OSError, http.client.HTTPException):
            with lock:
                stats["errors"] += 1; attempted_checkins.add(number); cut_off_checkins.add(number); queue_checkins.insert(0, number)

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

def keep_and_exit(message):
    print(message)
    print(f"working folder kept: {work}")
    sys.exit(1)

kills = 0
idle_kills = 0
started = time.time()
server_log = open(os.path.join(work, "server.log"), "ab")
while kills < args.kills and (pending or queue_checkins):
    port = free_port()
    server = subprocess.Popen([args.binary, "serve", "--database", db_path, "--port", str(port)], stdout=server_log, stderr=server_log)
    ready = False
    for _ in range(400):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1); c.request("GET", "/health")
            if c.getresponse().status == 200: ready = True; break
        except OSError: time.sleep(0.05)
        if server.poll() is not None: break
    if not ready:
        server.kill(); server.wait()
        keep_and_exit(f"SOAK: FAIL — the server did not start after kill {kills} (see {work}/server.log)")
    session, token = login(port)
    stop = threading.Event()
    threads = [threading.Thread(target=cast_worker, args=(port, stop)) for _ in range(args.workers)]
    threads += [threading.Thread(target=checkin_worker, args=(port, session, token, stop)) for _ in range(max(1, args.workers // 2))]
    for t in threads: t.start()
    time.sleep(rng.uniform(0.3, 2.5))
    if rng.random() < 1 / 3:
        # Between load: the workers stop, the server goes idle, then it is killed.
        stop.set()
        for t in threads: t.join()
        time.sleep(rng.uniform(0.05, 0.5))
        os.kill(server.pid, signal.SIGKILL); server.wait(); kills += 1; idle_kills += 1
    else:
        # During load: killed with requests in flight.
        os.kill(server.pid, signal.SIGKILL); server.wait(); kills += 1
        stop.set()
        for t in threads: t.join()

# The electronic box is sealed while polling runs: three committee members (the demo gives
# them the admin password) open it, and its ballots enter the log in a random order.
password_file = os.path.join(work, "committee-password")
with open(password_file, "w") as f: f.write("soak-password-1\n")
opened = subprocess.run([args.binary, "election", "open-box", "--database", db_path, "--election", "1", "--round", "1"]
                        + [arg for member in ("xwh1", "xwh2", "xwh3") for arg in ("--member", f"{member}={password_file}")],
                        capture_output=True, text=True)
if opened.returncode != 0: keep_and_exit(f"SOAK: FAIL — the sealed box did not open: {opened.stderr.strip() or opened.stdout.strip()}")
db = sqlite3.connect(db_path)
rows = db.execute("SELECT seq, line, tracking, roundID FROM ballotLog WHERE electionID = 1 ORDER BY seq").fetchall()
trackings = [r[2] for r in rows]
previous = "0" * 64
chain_ok = True
for index, (seq, line, tracking, _) in enumerate(rows):
    if seq != index + 1 or hashlib.sha256(line.encode()).hexdigest() != tracking or json.loads(line)["prev"] != previous: chain_ok = False
    previous = tracking
def receipt_code(line):
    """An electronic line's receipt code: SHA-256 of its canonical JSON without prev and seq."""
    content = {k: v for k, v in json.loads(line).items() if k not in ("prev", "seq")}
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
codes = {receipt_code(line) for _, line, _, _ in rows if json.loads(line).get("method") == "electronic"}
lost = [t for t in receipts.values() if t not in codes]
doubled = len(trackings) - len(set(trackings))
electronic_lines = sum(1 for _, line, _, r in rows if r == round_id and json.loads(line).get("method") == "electronic")
electronic_checkins = db.execute("SELECT count(*) FROM checkIn WHERE roundID = ? AND method = 'electronic'", (round_id,)).fetchone()[0]
present_checkins = {n for (n,) in db.execute("SELECT rollEntry.number FROM checkIn JOIN rollEntry ON rollEntry.id = checkIn.rollEntryID WHERE checkIn.roundID = ?", (round_id,))}
lost_checkins = [n for n in acknowledged_checkins | already_checkins if n not in present_checkins]
db.close()
audit = subprocess.run([args.binary, "verify", "--audit", "--database", db_path, "--json"], capture_output=True, text=True)
audit_ok = audit.returncode == 0 and json.loads(audit.stdout)["intact"]
elapsed = time.time() - started
print(f"kills: {kills} (SIGKILL at random moments, 0.3–2.5 s apart; {kills - idle_kills} during load, {idle_kills} between) in {elapsed:.0f} s")
print(f"requests: {stats['requests']} answered ({stats['ok']} acknowledged), {stats['errors']} cut off and retried")
print(f"casts refused and given up: {len(refused_casts)}" + (f" (e.g. {next(iter(refused_casts.values()))})" if refused_casts else ""))
print(f"check-ins refused: {len(refused_checkins)} unexpected" + (f" (e.g. {next(iter(refused_checkins.items()))})" if refused_checkins else "")
      + f"; {len(already_checkins)} answered 'already issued' after a cut-off attempt (each in the database)")
print(f"receipts returned: {len(receipts)}; lost: {len(lost)}; ballots in the log: {len(trackings)}; doubled tracking codes: {doubled}")
print(f"electronic ballots {electronic_lines} = electronic check-ins {electronic_checkins}: {'yes' if electronic_lines == electronic_checkins else 'NO'}")
print(f"check-ins acknowledged: {len(acknowledged_checkins)}; lost: {len(lost_checkins)}")
print(f"ballot-log chain: {'verifies' if chain_ok else 'BROKEN'}; audit chain: {'intact' if audit_ok else 'BROKEN'}")
if second_receipts: print(f"second receipts for one voter: {len(second_receipts)} (e.g. {second_receipts[0]})")
failed = second_receipts or lost or doubled or lost_checkins or refused_casts or refused_checkins or not chain_ok or not audit_ok or electronic_lines != electronic_checkins
if failed: keep_and_exit("SOAK: FAIL")
print("SOAK: PASS")
subprocess.run(["rm", "-rf", work])

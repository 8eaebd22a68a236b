#!/usr/bin/env python3
"""Prepares a demo database for the HTTP polling benchmark (run while no server uses it).

Splits the voters without a ballot in round 1: half for check-ins (their roll numbers, one per
line, in checkin.txt), a quarter for casting through the web form and a quarter through the
JSON API — each of those gets a voter session (what logging in with a voter card creates)
whose token goes to cast.txt or castapi.txt. marks.txt holds the form fields and ballot.json
the MarkedBallot that approve the first candidate of every post.
"""
import hashlib
import json
import random
import sqlite3
import sys
import urllib.parse

database, out = sys.argv[1], sys.argv[2]
db = sqlite3.connect(database)
round_id, paper = db.execute("SELECT id, paperJSON FROM pollingRound WHERE electionID = 1 ORDER BY number LIMIT 1").fetchone()
voters = db.execute("""
    SELECT id, number FROM rollEntry WHERE electionID = 1 AND active
      AND id NOT IN (SELECT rollEntryID FROM checkIn WHERE roundID = ?)
      AND residentID NOT IN (SELECT residentID FROM candidate WHERE electionID = 1 AND active)
    """, (round_id,)).fetchall()
random.Random(2026).shuffle(voters)
half = len(voters) // 2
with open(f"{out}/checkin.txt", "w") as f:
    f.write("".join(f"{number}\n" for _, number in voters[:half]))
quarter = half + (len(voters) - half) // 2
for name, part in (("cast.txt", voters[half:quarter]), ("castapi.txt", voters[quarter:])):
    with open(f"{out}/{name}", "w") as f:
        for entry, number in part:
            token = f"benchvoter{number:08d}benchvoter{number:08d}"
            db.execute("INSERT INTO voterSession (tokenHash, electionID, rollEntryID, expiresAt) VALUES (?, 1, ?, '2099-01-01 00:00:00.000')",
                       (hashlib.sha256(token.encode()).hexdigest(), entry))
            f.write(token + "\n")
db.commit()
sections = json.loads(paper)["sections"]
marks = "&".join(urllib.parse.quote(f"m.{s['post']}.1") + "=approve" for s in sections)
with open(f"{out}/marks.txt", "w") as f:
    f.write(marks)
digest = db.execute("SELECT paperDigest FROM pollingRound WHERE id = ?", (round_id,)).fetchone()[0]
ballot = {"paper": digest, "state": "marked",
          "posts": [{"post": s["post"], "marks": ["approve"] + ["abstain"] * (len(s["candidates"]) - 1), "writeIns": []} for s in sections]}
with open(f"{out}/ballot.json", "w") as f:
    f.write(json.dumps(ballot, separators=(",", ":")))
print(f"{half} voters for check-in, {len(voters) - half} for casting, round {round_id}")

#!/usr/bin/env python3
"""Baseline for the record benchmark: the approval tally of the same ballots by votelib.

Parses ballots.jsonl (json.loads per line) into each post's approved set (listed candidates
marked approve, plus written-in persons), then times only the tally: counting identical
approval sets and votelib's approval evaluation (ApprovalToSimpleVotes + Plurality) per post.
Prints one JSON line: ballots, parse seconds, tally seconds, tally ballots/s.
"""
import collections, json, sys, time

import votelib.convert
import votelib.evaluate.core

record = sys.argv[1]
paper = json.load(open(f"{record}/papers/round-1.json", encoding="utf-8"))
sections = paper["sections"]

start = time.perf_counter()
ballots = []
with open(f"{record}/ballots.jsonl", encoding="utf-8") as log:
    for line in log:
        ballot = json.loads(line)["ballot"]
        if ballot["state"] != "marked":
            ballots.append(None)
            continue
        chosen = []
        for marks, section in zip(ballot["posts"], sections):
            approved = {c["person"] for m, c in zip(marks["marks"], section["candidates"]) if m == "approve"}
            approved |= {w["person"] for w in marks["writeIns"] if "person" in w}
            chosen.append(frozenset(approved))
        ballots.append(chosen)
parsed = time.perf_counter()

evaluator = votelib.evaluate.core.PreConverted(votelib.convert.ApprovalToSimpleVotes(), votelib.evaluate.core.Plurality())
elected = []
for index, section in enumerate(sections):
    sets = collections.Counter(b[index] for b in ballots if b is not None and b[index])
    elected.append(evaluator.evaluate(dict(sets), section["seats"]))
tallied = time.perf_counter()
print(json.dumps({"ballots": len(ballots), "parse_s": round(parsed - start, 3), "tally_s": round(tallied - parsed, 3),
                  "tally_per_s": round(len(ballots) / (tallied - parsed)), "elected": [[str(p) for p in e] for e in elected]}))

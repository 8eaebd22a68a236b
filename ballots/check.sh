#!/usr/bin/env bash
# Checks a Xuanyi election record (xuanyi-election-record/3) with plain tools only: bash,
# coreutils, openssl and jq — no code of this project. Each step proves what it says:
#   1. the election key is the one the notice published (the anchor you give);
#   2. the result statement is signed by that key and binds the manifest;
#   3. every file is the one the manifest lists (never trusting SHA256SUMS), and nothing else
#      is in the record (no stray files, links or folders);
#   4. the election definition (definition.json) is signed by that key and describes this
#      election; the committee's keys come from it; the countersignatures needed follow from
#      the rule set and its committee, each must verify with the member's registered key, one
#      key counts once;
#   5. the ballot log's chain: every line's prev is the SHA-256 of the line before, and the
#      last line's is the statement's logHead; electronic lines (and only they) carry a nonce
#      and sit in the electronic box, and no nonce comes twice;
#   6. the ballots per box and per round are what rounds.json and the statement say, and no
#      electronic box where the rule set says electronicVoting = off; every box's count sheet is
#      signed by the election key and by a scrutineer the definition registers, every figure
#      of it is the box's lines in the log recounted by docs/counting-rules.md §6 (awk), the
#      log line at its head is the one signed at the close and no line of the box comes after
#      it, and the boxes' votes add up to tally.json's;
#   7. one certificate per winner, each signed by the election key;
#   8. each receipt given is signed by the election key and its ballot is in the log: some
#      electronic line, without its prev and seq, hashes to the receipt's code;
#   9. an annulment carried beside the record (annulment.json and annulment.sig, outside the
#      manifest) is the election's annulment notice, signed by the election key, naming this
#      record's statement: the result is void.
# Deciding each round from its votes (thresholds, ties, the women guarantee) follows
# docs/counting-rules.md §7–8; xuanyi verify does it.
#
# Usage: ballots/check.sh RECORD_DIRECTORY FINGERPRINT [RECEIPT.json …]
#   FINGERPRINT: the election key's fingerprint as printed on 选举公告 第1号 (SHA-256 of the raw
#   public key, at least its first 16 hex characters).
# Exit status: 0 everything holds and the result is final; 1 something does not hold;
# 2 everything holds but not enough committee members have countersigned; 4 everything holds
# and the record carries a valid annulment: the result is void.
set -uo pipefail
export LC_ALL=C
if [ $# -lt 2 ]; then echo "usage: $0 RECORD_DIRECTORY FINGERPRINT [RECEIPT.json …]" >&2; exit 64; fi
record=$1 anchor=${2,,}
shift 2
receipts=()
for r in "$@"; do receipts+=("$(cd "$(dirname "$r")" && pwd)/$(basename "$r")"); done
cd "$record" || { echo "no record at $record" >&2; exit 1; }
# Scratch space in memory where there is some (the chain check writes one small file per line).
work=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
ok() { echo "ok    $*"; }
bad() { echo "FAIL  $*"; failures=$((failures + 1)); }
sha() { sha256sum | cut -c1-64; }
# The raw key's SHA-256 from an SPKI PEM (the last 32 bytes of its DER form).
fingerprint() { openssl pkey -pubin -in "$1" -outform DER 2>/dev/null | tail -c 32 | sha; }
verify() { openssl pkeyutl -verify -pubin -inkey "$1" -rawin -in "$2" -sigfile "$3" >/dev/null 2>&1; }

# 0. Nothing in the record is a link or a special file, checked before anything is read: such
#    an entry could lead anywhere (a ballots.jsonl linked to /dev/zero never ends), so the
#    record is refused here.
shopt -s globstar nullglob dotglob
unsafe=0
for f in **; do
    if [ -L "$f" ]; then bad "$f is a symbolic link (not followed)"; unsafe=1
    elif [ ! -d "$f" ] && [ ! -f "$f" ]; then bad "$f is not a regular file (not read)"; unsafe=1; fi
done
if [ $unsafe -ne 0 ]; then echo "VERDICT: FAIL ($failures)"; exit 1; fi

# 0. The format: this script reads xuanyi-election-record/3 only.
format=$(jq -r .format manifest.json 2>/dev/null)
if [ "$format" != xuanyi-election-record/3 ]; then bad "manifest.json: record format ${format:-unknown}; this script checks xuanyi-election-record/3 only"; echo "VERDICT: FAIL ($failures)"; exit 1; fi

# SHA-256 of each line of file $1 without its newline, one digest a line, in order: the lines
# are split into batches of ten thousand files in memory and hashed by one sha256sum each.
hash_lines() {
    local dir
    dir=$(mktemp -d -p "$work")
    split -l 10000 -a 5 "$1" "$dir/c"
    for chunk in "$dir"/c*; do
        [ -e "$chunk" ] || continue
        mkdir "$chunk.d"
        split -l 1 -a 5 "$chunk" "$chunk.d/"
        truncate -s -1 "$chunk.d"/*
        sha256sum "$chunk.d"/* | cut -c1-64
        rm -r "$chunk.d" "$chunk"
    done
    rm -r "$dir"
}

# 1. The anchor.
key=keys/election.pub.pem
fp=$(fingerprint "$key")
if [ ${#anchor} -ge 16 ] && [ "${fp:0:${#anchor}}" = "$anchor" ]; then ok "election key $fp is the anchor"
else bad "election key $fp is not the anchor $anchor: this is not the published election's record"; fi
keyid=${fp:0:16}

# 2. The statement: signed by that key, naming it, and binding manifest.json.
if verify "$key" statement.json statement.sig; then ok "statement.json is signed by the election key"
else bad "statement.json: the signature does not verify with the election key"; fi
[ "$(jq -r .key statement.json)" = "$keyid" ] || bad "statement.json names key $(jq -r .key statement.json), not $keyid"
if [ "$(sha < manifest.json)" = "$(jq -r .manifest statement.json)" ]; then ok "manifest.json is the one the statement signs"
else bad "manifest.json is not the one the statement signs"; fi

# 3. Files: every listed file's digest from manifest.json itself; listed paths are record files;
#    nothing else in the record.
jq -r '.files[] | "\(.sha256)  \(.path)"' manifest.json > "$work/sums"
jq -r '.files[].path' manifest.json > "$work/listed"
while IFS= read -r path; do
    case $path in
        election.json|rules.json|roll.json|candidates.json|persons.json|rounds.json|ballots.jsonl|tally.json|result.json|keys/election.pub.pem) ;;
        definition.json|definition.sig) ;;
        papers/round-[1-9]*.json) [[ $path =~ ^papers/round-[1-9][0-9]*\.json$ ]] || bad "manifest lists $path, not a record file" ;;
        countsheets/round-*) [[ $path =~ ^countsheets/round-[1-9][0-9]*-box-(0|[1-9][0-9]*)(\.json|\.sig|\.member-[1-9][0-9]*\.sig)$ ]] || bad "manifest lists $path, not a record file" ;;
        notices/notice-*) [[ $path =~ ^notices/notice-[1-9][0-9]*\.(json|sig)$ ]] || bad "manifest lists $path, not a record file" ;;
        *) bad "manifest lists $path, not a record file" ;;
    esac
done < "$work/listed"
[ "$(sort "$work/listed" | uniq -d | wc -l)" -eq 0 ] || bad "manifest lists a file twice"
if sha256sum --quiet --strict -c "$work/sums" > "$work/sumcheck" 2>&1; then ok "the $(wc -l < "$work/listed") listed files are the ones the manifest lists"
else bad "files differ from the manifest: $(tr '\n' ' ' < "$work/sumcheck")"; fi
cmp -s SHA256SUMS "$work/sums" || bad "SHA256SUMS does not agree with the manifest"
members=$(jq -r '.committee[].member' definition.json)
{
    cat "$work/listed"
    printf '%s\n' manifest.json SHA256SUMS statement.json statement.sig certificates.json keys papers countersignatures countsheets notices
    printf '%s\n' annulment.json annulment.sig
    for m in $members; do printf '%s\n' "countersignatures/member-$m.json" "countersignatures/member-$m.sig"; done
} | sort -u > "$work/allowed"
# Step 0 refused links and special files: everything left is a folder or a regular file.
printf '%s\n' ** > "$work/present"
stray=$(sort "$work/present" | comm -23 - "$work/allowed")
if [ -z "$stray" ]; then ok "no file in the record beyond the manifest and the committee's signatures"
else bad "not part of a record: $(echo $stray)"; fi

# election.json has exactly the fields of the format (the committee is in definition.json).
extra=$(jq -r 'keys - ["announcedOn", "candidateListPublishedOn", "community", "electionDay", "id", "method", "posts", "rehearsal", "rollPublishedOn", "rulesDigest", "title"] | join(",")' election.json)
[ -z "$extra" ] || bad "election.json has fields a record does not have: $extra"

# 4. The election definition, signed by the election key when polling opened: this election,
#    and the committee's own keys; the countersignatures needed and counted.
if verify "$key" definition.json definition.sig && [ "$(jq -r .key definition.json)" = "$keyid" ]; then ok "definition.json is signed by the election key"
else bad "definition.json: the signature does not verify with the election key"; fi
[ "$(jq -cS '{election, community, title, method, electionDay, posts, rulesDigest}' definition.json)" = "$(jq -cS '{election: .id, community, title, method, electionDay, posts, rulesDigest}' election.json)" ] \
    || bad "definition.json and election.json describe different elections"
[ "$(jq -r .rulesDigest definition.json)" = "$(sha < rules.json)" ] || bad "rules.json is not the rule set the definition names"
required=$(jq -n --slurpfile d definition.json --slurpfile r rules.json '$r[0].resultSignaturesRequired // ((($d[0].committee | length) / 2 | floor) + 1)')
[ "$(jq .signaturesRequired definition.json)" = "$required" ] || bad "definition.json asks for $(jq .signaturesRequired definition.json) countersignatures; the rules and the committee require $required"
[ "$(jq '[.committee[].publicKey | select(. != null)] | length == (unique | length)' definition.json)" = true ] || bad "two committee members share one key"
# Each member's key, by member id, in files; their fingerprints for the committee's notice.
mkdir "$work/keys"
jq -r '.committee[] | select(.publicKey != null) | .member' definition.json | while read -r m; do
    jq -r --argjson m "$m" '.committee[] | select(.member == $m) | .publicKey' definition.json > "$work/keys/$m.pem"
done
fingerprints=""
for m in $members; do
    [ -f "$work/keys/$m.pem" ] && fingerprints="$fingerprints $(jq -r --argjson m "$m" '.committee[] | select(.member == $m) | .name' definition.json) $(fingerprint "$work/keys/$m.pem" | cut -c1-16);"
done
echo "note  the committee's keys (compare with the committee's notice):$fingerprints"
statement_digest=$(sha < statement.json)
signed=0
declare -A counted=()
for m in $members; do
    file=countersignatures/member-$m.json
    [ -f "$file" ] || continue
    if [ ! -f "$work/keys/$m.pem" ]; then bad "$file: member $m has no key in the definition"; continue; fi
    mfp=$(fingerprint "$work/keys/$m.pem")
    if ! verify "$work/keys/$m.pem" "$file" "countersignatures/member-$m.sig"; then bad "$file: the signature does not verify with member $m's key in the definition"; continue; fi
    if [ "$(jq -r .statement "$file")" != "$statement_digest" ] || [ "$(jq -r .member "$file")" != "$m" ] || [ "$(jq -r .key "$file")" != "${mfp:0:16}" ]; then
        bad "$file does not countersign this statement as member $m with the registered key"; continue
    fi
    if [ -n "${counted[$mfp]:-}" ]; then bad "$file: key already counted"; continue; fi
    counted[$mfp]=1
    signed=$((signed + 1))
done
final=false
if [ "$signed" -ge "$required" ]; then final=true; ok "$signed of $required countersignatures needed, each with a member's registered key"
else echo "note  $signed of $required countersignatures needed: the result is not final"; fi

# 4b. The election notices carried (those issued before certification): numbered 1, 2, 3 …
#     without a gap, each signed by the election key, of this election; each carries the audit
#     log's head at its step (entries never going back) — compare with the notices as posted.
election_id=$(jq -r .id election.json)
last_notice=$(grep -c '^notices/notice-[1-9][0-9]*\.json$' "$work/listed")
notices_ok=1 entries=0
for ((n = 1; n <= last_notice; n++)); do
    file=notices/notice-$n.json
    if ! grep -qx "$file" "$work/listed" || ! grep -qx "notices/notice-$n.sig" "$work/listed"; then bad "notice No. $n is missing (notices are numbered without a gap)"; notices_ok=0; break; fi
    if ! verify "$key" "$file" "notices/notice-$n.sig"; then bad "$file: the signature does not verify with the election key"; notices_ok=0; continue; fi
    if [ "$(jq -r '"\(.number) \(.election) \(.key) \(.format)"' "$file")" != "$n $election_id $keyid xuanyi-notice/1" ]; then bad "$file is not notice No. $n of this election"; notices_ok=0; continue; fi
    e=$(jq -r '.audit.entries // 0' "$file")
    if [ "$e" -lt "$entries" ]; then bad "$file carries an audit-log head earlier than the notice before it"; notices_ok=0; fi
    entries=$e
    echo "note  notice No. $n ($(jq -r .subject "$file"), $(jq -r .issuedOn "$file")): audit-log head $(jq -r '.audit | "\(.entries) · \(.head)"' "$file")"
done
[ "$last_notice" -gt 0 ] && [ $notices_ok -eq 1 ] && ok "notices No. 1 to $last_notice: numbered without a gap, each signed by the election key"

# 5. The ballot log's chain, hashing each line (without its newline) in batches. One jq pass
#    reads each line's prev, seq, round and box, method and nonce; awk checks the method and
#    nonce: an electronic line carries the nonce it was sealed with (32 lowercase hex digits)
#    and is in its round's electronic box; a paper line has no nonce and is not.
lines=$(wc -l < ballots.jsonl)
# The seventh field is a marked ballot's posts in paper order, for the recount per box: per post
# "U" when unreadable, one character per candidate on the paper ("a" marked approve, "-" not),
# "/", the written-in
# persons ("x" for one naming nobody); posts separated by ";". The jq pass runs beside the
# hashing (each keeps one core busy).
jq -r '[.prev, .seq, "\(.round) \(.box)", .method, (if has("nonce") then (.nonce | tostring) else "-" end), .ballot.state,
        (if .ballot.state == "marked" then [.ballot.posts[] | (if .unreadable then "U" else "" end)
            + (.marks | map(if . == "approve" then "a" else "-" end) | add // "") + "/"
            + ([.writeIns[] | (.person // "x") | tostring] | join(","))] | join(";") else "-" end)] | @tsv' ballots.jsonl > "$work/fields" &
fields_pass=$!
hash_lines ballots.jsonl > "$work/hashes"
wait "$fields_pass" || bad "ballots.jsonl: a line is not JSON jq can read"
{ printf '%064d\n' 0; head -n -1 "$work/hashes"; } > "$work/expected-prev"
jq -r '.[] | .number as $n | .boxes[] | "\($n) \(.number) \(.kind)"' rounds.json > "$work/kinds"
cut -f1 "$work/fields" > "$work/prev"
if [ "$lines" -eq 0 ] || cmp -s "$work/expected-prev" "$work/prev"; then ok "ballot log: $lines lines, each prev is the SHA-256 of the line before"
else bad "ballot log: the chain breaks at $(cmp "$work/expected-prev" "$work/prev" | cut -d' ' -f5-)"; fi
cut -f2 "$work/fields" | cmp -s - <(seq 1 "$lines") || bad "ballot log: seq is not 1, 2, 3 …"
problems=$(awk -F'\t' '
    FILENAME == ARGV[1] { split($0, k, " "); kind[k[1] " " k[2]] = k[3]; next }
    {
        box = (kind[$3] == "electronic"); problem = ""
        if ($4 == "electronic") {
            if ($5 == "-") problem = "an electronic ballot without its nonce"
            else if (length($5) != 32 || $5 ~ /[^0-9a-f]/) problem = "the nonce is not 32 lowercase hex digits"
            else if (!box) problem = "an electronic ballot outside the electronic box"
        } else if ($4 == "paper") {
            if ($5 != "-") problem = "a paper ballot with a nonce"
            else if (box) problem = "a paper ballot in the electronic box"
        } else problem = "method is " $4
        if (problem != "") print "line " FNR ": " problem
    }' "$work/kinds" "$work/fields" | head -n 5)
[ -z "$problems" ] || bad "ballot log: $(echo "$problems" | paste -sd';' -)"
twice=$(awk -F'\t' '$4 == "electronic" && $5 != "-" { print $5 }' "$work/fields" | sort | uniq -d | head -n 3)
if [ -z "$problems" ] && [ -z "$twice" ]; then ok "ballot log: electronic lines carry their nonce and sit in the electronic box, paper lines do not; no nonce twice"
elif [ -n "$twice" ]; then bad "ballot log: an electronic ballot entered twice (nonce $(echo $twice))"; fi
head=$(tail -n 1 "$work/hashes")
[ "$lines" -eq 0 ] && head=$(printf '%064d' 0)
if [ "$head" = "$(jq -r .logHead statement.json)" ] && [ "$lines" = "$(jq -r .ballots statement.json)" ]; then ok "log head $head and $lines ballots are the statement's"
else bad "the log's head $head / $lines ballots are not the statement's $(jq -r .logHead statement.json) / $(jq -r .ballots statement.json)"; fi

# 6. Ballots per box and per round.
cut -f3 "$work/fields" | sort | uniq -c | while read -r n r b; do echo "$r $b $n"; done | sort > "$work/boxes-log"
jq -r '.[] | .number as $r | .boxes[] | select(.collected > 0) | "\($r) \(.number) \(.collected)"' rounds.json | sort > "$work/boxes-rounds"
if cmp -s "$work/boxes-log" "$work/boxes-rounds"; then ok "ballots per box in the log are rounds.json's collected"
else bad "ballots per box differ from rounds.json (round box count): log $(tr '\n' ';' < "$work/boxes-log") rounds.json $(tr '\n' ';' < "$work/boxes-rounds")"; fi
[ "$(jq '[.[] | .collected == ([.boxes[].collected] | add // 0)] | all' rounds.json)" = true ] || bad "rounds.json: a round's collected is not the sum of its boxes"
[ "$(jq -cS '[.[] | {round: .number, kind, issued, collected}]' rounds.json)" = "$(jq -cS '.rounds' statement.json)" ] || bad "the statement's rounds are not rounds.json's"
# The rule set's electronic-voting mode (no member = off): no electronic box under off, and
# remote only with its legal basis.
mode=$(jq -r '.electronicVoting // "off"' rules.json)
electronic=$(jq '[.[].boxes[] | select(.kind == "electronic")] | length' rounds.json)
if [ "$mode" = off ] && [ "$electronic" -gt 0 ]; then bad "rules.json says electronicVoting = off, yet rounds.json has $electronic electronic box(es)"
elif [ "$mode" = remote ] && [ -z "$(jq -r '.electronicVotingBasis // ""' rules.json)" ]; then bad "rules.json allows remote electronic voting without its legal basis (electronicVotingBasis)"
else ok "electronic voting: $mode ($electronic electronic boxes)$([ "$mode" = remote ] && printf '; legal basis: %s' "$(jq -r .electronicVotingBasis rules.json)")"; fi

# Count sheets: every box's, signed by the election key and by a scrutineer of the definition
# (with their own key, one per key); its ballots, blank and invalid papers are the box's
# lines; the log's line at its head is the one signed when the box closed, and no line of the
# box comes after it; the boxes' votes (and void figures) add up to tally.json's rounds.
awk -F'\t' '{ n[$3]++; last[$3] = $2; if ($6 == "blank") b[$3]++; if ($6 == "notOfficial" || $6 == "unreadable") i[$3]++ }
    END { for (k in n) print k, n[k], b[k] + 0, i[k] + 0, last[k] }' "$work/fields" > "$work/box-lines"
jq -r '.committee[] | select(.publicKey != null and (.roles | index("scrutineer"))) | .member' definition.json > "$work/scrutineers"
before=$failures
sheets=0
while read -r r b issued collected; do
    sheet=countsheets/round-$r-box-$b.json
    sheets=$((sheets + 1))
    if [ ! -f "$sheet" ] || ! grep -qx "$sheet" "$work/listed"; then bad "$sheet: round $r box $b has no count sheet in the manifest"; continue; fi
    verify "$key" "$sheet" "countsheets/round-$r-box-$b.sig" || bad "$sheet: the signature does not verify with the election key"
    declare -A by=()
    for sig in $(grep -E "^countsheets/round-$r-box-$b\.member-[0-9]+\.sig$" "$work/listed"); do
        m=${sig##*.member-}; m=${m%.sig}
        if ! grep -qx "$m" "$work/scrutineers"; then bad "$sheet: member $m is not a scrutineer with a key in the definition"; continue; fi
        if ! verify "$work/keys/$m.pem" "$sheet" "$sig"; then bad "$sheet: the signature of member $m does not verify with their key in the definition"; continue; fi
        by[$(fingerprint "$work/keys/$m.pem")]=1
    done
    [ "${#by[@]}" -ge 1 ] || bad "$sheet: ${#by[@]} scrutineer signatures, 1 needed"
    unset by
    read -r n blank invalid last < <(awk -v k="$r $b" '$1 " " $2 == k { print $3, $4, $5, $6; found = 1 } END { if (!found) print 0, 0, 0, 0 }' "$work/box-lines")
    read -r s_ballots s_blank s_invalid s_hand s_issued hseq htrack < <(jq -r '[.ballots, .blank, .invalid, .handCount, .issued, .head.seq, .head.tracking] | @tsv' "$sheet")
    [ "$s_ballots" = "$n" ] || bad "$sheet: ballots is $s_ballots, the log's box has $n"
    [ "$s_blank" = "$blank" ] || bad "$sheet: blank is $s_blank, the log's box has $blank"
    [ "$s_invalid" = "$invalid" ] || bad "$sheet: invalid is $s_invalid, the log's box has $invalid"
    [ "$s_hand" = "$collected" ] && [ "$s_issued" = "$issued" ] || bad "$sheet: issued $s_issued / hand count $s_hand, rounds.json says $issued / $collected"
    if [ "$hseq" = 0 ]; then expected=$(printf '%064d' 0); else expected=$(sed -n "${hseq}p" "$work/hashes"); fi
    if [ "$expected" != "$htrack" ]; then bad "$sheet: the head signed at the close (line $hseq) is not that line of the log: the log before it was changed"
    elif [ "$last" -gt "$hseq" ]; then bad "round $r box $b: a ballot of the box (line $last) comes after the head signed at its close (line $hseq)"; fi
done < <(jq -r '.[] | .number as $r | .boxes[] | "\($r) \(.number) \(.issued) \(.collected)"' rounds.json)
# Each box recounted from its lines by docs/counting-rules.md §6 (awk, with the papers, the
# persons' genders and the rule set), figure by figure against its signed count sheet.
for paper in papers/round-*.json; do
    jq -r --arg r "${paper//[!0-9]/}" '.sections | to_entries[] | [$r, .key, .value.seats, .value.womenOnly, .value.post, (.value.candidates | map(.person | tostring) | join(","))] | @tsv' "$paper"
done > "$work/layout"
jq -r '.[] | "\(.person)\t\(.gender)"' persons.json > "$work/genders"
jq -r '"\(.overvote // "voidPost")\t\(.samePersonTwoPosts // "voidBallot")"' rules.json > "$work/rules"
awk -F'\t' '
    FILENAME == ARGV[1] { overvote = $1; same = $2; next }
    FILENAME == ARGV[2] { woman[$1] = ($2 == "female"); next }
    FILENAME == ARGV[3] { seats[$1, $2] = $3; wonly[$1, $2] = ($4 == "true"); post[$1, $2] = $5; ncand[$1, $2] = split($6, c, ","); for (k in c) cand[$1, $2, k - 1] = c[k]; next }
    {
        split($3, place, " "); r = place[1]; box = $3
        if ($6 == "blank") { fig[box, "blank"]++; next }
        if ($6 != "marked") { fig[box, "invalid"]++; next }
        n = split($7, posts, ";"); voidball = 0
        for (i = 1; i <= n; i++) {
            idx = i - 1; valid[idx] = 0; nchosen[idx] = 0; vw[idx] = 0
            text = posts[i]
            if (substr(text, 1, 1) == "U") continue
            split(text, aw, "/")
            na = length(aw[1]); nw = split(aw[2], writeins, ",")
            for (k = 1; k <= na; k++) if (substr(aw[1], k, 1) == "a" && (r, idx, k - 1) in cand) {
                p = cand[r, idx, k - 1]; if (!((idx, p) in picked)) { picked[idx, p] = 1; chosen[idx, nchosen[idx]++] = p }
            }
            for (k = 1; k <= nw; k++) {
                p = writeins[k]
                if (p == "x" || (wonly[r, idx] && !woman[p])) { vw[idx]++; continue }
                if (!((idx, p) in picked)) { picked[idx, p] = 1; chosen[idx, nchosen[idx]++] = p }
            }
            if (nchosen[idx] + vw[idx] > seats[r, idx]) { if (overvote == "voidBallot") { voidball = 1; break } ; continue }
            valid[idx] = 1
        }
        if (!voidball) {
            for (i = 0; i < n && !voidball; i++) {
                if (!valid[i]) continue
                for (k = 0; k < nchosen[i]; k++) for (e = 0; e < i; e++) if (valid[e] && ((e, chosen[i, k]) in picked)) {
                    if (same == "voidBallot") { voidball = 1; break }
                    skip[i, k] = 1; break
                }
            }
        }
        if (voidball) fig[box, "voided"]++
        else for (i = 0; i < n; i++) {
            if (vw[i] > 0) fig[box, "voidWriteIns " post[r, i]] += vw[i]
            if (!valid[i]) { if (substr(posts[i + 1], 1, 1) == "U" || nchosen[i] + vw[i] > seats[r, i]) fig[box, "voidPosts " post[r, i]]++; continue }
            for (k = 0; k < nchosen[i]; k++) if (!((i, k) in skip)) fig[box, "votes " post[r, i] " " chosen[i, k]]++
        }
        split("", picked); split("", skip)
    }
    END { for (key in fig) { split(key, part, SUBSEP); if (fig[key] > 0) print part[1] "\t" part[2] "\t" fig[key] } }' \
    "$work/rules" "$work/genders" "$work/layout" "$work/fields" | sort > "$work/recount"
for sheet in countsheets/round-*-box-*.json; do
    jq -r '"\(.round) \(.box)" as $b | ([["blank", .blank], ["invalid", .invalid], ["voided", .voided]][] | [$b, .[0], .[1]]),
        (.voidPosts[] | [$b, "voidPosts \(.post)", .count]), (.voidWriteIns[] | [$b, "voidWriteIns \(.post)", .count]),
        ((.candidates + .writeIns)[] | [$b, "votes \(.post) \(.person)", .votes]) | select(.[2] > 0) | @tsv' "$sheet"
done | sort > "$work/sheet-figures"
diff "$work/sheet-figures" "$work/recount" | grep '^[<>]' | head -n 5 > "$work/recount-diff"
while IFS=$'\t' read -r side figure value; do
    b=${side#? }; r=${b% *}; b=${b#* }
    if [ "${side:0:1}" = "<" ]; then
        bad "countsheets/round-$r-box-$b.json: $figure is $value; recounted from the log: $(awk -F'\t' -v k="$r $b" -v f="$figure" '$1 == k && $2 == f { print $3; found = 1 } END { if (!found) print 0 }' "$work/recount")"
    elif ! grep -q "^$r $b	$figure	" "$work/sheet-figures"; then
        bad "countsheets/round-$r-box-$b.json: $figure is 0; recounted from the log: $value"
    fi
done < "$work/recount-diff"
# The boxes' figures add up to each round's in tally.json.
jq -n '[inputs] | group_by(.round) | map({round: .[0].round, invalid: (map(.invalid) | add), blank: (map(.blank) | add), voided: (map(.voided) | add),
        voidPosts: ([.[].voidPosts[]] | group_by(.post) | map({post: .[0].post, count: (map(.count) | add)}) | map(select(.count > 0))),
        voidWriteIns: ([.[].voidWriteIns[]] | group_by(.post) | map({post: .[0].post, count: (map(.count) | add)}) | map(select(.count > 0))),
        votes: ([.[].candidates[], .[].writeIns[]] | group_by([.post, .person]) | map({post: .[0].post, person: .[0].person, votes: (map(.votes) | add)}) | map(select(.votes > 0)) | sort_by(.post, .person))})' \
    countsheets/round-*-box-*.json > "$work/sheet-sums" 2>/dev/null
jq '[.[] | {round, invalid, blank, voided, voidPosts: (.voidPosts | map(select(.count > 0)) | sort_by(.post)), voidWriteIns: (.voidWriteIns | map(select(.count > 0)) | sort_by(.post)),
        votes: (.votes | map(select(.votes > 0)) | sort_by(.post, .person))}]' tally.json > "$work/tally-sums"
jq -cS '[.[] | .voidPosts |= sort_by(.post) | .voidWriteIns |= sort_by(.post)]' "$work/sheet-sums" > "$work/a" 2>/dev/null
jq -cS '.' "$work/tally-sums" > "$work/b"
cmp -s "$work/a" "$work/b" || bad "the count sheets' votes and void figures do not add up to tally.json's rounds"
[ "$failures" -eq "$before" ] && ok "$sheets count sheets: signed by the election key and a scrutineer of the definition; ballots, blank and invalid per box, heads at closing and votes per round agree with the log and tally.json"

# 7. Certificates: one per winner, each signed by the election key.
count=$(jq length certificates.json)
before=$failures
[ "$(jq -c '[.[].certificate | "\(.post) \(.person)"] | sort' certificates.json)" = "$(jq -c '[.elected[] | "\(.post) \(.person)"] | sort' statement.json)" ] \
    || bad "certificates.json: not exactly one certificate per winner"
for ((i = 0; i < count; i++)); do
    jq -cS ".[$i].certificate" certificates.json | tr -d '\n' > "$work/certificate.json"
    jq -r ".[$i].signature" certificates.json | base64 -d > "$work/certificate.sig"
    verify "$key" "$work/certificate.json" "$work/certificate.sig" || bad "certificate $((i + 1)): the signature does not verify"
    [ "$(jq -r .statement "$work/certificate.json")" = "$statement_digest" ] || bad "certificate $((i + 1)) is not for this statement"
done
[ "$failures" -eq "$before" ] && ok "$count certificates, one per winner, each signed by the election key"

# 8. Receipts. A ballot receipt is signed when the ballot is cast and sealed, before it has a
#    place in the log: its tracking code is the receipt code, the SHA-256 of the ballot's
#    sealed content, which is its line without prev and seq (jq -cS 'del(.prev, .seq)',
#    without the newline). The codes of the electronic lines are computed only when a receipt
#    is given.
if [ ${#receipts[@]} -gt 0 ]; then
    jq -cS 'select(.method == "electronic") | del(.prev, .seq)' ballots.jsonl > "$work/sealed"
    hash_lines "$work/sealed" > "$work/codes"
    awk -F'\t' '$4 == "electronic" { split($3, place, " "); print $2 " " place[1] }' "$work/fields" | paste -d' ' "$work/codes" - > "$work/receipt-codes"
fi
for receipt in "${receipts[@]}"; do
    jq -cS .statement "$receipt" | tr -d '\n' > "$work/receipt.json"
    jq -r .signature "$receipt" | base64 -d > "$work/receipt.sig"
    tracking=$(jq -r .statement.tracking "$receipt") round=$(jq -r .statement.round "$receipt")
    found=$(awk -v code="$tracking" '$1 == code { print; exit }' "$work/receipt-codes")
    if ! verify "$key" "$work/receipt.json" "$work/receipt.sig"; then bad "$receipt: the signature does not verify with the election key"
    elif [ "$(jq -r '.statement | has("seq")' "$receipt")" = true ]; then bad "$receipt carries a seq: not a ballot receipt of xuanyi-election-record/2, whose receipts bind to the ballot's content"
    elif [ "$(jq -r '.statement | "\(.what) \(.subject)"' "$receipt")" != "ballot election:$(jq -r .id election.json)" ]; then bad "$receipt is not a ballot receipt of this election"
    elif [ -z "$found" ] || [ ! "$tracking" ]; then bad "$receipt: receipt code ${tracking:0:16}… is not in the log (no electronic line without prev and seq hashes to it)"
    elif [ "${found##* }" != "$round" ]; then bad "$receipt: its ballot is in round ${found##* }, the receipt says round $round"
    else ok "$receipt: ballot is line $(echo "$found" | cut -d' ' -f2) of the log (round $round), receipt code ${tracking:0:16}…"; fi
done

# 9. An annulment: the annulment notice exactly as signed (annulment.json) and the election
#    key's raw signature (annulment.sig), beside the frozen record. It must verify with the
#    election key, be an election notice (xuanyi-notice/1) of this election and key, of kind
#    annulment, name this record's statement (facts.statement = SHA-256 of statement.json),
#    come after the notices the record carries, and state grounds, reason and reference.
annulled=false
if [ -e annulment.json ] || [ -e annulment.sig ]; then
    if [ ! -f annulment.json ] || [ ! -f annulment.sig ]; then bad "annulment.json and annulment.sig come together"
    elif ! verify "$key" annulment.json annulment.sig; then bad "annulment.json: the signature does not verify with the election key"
    elif [ "$(jq -cS . annulment.json | tr -d '\n')" != "$(cat annulment.json)" ]; then bad "annulment.json is not canonical JSON"
    elif [ "$(jq -r '"\(.format) \(.kind) \(.election) \(.key)"' annulment.json)" != "xuanyi-notice/1 annulment $election_id $keyid" ]; then bad "annulment.json is not the annulment notice of this election"
    elif [ "$(jq -r .facts.statement annulment.json)" != "$statement_digest" ]; then bad "annulment.json declares another result statement void, not this record's"
    elif [ "$(jq -r .number annulment.json)" -le "$last_notice" ]; then bad "annulment.json: its number is not after the notices the record carries"
    elif [ "$(jq -r '.facts.annulment | (.grounds | length > 0) and (.reason | length > 0) and (.reference | length > 0)' annulment.json)" != true ]; then bad "annulment.json lacks the grounds, reason or decision reference"
    else
        annulled=true
        ok "annulment: notice No. $(jq -r .number annulment.json) of $(jq -r .issuedOn annulment.json), signed by the election key, declares this result void"
        echo "note  decided by $(jq -r '.facts.annulment | "\(.decidedBy) (\(.authority)) on \(.decidedOn), \(.reference); grounds: \(.grounds | join(", ")); reason: \(.reason)"' annulment.json)"
    fi
fi

if [ "$failures" -gt 0 ]; then echo "VERDICT: FAIL ($failures)"; exit 1; fi
if [ "$annulled" = true ]; then echo "VERDICT: ANNULLED — the result is void; the seats are to be elected again"; exit 4; fi
if [ "$final" != true ]; then echo "VERDICT: NOT FINAL"; exit 2; fi
echo "VERDICT: PASS"

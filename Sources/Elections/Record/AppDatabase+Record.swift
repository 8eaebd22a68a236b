import Community
import Foundation
import GRDB
import Notary

/// What writing the record's content produced, for the statement that signs it.
struct RecordContent {
    /// Every file written whole (manifest, SHA256SUMS and the listed files but the ballot log).
    var files: [String: Data]
    var manifest: RecordManifest
    var manifestBytes: Data
    var logHead: String
    var ballots: Int
    var tally: TallyInputs
    var outcome: ElectionOutcome
    var election: RecordElection
    var electionKeyPEM: String
}

/// A certified result as stored: the statement, its signature and the countersignatures.
public struct CertifiedResult: Sendable {
    public var statement: ResultStatement
    public var statementBytes: Data
    public var signature: Data
    public var countersignatures: [(countersignature: Countersignature, bytes: Data, signature: Data, publicKeyPEM: String)]
    public var required: Int
    /// Enough committee members have countersigned: the result is final.
    public var isFinal: Bool { countersignatures.count >= required }
    /// SHA-256 of the statement's bytes (what countersignatures and certificates name).
    public var statementDigest: String { SHA256.hash(statementBytes).hex }
    /// A by-election's result: the last day of the term its members serve (on their certificates).
    public var termEnds: CivilDate? = nil
}

extension AppDatabase {
    // MARK: Content

    /// Writes the record's content files (those the manifest lists) for an election whose rounds
    /// are all closed. The same database always gives the same bytes.
    static func writeRecordContent(_ db: Database, electionID: Int64, to writer: RecordWriter) throws -> RecordContent {
        let tally = try tallyInputs(db, electionID: electionID) { $0.status == .closed }
        let election = tally.election
        let rules = election.rules
        guard let rulesDigest = election.rulesDigest else { throw CommunityError.notAllowed("the rule set is not frozen yet (publish the roll)") }
        guard let community = try Community.fetchOne(db, key: election.communityID) else { throw CommunityError.notFound("community") }
        guard let key = try SigningKeyRecord.filter(Column("keyID") == election.keyID).fetchOne(db) else { throw CommunityError.notFound("election key") }
        let outcome = ElectionTally.decide(tally.inputs, rules: rules, rollSize: tally.rollSize, isWoman: tally.isWoman)

        guard let definition = try Self.electionDefinition(db, electionID: electionID) else {
            throw CommunityError.notAllowed("election \(electionID) has no signed election definition (it is signed when polling opens)")
        }
        let recordElection = RecordElection(
            id: electionID,
            community: .init(code: community.code ?? "", name: community.name, streetOffice: community.streetOffice, district: community.district),
            title: election.title, method: election.method.rawValue, electionDay: election.electionDay.description,
            posts: rules.posts.map { .init(post: $0, seats: rules.seats(for: $0)) }, rulesDigest: rulesDigest,
            announcedOn: election.announcedOn?.description, rollPublishedOn: election.rollPublishedOn?.description,
            candidateListPublishedOn: election.candidateListPublishedOn?.description, rehearsal: try Self.isRehearsal(db, community) ? true : nil)
        try writer.write(ElectionRecordFormat.electionFile, try CanonicalJSON.encode(recordElection))
        try writer.write(ElectionRecordFormat.rulesFile, try CanonicalJSON.encode(rules))
        try writer.write(ElectionRecordFormat.definitionFile, definition.bytes)
        try writer.write(ElectionRecordFormat.definitionSignatureFile, definition.signature)

        let rollLines = try rollLines(db, electionID: electionID, includeRemoved: true, extra: "", arguments: [])
        try writer.write(ElectionRecordFormat.rollFile, try CanonicalJSON.encode(RecordRoll(
            method: election.method.rawValue, voters: tally.rollSize, lines: rollLines.count, csvSHA256: SHA256.hash(RollCSV.render(rollLines)).hex)))

        let candidates = try candidateLines(db, election: election, includeWithdrawn: false).filter(\.active)
            .map { RecordCandidate(post: $0.post, position: $0.position, person: $0.residentID, name: $0.name) }
        try writer.write(ElectionRecordFormat.candidatesFile, try CanonicalJSON.encode(candidates))
        let persons = tally.names.keys.sorted().map {
            RecordPerson(person: $0, name: tally.names[$0] ?? "", gender: tally.genders[$0]?.rawValue ?? "")
        }
        try writer.write(ElectionRecordFormat.personsFile, try CanonicalJSON.encode(persons))

        var rounds: [RecordRound] = []
        for (round, input) in zip(tally.rounds, tally.inputs) {
            let boxes = try Row.fetchAll(db, sql: """
                SELECT b.number, b.name, b.kind,
                       (SELECT count(*) FROM checkIn c WHERE c.boxID = b.id) AS issued,
                       (SELECT count(*) FROM ballotLog l WHERE l.boxID = b.id) AS logged
                FROM ballotBox b WHERE b.roundID = ? ORDER BY b.number
                """, arguments: [round.id]).map {
                RecordRound.Box(number: $0["number"], name: $0["name"], kind: $0["kind"], issued: $0["issued"], collected: $0["logged"])
            }
            rounds.append(RecordRound(number: round.number, kind: round.kind, paper: round.paperDigest, issued: input.issued,
                                      collected: input.count.collected, boxes: boxes))
            try writer.write(ElectionRecordFormat.paperFile(round: round.number), Data(round.paperJSON.utf8))
        }
        try writer.write(ElectionRecordFormat.roundsFile, try CanonicalJSON.encode(rounds))
        // Every box's count sheet with the election key's and the scrutineers' signatures.
        for round in tally.rounds {
            for box in try BallotBox.filter(Column("roundID") == round.id).order(Column("number")).fetchAll(db) {
                guard let json = box.countSheetJSON, let signature = box.countSheetSignature else {
                    throw CommunityError.notAllowed("round \(round.number), \(box.name): no signed count sheet (the box is not closed)")
                }
                try writer.write(ElectionRecordFormat.countSheetFile(round: round.number, box: box.number), Data(json.utf8))
                try writer.write(ElectionRecordFormat.countSheetSignatureFile(round: round.number, box: box.number), signature)
                for signed in try Self.countSheetSignatures(db, boxID: box.id!) {
                    try writer.write(ElectionRecordFormat.countSheetMemberSignatureFile(round: round.number, box: box.number, member: signed.member), signed.signature)
                }
            }
        }

        // The election notices issued so far, as signed (each with the audit log's head at its step).
        for signed in try Self.notices(db, electionID: electionID) {
            try writer.write(ElectionRecordFormat.noticeFile(number: signed.notice.number), signed.bytes)
            try writer.write(ElectionRecordFormat.noticeSignatureFile(number: signed.notice.number), signed.signature)
        }

        let (logHead, ballots) = try streamBallotLog(db, electionID: electionID, closed: Set(tally.rounds.compactMap(\.id)), to: writer)
        let tallies = zip(tally.inputs, outcome.rounds).map { RecordTally(input: $0, outcome: $1.outcome) }
        try writer.write(ElectionRecordFormat.tallyFile, try CanonicalJSON.encode(tallies))
        try writer.write(ElectionRecordFormat.resultFile, try CanonicalJSON.encode(RecordResult(outcome)))
        try writer.write(ElectionRecordFormat.electionKeyFile, Data(key.publicKeyPEM.utf8))

        let manifest = RecordManifest(format: ElectionRecordFormat.version, election: electionID, files: writer.files)
        let manifestBytes = try CanonicalJSON.encode(manifest)
        try writer.write(ElectionRecordFormat.manifestFile, manifestBytes, listed: false)
        try writer.write(ElectionRecordFormat.sumsFile, manifest.sums, listed: false)
        return RecordContent(files: writer.contents, manifest: manifest, manifestBytes: manifestBytes, logHead: logHead, ballots: ballots, tally: tally,
                             outcome: outcome, election: recordElection, electionKeyPEM: key.publicKeyPEM)
    }

    /// Streams the election's ballot log into `ballots.jsonl` (one line each, `\n` after each);
    /// every ballot must belong to a closed round. Returns the log head and the number of lines.
    static func streamBallotLog(_ db: Database, electionID: Int64, closed: Set<Int64>, to writer: RecordWriter) throws -> (head: String, ballots: Int) {
        var logHead = SHA256Digest.zero.hex
        var ballots = 0
        try writer.stream(ElectionRecordFormat.ballotsFile) { append in
            let cursor = try Row.fetchCursor(db, sql: "SELECT roundID, line, tracking FROM ballotLog WHERE electionID = ? ORDER BY seq", arguments: [electionID])
            var chunk = Data()
            while let row = try cursor.next() {
                guard closed.contains(row["roundID"]) else { throw CommunityError.notAllowed("a round is still open: close it before the record is made") }
                chunk.append(contentsOf: (row["line"] as String).utf8)
                chunk.append(0x0A)
                logHead = row["tracking"]
                ballots += 1
                if chunk.count >= 1 << 16 { try append(chunk); chunk.removeAll(keepingCapacity: true) }
            }
            try append(chunk)
        }
        return (logHead, ballots)
    }

    // MARK: Certifying

    /// Certifies the result: every round closed, no round pending. Signs the result statement
    /// (record manifest digest, log head, winners, counts) with the election key. Members then
    /// countersign it; the result is final once `signaturesRequired` have.
    @discardableResult
    public func certifyResult(electionID: Int64, signingKey: Ed25519PrivateKey, now: Date = AppClock.now(), actor: Actor) throws -> CertifiedResult {
        try writer.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM resultStatement WHERE electionID = ?", arguments: [electionID]) != nil {
                throw CommunityError.notAllowed("the result is already certified")
            }
            if let open = try PollingRound.filter(Column("electionID") == electionID && Column("status") == "open").fetchOne(db) {
                throw CommunityError.notAllowed("round \(open.number) is still open")
            }
            guard try PollingRound.filter(Column("electionID") == electionID).fetchCount(db) > 0 else {
                throw CommunityError.notAllowed("no round has been held")
            }
            let content = try Self.writeRecordContent(db, electionID: electionID, to: RecordWriter(directory: nil))
            guard content.outcome.isFinal else {
                throw CommunityError.notAllowed("the result needs \(content.outcome.pending.count) more round(s) first")
            }
            guard signingKey.keyID == content.tally.election.keyID else { throw CommunityError.notAllowed("not this election's key") }
            // Every box's count sheet signed by the committee's scrutineers.
            let unsigned = try Self.countSheetsAwaitingScrutineers(db, electionID: electionID)
            guard unsigned.isEmpty else {
                throw CommunityError.notAllowed("the count sheet of \(unsigned.joined(separator: "; ")) lacks its scrutineer signature: a scrutineer (监票人) of the election committee signs it on the box's page first")
            }
            // The committee's keys were fixed when polling opened: enough of them must still serve.
            if let definition = try Self.electionDefinition(db, electionID: electionID)?.definition {
                let serving = Set(try Int64.fetchAll(db, sql: "SELECT id FROM electionCommitteeMember WHERE electionID = ? AND active", arguments: [electionID]))
                let able = definition.committee.filter { $0.publicKey != nil && serving.contains($0.member) }
                guard able.count >= definition.signaturesRequired else {
                    throw CommunityError.notAllowed("only \(able.count) serving members of the election committee hold a key the election definition registers, and \(definition.signaturesRequired) must countersign")
                }
            }
            let names = content.tally.names
            let statement = ResultStatement(
                format: ElectionRecordFormat.statementFormat, election: electionID, community: content.election.community.name,
                title: content.election.title, manifest: SHA256.hash(content.manifestBytes).hex, logHead: content.logHead, ballots: content.ballots,
                rulesDigest: content.election.rulesDigest,
                rounds: content.tally.inputs.map { .init(round: $0.number, kind: $0.kind, issued: $0.issued, collected: $0.count.collected) },
                elected: content.outcome.elected.map { .init(post: $0.post, person: $0.person, name: names[$0.person] ?? "", votes: $0.votes, round: $0.round) },
                vacant: RecordResult(content.outcome).vacant, acting: content.outcome.acting, at: Timestamp.string(from: now), key: signingKey.keyID)
            let bytes = try CanonicalJSON.encode(statement)
            let signature = try signingKey.sign(bytes)
            try db.execute(sql: "INSERT INTO resultStatement (electionID, statementJSON, signature, createdAt) VALUES (?, ?, ?, ?)",
                           arguments: [electionID, String(decoding: bytes, as: UTF8.self), signature, now])
            // The record's bytes are fixed now: every file but the (append-only, hash-chained)
            // ballot log is kept as certified, so later corrections of residents, households or
            // the committee never change or block the record.
            for (path, data) in content.files {
                try db.execute(sql: "INSERT INTO certifiedRecordFile (electionID, path, bytes) VALUES (?, ?, ?)", arguments: [electionID, path, data])
            }
            try AuditLog.append(db, actor: actor, action: "result.certify", subject: "election:\(electionID)", details: [
                "statement": SHA256.hash(bytes).hex, "manifest": statement.manifest, "logHead": statement.logHead,
            ])
            try issueNotices(db, electionID: electionID, .result(statement: statement, digest: SHA256.hash(bytes).hex), on: CivilDate.today(now: now))
            return try Self.certifiedResult(db, electionID: electionID)!
        }
    }

    /// The certified result, or nil before certification.
    public func certifiedResult(electionID: Int64) throws -> CertifiedResult? {
        try reader.read { db in try Self.certifiedResult(db, electionID: electionID) }
    }

    static func certifiedResult(_ db: Database, electionID: Int64) throws -> CertifiedResult? {
        guard let row = try Row.fetchOne(db, sql: "SELECT statementJSON, signature FROM resultStatement WHERE electionID = ?", arguments: [electionID]) else {
            return nil
        }
        let bytes = Data((row["statementJSON"] as String).utf8)
        let statement = try JSONDecoder().decode(ResultStatement.self, from: bytes)
        let election = try fetchElection(db, electionID)
        let definition = try electionDefinition(db, electionID: electionID)?.definition
        let committeeSize = try KeyedCommittee.current(db, election: election).members.count
        let counters = try Row.fetchAll(db, sql: """
            SELECT countersignatureJSON, signature, publicKeyPEM FROM resultCountersignature WHERE electionID = ? ORDER BY memberID
            """, arguments: [electionID]).map { row in
            let data = Data((row["countersignatureJSON"] as String).utf8)
            return (countersignature: try JSONDecoder().decode(Countersignature.self, from: data), bytes: data, signature: row["signature"] as Data,
                    publicKeyPEM: row["publicKeyPEM"] as String)
        }
        return CertifiedResult(statement: statement, statementBytes: bytes, signature: row["signature"], countersignatures: counters,
                               required: definition?.signaturesRequired ?? KeyedCommittee.required(rules: election.rules, committeeSize: committeeSize),
                               termEnds: election.rules.byElection?.termEnds)
    }

    /// A committee member countersigns the certified statement with their own key, opened with
    /// their password after reviewing the summary.
    @discardableResult
    public func countersignResult(electionID: Int64, accountID: Int64, password: String, now: Date = AppClock.now(), actor: Actor) throws -> CertifiedResult {
        let key = try unlockAccountKey(accountID: accountID, password: password)
        return try writer.write { db in
            guard let certified = try Self.certifiedResult(db, electionID: electionID) else { throw CommunityError.notAllowed("the result is not certified yet") }
            guard let member = try Row.fetchOne(db, sql: """
                SELECT m.id, r.name FROM electionCommitteeMember m JOIN resident r ON r.id = m.residentID
                WHERE m.electionID = ? AND m.accountID = ? AND m.active
                """, arguments: [electionID, accountID]) else {
                throw CommunityError.notAllowed("only a serving member of the election committee countersigns the result")
            }
            let memberID: Int64 = member["id"]
            if try Row.fetchOne(db, sql: "SELECT 1 FROM resultCountersignature WHERE electionID = ? AND memberID = ?", arguments: [electionID, memberID]) != nil {
                throw CommunityError.notAllowed("you have already countersigned this result")
            }
            let listed = try String.fetchOne(db, sql: "SELECT publicKeyPEM FROM accountKey WHERE accountID = ?", arguments: [accountID])
            guard listed == key.publicKey.pemRepresentation else { throw CommunityError.notAllowed("the account's key changed") }
            // Only a key the signed election definition registers counts (a key made later is not in it).
            guard let definition = try Self.electionDefinition(db, electionID: electionID)?.definition,
                  definition.committee.first(where: { $0.member == memberID })?.publicKey == key.publicKey.pemRepresentation else {
                throw CommunityError.notAllowed("your countersigning key is not the one the election definition registers for you (it was made or changed after polling opened, or you joined later), so it cannot count")
            }
            let countersignature = Countersignature(format: ElectionRecordFormat.countersignatureFormat, election: electionID,
                                                    statement: certified.statementDigest, member: memberID, name: member["name"],
                                                    at: Timestamp.string(from: now), key: key.keyID)
            let bytes = try CanonicalJSON.encode(countersignature)
            try db.execute(sql: """
                INSERT INTO resultCountersignature (electionID, memberID, countersignatureJSON, signature, publicKeyPEM) VALUES (?, ?, ?, ?, ?)
                """, arguments: [electionID, memberID, String(decoding: bytes, as: UTF8.self), try key.sign(bytes), key.publicKey.pemRepresentation])
            try AuditLog.append(db, actor: actor, action: "result.countersign", subject: "election:\(electionID)",
                                details: ["member": String(memberID), "key": key.keyID])
            return try Self.certifiedResult(db, electionID: electionID)!
        }
    }

    /// The certificates of election (当选证书), one per elected member, signed with the election
    /// key over the statement's digest. Ed25519 is deterministic: the same certificate every time.
    public func certificates(electionID: Int64, signingKey: Ed25519PrivateKey) throws -> [SignedCertificate] {
        guard let certified = try certifiedResult(electionID: electionID) else { return [] }
        return try Self.signCertificates(certified, signingKey: signingKey)
    }

    /// Checks a certificate's compact code with the election's *public* key: the certificate it
    /// stands for (rebuilt from the certified statement), or nil when the code names no elected
    /// member of a certified election or its signature does not match.
    public func verifyCertificate(code: String) throws -> (certificate: SignedCertificate, final: Bool)? {
        let parts = code.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".")
        guard parts.count == 4, parts[0] == "xyc1", let election = Int64(parts[1]), let person = Int64(parts[2]),
              let signature = Base64.decodeURL(String(parts[3])), signature.count == 64,
              let certified = try certifiedResult(electionID: election),
              let certificate = Self.certificateBodies(certified).first(where: { $0.person == person }),
              let pem = try reader.read({ db in try SigningKeyRecord.filter(Column("keyID") == certified.statement.key).fetchOne(db)?.publicKeyPEM }),
              try Ed25519PublicKey(pem: pem).isValidSignature(signature, for: try CanonicalJSON.encode(certificate)) else { return nil }
        return (SignedCertificate(certificate: certificate, signature: Base64.encode(signature)), certified.isFinal)
    }

    // MARK: Export

    /// Writes the whole record of a certified election into `directory` (created if needed).
    /// `signingKey` is the election's key (the certificates in the record are signed with it).
    public func exportRecord(electionID: Int64, to directory: URL, signingKey: Ed25519PrivateKey) throws -> RecordManifest {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try reader.read { db in
            guard let certified = try Self.certifiedResult(db, electionID: electionID) else {
                throw CommunityError.notAllowed("certify the result before exporting the record")
            }
            let writer = RecordWriter(directory: directory)
            let manifest: RecordManifest
            if let frozen = try Self.frozenRecordFiles(db, electionID: electionID) {
                manifest = try Self.writeFrozenRecord(db, electionID: electionID, files: frozen, certified: certified, to: writer)
            } else {
                // Certified before records were frozen: rebuilt, and only if nothing changed since.
                let content = try Self.writeRecordContent(db, electionID: electionID, to: writer)
                guard SHA256.hash(content.manifestBytes).hex == certified.statement.manifest else {
                    throw CommunityError.notAllowed("the election's data changed after its result was certified: the record would not match the statement")
                }
                manifest = content.manifest
            }
            try writer.write(ElectionRecordFormat.statementFile, certified.statementBytes, listed: false)
            try writer.write(ElectionRecordFormat.statementSignatureFile, certified.signature, listed: false)
            for counter in certified.countersignatures {
                let member = counter.countersignature.member
                try writer.write(ElectionRecordFormat.countersignatureFile(member: member), counter.bytes, listed: false)
                try writer.write(ElectionRecordFormat.countersignatureSignatureFile(member: member), counter.signature, listed: false)
            }
            guard signingKey.keyID == certified.statement.key else { throw CommunityError.notAllowed("not this election's key") }
            let certificates = try Self.signCertificates(certified, signingKey: signingKey)
            try writer.write(ElectionRecordFormat.certificatesFile, try CanonicalJSON.encode(certificates), listed: false)
            // An annulled result: the annulment notice as signed travels beside the frozen record.
            if let annulment = try Self.annulment(db, electionID: electionID),
               let notice = try Self.notices(db, electionID: electionID, number: annulment.noticeNumber).first {
                try writer.write(ElectionRecordFormat.annulmentFile, notice.bytes, listed: false)
                try writer.write(ElectionRecordFormat.annulmentSignatureFile, notice.signature, listed: false)
            }
            return manifest
        }
    }

    /// The files frozen when the result was certified, or nil for a result certified before
    /// records were frozen.
    static func frozenRecordFiles(_ db: Database, electionID: Int64) throws -> [String: Data]? {
        let rows = try Row.fetchAll(db, sql: "SELECT path, bytes FROM certifiedRecordFile WHERE electionID = ?", arguments: [electionID])
        guard !rows.isEmpty else { return nil }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["path"] as String, $0["bytes"] as Data) })
    }

    /// Writes a certified record as it was frozen: the stored files byte for byte, and the
    /// ballot log streamed from the database, which must still be the one certified (its size
    /// and SHA-256 as the frozen manifest lists them).
    static func writeFrozenRecord(_ db: Database, electionID: Int64, files: [String: Data], certified: CertifiedResult, to writer: RecordWriter) throws -> RecordManifest {
        guard let manifestBytes = files[ElectionRecordFormat.manifestFile], SHA256.hash(manifestBytes).hex == certified.statement.manifest else {
            throw CommunityError.invalid(field: "certifiedRecordFile", reason: "the frozen manifest of election \(electionID) is not the one its statement signs")
        }
        let manifest = try JSONDecoder().decode(RecordManifest.self, from: manifestBytes)
        for entry in manifest.files where entry.path != ElectionRecordFormat.ballotsFile {
            guard let data = files[entry.path], SHA256.hash(data).hex == entry.sha256 else {
                throw CommunityError.invalid(field: "certifiedRecordFile", reason: "the frozen file \(entry.path) of election \(electionID) does not match its manifest")
            }
            try writer.write(entry.path, data)
        }
        let rounds = try Int64.fetchAll(db, sql: "SELECT id FROM pollingRound WHERE electionID = ?", arguments: [electionID])
        _ = try streamBallotLog(db, electionID: electionID, closed: Set(rounds), to: writer)
        guard let written = writer.files.last, let listed = manifest.files.first(where: { $0.path == ElectionRecordFormat.ballotsFile }),
              written.sha256 == listed.sha256, written.bytes == listed.bytes else {
            throw CommunityError.invalid(field: "ballotLog", reason: "the ballot log of election \(electionID) is not the one certified")
        }
        try writer.write(ElectionRecordFormat.manifestFile, manifestBytes, listed: false)
        try writer.write(ElectionRecordFormat.sumsFile, files[ElectionRecordFormat.sumsFile] ?? manifest.sums, listed: false)
        return manifest
    }

    /// The certificates a certified statement gives, unsigned.
    static func certificateBodies(_ certified: CertifiedResult) -> [Certificate] {
        certified.statement.elected.map { winner in
            Certificate(format: ElectionRecordFormat.certificateFormat, election: certified.statement.election, title: certified.statement.title,
                        person: winner.person, name: winner.name, post: winner.post, votes: winner.votes, round: winner.round,
                        statement: certified.statementDigest, termEnds: certified.termEnds?.description)
        }
    }

    static func signCertificates(_ certified: CertifiedResult, signingKey: Ed25519PrivateKey) throws -> [SignedCertificate] {
        try certificateBodies(certified).map { certificate in
            SignedCertificate(certificate: certificate, signature: Base64.encode(try signingKey.sign(try CanonicalJSON.encode(certificate))))
        }
    }
}

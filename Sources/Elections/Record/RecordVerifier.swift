import Community
import Foundation
import Notary

/// One check of a record's verification, with where it failed.
public struct VerificationCheck: Codable, Sendable, Equatable {
    public var ok: Bool
    public var zh: String
    public var en: String
    public var file: String?
    public var line: Int?
    public var field: String?

    /// `file:line field`, as far as known.
    public var location: String {
        var text = file ?? ""
        if let line { text += ":\(line)" }
        if let field { text += text.isEmpty ? field : " \(field)" }
        return text
    }
}

/// The outcome of `xuanyi verify`: every check, and one verdict.
public struct VerificationReport: Codable, Sendable {
    public var record: String
    public var format: String?
    public var ballots: Int
    /// Enough committee members countersigned the statement.
    public var final: Bool
    /// The record comes from a rehearsal (演练) database: practice, not a real election.
    public var rehearsal: Bool
    public var checks: [VerificationCheck]
    /// Whether the election key matched the anchor(s) given; nil when none was given.
    public var anchored: Bool?
    /// SHA-256 (hex) of the election's raw public key: what 选举公告 第1号 prints.
    public var electionKeyFingerprint: String?
    /// The annulment the record carries (`annulment.json`, signed by the election key): the
    /// result is void.
    public var annulment: RecordAnnulment? = nil
    public var passed: Bool { !checks.isEmpty && checks.allSatisfy(\.ok) }
    public var failures: [VerificationCheck] { checks.filter { !$0.ok } }

    /// The verdict, and `xuanyi verify`'s exit status.
    public enum Verdict: String, Codable, Sendable {
        /// Every check passed, the key matched the anchor and the result is final: exit 0.
        case valid
        /// A check failed: exit 1.
        case invalid
        /// Every check passed but not enough committee members countersigned: exit 2.
        case notFinal
        /// Every check passed and the result is final, but no anchor was given: exit 3.
        case unanchored
        /// Every check passed, and the record carries a valid annulment: the result is void (exit 4).
        case annulled

        public var exitCode: Int32 {
            switch self {
            case .valid: return 0
            case .invalid: return 1
            case .notFinal: return 2
            case .unanchored: return 3
            case .annulled: return 4
            }
        }
    }

    public var verdict: Verdict {
        if !passed { return .invalid }
        if annulment != nil { return .annulled }
        if !final { return .notFinal }
        return anchored == true ? .valid : .unanchored
    }

    /// The report for people, in `zh` or `en`, ending in one verdict line.
    public func text(language: String) -> String {
        let zh = language != "en"
        var lines = [zh ? "核验选举记录：\(record)" : "Verifying election record: \(record)"]
        for check in checks {
            let mark = check.ok ? "✓" : "✗"
            let location = check.location.isEmpty ? "" : " [\(check.location)]"
            lines.append("\(mark) \(zh ? check.zh : check.en)\(check.ok ? "" : location)")
        }
        let failed = failures.count
        if rehearsal {
            lines.append(zh ? "注意：这是演练记录，不是真实选举的结果" : "NOTE: this record comes from a rehearsal, not a real election")
        }
        let fingerprint = electionKeyFingerprint ?? ""
        switch verdict {
        case .valid:
            lines.append(zh ? "结论：通过 — 全部 \(checks.count) 项核验通过，\(ballots) 张选票，结果已生效，选举公钥与信任锚一致"
                            : "VERDICT: PASS — all \(checks.count) checks passed, \(ballots) ballots, result final, election key matches the anchor")
        case .notFinal:
            lines.append(zh ? "结论：记录完整但结果尚未生效 — \(checks.count) 项核验通过，\(ballots) 张选票，尚待足够的选举委员会成员会签"
                            : "VERDICT: NOT FINAL — all \(checks.count) checks passed, \(ballots) ballots, but not enough committee members have countersigned")
        case .unanchored:
            lines.append(zh ? "结论：记录自身一致，但尚未与公告核对 — 请将选举公钥指纹 \(fingerprint) 与选举公告第1号（及选举委员会公告中各成员的公钥指纹）核对，再以 --anchor \(fingerprint) 重新核验"
                            : "VERDICT: UNANCHORED — all \(checks.count) checks passed, \(ballots) ballots, result final, but nothing ties this record to the published election: compare the election key fingerprint \(fingerprint) with election notice no. 1 (选举公告第1号; and the members' keys with the committee's notice), then run again with --anchor \(fingerprint)")
        case .annulled:
            let a = annulment!
            lines.append(zh ? "结论：选举结果无效 — 记录自身一致（\(checks.count) 项核验通过，\(ballots) 张选票），但\(a.decidedBy)已于\(a.decidedOn)决定（\(a.reference)）宣布该选举结果无效（选举公告第\(a.notice)号）：\(a.grounds.map(\.chinese).joined(separator: "、"))。当选无效，应选职位须重新选举\(anchored == true ? "" : "；选举公钥尚未与公告核对（--anchor）")"
                            : "VERDICT: ANNULLED — the record is consistent (\(checks.count) checks passed, \(ballots) ballots), but \(a.decidedBy) declared its result void on \(a.decidedOn) (\(a.reference); election notice No. \(a.notice)): \(a.grounds.map(\.english).joined(separator: ", ")). Nobody is elected by it; the seats are to be elected again\(anchored == true ? "" : "; the election key was not compared with the notices (--anchor)")")
        case .invalid:
            lines.append(zh ? "结论：不通过 — \(failed) 项核验失败（共 \(checks.count) 项）"
                            : "VERDICT: FAIL — \(failed) of \(checks.count) checks failed")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Verifies a public election record without the database (verifiability.md §7): recomputes
/// every file digest, every tracking code and the chain, recounts the ballots with the frozen
/// rule set and compares every published figure, checks the box accounting, every signature,
/// the certificates and any receipts. The ballot log is streamed: memory does not grow with it.
public struct RecordVerifier {
    public let directory: URL
    /// Receipts to check for inclusion: JSON (`receipt.json`) or the compact `xyr1.` text.
    public let receipts: [(name: String, data: Data)]
    /// Trust anchors the user gives: the election key's fingerprint (the SHA-256 of its raw
    /// public key, as printed on 选举公告 第1号; at least its first 16 hex characters) or the key
    /// itself (SPKI PEM). Without one the verdict says what to compare, never a bare pass.
    public let anchors: [String]

    public init(directory: URL, receipts: [(name: String, data: Data)] = [], anchors: [String] = []) {
        self.directory = directory
        self.receipts = receipts
        self.anchors = anchors
    }

    /// Runs every check.
    public func verify() -> VerificationReport {
        var run = Run(directory: directory)
        run.verify(receipts: receipts)
        var anchored: Bool?
        if let key = run.electionKey {
            if !anchors.isEmpty {
                let fingerprint = key.fingerprint
                let matches = anchors.allSatisfy { anchor in
                    if let pem = try? Ed25519PublicKey(pem: anchor) { return pem.rawRepresentation == key.rawRepresentation }
                    let hex = anchor.lowercased().filter { !$0.isWhitespace && $0 != ":" }
                    return hex.count >= 16 && fingerprint.hasPrefix(hex)
                }
                anchored = matches
                if matches {
                    run.pass("选举公钥与给定的信任锚一致（指纹 \(fingerprint)）", "the election key matches the anchor given (fingerprint \(fingerprint))")
                } else {
                    run.fail("选举公钥（指纹 \(fingerprint)）与给定的信任锚不符：这不是所公布的那次选举的记录",
                             "the election key (fingerprint \(fingerprint)) is not the anchor given: this is not the published election's record",
                             file: ElectionRecordFormat.electionKeyFile)
                }
            }
        }
        return VerificationReport(record: directory.path, format: run.manifest?.format, ballots: run.ballotCount, final: run.final,
                                  rehearsal: run.rehearsal, checks: run.checks, anchored: anchored,
                                  electionKeyFingerprint: run.electionKey?.fingerprint, annulment: run.annulment)
    }
}

/// One verification in progress.
private struct Run {
    let directory: URL
    var checks: [VerificationCheck] = []
    var manifest: RecordManifest?
    var ballotCount = 0
    var final = false
    var rehearsal = false
    var contents: [String: Data] = [:]
    var electionKey: Ed25519PublicKey?
    /// The annulment the record carries, once checked.
    var annulment: RecordAnnulment?
    /// The record's folders (`true`) and regular files, relative paths, as `checkLinks` found
    /// them before anything was read (links and special files are not listed).
    var entries: [(path: String, isFolder: Bool)] = []

    init(directory: URL) { self.directory = directory }

    mutating func pass(_ zh: String, _ en: String) { checks.append(VerificationCheck(ok: true, zh: zh, en: en)) }

    mutating func fail(_ zh: String, _ en: String, file: String?, line: Int? = nil, field: String? = nil) {
        checks.append(VerificationCheck(ok: false, zh: zh, en: en, file: file, line: line, field: field))
    }

    /// The bytes of a record file: only a regular file reached through real folders (a link, a
    /// device or a FIFO anywhere on the path is not read — `/dev/zero` behind a link would never
    /// end), and at most `RecordFiles.maxFileBytes`; nil otherwise, which the caller reports as
    /// missing (and `checkLinks` names the link).
    func read(_ path: String) -> Data? {
        guard let size = RecordFiles.regularFileSize(path, in: directory), size <= RecordFiles.maxFileBytes else { return nil }
        return try? Data(contentsOf: directory.appendingPathComponent(path))
    }

    /// Decodes a JSON file, failing the check with the file and the decoder's reason.
    mutating func decode<T: Decodable>(_ type: T.Type, _ path: String, data: Data? = nil) -> T? {
        guard let data = data ?? contents[path] ?? read(path) else {
            fail("缺少文件 \(path)", "file \(path) is missing", file: path)
            return nil
        }
        do {
            let value = try JSONDecoder().decode(T.self, from: data)
            // Every JSON file of a record is canonical JSON of a known shape: a field this
            // verifier does not know is refused, not skipped (it could carry a meaning unread).
            if let encodable = value as? any Encodable, (try? CanonicalJSON.encode(encodable)) != data {
                fail("\(path) 含有本程序不认识的字段或不是规范 JSON", "\(path) has fields this verifier does not know, or is not canonical JSON", file: path)
            }
            return value
        } catch {
            fail("\(path) 不是有效的 JSON：\(Self.reason(error))", "\(path) is not valid: \(Self.reason(error))", file: path, field: Self.field(error))
            return nil
        }
    }

    /// A JSON receipt holds `statement` and `signature` only, and the statement only the fields
    /// a receipt statement has (its JSON form may be re-indented, but nothing may be added).
    static func hasOnlyKnownFields(receiptJSON data: Data) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], Set(object.keys) == ["statement", "signature"],
              let statement = object["statement"] as? [String: Any] else { return false }
        return Set(statement.keys).isSubset(of: receiptStatementFields)
    }

    /// The fields a receipt statement has, read from `ReceiptStatement`'s own encoding (every
    /// optional field set), so the list cannot fall behind the type.
    static let receiptStatementFields: Set<String> = {
        let sample = ReceiptStatement(what: "", subject: "", round: 0, seq: 0, tracking: "", at: "", key: "")
        guard let data = try? CanonicalJSON.encode(sample), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return Set(object.keys)
    }()

    static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context): return context.debugDescription
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        default: return "\(error)"
        }
    }

    static func field(_ error: any Error) -> String? {
        let path: [any CodingKey]
        switch error {
        case DecodingError.keyNotFound(let key, let context): path = context.codingPath + [key]
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context): path = context.codingPath
        default: return nil
        }
        return path.isEmpty ? nil : path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }

    /// Names every symbolic link and every entry that is neither a file nor a folder, before
    /// anything is read: such an entry is never followed or read (`read`), so the files behind
    /// it would otherwise only show up as missing.
    mutating func checkLinks() {
        let root = directory.standardizedFileURL.path
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey, .isDirectoryKey, .isSymbolicLinkKey],
                                                        options: [])
        var found: [(String, String, String)] = []
        while let url = enumerator?.nextObject() as? URL {
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .isDirectoryKey, .isSymbolicLinkKey])
            var path = url.path
            if path.hasPrefix(root) { path = String(path.dropFirst(root.count).drop { $0 == "/" }) }
            if values?.isSymbolicLink == true {
                found.append((path, "记录中有符号链接 \(path)（不读取）", "\(path) is a symbolic link (not followed)"))
                enumerator?.skipDescendants()
            } else if values?.isDirectory == true {
                entries.append((path, true))
            } else if values?.isRegularFile == true {
                entries.append((path, false))
            } else {
                found.append((path, "记录中有不是普通文件的项 \(path)（不读取）", "\(path) is not a regular file (not read)"))
            }
        }
        for (path, zh, en) in found.sorted(by: { $0.0 < $1.0 }) { fail(zh, en, file: path) }
    }

    mutating func verify(receipts: [(name: String, data: Data)]) {
        checkLinks()
        // 1. Manifest and file digests.
        guard let manifestBytes = read(ElectionRecordFormat.manifestFile) else {
            fail("缺少 manifest.json，不是选举记录", "manifest.json is missing: not an election record", file: ElectionRecordFormat.manifestFile)
            return
        }
        guard let manifest = decode(RecordManifest.self, ElectionRecordFormat.manifestFile, data: manifestBytes) else { return }
        self.manifest = manifest
        guard manifest.format == ElectionRecordFormat.version else {
            fail("记录格式为 \(manifest.format)，本程序只核验 \(ElectionRecordFormat.version)",
                 "record format is \(manifest.format); this verifier reads \(ElectionRecordFormat.version) only", file: ElectionRecordFormat.manifestFile, field: "format")
            return
        }
        pass("记录格式 \(manifest.format)", "record format \(manifest.format)")
        var digestsOK = true
        for file in manifest.files where !Self.isRecordPath(file.path) {
            fail("清单中的路径 \(file.path) 不是记录内的文件", "manifest path \(file.path) is not a file inside the record", file: ElectionRecordFormat.manifestFile, field: "files")
            return
        }
        if Set(manifest.files.map(\.path)).count != manifest.files.count {
            fail("清单重复列出同一文件", "the manifest lists a file twice", file: ElectionRecordFormat.manifestFile, field: "files")
            return
        }
        for file in manifest.files where file.path != ElectionRecordFormat.ballotsFile {
            guard let data = read(file.path) else {
                fail("缺少文件 \(file.path)", "file \(file.path) is missing", file: file.path)
                digestsOK = false
                continue
            }
            contents[file.path] = data
            let digest = SHA256.hash(data).hex
            if data.count != file.bytes || digest != file.sha256 {
                fail("\(file.path) 的 SHA-256 为 \(digest)，清单记载 \(file.sha256)", "\(file.path) hashes to \(digest), the manifest says \(file.sha256)",
                     file: file.path)
                digestsOK = false
            }
        }
        if digestsOK { pass("清单所列 \(manifest.files.count - 1) 个文件的 SHA-256 均一致（选票日志另行逐行核验）",
                            "SHA-256 of the \(manifest.files.count - 1) listed files match (the ballot log is checked line by line below)") }
        if read(ElectionRecordFormat.sumsFile) == manifest.sums {
            pass("SHA256SUMS 与清单一致（可用 sha256sum -c 核对）", "SHA256SUMS agrees with the manifest (checkable with sha256sum -c)")
        } else {
            fail("SHA256SUMS 与清单不一致", "SHA256SUMS does not agree with the manifest", file: ElectionRecordFormat.sumsFile)
        }

        // 2. Definition: election, rules, roll, persons, rounds, papers.
        guard let election = decode(RecordElection.self, ElectionRecordFormat.electionFile),
              let rules = decode(RuleSet.self, ElectionRecordFormat.rulesFile),
              let roll = decode(RecordRoll.self, ElectionRecordFormat.rollFile),
              let persons = decode([RecordPerson].self, ElectionRecordFormat.personsFile),
              let rounds = decode([RecordRound].self, ElectionRecordFormat.roundsFile),
              let candidates = decode([RecordCandidate].self, ElectionRecordFormat.candidatesFile),
              let definition = decode(ElectionDefinition.self, ElectionRecordFormat.definitionFile) else { return }
        rehearsal = election.rehearsal == true
        guard let keyPEM = contents[ElectionRecordFormat.electionKeyFile].map({ String(decoding: $0, as: UTF8.self) }),
              let electionKey = try? Ed25519PublicKey(pem: keyPEM) else {
            fail("选举公钥缺失或无效", "the election public key is missing or not an Ed25519 key", file: ElectionRecordFormat.electionKeyFile)
            return
        }
        self.electionKey = electionKey
        // Fields this verifier does not know are refused, not skipped: a mark such as
        // `rehearsal` must never pass unread (the schemas say additionalProperties: false).
        // (`decode` refused fields this verifier does not know in each of these files.)
        checkNoStrayFiles(manifest, committee: definition.committee.map(\.member), rounds: rounds)
        checkDefinition(definition, election: election, rules: rules, key: electionKey)
        checkNotices(manifest, election: election, key: electionKey)
        checks.append(.electronicVoting(rules: rules, rounds: rounds))
        let rulesDigest = contents[ElectionRecordFormat.rulesFile].map { SHA256.hash($0).hex } ?? ""
        if rulesDigest == election.rulesDigest, (try? CanonicalJSON.encode(rules)) == contents[ElectionRecordFormat.rulesFile] {
            pass("规则集摘要 \(rulesDigest.prefix(16))… 与选举定义一致", "rule set digest \(rulesDigest.prefix(16))… matches the election definition")
        } else {
            fail("rules.json 的摘要 \(rulesDigest) 与 election.json 记载的 \(election.rulesDigest) 不符", "rules.json digest \(rulesDigest) ≠ election.json rulesDigest \(election.rulesDigest)",
                 file: ElectionRecordFormat.rulesFile, field: "rulesDigest")
        }
        var papers: [Int: BallotPaper] = [:]
        for round in rounds {
            let path = ElectionRecordFormat.paperFile(round: round.number)
            guard let data = contents[path] ?? read(path), let paper = decode(BallotPaper.self, path, data: data) else { continue }
            if SHA256.hash(data).hex != round.paper {
                fail("第 \(round.number) 轮选票样式的摘要与 rounds.json 不符", "round \(round.number): the paper's digest ≠ rounds.json", file: path)
            }
            papers[round.number] = paper
        }
        let women = Set(persons.filter { $0.gender == Gender.female.rawValue }.map(\.person))
        let known = Set(persons.map(\.person))
        // The published list is what the main round's papers carry.
        let listed = Set(candidates.map { "\($0.post.rawValue)|\($0.position)|\($0.person)|\($0.name)" })
        let onPapers = Set(rounds.filter { $0.kind == .main }.compactMap { papers[$0.number] }.flatMap { paper in
            paper.sections.flatMap { section in section.candidates.map { "\(section.post.rawValue)|\($0.position)|\($0.person)|\($0.name)" } }
        })
        if listed == onPapers {
            pass("候选人名单 \(candidates.count) 人与正式选举的选票一致", "the candidate list (\(candidates.count)) is what the main round's papers carry")
        } else {
            fail("candidates.json 与正式选举选票上的候选人不一致", "candidates.json differs from the candidates on the main round's papers", file: ElectionRecordFormat.candidatesFile)
        }

        // 3. The ballot log, streamed.
        let sheets = readCountSheets(rounds: rounds)
        var wanted: [(name: String, receipt: SignedReceipt)] = []
        for (name, data) in receipts {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let receipt = (try? SignedReceipt(json: data)) ?? (try? SignedReceipt(compactText: text)) else {
                fail("回执 \(name) 无法读取", "receipt \(name) cannot be read", file: name)
                continue
            }
            if !text.hasPrefix(SignedReceipt.compactPrefix), !Self.hasOnlyKnownFields(receiptJSON: data) {
                fail("回执 \(name) 含有本程序不认识的字段", "receipt \(name) has fields this verifier does not know", file: name)
                continue
            }
            guard (try? receipt.verify(with: electionKey)) != nil else {
                fail("回执 \(name) 的签名与本选举公钥不符", "receipt \(name): signature does not verify with this election's key", file: name, field: "signature")
                continue
            }
            guard receipt.statement.what == "ballot", receipt.statement.subject == "election:\(election.id)" else {
                fail("回执 \(name) 不是本选举的选票回执", "receipt \(name) is not a ballot receipt of this election", file: name, field: "subject")
                continue
            }
            // Record format 2: a ballot receipt is signed when the ballot is cast and sealed,
            // before it has a place in the log, so it binds to the ballot's content (its
            // receipt code) and never names a line.
            guard receipt.statement.seq == nil else {
                fail("回执 \(name) 载有 seq（日志行号），不是本记录格式（\(ElectionRecordFormat.version)）的选票回执：选票回执只凭选票内容（回执码）核对",
                     "receipt \(name) carries a seq (a place in the log): not a ballot receipt of \(ElectionRecordFormat.version), whose receipts bind to the ballot's content (its receipt code)",
                     file: name, field: "seq")
                continue
            }
            guard receipt.statement.round != nil, SHA256Digest(hex: receipt.statement.tracking) != nil,
                  receipt.statement.tracking == receipt.statement.tracking.lowercased() else {
                fail("回执 \(name) 缺少轮次或回执码不是 64 位小写十六进制数字", "receipt \(name) has no round, or its receipt code is not 64 lowercase hex digits",
                     file: name, field: receipt.statement.round == nil ? "round" : "tracking")
                continue
            }
            wanted.append((name, receipt))
        }
        guard let fileEntry = manifest.files.first(where: { $0.path == ElectionRecordFormat.ballotsFile }) else {
            fail("清单未列出选票日志", "the manifest does not list the ballot log", file: ElectionRecordFormat.manifestFile)
            return
        }
        var log = LogScan(election: election.id, rounds: rounds, papers: papers, rules: rules, isWoman: { women.contains($0) }, known: known,
                          wanted: Set(wanted.map(\.receipt.statement.tracking)), logBytes: fileEntry.bytes,
                          heads: Set(sheets.values.map(\.sheet.head.seq).filter { $0 > 0 }))
        log.scan(directory.appendingPathComponent(ElectionRecordFormat.ballotsFile))
        ballotCount = log.lines
        if let (line, field, zh, en) = log.failure {
            fail(zh, en, file: ElectionRecordFormat.ballotsFile, line: line, field: field)
        } else {
            pass("选票日志 \(log.lines) 行：每行的追踪码与链接（prev）均正确，日志头 \(log.head.prefix(16))…",
                 "ballot log: \(log.lines) lines, every tracking code and prev link correct, head \(log.head.prefix(16))…")
        }
        if log.bytes != fileEntry.bytes || log.digest != fileEntry.sha256 {
            fail("ballots.jsonl 的 SHA-256 为 \(log.digest)，清单记载 \(fileEntry.sha256)", "ballots.jsonl hashes to \(log.digest), the manifest says \(fileEntry.sha256)",
                 file: ElectionRecordFormat.ballotsFile)
        }
        for (name, receipt) in wanted {
            let code = receipt.statement.tracking, round = receipt.statement.round ?? 0
            if let found = log.found[code], found.round == round {
                pass("回执 \(name)：选票（回执码 \(code.prefix(16))…）在日志第 \(found.seq) 行（第 \(round) 轮），签名有效",
                     "receipt \(name): ballot is line \(found.seq) of the log (round \(round)), receipt code \(code.prefix(16))…, signature valid")
            } else if let found = log.found[code] {
                fail("回执 \(name) 的选票在日志第 \(found.seq) 行，但属第 \(found.round) 轮，回执记载第 \(round) 轮",
                     "receipt \(name): its ballot is line \(found.seq) of the log but in round \(found.round), the receipt says round \(round)", file: name, field: "round")
            } else {
                fail("回执 \(name) 的选票（回执码 \(code.prefix(16))…）不在日志中：没有哪一张电子选票去掉 prev 与 seq 后的 SHA-256 等于回执码",
                     "receipt \(name): receipt code \(code.prefix(16))… is not in the log (no electronic ballot's line without prev and seq hashes to it)",
                     file: name, field: "tracking")
            }
        }

        // 4. Box accounting.
        var accountingOK = true
        for round in rounds {
            for box in round.boxes {
                let counted = log.perBox[BoxKey(round: round.number, box: box.number)] ?? 0
                if counted != box.collected {
                    fail("第 \(round.number) 轮 \(box.name)：日志中有 \(counted) 张选票，rounds.json 记载收回 \(box.collected) 张",
                         "round \(round.number), \(box.name): \(counted) ballots in the log, rounds.json says \(box.collected) collected",
                         file: ElectionRecordFormat.roundsFile, field: "[\(round.number)].boxes[\(box.number)].collected")
                    accountingOK = false
                }
            }
            if round.boxes.map(\.issued).reduce(0, +) != round.issued || round.boxes.map(\.collected).reduce(0, +) != round.collected {
                fail("第 \(round.number) 轮各票箱之和与本轮合计不符", "round \(round.number): the boxes do not add up to the round's figures",
                     file: ElectionRecordFormat.roundsFile, field: "[\(round.number)]")
                accountingOK = false
            }
        }
        if accountingOK {
            let detail = rounds.map { "第\($0.number)轮 发出\($0.issued) 收回\($0.collected)" }.joined(separator: "，")
            let detailEN = rounds.map { "round \($0.number): \($0.issued) issued, \($0.collected) collected" }.joined(separator: "; ")
            pass("票箱核对：\(detail)", "box accounting: \(detailEN)")
        }

        checkCountSheets(sheets, rounds: rounds, papers: papers, log: log, definition: definition, key: electionKey)

        // 5. Recount and compare.
        let roundCounts = log.counts
        let inputs = rounds.compactMap { round -> RoundInput? in
            guard let paper = papers[round.number] else { return nil }
            return RoundInput(number: round.number, kind: round.kind, paper: paper, count: roundCounts[round.number] ?? BallotCount(), issued: round.issued)
        }
        let outcome = ElectionTally.decide(inputs, rules: rules, rollSize: roll.voters, isWoman: { women.contains($0) })
        // Every later round must settle a round an earlier one asked for (counting-rules §8).
        if outcome.unrequested.isEmpty {
            pass("每一轮后续选举都是前一轮结果所要求的", "every later round was asked for by an earlier round's result")
        } else {
            for number in outcome.unrequested {
                fail("第\(number)轮不是任何前一轮结果所要求的选举", "round \(number) settles nothing an earlier round asked for", file: ElectionRecordFormat.roundsFile)
            }
        }
        let tallies = zip(inputs, outcome.rounds).map { RecordTally(input: $0, outcome: $1.outcome) }
        compare(tallies, with: ElectionRecordFormat.tallyFile, zh: "按冻结的规则集重新计票，各轮票数与每一步判定与 tally.json 一致",
                en: "recount with the frozen rule set: every round's figures and decisions match tally.json")
        var overfilled = false
        for post in Post.allCases {
            let elected = outcome.elected.filter { $0.post == post }.count
            let seats = election.posts.first { $0.post == post }?.seats ?? 0
            if elected > seats {
                fail("\(post.chinese) 当选 \(elected) 人，多于应选 \(seats) 名", "\(elected) elected \(post.english) for \(seats) seats",
                     file: ElectionRecordFormat.resultFile, field: "elected")
                overfilled = true
            }
        }
        if !overfilled { pass("各职位当选人数不多于应选名额", "no post has more elected than seats") }
        let result = RecordResult(outcome)
        compare(result, with: ElectionRecordFormat.resultFile, zh: "选举结果与 result.json 一致（\(result.elected.count) 人当选）",
                en: "the result matches result.json (\(result.elected.count) elected)")

        // 6. Statement, countersignatures, certificates.
        let names = Dictionary(persons.map { ($0.person, $0.name) }, uniquingKeysWith: { a, _ in a })
        guard let statementBytes = read(ElectionRecordFormat.statementFile) else {
            fail("缺少结果声明 statement.json", "statement.json (the signed result statement) is missing", file: ElectionRecordFormat.statementFile)
            return
        }
        guard let statement = decode(ResultStatement.self, ElectionRecordFormat.statementFile, data: statementBytes) else { return }
        let expected = ResultStatement(
            format: ElectionRecordFormat.statementFormat, election: election.id, community: election.community.name, title: election.title,
            manifest: SHA256.hash(manifestBytes).hex, logHead: log.head, ballots: log.lines, rulesDigest: rulesDigest,
            rounds: inputs.map { .init(round: $0.number, kind: $0.kind, issued: $0.issued, collected: $0.count.collected) },
            elected: outcome.elected.map { .init(post: $0.post, person: $0.person, name: names[$0.person] ?? "", votes: $0.votes, round: $0.round) },
            vacant: result.vacant, acting: outcome.acting, at: statement.at, key: electionKey.keyID)
        compare(expected, with: ElectionRecordFormat.statementFile, data: statementBytes,
                zh: "结果声明与记录一致：清单摘要、日志头 \(log.head.prefix(12))…、票数与当选人", en: "the result statement matches the record: manifest digest, log head, counts and winners")
        if let signature = read(ElectionRecordFormat.statementSignatureFile), electionKey.isValidSignature(signature, for: statementBytes) {
            pass("结果声明的选举委员会签名有效（密钥 \(electionKey.keyID)）", "the result statement's election-key signature is valid (key \(electionKey.keyID))")
        } else {
            fail("结果声明的签名无效", "the result statement's signature does not verify", file: ElectionRecordFormat.statementSignatureFile)
        }
        checkCountersignatures(definition: definition, election: election.id, statementBytes: statementBytes)
        checkCertificates(statement: statement, statementBytes: statementBytes, key: electionKey)
        checkAnnulment(manifest, election: election.id, statementBytes: statementBytes, key: electionKey)
    }

    /// An annulment carried beside the record (`RecordAnnulment.check`): when it holds, the
    /// verdict is that the result is void.
    mutating func checkAnnulment(_ manifest: RecordManifest, election: Int64, statementBytes: Data, key: Ed25519PublicKey) {
        let lastNotice = manifest.files.compactMap { Self.noticePath($0.path) }.max() ?? 0
        switch RecordAnnulment.check(notice: read(ElectionRecordFormat.annulmentFile), signature: read(ElectionRecordFormat.annulmentSignatureFile),
                                     statementBytes: statementBytes, election: election, key: key, lastNotice: lastNotice) {
        case nil: return
        case .failure(let problem)?: fail(problem.zh, problem.en, file: problem.file, field: problem.field)
        case .success(let found)?:
            annulment = found
            pass("选举结果无效公告（第\(found.notice)号，\(found.issuedOn)）由选举公钥签名，宣布本记录的结果声明无效：\(found.decidedBy)（\(found.authority.chinese)）\(found.decidedOn)决定，\(found.reference)；理由：\(found.reason)",
                 "the annulment (notice No. \(found.notice), \(found.issuedOn)) is signed by the election key and declares this record's result statement void: decided by \(found.decidedBy) (\(found.authority.english)) on \(found.decidedOn), \(found.reference); reason: \(found.reason)")
        }
    }

    /// Compares a recomputed value with a file's bytes; on a difference names the first field
    /// that differs.
    mutating func compare<T: Encodable>(_ value: T, with path: String, data: Data? = nil, zh: String, en: String) {
        guard let expected = try? CanonicalJSON.encode(value), let actual = data ?? contents[path] ?? read(path) else {
            fail("缺少文件 \(path)", "file \(path) is missing", file: path)
            return
        }
        if expected == actual { pass(zh, en); return }
        let (field, want, got) = JSONDifference.first(expected: expected, actual: actual)
        fail("\(path) 与重新计算的结果不符：\(field) 应为 \(want)，记录为 \(got)", "\(path) differs from the recomputation: \(field) should be \(want), the record says \(got)",
             file: path, field: field)
    }

    /// A manifest path: relative, no `.`/`..`/empty component, no backslash, and one of the
    /// files a record has (`papers/round-N.json` for its rounds, `countsheets/…` for its boxes).
    static func isRecordPath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\\") else { return false }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return false }
        let fixed: Set<String> = [ElectionRecordFormat.electionFile, ElectionRecordFormat.rulesFile, ElectionRecordFormat.rollFile,
                                   ElectionRecordFormat.candidatesFile, ElectionRecordFormat.personsFile, ElectionRecordFormat.roundsFile,
                                   ElectionRecordFormat.ballotsFile, ElectionRecordFormat.tallyFile, ElectionRecordFormat.resultFile,
                                   ElectionRecordFormat.electionKeyFile, ElectionRecordFormat.definitionFile, ElectionRecordFormat.definitionSignatureFile]
        if fixed.contains(path) { return true }
        if parts.count == 2, parts[0] == "countsheets" { return countSheetPath(path) != nil }
        if parts.count == 2, parts[0] == "notices" { return noticePath(path) != nil }
        guard parts.count == 2, parts[0] == "papers", parts[1].hasPrefix("round-"), parts[1].hasSuffix(".json"),
              let number = Int(parts[1].dropFirst(6).dropLast(5)), number > 0, ElectionRecordFormat.paperFile(round: number) == path else { return false }
        return true
    }

    /// The notice number of a `notices/` path (`notice-N.json` or `.sig`, N without leading zeros).
    static func noticePath(_ path: String) -> Int? {
        for suffix in [".json", ".sig"] where path.hasPrefix("notices/notice-") && path.hasSuffix(suffix) {
            let digits = path.dropFirst("notices/notice-".count).dropLast(suffix.count)
            guard let number = Int(digits), number > 0, String(number) == digits else { return nil }
            return number
        }
        return nil
    }

    /// The election notices the record carries (选举公告, issued before certification): numbered
    /// 1, 2, 3 … without a gap, each signed by the election key, of this election, in canonical
    /// JSON of the notice format, and the audit-log heads they carry never going back.
    mutating func checkNotices(_ manifest: RecordManifest, election: RecordElection, key: Ed25519PublicKey) {
        let numbers = Set(manifest.files.compactMap { Self.noticePath($0.path) })
        guard !numbers.isEmpty else { return }
        var entries: Int64 = 0
        for number in 1...(numbers.max() ?? 0) {
            let path = ElectionRecordFormat.noticeFile(number: number), signaturePath = ElectionRecordFormat.noticeSignatureFile(number: number)
            guard numbers.contains(number), let bytes = contents[path], let signature = contents[signaturePath] else {
                fail("选举公告第\(number)号缺失（公告须连续编号）", "notice No. \(number) is missing (notices are numbered without a gap)", file: path)
                return
            }
            guard key.isValidSignature(signature, for: bytes) else {
                fail("选举公告第\(number)号的签名不是本选举公钥所签", "notice No. \(number) is not signed by this election's key", file: signaturePath)
                return
            }
            guard let notice = decode(ElectionNotice.self, path, data: bytes) else { return }
            guard notice.number == number, notice.election == election.id, notice.key == key.keyID, notice.format == ElectionNotice.formatName else {
                fail("\(path) 不是本选举的第\(number)号公告", "\(path) is not notice No. \(number) of this election", file: path)
                return
            }
            if let audit = notice.audit {
                guard audit.entries >= entries else {
                    fail("选举公告第\(number)号所载审计日志条数少于前一号公告", "notice No. \(number) carries an audit-log head earlier than the notice before it", file: path, field: "audit")
                    return
                }
                entries = audit.entries
            }
        }
        pass("选举公告第1至\(numbers.max()!)号连续编号，均由选举公钥签名，所载审计日志链头依次向前",
             "notices No. 1 to \(numbers.max()!) are numbered without a gap, each signed by the election key, their audit-log heads in order")
    }

    /// What a `countsheets/` path is: a box's sheet (`member` nil, `signature` false), the
    /// election key's signature over it, or member M's; nil for any other name.
    static func countSheetPath(_ path: String) -> (round: Int, box: Int, signature: Bool, member: Int64?)? {
        guard path.hasPrefix("countsheets/round-") else { return nil }
        let name = path.dropFirst("countsheets/round-".count)
        let pieces = name.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 2 || pieces.count == 3 else { return nil }
        let place = pieces[0].split(separator: "-", omittingEmptySubsequences: false)
        guard place.count == 3, place[1] == "box", let round = Int(place[0]), round > 0, let box = Int(place[2]), box >= 0 else { return nil }
        var result: (round: Int, box: Int, signature: Bool, member: Int64?)
        if pieces.count == 2 {
            guard pieces[1] == "json" || pieces[1] == "sig" else { return nil }
            result = (round, box, pieces[1] == "sig", nil)
        } else {
            guard pieces[2] == "sig", pieces[1].hasPrefix("member-"), let member = Int64(pieces[1].dropFirst(7)), member > 0 else { return nil }
            result = (round, box, true, member)
        }
        // Only the one spelling (no leading zeros, no signs).
        let canonical = result.member.map { ElectionRecordFormat.countSheetMemberSignatureFile(round: round, box: box, member: $0) }
            ?? (result.signature ? ElectionRecordFormat.countSheetSignatureFile(round: round, box: box) : ElectionRecordFormat.countSheetFile(round: round, box: box))
        return canonical == path ? result : nil
    }

    /// Every file of the record is listed, or is one of the unlisted countersignatures of a
    /// member of the signed definition; every listed count-sheet file belongs to a box of
    /// `rounds.json`; nothing is a link, a device or an unexpected folder.
    mutating func checkNoStrayFiles(_ manifest: RecordManifest, committee: [Int64], rounds: [RecordRound]) {
        var allowed = Set(manifest.files.map(\.path) + [ElectionRecordFormat.manifestFile, ElectionRecordFormat.sumsFile, ElectionRecordFormat.statementFile,
                                                        ElectionRecordFormat.statementSignatureFile, ElectionRecordFormat.certificatesFile,
                                                        ElectionRecordFormat.annulmentFile, ElectionRecordFormat.annulmentSignatureFile])
        for member in committee {
            allowed.formUnion([ElectionRecordFormat.countersignatureFile(member: member), ElectionRecordFormat.countersignatureSignatureFile(member: member)])
        }
        let boxes = Set(rounds.flatMap { round in round.boxes.map { BoxKey(round: round.number, box: $0.number) } })
        for file in manifest.files {
            if let place = Self.countSheetPath(file.path), !boxes.contains(BoxKey(round: place.round, box: place.box)) {
                fail("清单列出的 \(file.path) 不属于 rounds.json 中的任何票箱", "the manifest lists \(file.path), which belongs to no box of rounds.json", file: file.path)
            }
        }
        let folders: Set<String> = ["keys", "papers", "countersignatures", "countsheets", "notices"]
        var stray: [(String, String, String)] = []
        var strayFolders: [String] = []
        // The folders and files `checkLinks` listed (links and special files it named already).
        for (path, isFolder) in entries where !strayFolders.contains(where: { path.hasPrefix($0 + "/") }) {
            if isFolder {
                if !folders.contains(path) {
                    stray.append((path, "记录中有多余的文件夹 \(path)", "\(path) is a folder a record does not have"))
                    strayFolders.append(path)
                }
            } else if !allowed.contains(path) {
                stray.append((path, "记录中有未列入清单的文件 \(path)", "\(path) is in the record but not in the manifest"))
            }
        }
        for (path, zh, en) in stray.sorted(by: { $0.0 < $1.0 }) { fail(zh, en, file: path) }
    }

    /// The signed election definition: signed by the election key (so by the anchor, when one
    /// is given), the same election as `election.json`, and what it must satisfy — the
    /// countersignatures needed follow from the frozen rule set and its committee (never from
    /// the record's own say), and each member has a key of their own.
    mutating func checkDefinition(_ definition: ElectionDefinition, election: RecordElection, rules: RuleSet, key: Ed25519PublicKey) {
        let path = ElectionRecordFormat.definitionFile
        guard let bytes = contents[path], let signature = contents[ElectionRecordFormat.definitionSignatureFile],
              key.isValidSignature(signature, for: bytes), definition.key == key.keyID else {
            fail("选举定义 definition.json 的签名不是本选举公钥所签", "definition.json is not signed by this election's key", file: ElectionRecordFormat.definitionSignatureFile)
            return
        }
        var same = definition.format == ElectionDefinition.format && definition.election == election.id && definition.community == election.community
            && definition.title == election.title && definition.method == election.method && definition.electionDay == election.electionDay
        same = same && definition.posts == election.posts && definition.rulesDigest == election.rulesDigest
        if !same {
            fail("选举定义与 election.json 记载的选举（名称、方式、日期、职位名额或规则集摘要）不一致",
                 "definition.json and election.json describe different elections (title, method, day, posts and seats or rule-set digest)", file: path)
        }
        let required = KeyedCommittee.required(rules: rules, committeeSize: definition.committee.count)
        if definition.signaturesRequired != required || required < 1 {
            fail("选举定义记载需会签 \(definition.signaturesRequired) 名，按规则集与登记的 \(definition.committee.count) 名成员应为 \(required) 名",
                 "definition.json asks for \(definition.signaturesRequired) countersignatures; the rule set and the \(definition.committee.count) registered members require \(required)",
                 file: path, field: "signaturesRequired")
        }
        let keys = definition.committee.compactMap { $0.publicKey.flatMap { try? Ed25519PublicKey(pem: $0) }?.rawRepresentation }
        if Set(keys).count != keys.count || Set(definition.committee.map(\.member)).count != definition.committee.count
            || keys.count != definition.committee.compactMap(\.publicKey).count || keys.contains(key.rawRepresentation) {
            fail("选举定义中有成员重复、公钥无效或共用同一公钥（或与选举公钥相同）", "the definition lists a member twice, a key that is not Ed25519, or two members (or a member and the election) sharing one key",
                 file: path, field: "committee")
        }
        let fingerprints = definition.committee.compactMap { member in
            member.publicKey.flatMap { try? Ed25519PublicKey(pem: $0) }.map { "\(member.name) \($0.fingerprint.prefix(16))" }
        }
        pass("选举定义（第 \(definition.version) 版，\(definition.at)）由选举公钥签署，登记选举委员会成员公钥：\(fingerprints.joined(separator: "，"))（请与选举委员会公告核对）",
             "the election definition (version \(definition.version), \(definition.at)) is signed by the election key; members' keys: \(fingerprints.joined(separator: ", ")) (compare with the committee's notice)")
    }

    mutating func checkCountersignatures(definition: ElectionDefinition, election: Int64, statementBytes: Data) {
        let statementDigest = SHA256.hash(statementBytes).hex
        var signed: Set<Int64> = []
        var signedKeys: Set<Data> = []
        for member in definition.committee {
            let path = ElectionRecordFormat.countersignatureFile(member: member.member)
            guard let data = read(path) else { continue }
            guard let countersignature = decode(Countersignature.self, path, data: data) else { continue }
            guard let pem = member.publicKey, let key = try? Ed25519PublicKey(pem: pem) else {
                fail("\(member.name) 在选举定义中没有登记公钥，其会签不计", "\(member.name) has no key in the election definition: the countersignature cannot count", file: path)
                continue
            }
            if countersignature.format != ElectionRecordFormat.countersignatureFormat || countersignature.election != election
                || countersignature.statement != statementDigest || countersignature.member != member.member || countersignature.key != key.keyID {
                fail("\(member.name) 的会签与结果声明或选举定义登记的公钥不符", "\(member.name)'s countersignature does not name this statement, member or registered key", file: path)
                continue
            }
            guard let signature = read(ElectionRecordFormat.countersignatureSignatureFile(member: member.member)),
                  key.isValidSignature(signature, for: data) else {
                fail("\(member.name) 的会签签名不能用选举定义登记的公钥验证", "\(member.name)'s countersignature does not verify with the key the election definition registers",
                     file: ElectionRecordFormat.countersignatureSignatureFile(member: member.member))
                continue
            }
            guard !signedKeys.contains(key.rawRepresentation) else {
                fail("\(member.name) 的会签与另一成员使用同一公钥，只计一次", "\(member.name)'s countersignature uses a key already counted", file: path)
                continue
            }
            signedKeys.insert(key.rawRepresentation)
            signed.insert(member.member)
        }
        let enumerator = FileManager.default.enumerator(atPath: directory.appendingPathComponent("countersignatures").path)
        let committee = Set(definition.committee.map { ElectionRecordFormat.countersignatureFile(member: $0.member) })
        while let name = enumerator?.nextObject() as? String {
            if name.hasSuffix(".json"), !committee.contains("countersignatures/\(name)") {
                fail("会签 \(name) 不属于选举定义登记的选举委员会成员", "countersignature \(name) is not by a member the election definition registers", file: "countersignatures/\(name)")
            }
        }
        final = signed.count >= definition.signaturesRequired
        let names = definition.committee.filter { signed.contains($0.member) }.map(\.name).joined(separator: "、")
        if final {
            pass("\(signed.count) 名选举委员会成员会签有效（需 \(definition.signaturesRequired) 名，均为选举定义登记的公钥）：\(names)",
                 "\(signed.count) valid countersignatures by election committee members with the keys the definition registers (\(definition.signaturesRequired) needed)")
        } else {
            pass("已有 \(signed.count) 名成员会签，需 \(definition.signaturesRequired) 名：结果尚未生效",
                 "\(signed.count) countersignatures of \(definition.signaturesRequired) needed: the result is not final yet")
        }
    }

    /// Every box's count sheet as the record carries it (decoded strictly), by box.
    mutating func readCountSheets(rounds: [RecordRound]) -> [BoxKey: (sheet: CountSheet, bytes: Data)] {
        var sheets: [BoxKey: (sheet: CountSheet, bytes: Data)] = [:]
        for round in rounds {
            for box in round.boxes {
                let path = ElectionRecordFormat.countSheetFile(round: round.number, box: box.number)
                guard let data = contents[path] else {
                    fail("第 \(round.number) 轮 \(box.name) 缺少计票结果单 \(path)", "round \(round.number), \(box.name): the count sheet \(path) is missing", file: path)
                    continue
                }
                if let sheet = decode(CountSheet.self, path, data: data) { sheets[BoxKey(round: round.number, box: box.number)] = (sheet, data) }
            }
        }
        return sheets
    }

    /// Each box's count sheet: signed by the election key and by at least
    /// `CountSheetRule.scrutineerSignatures` scrutineers with the keys the definition registers
    /// (one per key); its figures are the box's lines in the log recounted; its head is the
    /// log's line at that seq, and no line of the box comes after it.
    mutating func checkCountSheets(_ sheets: [BoxKey: (sheet: CountSheet, bytes: Data)], rounds: [RecordRound], papers: [Int: BallotPaper], log: LogScan,
                                   definition: ElectionDefinition, key: Ed25519PublicKey) {
        let scrutineers = Dictionary(definition.committee.filter { $0.roles.contains(CommitteeRole.scrutineer.rawValue) }.compactMap { member in
            member.publicKey.flatMap { try? Ed25519PublicKey(pem: $0) }.map { (member.member, (name: member.name, key: $0)) }
        }, uniquingKeysWith: { a, _ in a })
        let listed = manifest?.files.map(\.path) ?? []
        var allOK = true
        for round in rounds {
            for box in round.boxes {
                let place = BoxKey(round: round.number, box: box.number)
                guard let (sheet, bytes) = sheets[place], let paper = papers[round.number] else { allOK = false; continue }
                let path = ElectionRecordFormat.countSheetFile(round: round.number, box: box.number)
                let label = "第 \(round.number) 轮 \(box.name)", labelEN = "round \(round.number), \(box.name)"
                guard let signature = contents[ElectionRecordFormat.countSheetSignatureFile(round: round.number, box: box.number)],
                      key.isValidSignature(signature, for: bytes) else {
                    fail("\(label) 的计票结果单没有有效的选举公钥签名", "\(labelEN): the count sheet is not signed by the election key",
                         file: ElectionRecordFormat.countSheetSignatureFile(round: round.number, box: box.number))
                    allOK = false
                    continue
                }
                // The scrutineers' signatures.
                var signers: [String] = []
                var keys: Set<Data> = []
                for file in listed {
                    guard let found = Self.countSheetPath(file), found.round == round.number, found.box == box.number, let member = found.member else { continue }
                    guard let scrutineer = scrutineers[member], let signed = contents[file], scrutineer.key.isValidSignature(signed, for: bytes),
                          keys.insert(scrutineer.key.rawRepresentation).inserted else {
                        fail("\(label) 的计票结果单上 \(file) 不是选举定义登记的监票人的有效签名", "\(labelEN): \(file) is not a valid signature by a scrutineer the election definition registers",
                             file: file)
                        allOK = false
                        continue
                    }
                    signers.append(scrutineer.name)
                }
                if signers.count < CountSheetRule.scrutineerSignatures {
                    fail("\(label) 的计票结果单缺少监票人签名（至少 \(CountSheetRule.scrutineerSignatures) 名选举委员会监票人以本人公钥签名）",
                         "\(labelEN): the count sheet lacks its scrutineers' signatures (at least \(CountSheetRule.scrutineerSignatures) of the election committee's scrutineers sign with their own keys)",
                         file: path)
                    allOK = false
                }
                // The figures, recounted from the box's lines.
                let expected = CountSheet(election: definition.election, round: round.number, box: box.number, name: box.name, kind: box.kind,
                                          issued: box.issued, handCount: box.collected, count: log.boxCounts[place] ?? BallotCount(), paper: paper,
                                          head: sheet.head, scrutineers: sheet.scrutineers, at: sheet.at)
                if let want = try? CanonicalJSON.encode(expected), want != bytes {
                    let (field, should, says) = JSONDifference.first(expected: want, actual: bytes)
                    fail("\(label) 的计票结果单与日志中该票箱的选票重新计数不符：\(field) 应为 \(should)，记录为 \(says)",
                         "\(labelEN): the count sheet differs from a recount of the box's ballots in the log: \(field) should be \(should), the sheet says \(says)",
                         file: path, field: field)
                    allOK = false
                }
                // The head: the log up to it is the one signed at the close.
                let headOK = sheet.head.seq == 0 ? sheet.head.tracking == SHA256Digest.zero.hex : log.headCodes[sheet.head.seq] == sheet.head.tracking
                if !headOK {
                    fail("\(label) 的计票结果单记载关箱时日志头为第 \(sheet.head.seq) 行 \(sheet.head.tracking.prefix(16))…，日志中该行不是它：此前的日志已被改动",
                         "\(labelEN): the count sheet's head (line \(sheet.head.seq), \(sheet.head.tracking.prefix(16))…) is not that line of the log: the log before it was changed",
                         file: path, field: "head")
                    allOK = false
                } else if let last = log.lastSeq[place], last > sheet.head.seq {
                    fail("\(label) 在关箱签署的日志头（第 \(sheet.head.seq) 行）之后还有选票（第 \(last) 行）", "\(labelEN): a ballot of the box (line \(last)) comes after the head signed at its close (line \(sheet.head.seq))",
                         file: ElectionRecordFormat.ballotsFile, line: last, field: "box")
                    allOK = false
                }
            }
        }
        if allOK {
            pass("\(sheets.count) 张计票结果单：选举公钥与监票人签名有效，票数与日志重新计数一致，关箱时的日志头与日志一致",
                 "\(sheets.count) count sheets: election-key and scrutineer signatures valid, figures match a recount of each box, heads at closing match the log")
        }
    }

    mutating func checkCertificates(statement: ResultStatement, statementBytes: Data, key: Ed25519PublicKey) {
        let path = ElectionRecordFormat.certificatesFile
        guard let data = read(path) else {
            fail("缺少当选证书 certificates.json", "certificates.json is missing", file: path)
            return
        }
        guard let certificates = decode([SignedCertificate].self, path, data: data) else { return }
        let digest = SHA256.hash(statementBytes).hex
        var ok = certificates.count == statement.elected.count
            && Set(certificates.map { "\($0.certificate.post.rawValue)|\($0.certificate.person)" }) == Set(statement.elected.map { "\($0.post.rawValue)|\($0.person)" })
        if !ok {
            fail("当选证书 \(certificates.count) 份，应为每名当选人（\(statement.elected.count) 名）各一份", "\(certificates.count) certificates: there must be exactly one for each of the \(statement.elected.count) elected",
                 file: path)
        }
        for (index, signed) in certificates.enumerated() {
            let c = signed.certificate
            let winner = statement.elected.first { $0.person == c.person && $0.post == c.post }
            let valid = Data(base64Encoded: signed.signature).map { key.isValidSignature($0, for: (try? CanonicalJSON.encode(c)) ?? Data()) } ?? false
            guard valid, let winner, c.statement == digest, c.election == statement.election, c.name == winner.name, c.votes == winner.votes,
                  c.round == winner.round, c.title == statement.title, c.format == ElectionRecordFormat.certificateFormat else {
                fail("第 \(index + 1) 份当选证书（\(c.name)）与结果声明不符或签名无效", "certificate \(index + 1) (\(c.name)) does not match the statement or its signature",
                     file: path, field: "[\(index)]")
                ok = false
                continue
            }
        }
        if ok { pass("\(certificates.count) 份当选证书签名有效，与当选人一致", "\(certificates.count) certificates of election: signatures valid, matching the winners") }
    }
}

struct BoxKey: Hashable {
    var round: Int
    var box: Int
}

/// Streams `ballots.jsonl`: hashes each line, follows the chain, checks each ballot against its
/// round's paper and counts it. Stops at the first broken line.
private struct LogScan {
    let election: Int64
    let roundNumbers: Set<Int>
    /// Every box of every round, and whether it is the round's electronic box (kind
    /// `electronic`), which holds electronic ballots only.
    let boxes: [BoxKey: Bool]
    let papers: [Int: BallotPaper]
    let rules: RuleSet
    let isWoman: (Int64) -> Bool
    let known: Set<Int64>
    /// The receipt codes of the receipts given, as bytes. Receipt codes are computed only when
    /// there is one to look for: it costs a second SHA-256 of each electronic line.
    let wanted: Set<[UInt8]>

    let paperDigests: [Int: [UInt8]]
    let layouts: [Int: PaperLayout]
    let hasher = SHA256Reusable()
    var lines = 0
    var bytes = 0
    /// The last line's digest (32 zero bytes before the first line).
    var previous = [UInt8](repeating: 0, count: 32)
    /// The line being read's digest (swapped with `previous` after each line: no allocation).
    var current = [UInt8](repeating: 0, count: 32)
    /// The line being read's ballot, packed (reused for every line).
    var packed: [UInt8] = []
    /// The log head: the last line's tracking code.
    var head: String { Hex.encode(previous) }
    var digest = ""
    /// Each box's count (a round's is the sum of its boxes', `counts`).
    var boxCounts: [BoxKey: BallotCount] = [:]
    var perBox: [BoxKey: Int] = [:]
    /// Each box's last line.
    var lastSeq: [BoxKey: Int] = [:]
    /// The lines whose tracking codes a count sheet names as the log's head at its box's close.
    let heads: Set<Int>
    /// Those lines' tracking codes, as found.
    var headCodes: [Int: String] = [:]

    /// Each round's count: its boxes' together.
    var counts: [Int: BallotCount] {
        var rounds: [Int: BallotCount] = [:]
        for (key, count) in boxCounts { rounds[key.round, default: BallotCount()].add(count) }
        return rounds
    }
    /// Receipt codes found, by hex code: the line and its round.
    var found: [String: (seq: Int, round: Int)] = [:]
    /// Every electronic line's nonce so far: an electronic ballot entered twice when the box was
    /// opened (the same sealed content, or the same nonce) is refused.
    var nonces: Set<LineNonce> = []
    /// An electronic line's sealed content (the line without `prev` and `seq`), reused.
    var sealed: [UInt8] = []
    /// Its digest: the ballot's receipt code.
    var receiptCode = [UInt8](repeating: 0, count: 32)
    var failure: (line: Int, field: String?, zh: String, en: String)?

    init(election: Int64, rounds: [RecordRound], papers: [Int: BallotPaper], rules: RuleSet, isWoman: @escaping (Int64) -> Bool, known: Set<Int64>,
         wanted: Set<String>, logBytes: Int, heads: Set<Int> = []) {
        self.election = election
        self.heads = heads
        roundNumbers = Set(rounds.map(\.number))
        boxes = Dictionary(rounds.flatMap { round in round.boxes.map { (BoxKey(round: round.number, box: $0.number), $0.kind == BallotBox.Kind.electronic.rawValue) } },
                           uniquingKeysWith: { a, _ in a })
        paperDigests = Dictionary(rounds.map { ($0.number, Array($0.paper.utf8)) }, uniquingKeysWith: { a, _ in a })
        layouts = papers.mapValues(PaperLayout.init)
        self.papers = papers
        self.rules = rules
        self.isWoman = isWoman
        self.known = known
        self.wanted = Set(wanted.compactMap { code in Hex.decode(code).map { [UInt8]($0) } })
        // Room for every electronic ballot rounds.json declares (no more than the log's bytes
        // could hold), so the set of nonces is allocated once.
        let electronic = rounds.flatMap(\.boxes).filter { $0.kind == BallotBox.Kind.electronic.rawValue }.reduce(0) { $0 + max(0, $1.collected) }
        nonces.reserveCapacity(min(electronic, logBytes / 200))
    }

    mutating func scan(_ url: URL) {
        let whole = SHA256Hasher()
        guard RecordFiles.regularFileSize(url.lastPathComponent, in: url.deletingLastPathComponent()) != nil,
              let handle = try? FileHandle(forReadingFrom: url) else {
            failure = (0, nil, "缺少选票日志 ballots.jsonl", "the ballot log ballots.jsonl is missing")
            digest = ""
            return
        }
        defer { try? handle.close() }
        // The file is read straight into one buffer; lines are found with memchr and read in
        // place (no copy per line); a partial last line moves to the front for the next read.
        var buffer = [UInt8](repeating: 0, count: 1 << 21)
        var filled = 0
        let decoder = JSONDecoder()
        let descriptor = handle.fileDescriptor
        while true {
            if filled == buffer.count {    // a line longer than the buffer
                guard buffer.count < RecordFiles.maxLineBytes else {
                    failure = failure ?? (lines + 1, nil, "第 \(lines + 1) 行超过 \(RecordFiles.maxLineBytes >> 20) MiB，不是选票", "line \(lines + 1) is longer than \(RecordFiles.maxLineBytes >> 20) MiB: not a ballot")
                    filled = 0
                    break
                }
                buffer += [UInt8](repeating: 0, count: buffer.count)
            }
            let start = filled
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + start, $0.count - start) }
            guard count > 0 else { break }
            filled += count
            bytes += count
            let consumed = buffer.withUnsafeBytes { all -> Int in
                whole.update(UnsafeRawBufferPointer(rebasing: all[start..<(start + count)]))
                let base = all.baseAddress!
                var begin = 0
                while begin < filled, let found = memchr(base + begin, 0x0A, filled - begin) {
                    let end = base.distance(to: UnsafeRawPointer(found))
                    line(UnsafeRawBufferPointer(rebasing: all[begin..<end]), decoder: decoder)
                    begin = end + 1
                }
                return begin
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { all in _ = memmove(all.baseAddress!, all.baseAddress! + consumed, filled - consumed) }
                filled -= consumed
            }
        }
        if filled > 0, failure == nil {
            failure = (lines + 1, nil, "日志最后一行缺少换行符", "the last line does not end with a newline")
        }
        digest = whole.finalize().hex
    }

    /// Checks and counts one line. After the first failure the scan goes on counting (so the
    /// recount shows what a change did) but reports only that first failure. Digests are
    /// compared as bytes; hex text is made only for the log head and for receipts.
    mutating func line(_ bytes: UnsafeRawBufferPointer, decoder: JSONDecoder) {
        let number = lines + 1
        let hasher = self.hasher
        current.withUnsafeMutableBytes { hasher.hash(bytes, into: $0) }
        if heads.contains(number) { headCodes[number] = Hex.encode(current) }
        defer {
            swap(&previous, &current)
            lines = number
        }
        func broken(_ field: String?, _ zh: String, _ en: String) { if failure == nil { failure = (number, field, zh, en) } }
        let election: Int64, round: Int, box: Int, seq: Int
        var prevOK: Bool, paperOK: Bool
        var canonical = true
        var fits: String?
        var methodProblem: (field: String, zh: String, en: String)?
        /// An electronic line's nonce (nil for paper), and whether its receipt code is one looked for.
        var nonce: LineNonce?
        var receipted = false
        if let parsed = BallotLineParser.parse(bytes, ballot: &packed) {
            (election, round, box, seq) = (parsed.election, parsed.round, parsed.box, parsed.seq)
            prevOK = Self.hex(bytes, at: parsed.prevOffset, equals: previous)
            paperOK = paperDigests[round].map { expected in memcmp(bytes.baseAddress! + parsed.paperOffset, expected, 64) == 0 } ?? false
            if let paper = papers[round] { fits = packed.withUnsafeBytes { Self.fits($0, paper: paper, known: known) } }
            if let offset = parsed.nonceOffset {
                nonce = LineNonce(hex: bytes, at: offset)
                if !wanted.isEmpty {
                    parsed.sealedContent(of: bytes, into: &sealed)
                    sealed.withUnsafeBytes { content in receiptCode.withUnsafeMutableBytes { hasher.hash(content, into: $0) } }
                    receipted = wanted.contains(receiptCode)
                }
            }
        } else {
            // Not in canonical form: the general decoder says what is wrong, or the line is read
            // and reported as not canonical.
            let data = Data(bytes)
            let line: BallotLine
            do { line = try decoder.decode(BallotLine.self, from: data) } catch {
                return broken(Run.field(error), "第 \(number) 行不是有效的选票记录：\(Run.reason(error))", "line \(number) is not a ballot line: \(Run.reason(error))")
            }
            canonical = (try? CanonicalJSON.encode(line)) == data
            (election, round, box, seq) = (line.election, line.round, line.box, line.seq)
            methodProblem = line.methodProblem
            if methodProblem == nil, let content = line.sealedContent {
                nonce = LineNonce(text: content.nonce)
                if !wanted.isEmpty, let code = try? content.canonicalBytes() {
                    receiptCode = [UInt8](SHA256.hash(code).bytes)
                    receipted = wanted.contains(receiptCode)
                }
            }
            prevOK = line.prev == Hex.encode(previous)
            paperOK = paperDigests[round] == Array(line.ballot.paper.utf8)
            if let paper = papers[round] {
                do { try line.ballot.validate(against: paper, digest: line.ballot.paper, isOnRoll: { known.contains($0) }) } catch { fits = "\(error)" }
            }
            packed.removeAll(keepingCapacity: true)
            PackedBallots.pack(line.ballot, into: &packed)
        }
        if !prevOK {
            broken("prev", "第 \(number) 行的 prev 不是上一行的追踪码：上一行或本行被改动", "prev is not the tracking code of line \(number - 1): that line or this one was changed")
        }
        if seq != number { broken("seq", "序号应为 \(number)，记录为 \(seq)", "seq should be \(number), is \(seq)") }
        if election != self.election { broken("election", "不是本选举的选票", "the ballot is of another election") }
        guard roundNumbers.contains(round), papers[round] != nil else { return broken("round", "没有第 \(round) 轮", "there is no round \(round)") }
        guard let electronicBox = boxes[BoxKey(round: round, box: box)] else { return broken("box", "第 \(round) 轮没有 \(box) 号票箱", "round \(round) has no box \(box)") }
        if let methodProblem { return broken(methodProblem.field, methodProblem.zh, methodProblem.en) }
        if !canonical {
            broken(nil, "第 \(number) 行不是规范 JSON（或含未知字段）", "line \(number) is not canonical JSON (or has unknown fields)")
        }
        if electronicBox != (nonce != nil) {
            broken("method", electronicBox ? "第 \(round) 轮 \(box) 号票箱是电子票箱，只收电子选票" : "电子选票不在本轮的电子票箱（\(box) 号票箱不是电子票箱）",
                   electronicBox ? "box \(box) of round \(round) is the electronic box: it holds electronic ballots only"
                                 : "an electronic ballot outside the round's electronic box (box \(box) is not electronic)")
        }
        if let nonce, !nonces.insert(nonce).inserted {
            broken("nonce", "与前面某行的电子选票 nonce 相同：同一张电子选票被录入两次", "the nonce of an earlier line's electronic ballot: one electronic ballot entered twice")
        }
        guard paperOK else {
            return broken("ballot.paper", "选票不是第 \(round) 轮的选票样式", "the ballot names another paper than round \(round)'s")
        }
        if let fits {
            return broken("ballot", "选票与第 \(round) 轮选票样式不符：\(fits)", "the ballot does not fit round \(round)'s paper: \(fits)")
        }
        guard let layout = layouts[round] else { return }
        let key = BoxKey(round: round, box: box)
        if boxCounts[key] == nil {
            var count = BallotCount()
            count.prepare(layout)
            boxCounts[key] = count
        }
        boxCounts[key]!.collected += 1
        let rules = self.rules, isWoman = self.isWoman
        packed.withUnsafeBytes { ballot in boxCounts[key]!.add(packed: ballot, layout: layout, rules: rules, isWoman: isWoman) }
        perBox[key, default: 0] += 1
        lastSeq[key] = number
        if receipted { found[Hex.encode(receiptCode)] = (seq, round) }
    }

    /// Why a packed ballot does not fit its round's paper (as `MarkedBallot.validate` says for
    /// entered ballots), or nil when it does.
    static func fits(_ ballot: UnsafeRawBufferPointer, paper: BallotPaper, known: Set<Int64>) -> String? {
        let posts = Int(ballot[1])
        guard ballot[0] == PackedBallots.marked else { return posts == 0 ? nil : "posts: a \(ballot[0]) ballot carries no marks" }
        guard posts == paper.sections.count else { return "posts: one entry for each post of the paper" }
        var offset = 2
        for section in paper.sections {
            let marks = PackedBallots.count16(ballot, offset + 2), writeIns = PackedBallots.count16(ballot, offset + 4)
            guard Int(ballot[offset]) == section.post.ordinal else { return "posts: one entry for each post of the paper" }
            guard marks == section.candidates.count else { return "\(section.post.rawValue): \(section.candidates.count) marks, one per candidate" }
            guard writeIns <= section.writeInLines else { return "\(section.post.rawValue): at most \(section.writeInLines) write-ins" }
            let start = offset + PackedBallots.postHeader + marks
            for item in 0..<writeIns {
                let person = ballot.loadUnaligned(fromByteOffset: start + 8 * item, as: Int64.self)
                if person != PackedBallots.voidWriteIn && !known.contains(person) { return "\(section.post.rawValue): write-in \(person) is not a person of persons.json" }
            }
            offset = start + 8 * writeIns
        }
        return nil
    }

    /// Whether the 64 hex digits at `offset` spell `digest`.
    static func hex(_ bytes: UnsafeRawBufferPointer, at offset: Int, equals digest: [UInt8]) -> Bool {
        func value(_ byte: UInt8) -> UInt8 { byte <= 0x39 ? byte &- 0x30 : byte &- 0x61 &+ 10 }
        for index in 0..<32 where (value(bytes[offset + 2 * index]) << 4 | value(bytes[offset + 2 * index + 1])) != digest[index] { return false }
        return true
    }
}

/// An electronic ballot's nonce: 16 bytes as two integers (no allocation per line).
struct LineNonce: Hashable {
    var high: UInt64
    var low: UInt64

    /// From 32 lowercase hex digits at `offset` (already checked by the parser).
    init(hex bytes: UnsafeRawBufferPointer, at offset: Int) {
        func value(_ byte: UInt8) -> UInt64 { UInt64(byte <= 0x39 ? byte &- 0x30 : byte &- 0x61 &+ 10) }
        var high: UInt64 = 0, low: UInt64 = 0
        for index in 0..<16 { high = high << 4 | value(bytes[offset + index]) }
        for index in 16..<32 { low = low << 4 | value(bytes[offset + index]) }
        self.high = high
        self.low = low
    }

    init?(text: String) {
        guard SealedBallot.isNonce(text) else { return nil }
        self = Array(text.utf8).withUnsafeBytes { LineNonce(hex: $0, at: 0) }
    }
}

/// The first difference between two JSON documents, as a field path and the two values.
enum JSONDifference {
    static func first(expected: Data, actual: Data) -> (field: String, expected: String, actual: String) {
        guard let a = try? JSONSerialization.jsonObject(with: expected, options: [.fragmentsAllowed]),
              let b = try? JSONSerialization.jsonObject(with: actual, options: [.fragmentsAllowed]) else {
            return ("(file)", "valid JSON", "unreadable JSON")
        }
        return walk(a, b, path: "") ?? ("(bytes)", "canonical JSON", "other spacing or key order")
    }

    static func walk(_ a: Any, _ b: Any, path: String) -> (String, String, String)? {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            for key in Set(x.keys).union(y.keys).sorted() {
                guard let u = x[key] else { return ("\(path).\(key)", "(absent)", describe(y[key]!)) }
                guard let v = y[key] else { return ("\(path).\(key)", describe(u), "(absent)") }
                if let found = walk(u, v, path: "\(path).\(key)") { return found }
            }
            return nil
        case let (x as [Any], y as [Any]):
            for index in 0..<max(x.count, y.count) {
                guard index < x.count else { return ("\(path)[\(index)]", "(absent)", describe(y[index])) }
                guard index < y.count else { return ("\(path)[\(index)]", describe(x[index]), "(absent)") }
                if let found = walk(x[index], y[index], path: "\(path)[\(index)]") { return found }
            }
            return nil
        default:
            let (u, v) = (describe(a), describe(b))
            return u == v ? nil : (path.isEmpty ? "(value)" : path, u, v)
        }
    }

    static func describe(_ value: Any) -> String {
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(value)"
    }
}

import Community
import Foundation
import GRDB
import Notary

/// The election archive (选举档案): one export the street office files — every notice (signed
/// JSON, signature, printable page), the roll and its changes, nominations, count sheets, tally
/// steps, the result, the statistics (换届选举统计表) and, once certified, the public record —
/// with an index listing every file's size and SHA-256, the index signed with the election key.
public enum ElectionArchive {
    /// The index's format name.
    public static let formatName = "xuanyi-archive/1"

    /// One file of the archive.
    public struct Entry: Codable, Sendable, Equatable {
        public var path: String
        public var bytes: Int
        public var sha256: String
        /// What the file is, in Chinese.
        public var what: String
    }

    /// `index.json`: what the archive holds.
    public struct Index: Codable, Sendable, Equatable {
        public var format: String
        public var election: Int64
        public var community: String
        public var title: String
        public var madeOn: String
        public var certified: Bool
        /// What is missing and why (before certification: no result, no record).
        public var notes: [String]
        public var files: [Entry]
        /// Key id of the election key that signs `index.json` (in `index.json.sig`).
        public var key: String
    }

    /// Where the archive's files are named.
    public static let indexFile = "index.json"
    public static let indexSignatureFile = "index.json.sig"
    public static let indexPageFile = "index.html"
    public static func noticeFile(_ number: Int, _ suffix: String) -> String { String(format: "notices/notice-%03d.%@", number, suffix) }

    /// Zips an archive directory into `archive` (replacing it), under one folder.
    public static func zip(_ directory: URL, to archive: URL) throws { try RecordArchive.zip(directory, to: archive) }

    /// The index as a page.
    static func indexPage(_ index: Index) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="zh-Hans"><head><meta charset="utf-8"><title>选举档案 \(NoticeHTML.escape(index.title))</title>
            <style>body{font-family:sans-serif;font-size:11pt;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px;text-align:left}code{font-size:8pt}</style>
            </head><body><h1>选举档案：\(NoticeHTML.escape(index.community)) \(NoticeHTML.escape(index.title))</h1>
            <p>制作日期：\(index.madeOn)。结果\(index.certified ? "已经确认（签名）" : "尚未确认")。index.json 由选举密钥（\(index.key)）签名，签名见 index.json.sig。</p>

            """
        for note in index.notes { html += "<p>\(NoticeHTML.escape(note))</p>\n" }
        html += "<table><tr><th>文件</th><th>内容</th><th>字节</th><th>SHA-256</th></tr>\n"
        for file in index.files {
            html += "<tr><td>\(NoticeHTML.escape(file.path))</td><td>\(NoticeHTML.escape(file.what))</td><td>\(file.bytes)</td><td><code>\(file.sha256)</code></td></tr>\n"
        }
        return html + "</table></body></html>\n"
    }
}

extension AppDatabase {
    /// Writes the election archive into `directory` (created if needed). Nothing of an open
    /// round's ballots is in it: count sheets and tally steps of closed rounds only.
    @discardableResult
    public func writeElectionArchive(electionID: Int64, to directory: URL, signingKey: Ed25519PrivateKey, now: Date = AppClock.now()) throws -> ElectionArchive.Index {
        let election = try election(id: electionID)
        guard signingKey.keyID == election.keyID else { throw CommunityError.notAllowed("not this election's key") }
        let community = try reader.read { db in try Community.fetchOne(db, key: election.communityID) }
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        var files: [ElectionArchive.Entry] = []
        func write(_ path: String, _ data: Data, _ what: String) throws {
            let url = directory.appendingPathComponent(path)
            try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
            files.append(.init(path: path, bytes: data.count, sha256: SHA256.hash(data).hex, what: what))
        }
        var notes: [String] = []

        try write("election-key.pub.pem", Data(signingKey.publicKey.pemRepresentation.utf8), "选举密钥（公钥）")
        for notice in try notices(electionID: electionID) {
            let n = notice.notice.number
            try write(ElectionArchive.noticeFile(n, "json"), notice.bytes, "选举公告第\(n)号（签名内容，规范JSON）")
            try write(ElectionArchive.noticeFile(n, "sig"), notice.signature, "选举公告第\(n)号的签名（Ed25519）")
            try write(ElectionArchive.noticeFile(n, "html"), Data(NoticeHTML.render(notice).utf8), "选举公告第\(n)号（打印版）")
        }

        try write("roll/roll.csv", RollCSV.render(try rollLines(electionID: electionID, includeRemoved: true)), "选民名单（含减少的选民）")
        var changes = "\u{FEFF}选民编号,姓名,变动原因,日期,说明\r\n"
        for (change, line) in try rollChanges(electionID: electionID) {
            changes += CSVField.line([String(line.number), line.name, change.reason.chinese, change.changedOn.description, change.note ?? ""]) + "\r\n"
        }
        try write("roll/changes.csv", Data(changes.utf8), "选民名单变动（四增四减、异议）")
        var objections = "\u{FEFF}编号,提出日期,类别,状态,决定日期,决定\r\n"
        for objection in try self.objections(electionID: electionID) {
            objections += CSVField.line([String(objection.seq), objection.filedOn.description, objection.kind.chinese, objection.status.rawValue,
                                         objection.decidedOn?.description ?? "", objection.decision ?? ""]) + "\r\n"
        }
        try write("roll/objections.csv", Data(objections.utf8), "选民名单异议及处理决定")

        var nominees = "\u{FEFF}职位,姓名,性别,年龄,提名人数,提名次数,状态\r\n"
        for line in try self.nominees(electionID: electionID) {
            nominees += CSVField.line([line.nominee.post.chinese, line.name, line.gender.chinese, String(line.age), String(line.nominationVotes),
                                       String(line.nominations), line.nominee.status.rawValue]) + "\r\n"
        }
        try write("nominations/nominees.csv", Data(nominees.utf8), "被提名人")
        var nominations = "\u{FEFF}编号,提名日期,方式,提交人,回执码\r\n"
        for nomination in try self.nominations(electionID: electionID) {
            nominations += CSVField.line([String(nomination.seq), nomination.filedOn.description, nomination.kind.rawValue, nomination.filerName,
                                          nomination.tracking]) + "\r\n"
        }
        try write("nominations/nominations.csv", Data(nominations.utf8), "提名")
        if election.status == .candidatesPublished {
            var candidates = "\u{FEFF}职位,顺序,姓名,性别,年龄,状态\r\n"
            for line in try candidateList(electionID: electionID, includeWithdrawn: true) {
                candidates += CSVField.line([line.post.chinese, String(line.position), line.name, line.gender.chinese, String(line.age),
                                             line.active ? "有效" : "已退出"]) + "\r\n"
            }
            try write("nominations/candidates.csv", Data(candidates.utf8), "正式候选人名单")
        }

        // Count sheets of closed rounds only (nothing of an open round's ballots).
        let sheets = try reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.number AS round, b.number AS box, b.countSheet, b.countSheetJSON FROM ballotBox b JOIN pollingRound r ON r.id = b.roundID
                WHERE r.electionID = ? AND r.status = 'closed' AND b.countSheetJSON IS NOT NULL ORDER BY r.number, b.number
                """, arguments: [electionID])
        }
        for row in sheets {
            let name = "count-sheets/round-\(row["round"] as Int)-box-\(row["box"] as Int)"
            try write(name + ".json", Data((row["countSheetJSON"] as String).utf8), "第\(row["round"] as Int)轮第\(row["box"] as Int)号票箱计票单")
            if let receipt: String = row["countSheet"] {
                try write(name + ".receipt.txt", Data((receipt + "\n").utf8), "第\(row["round"] as Int)轮第\(row["box"] as Int)号票箱计票单的签名回执")
            }
        }
        let rounds = try self.rounds(electionID: electionID)
        if rounds.contains(where: { $0.status == .open }) { notes.append("有一轮投票尚未结束：该轮的计票单和计票步骤不在本档案中。") }
        if rounds.contains(where: { $0.status == .closed }) {
            let result = try electionResult(electionID: electionID)
            let steps = result.outcome.rounds.map { round in
                ArchivedTally(round: round.number, steps: round.outcome.steps, text: round.outcome.steps.map { $0.chinese(result.name) })
            }
            try write("tally/steps.json", try CanonicalJSON.encode(steps), "计票步骤（每轮适用的规则和结果）")
            try write("statistics/statistics.csv", try electionStatistics(electionID: electionID).csv, "换届选举统计表")
        }

        let certified = try certifiedResult(electionID: electionID)
        if let certified {
            try write("result/statement.json", certified.statementBytes, "选举结果声明（规范JSON）")
            try write("result/statement.sig", certified.signature, "选举结果声明的签名（选举密钥）")
            for counter in certified.countersignatures {
                let member = counter.countersignature.member
                try write("result/countersignature-\(member).json", counter.bytes, "选举委员会成员会签")
                try write("result/countersignature-\(member).sig", counter.signature, "会签签名")
                try write("result/member-\(member).pub.pem", Data(counter.publicKeyPEM.utf8), "会签成员公钥")
            }
            if !certified.isFinal { notes.append("会签尚未达到规定人数（\(certified.countersignatures.count)/\(certified.required)）：结果尚未最终确定。") }
            let scratch = fileManager.temporaryDirectory.appendingPathComponent("xuanyi-archive-record-\(UUID().uuidString)")
            defer { try? fileManager.removeItem(at: scratch) }
            let recordName = "xuanyi-record-election-\(electionID)"
            let recordDirectory = scratch.appendingPathComponent(recordName)
            _ = try exportRecord(electionID: electionID, to: recordDirectory, signingKey: signingKey)
            let zip = scratch.appendingPathComponent(recordName + ".zip")
            try RecordArchive.zip(recordDirectory, to: zip)
            try write("record/\(recordName).zip", try Data(contentsOf: zip), "公开选举记录（可用 xuanyi verify 核验）")
        } else {
            notes.append("选举结果尚未确认：本档案不含选举结果声明和公开选举记录，确认后请重新导出。")
        }

        let index = ElectionArchive.Index(format: ElectionArchive.formatName, election: electionID, community: community?.name ?? "",
                                          title: election.title, madeOn: CivilDate.today(now: now).description, certified: certified != nil,
                                          notes: notes, files: files, key: signingKey.keyID)
        let indexBytes = try CanonicalJSON.encode(index)
        try indexBytes.write(to: directory.appendingPathComponent(ElectionArchive.indexFile))
        try signingKey.sign(indexBytes).write(to: directory.appendingPathComponent(ElectionArchive.indexSignatureFile))
        try Data(ElectionArchive.indexPage(index).utf8).write(to: directory.appendingPathComponent(ElectionArchive.indexPageFile))
        return index
    }

    /// Writes the archive as one zip file at `archive` (a folder `xuanyi-archive-election-N` inside).
    @discardableResult
    public func writeElectionArchiveZip(electionID: Int64, to archive: URL, signingKey: Ed25519PrivateKey, now: Date = AppClock.now()) throws -> ElectionArchive.Index {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("xuanyi-archive-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let directory = scratch.appendingPathComponent("xuanyi-archive-election-\(electionID)")
        let index = try writeElectionArchive(electionID: electionID, to: directory, signingKey: signingKey, now: now)
        try ElectionArchive.zip(directory, to: archive)
        return index
    }
}

/// One round's tally steps in the archive.
struct ArchivedTally: Encodable {
    let round: Int
    let steps: [TallyStep]
    let text: [String]
}

import Foundation
import Notary

extension ElectionRecordFormat {
    /// The annulment notice (选举结果无效) of an annulled election, exactly as signed (canonical
    /// JSON of `ElectionNotice`, kind `annulment`), and its raw Ed25519 signature by the election
    /// key. Outside the manifest (the record is frozen at certification; the annulment comes
    /// later): the signature and the statement digest the notice names bind it to this record.
    public static let annulmentFile = "annulment.json"
    public static let annulmentSignatureFile = "annulment.sig"
}

/// The annulment an election record carries, as `xuanyi verify` reports it.
public struct RecordAnnulment: Codable, Sendable, Equatable {
    /// The annulment notice's number and issue date.
    public var notice: Int
    public var issuedOn: String
    public var grounds: [AnnulmentGround]
    public var reason: String
    public var authority: AnnulmentAuthority
    public var decidedBy: String
    public var reference: String
    public var decidedOn: String

    /// Why a record's annulment does not hold.
    public struct Problem: Error, Equatable {
        public var zh: String
        public var en: String
        public var file: String
        public var field: String?
    }

    /// Checks an annulment carried by a record: both files present; signed by the election key;
    /// canonical JSON of an election notice of this election, of kind `annulment`, naming this
    /// key and — by its `statement` — this record's signed result statement; numbered after the
    /// notices the record carries; with the annulment's facts. Returns nil when the record
    /// carries no annulment.
    public static func check(notice bytes: Data?, signature: Data?, statementBytes: Data, election: Int64, key: Ed25519PublicKey,
                             lastNotice: Int) -> Result<RecordAnnulment, Problem>? {
        let file = ElectionRecordFormat.annulmentFile, signatureFile = ElectionRecordFormat.annulmentSignatureFile
        guard bytes != nil || signature != nil else { return nil }
        guard let bytes else {
            return .failure(Problem(zh: "有 annulment.sig 却缺少 annulment.json", en: "annulment.sig without annulment.json", file: file))
        }
        guard let signature else {
            return .failure(Problem(zh: "annulment.json 缺少签名 annulment.sig", en: "annulment.json has no signature annulment.sig", file: signatureFile))
        }
        guard key.isValidSignature(signature, for: bytes) else {
            return .failure(Problem(zh: "选举结果无效公告的签名不是本选举公钥所签", en: "the annulment is not signed by this election's key", file: signatureFile))
        }
        guard let notice = try? JSONDecoder().decode(ElectionNotice.self, from: bytes), (try? CanonicalJSON.encode(notice)) == bytes else {
            return .failure(Problem(zh: "annulment.json 不是规范 JSON 的选举公告", en: "annulment.json is not an election notice in canonical JSON", file: file))
        }
        guard notice.format == ElectionNotice.formatName, notice.kind == .annulment, notice.election == election, notice.key == key.keyID else {
            return .failure(Problem(zh: "annulment.json 不是本选举的选举结果无效公告", en: "annulment.json is not the annulment notice of this election", file: file, field: "kind"))
        }
        guard notice.facts.statement == SHA256.hash(statementBytes).hex else {
            return .failure(Problem(zh: "annulment.json 宣布无效的不是本记录的结果声明", en: "annulment.json declares another result statement void, not this record's",
                                    file: file, field: "facts.statement"))
        }
        guard notice.number > lastNotice else {
            return .failure(Problem(zh: "选举结果无效公告的编号不在记录所载公告之后", en: "the annulment's notice number is not after the notices the record carries",
                                    file: file, field: "number"))
        }
        guard let facts = notice.facts.annulment, !facts.grounds.isEmpty, !facts.reason.isEmpty, !facts.reference.isEmpty else {
            return .failure(Problem(zh: "annulment.json 缺少无效的事由、理由或决定文号", en: "annulment.json lacks the grounds, reason or decision reference", file: file,
                                    field: "facts.annulment"))
        }
        return .success(RecordAnnulment(notice: notice.number, issuedOn: notice.issuedOn, grounds: facts.grounds, reason: facts.reason,
                                        authority: facts.authority, decidedBy: facts.decidedBy, reference: facts.reference, decidedOn: facts.decidedOn))
    }
}

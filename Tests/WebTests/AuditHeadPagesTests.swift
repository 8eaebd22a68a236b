import Community
import Foundation
import GRDB
import HTTPTypes
import Notary
import Testing
@testable import Web

/// The published audit heads are public, in one language per page, and their JSON is what
/// `xuanyi verify --audit --heads` reads back.
@Suite("published audit heads on the web")
struct AuditHeadPagesTests {
    @Test("anyone reads the heads; the JSON's signatures verify with the published key and catch a cut log")
    func publicHeads() async throws {
        let harness = try WebHarness()
        let key = try harness.keyStore.generate()
        try harness.database.registerSigningKey(key.publicKey, communityID: harness.community.id!, purpose: "community", actor: .commandLine)
        let first = try harness.database.publishAuditHead(reason: "step:roll.publish", signingKey: key)
        try harness.database.addHousehold(Household(communityID: harness.community.id!, number: "H1", basis: .hukou), actor: .commandLine)
        try harness.database.publishAuditHead(reason: "daily", signingKey: key)
        try await harness.test { browser in
            let api = try await browser.get("/api/v1/audit/heads")
            #expect(api.status == .ok)
            let document = try AuditHeadsDocument.read(Data(api.body.utf8), file: "heads.json")
            #expect(document.heads.map(\.number) == [1, 2])
            #expect(document.heads[0].statement == first.statement)
            let publicKey = try Ed25519PublicKey(pem: document.communityKey)
            #expect(publicKey == key.publicKey)
            #expect(document.communityKeyFingerprint == SHA256.hash(key.publicKey.rawRepresentation).hex)
            #expect(document.heads.allSatisfy { $0.published.isSigned(by: publicKey) })

            let zh = try await browser.get("/audit/heads")
            #expect(zh.status == .ok)
            #expect(zh.body.contains("审计日志链头公告"))
            #expect(zh.body.contains("公开步骤（roll.publish）"))
            #expect(zh.body.contains(document.heads[1].head))
            #expect(!zh.body.contains("Published audit-log heads"))
            _ = try await browser.get("/lang/en?back=%2F")
            let en = try await browser.get("/audit/heads")
            #expect(en.body.contains("Published audit-log heads"))
            #expect(en.body.contains("public step (roll.publish)"))
            #expect(!en.body.contains("审计日志链头"))

            // The saved copy catches a log cut back together with the heads table.
            let covered = document.heads[1].entries
            try await harness.database.writer.write { db in
                try db.execute(sql: "DELETE FROM auditEntry WHERE seq > ?", arguments: [covered - 1])
                try db.execute(sql: "DELETE FROM auditHead")
            }
            #expect(try harness.database.verifyAudit().isIntact)
            let checked = try harness.database.verifyAudit(outsideHeads: document.heads.map(\.published))
            #expect(checked.problems.map(\.kind) == [.truncated])
        }
    }
}

import Foundation
import GRDB
import Testing
@testable import Community
import Notary

func makeDatabaseWithCommunity() throws -> (AppDatabase, Community) {
    let database = try AppDatabase.inMemory()
    let community = try database.createCommunity(code: "110101001001", name: "桃园社区", streetOffice: "安和街道办事处", district: "和平区", actor: .commandLine)
    return (database, community)
}

@Suite("community, households and residents")
struct PeopleTests {
    @Test("a community needs a 12-digit code, unique")
    func communityCode() throws {
        let (database, _) = try makeDatabaseWithCommunity()
        #expect(throws: CommunityError.invalid(field: "code", reason: "a community code is 12 digits (统计用区划代码)")) {
            try database.createCommunity(code: "1234", name: "x", streetOffice: "", district: "", actor: .commandLine)
        }
        #expect(throws: CommunityError.duplicate(field: "code", value: "110101001001")) {
            try database.createCommunity(code: "110101001001", name: "x", streetOffice: "", district: "", actor: .commandLine)
        }
    }

    @Test("a resident whose gender contradicts the ID number is refused, naming the field")
    func genderMismatch() throws {
        let (database, community) = try makeDatabaseWithCommunity()
        let id = try ResidentIDNumber("11010519491231002X") // female
        #expect(throws: CommunityError.self) {
            try database.addResident(Resident(communityID: community.id!, name: "张三", gender: .male, idNumber: id), actor: .commandLine)
        }
        let added = try database.addResident(Resident(communityID: community.id!, name: "张𠮷", gender: .female, idNumber: id), actor: .commandLine)
        #expect(added.birthDate == CivilDate(year: 1949, month: 12, day: 31))
        let stored = try database.reader.read { db in try Resident.fetchOne(db, key: added.id!) }
        #expect(stored?.name == "张𠮷")
        #expect(stored?.idNumber.value == "11010519491231002X")
    }

    @Test("the same ID number twice in one community is refused; the audit log holds it masked")
    func duplicateID() throws {
        let (database, community) = try makeDatabaseWithCommunity()
        let id = try ResidentIDNumber("440524188001010014")
        try database.addResident(Resident(communityID: community.id!, name: "李四", gender: .male, idNumber: id), actor: .commandLine)
        #expect(throws: CommunityError.duplicate(field: "公民身份号码", value: "440524********0014")) {
            try database.addResident(Resident(communityID: community.id!, name: "李四", gender: .male, idNumber: id), actor: .commandLine)
        }
        let details = try database.recentAuditEntries().map(\.details).joined()
        #expect(!details.contains("440524188001010014"))
        #expect(details.contains("440524********0014"))
    }

    @Test("household numbers are unique per community")
    func householdNumber() throws {
        let (database, community) = try makeDatabaseWithCommunity()
        try database.addHousehold(Household(communityID: community.id!, number: "H001", basis: .hukou), actor: .commandLine)
        #expect(throws: CommunityError.duplicate(field: "户号", value: "H001")) {
            try database.addHousehold(Household(communityID: community.id!, number: " H001 ", basis: .residence), actor: .commandLine)
        }
    }

    @Test("the demo community loads with valid, unique people and some 人户分离 households")
    func demoSeed() throws {
        let (database, community) = try makeDatabaseWithCommunity()
        let (households, residents) = try DemoCommunity.seed(into: database, communityID: community.id!, householdCount: 120)
        #expect(households == 120)
        #expect(residents > 200)
        let counts = try database.peopleCounts(communityID: community.id!)
        #expect(counts.households == 120 && counts.residents == residents)
        let elsewhere = try database.reader.read { db in try Household.filter(Column("basis") == "residence").fetchCount(db) }
        #expect(elsewhere > 0 && elsewhere < 60)
        let rare = try database.reader.read { db in
            try Resident.fetchAll(db).filter { $0.name.unicodeScalars.contains { $0.value > 0xFFFF || ["䶮", "堃", "犇", "喆", "昇", "頔"].contains(String($0)) } }
        }
        #expect(!rare.isEmpty)
        #expect(try database.verifyAudit().isIntact)
    }
}

@Suite("accounts and sessions")
struct AccountTests {
    @Test("create, authenticate, wrong password, unknown user look the same")
    func authenticate() throws {
        let (database, community) = try makeDatabaseWithCommunity()
        try database.createAccount(NewAccount(communityID: community.id, username: "Admin", displayName: "管理员", password: "correct horse battery", roles: [.admin]), actor: .commandLine)
        let account = try database.authenticate(username: "admin", password: "correct horse battery")
        #expect(account.roleSet == [.admin])
        #expect(!account.passwordHash.contains("correct"))
        #expect(throws: CommunityError.authenticationFailed) { try database.authenticate(username: "admin", password: "wrong password!") }
        #expect(throws: CommunityError.authenticationFailed) { try database.authenticate(username: "nobody", password: "correct horse battery") }
    }

    @Test("usernames are unique regardless of case; short passwords refused")
    func accountRules() throws {
        let (database, community) = try makeDatabaseWithCommunity()
        try database.createAccount(NewAccount(communityID: community.id, username: "clerk1", displayName: "文员", password: "0123456789", roles: [.clerk]), actor: .commandLine)
        #expect(throws: CommunityError.duplicate(field: "username", value: "CLERK1")) {
            try database.createAccount(NewAccount(communityID: community.id, username: "CLERK1", displayName: "x", password: "0123456789", roles: [.clerk]), actor: .commandLine)
        }
        #expect(throws: CommunityError.self) {
            try database.createAccount(NewAccount(communityID: community.id, username: "c2", displayName: "x", password: "short", roles: [.clerk]), actor: .commandLine)
        }
        #expect(throws: CommunityError.self) {
            try database.createAccount(NewAccount(communityID: community.id, username: "c3", displayName: "x", password: "0123456789", roles: []), actor: .commandLine)
        }
    }

    @Test("sessions: token is stored hashed, expires, ends on logout and on password change")
    func sessions() throws {
        let (database, community) = try makeDatabaseWithCommunity()
        let account = try database.createAccount(NewAccount(communityID: community.id, username: "teller", displayName: "计票人", password: "0123456789", roles: [.teller]), actor: .commandLine)
        let now = Date()
        let (token, session) = try database.startSession(for: account, now: now)
        #expect(try database.session(token: token, now: now)?.account.id == account.id)
        #expect(try database.session(token: token, now: now)?.csrfToken == session.csrfToken)
        let storedHashes = try database.reader.read { db in try String.fetchAll(db, sql: "SELECT tokenHash FROM session") }
        #expect(!storedHashes.contains(token))
        #expect(try database.session(token: token, now: now.addingTimeInterval(AppDatabase.sessionLifetime + 1)) == nil)
        #expect(try database.session(token: "forged", now: now) == nil)
        try database.endSession(token: token)
        #expect(try database.session(token: token, now: now) == nil)

        let (second, _) = try database.startSession(for: account, now: now)
        try database.changePassword(accountID: account.id!, current: "0123456789", new: "9876543210x", actor: Actor(account))
        #expect(try database.session(token: second, now: now) == nil)
        #expect(try database.authenticate(username: "teller", password: "9876543210x").id == account.id)
    }
}

@Suite("audit log")
struct AuditLogTests {
    func databaseWithEntries(_ count: Int) throws -> AppDatabase {
        let (database, community) = try makeDatabaseWithCommunity()
        for index in 0..<count {
            try database.addHousehold(Household(communityID: community.id!, number: "H\(index)", basis: .hukou), actor: .commandLine)
        }
        return database
    }

    @Test("an untouched log verifies; its head is the last entry's hash")
    func intact() throws {
        let database = try databaseWithEntries(5)
        let result = try database.verifyAudit()
        #expect(result.isIntact)
        #expect(result.entries == 6)
        let last = try database.recentAuditEntries(limit: 1).first!
        #expect(result.head == last.hash)
        // The hash is reproducible from the documented fields alone.
        let json = #"{"action":"\#(last.action)","actor":"\#(last.actor)","at":"\#(last.at)","digest":"\#(last.digest)","prev":"\#(last.prev)","seq":\#(last.seq),"subject":"\#(last.subject)"}"#
        #expect(SHA256.hash(json).hex == last.hash)
    }

    @Test("an edited row is named")
    func editedRow() throws {
        let database = try databaseWithEntries(5)
        try database.writer.write { db in try db.execute(sql: "UPDATE auditEntry SET actor = 'someone-else' WHERE seq = 3") }
        let result = try database.verifyAudit()
        #expect(result.problems.map(\.seq) == [3])
        #expect(result.problems.first?.kind == .edited)
    }

    @Test("edited details are named even when the hash row is untouched")
    func editedDetails() throws {
        let database = try databaseWithEntries(3)
        try database.writer.write { db in try db.execute(sql: "UPDATE auditEntry SET details = '{\"number\":\"H9\"}' WHERE seq = 2") }
        #expect(try database.verifyAudit().problems.first == AuditProblem(seq: 2, kind: .detailsEdited, message: "details were changed after they were recorded"))
    }

    @Test("a deleted row is named by the gap and the broken link")
    func deletedRow() throws {
        let database = try databaseWithEntries(5)
        try database.writer.write { db in try db.execute(sql: "DELETE FROM auditEntry WHERE seq = 4") }
        let problems = try database.verifyAudit().problems
        #expect(problems.contains { $0.seq == 5 && $0.kind == .missing })
        #expect(problems.contains { $0.seq == 5 && $0.kind == .brokenLink })
    }

    @Test("reordered rows (contents swapped between sequence numbers) are named")
    func reordered() throws {
        let database = try databaseWithEntries(5)
        try database.writer.write { db in
            try db.execute(sql: """
                UPDATE auditEntry SET seq = -1 WHERE seq = 2;
                UPDATE auditEntry SET seq = 2 WHERE seq = 3;
                UPDATE auditEntry SET seq = 3 WHERE seq = -1;
                """)
        }
        let problems = try database.verifyAudit().problems
        #expect(Set(problems.map(\.seq)).isSuperset(of: [2, 3]))
    }

    @Test("a clock that went back is reported beside an intact chain; a moment's disorder is not")
    func clockWentBack() throws {
        let (database, _) = try makeDatabaseWithCommunity()
        let noon = CivilDate(year: 2027, month: 3, day: 1)!.instant(hour: 12)
        for (index, offset) in [0.0, 3_600, 3_570, 100, 200].enumerated() {
            try database.writer.write { db in
                _ = try AuditLog.append(db, actor: .commandLine, action: "test.tick", subject: "tick:\(index)", details: ["i": String(index)],
                                        now: noon.addingTimeInterval(offset))
            }
        }
        let result = try database.verifyAudit()
        #expect(result.isIntact)
        let first = try database.reader.read { db in try Int64.fetchOne(db, sql: "SELECT seq FROM auditEntry WHERE subject = 'tick:0'")! }
        // 3,600 → 3,570 is 30 s back (tolerated); 3,570 → 100 is 3,470 s back (reported).
        #expect(result.clockSteps.map(\.seq) == [first + 3])
        #expect(result.clockSteps.first?.seconds == 3_470)
        #expect(result.clockSteps.first?.description.contains("clock went back") == true)
    }

    @Test("a change and its audit entry commit together or not at all")
    func atomicity() throws {
        let (database, community) = try makeDatabaseWithCommunity()
        let before = try database.verifyAudit().entries
        #expect(throws: CommunityError.self) {
            try database.addHousehold(Household(communityID: community.id!, number: "  ", basis: .hukou), actor: .commandLine)
        }
        #expect(try database.verifyAudit().entries == before)
    }
}

@Suite("key store")
struct KeyStoreTests {
    @Test("generated keys are stored 0600 in a 0700 directory and load back; the database holds only the public key")
    func keyStore() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xuanyi-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = KeyStore(directory: dir)
        let key = try store.generate(passphrase: "口令 passphrase")
        let fileMode = try FileManager.default.attributesOfItem(atPath: store.privateKeyURL(keyID: key.keyID).path)[.posixPermissions] as? NSNumber
        let dirMode = try FileManager.default.attributesOfItem(atPath: dir.path)[.posixPermissions] as? NSNumber
        #expect(fileMode?.intValue == 0o600)
        #expect(dirMode?.intValue == 0o700)
        #expect(try store.load(keyID: key.keyID, passphrase: "口令 passphrase").publicKey == key.publicKey)
        #expect(throws: NotaryError.wrongPassphrase) { try store.load(keyID: key.keyID, passphrase: "nope") }

        let (database, community) = try makeDatabaseWithCommunity()
        try database.registerSigningKey(key.publicKey, communityID: community.id!, purpose: "community", actor: .commandLine)
        let records = try database.signingKeys(communityID: community.id!, purpose: "community")
        #expect(records.map(\.keyID) == [key.keyID])
        #expect(records.first?.publicKeyPEM.contains("PRIVATE") == false)
    }
}

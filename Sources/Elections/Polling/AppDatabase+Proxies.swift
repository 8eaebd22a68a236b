import Community
import Foundation
import GRDB

/// A proxy with names, for the committee's page and the public list.
public struct ProxyLine: Sendable, Equatable {
    public var proxy: ProxyAuthorisation
    public var principalNumber: Int
    public var principalName: String
    public var holderNumber: Int
    public var holderName: String
}

extension AppDatabase {
    /// Registers a written proxy (委托投票, election-rules.md §5): filed at least
    /// `proxyFilingDays` before election day and before the proxy list is published; holder per
    /// `proxyHolder` (any voter, or a close relative), at most `maxPrincipalsPerProxy`
    /// principals per holder, not a candidate, no re-delegation (a holder gives no proxy of
    /// their own, a principal holds none), one proxy per principal.
    @discardableResult
    public func fileProxy(electionID: Int64, principal: Int, holder: Int, document: String, signedOn: CivilDate, on date: CivilDate,
                          actor: Actor) throws -> ProxyAuthorisation {
        let document = document.trimmingCharacters(in: .whitespaces)
        guard !document.isEmpty, document.count <= 200 else {
            throw CommunityError.invalid(field: "document", reason: "the written authorisation's number or description, 1 to 200 characters")
        }
        guard principal != holder else { throw CommunityError.invalid(field: "holder", reason: "a voter cannot hold their own proxy") }
        return try writer.write { db in
            let election = try Self.fetchElection(db, electionID)
            let rules = election.rules
            guard election.status.rollIsPublic else { throw CommunityError.notAllowed("proxies are filed once the roll is published") }
            let deadline = election.electionDay.adding(days: -rules.proxyFilingDays)
            guard date <= deadline else {
                throw CommunityError.notAllowed("proxies are filed by \(deadline) (\(rules.proxyFilingDays) days before election day); none are made at the polling site")
            }
            guard election.proxyListPublishedOn == nil else {
                throw CommunityError.notAllowed("the proxy list was published on \(election.proxyListPublishedOn!); a proxy not on it would be void")
            }
            guard signedOn <= date else { throw CommunityError.invalid(field: "signedOn", reason: "the authorisation is signed before it is filed") }
            guard let principalEntry = try Self.activeEntry(db, electionID, number: principal) else {
                throw CommunityError.invalid(field: "principal", reason: "roll number \(principal) is not on the roll")
            }
            guard let holderEntry = try Self.activeEntry(db, electionID, number: holder) else {
                throw CommunityError.invalid(field: "holder", reason: "roll number \(holder) is not on the roll")
            }
            let active = ProxyAuthorisation.filter(Column("electionID") == electionID && !Column("revoked"))
            if try active.filter(Column("principalEntryID") == principalEntry.id!).fetchCount(db) > 0 {
                throw CommunityError.duplicate(field: "principal", value: "roll number \(principal) (already has a proxy)")
            }
            if try active.filter(Column("principalEntryID") == holderEntry.id!).fetchCount(db) > 0 {
                throw CommunityError.invalid(field: "holder", reason: "roll number \(holder) has given their own proxy and cannot hold one (no re-delegation)")
            }
            if try active.filter(Column("holderEntryID") == principalEntry.id!).fetchCount(db) > 0 {
                throw CommunityError.invalid(field: "principal", reason: "roll number \(principal) holds proxies and cannot pass their vote on (no re-delegation)")
            }
            let held = try active.filter(Column("holderEntryID") == holderEntry.id!).fetchCount(db)
            guard held < rules.maxPrincipalsPerProxy else {
                throw CommunityError.invalid(field: "holder", reason: "roll number \(holder) already holds \(held) proxies, the most allowed")
            }
            let principalPerson = try Resident.fetchOne(db, key: principalEntry.residentID)!
            let holderPerson = try Resident.fetchOne(db, key: holderEntry.residentID)!
            guard try !Self.isStanding(db, electionID: electionID, residentID: holderPerson.id!) else {
                throw CommunityError.invalid(field: "holder", reason: "\(holderPerson.name) is a candidate and may not hold a proxy")
            }
            if rules.proxyHolder == .closeRelative {
                let declared = try Self.declaredKinship(db, electionID)[Pair(principalPerson.id!, holderPerson.id!)]
                guard Kinship.between(principalPerson, holderPerson, declared: declared) != nil else {
                    throw CommunityError.invalid(field: "holder", reason: "the rule set requires a close relative as proxy holder; record the relation first if the register does not show it")
                }
            }
            var proxy = ProxyAuthorisation(electionID: electionID, principalEntryID: principalEntry.id!, holderEntryID: holderEntry.id!,
                                           document: document, signedOn: signedOn, filedOn: date, revoked: false)
            try proxy.insert(db)
            try AuditLog.append(db, actor: actor, action: "proxy.file", subject: "election:\(electionID)", details: [
                "principal": String(principal), "holder": String(holder), "document": document,
            ])
            return proxy
        }
    }

    /// Withdraws a proxy before the list is published.
    public func revokeProxy(id: Int64, actor: Actor) throws {
        try writer.write { db in
            guard var proxy = try ProxyAuthorisation.fetchOne(db, key: id) else { throw CommunityError.notFound("proxy \(id)") }
            let election = try Self.fetchElection(db, proxy.electionID)
            guard election.proxyListPublishedOn == nil else { throw CommunityError.notAllowed("the proxy list is published") }
            proxy.revoked = true
            try proxy.update(db)
            try AuditLog.append(db, actor: actor, action: "proxy.revoke", subject: "election:\(proxy.electionID)", details: ["proxy": String(id)])
        }
    }

    /// Publishes the list of principals and holders, at least `proxyListDays` before election
    /// day. Proxies not on a published list are void.
    @discardableResult
    public func publishProxyList(electionID: Int64, on date: CivilDate, actor: Actor) throws -> Election {
        try writer.write { db in
            var election = try Self.fetchElection(db, electionID)
            guard election.proxyListPublishedOn == nil else { throw CommunityError.notAllowed("the proxy list is already published") }
            let deadline = election.electionDay.adding(days: -election.rules.proxyListDays)
            guard date <= deadline else {
                throw CommunityError.notAllowed("the proxy list had to be published by \(deadline) (\(election.rules.proxyListDays) days before election day); the proxies are void")
            }
            election.proxyListPublishedOn = date
            try election.update(db)
            let count = try ProxyAuthorisation.filter(Column("electionID") == electionID && !Column("revoked")).fetchCount(db)
            try AuditLog.append(db, actor: actor, action: "proxy.publish", subject: "election:\(electionID)", details: [
                "on": date.description, "proxies": String(count),
            ])
            try issueNotices(db, electionID: electionID, .proxies, on: date)
            return election
        }
    }

    /// The election's proxies with names, by principal's roll number.
    public func proxies(electionID: Int64, includeRevoked: Bool = false) throws -> [ProxyLine] {
        try reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT proxyAuthorisation.*, p.number AS pNumber, pr.name AS pName, h.number AS hNumber, hr.name AS hName
                FROM proxyAuthorisation
                JOIN rollEntry p ON p.id = proxyAuthorisation.principalEntryID JOIN resident pr ON pr.id = p.residentID
                JOIN rollEntry h ON h.id = proxyAuthorisation.holderEntryID JOIN resident hr ON hr.id = h.residentID
                WHERE proxyAuthorisation.electionID = ?\(includeRevoked ? "" : " AND NOT proxyAuthorisation.revoked")
                ORDER BY p.number
                """, arguments: [electionID]).map {
                ProxyLine(proxy: try ProxyAuthorisation(row: $0), principalNumber: $0["pNumber"], principalName: $0["pName"],
                          holderNumber: $0["hNumber"], holderName: $0["hName"])
            }
        }
    }

    /// Whether a resident is a nominee still standing or on the candidate list.
    static func isStanding(_ db: Database, electionID: Int64, residentID: Int64) throws -> Bool {
        try Int.fetchOne(db, sql: """
            SELECT (SELECT count(*) FROM candidate WHERE electionID = ? AND residentID = ? AND active)
                 + (SELECT count(*) FROM nominee WHERE electionID = ? AND residentID = ? AND status IN ('awaiting', 'accepted'))
            """, arguments: [electionID, residentID, electionID, residentID]) ?? 0 > 0
    }

    /// Why a proxy cannot be used at the polls, or nil when it can.
    static func proxyVoidReason(_ db: Database, _ proxy: ProxyAuthorisation, election: Election, principal: RollEntry, holder: RollEntry) throws -> String? {
        if try isStanding(db, electionID: election.id!, residentID: holder.residentID) { return "受托人是候选人，委托无效 the holder is a candidate: void" }
        return proxyVoidReason(proxy, election: election, principal: principal)
    }

    /// Why a proxy cannot be used at the polls (revoked, principal off the roll, not published), or nil.
    static func proxyVoidReason(_ proxy: ProxyAuthorisation, election: Election, principal: RollEntry) -> String? {
        if proxy.revoked { return "委托已撤回 revoked" }
        if !principal.active { return "委托人已不在选民名单 principal no longer on the roll" }
        guard let published = election.proxyListPublishedOn, proxy.filedOn <= published else {
            return "委托未公布，无效 not on a published proxy list: void"
        }
        return nil
    }
}

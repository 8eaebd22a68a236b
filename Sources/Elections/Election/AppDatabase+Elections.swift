import Community
import Foundation
import GRDB
import Notary

/// A residents' group (居民小组), which sends representatives under the representative method.
public struct ResidentsGroup: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var communityID: Int64
    public var name: String
}

extension AppDatabase {
    /// Creates an election with its own signing key (private half in `keyStore`, public half
    /// registered as `election:<id>`) and a rule set (by default the national model for `method`).
    @discardableResult
    public func createElection(communityID: Int64, title: String, method: ElectionMethod, electionDay: CivilDate,
                               rules: RuleSet? = nil, keyStore: KeyStore, keyPassphrase: String? = nil, actor: Actor) throws -> Election {
        let title = title.trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty, title.count <= 200 else { throw CommunityError.invalid(field: "title", reason: "1 to 200 characters") }
        let rules = rules ?? RuleSet.nationalModel(method: method)
        try rules.validate(method: method)
        let key = try keyStore.generate(passphrase: keyPassphrase)
        electionKeyring.use(keyStore, passphrase: keyPassphrase)
        let election = try writer.write { db -> Election in
            var election = Election(communityID: communityID, title: title, method: method, electionDay: electionDay,
                                    rules: rules, status: .preparing, keyID: key.keyID, rollBuilt: false,
                                    rollPublishedOn: nil, rollPublishedLate: false, createdAt: AppClock.now(), candidateListLate: false)
            try election.insert(db)
            try AuditLog.append(db, actor: actor, action: "election.create", subject: "election:\(election.id!)", details: ElectionCreated(
                title: title, method: method.rawValue, electionDay: electionDay.description, rules: rules, key: key.keyID))
            return election
        }
        try registerSigningKey(key.publicKey, communityID: communityID, purpose: "election:\(election.id!)", actor: actor)
        return election
    }

    /// Changes rule-set fields (`key → text`, as `RuleSet.fields` names them) while the roll is
    /// unpublished; the whole rule set is validated and nothing changes on any error. `preset`
    /// names the preset the values come from (`applyRulePreset`), for the audit log.
    @discardableResult
    public func updateRules(electionID: Int64, _ values: [String: String], preset: String? = nil, actor: Actor) throws -> Election {
        try writer.write { db in
            guard var election = try Election.fetchOne(db, key: electionID) else { throw CommunityError.notFound("election \(electionID)") }
            guard election.status == .preparing else {
                throw CommunityError.notAllowed("the rule set was frozen when the roll was published (digest \(election.rulesDigest ?? ""))")
            }
            let updated = try election.rules.updating(values, method: election.method)
            guard updated != election.rules else { return election }
            let old = election.rules
            if election.rollBuilt && (old.votingAge != updated.votingAge || old.residenceMonths != updated.residenceMonths
                || old.workerMonths != updated.workerMonths || old.representativesPerGroup != updated.representativesPerGroup
                || old.residentApproval != updated.residentApproval) {
                // The roll was built by the old rules: it has to be built again before publication.
                election.rollBuilt = false
            }
            election.rules = updated
            try election.update(db)
            try AuditLog.append(db, actor: actor, action: "rules.update", subject: "election:\(electionID)",
                                details: RulesAudit(rules: updated, digest: nil, preset: preset))
            return election
        }
    }

    /// Records the election announcement (选举公告第1号) on `date`.
    @discardableResult
    public func announceElection(electionID: Int64, on date: CivilDate, actor: Actor) throws -> Election {
        try writer.write { db in
            guard var election = try Election.fetchOne(db, key: electionID) else { throw CommunityError.notFound("election \(electionID)") }
            guard election.announcedOn == nil else { throw CommunityError.notAllowed("the election was announced on \(election.announcedOn!)") }
            guard date <= election.electionDay else { throw CommunityError.notAllowed("election day has passed") }
            election.announcedOn = date
            try election.update(db)
            try AuditLog.append(db, actor: actor, action: "election.announce", subject: "election:\(electionID)", details: ["on": date.description])
            try issueNotices(db, electionID: electionID, .announcement, on: date)
            return election
        }
    }

    /// An election by id.
    public func election(id: Int64) throws -> Election {
        guard let election = try reader.read({ db in try Election.fetchOne(db, key: id) }) else {
            throw CommunityError.notFound("election \(id)")
        }
        return election
    }

    /// The community's elections, newest election day first.
    public func elections(communityID: Int64) throws -> [Election] {
        try reader.read { db in
            try Election.filter(Column("communityID") == communityID).order(Column("electionDay").desc).fetchAll(db)
        }
    }

    /// Creates a residents' group.
    @discardableResult
    public func createResidentsGroup(communityID: Int64, name: String, actor: Actor) throws -> ResidentsGroup {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw CommunityError.invalid(field: "name", reason: "must not be empty") }
        return try writer.write { db in
            if try ResidentsGroup.filter(Column("communityID") == communityID && Column("name") == name).fetchCount(db) > 0 {
                throw CommunityError.duplicate(field: "name", value: name)
            }
            var group = ResidentsGroup(communityID: communityID, name: name)
            try group.insert(db)
            try AuditLog.append(db, actor: actor, action: "group.create", subject: "group:\(group.id!)", details: ["name": name])
            return group
        }
    }
}

extension AppDatabase {
    /// The community's residents' groups with the representatives chosen for an election.
    public func residentsGroups(communityID: Int64, electionID: Int64) throws -> [(group: ResidentsGroup, representatives: [String])] {
        try reader.read { db in
            let groups = try ResidentsGroup.filter(Column("communityID") == communityID).order(Column("name")).fetchAll(db)
            return try groups.map { group in
                let names = try String.fetchAll(db, sql: """
                    SELECT resident.name FROM groupRepresentative JOIN resident ON resident.id = groupRepresentative.residentID
                    WHERE groupRepresentative.electionID = ? AND groupRepresentative.residentsGroupID = ? ORDER BY resident.name
                    """, arguments: [electionID, group.id])
                return (group, names)
            }
        }
    }

    /// A residents' group by name.
    public func residentsGroup(communityID: Int64, name: String) throws -> ResidentsGroup {
        guard let group = try reader.read({ db in
            try ResidentsGroup.filter(Column("communityID") == communityID && Column("name") == name.trimmingCharacters(in: .whitespaces)).fetchOne(db)
        }) else { throw CommunityError.notFound("residents' group \(name)") }
        return group
    }
}

/// What the audit log records when an election is created.
struct ElectionCreated: Encodable {
    let title: String
    let method: String
    let electionDay: String
    let rules: RuleSet
    let key: String
}

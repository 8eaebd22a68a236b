import Community
import Foundation
import GRDB

/// The election committee as it can sign: every active member (on an enabled account) with
/// their roles and their own keys, if they have set their own password yet, and how many of
/// them must countersign the result. One rule for everything that needs members' keys before
/// polling — the election definition, the sealed electronic box's key shares.
struct KeyedCommittee {
    struct Member {
        var member: Int64
        var accountID: Int64
        var username: String
        var name: String
        var roles: [CommitteeRole]
        /// The member's own Ed25519 public key (SPKI PEM), nil until they set their own password.
        var publicKeyPEM: String?
        /// The public half of their box key (X25519 hex), nil likewise.
        var boxPublicKey: String?
    }

    var members: [Member]
    /// Countersignatures that make the result final: the rule set's `resultSignaturesRequired`,
    /// else more than half of the committee.
    var required: Int

    var keyed: [Member] { members.filter { $0.publicKeyPEM != nil } }
    var withoutKeys: [Member] { members.filter { $0.publicKeyPEM == nil } }
    /// Members who sign count sheets: scrutineers (监票人) with a key.
    var keyedScrutineers: [Member] { keyed.filter { $0.roles.contains(.scrutineer) } }

    /// Countersignatures needed with a committee of `size` under `rules`.
    static func required(rules: RuleSet, committeeSize size: Int) -> Int { rules.resultSignaturesRequired ?? size / 2 + 1 }

    /// The committee of an election now.
    static func current(_ db: Database, election: Election) throws -> KeyedCommittee {
        let members = try Row.fetchAll(db, sql: """
            SELECT m.id, m.accountID, m.roles, a.username, r.name, k.publicKeyPEM, k.boxPublicKey
            FROM electionCommitteeMember m JOIN account a ON a.id = m.accountID JOIN resident r ON r.id = m.residentID
            LEFT JOIN accountKey k ON k.accountID = m.accountID
            WHERE m.electionID = ? AND m.active AND NOT a.disabled ORDER BY m.id
            """, arguments: [election.id!]).map { row in
            Member(member: row["id"], accountID: row["accountID"], username: row["username"], name: row["name"],
                   roles: (row["roles"] as String).split(separator: ",").compactMap { CommitteeRole(rawValue: String($0)) },
                   publicKeyPEM: row["publicKeyPEM"], boxPublicKey: row["boxPublicKey"])
        }
        return KeyedCommittee(members: members, required: required(rules: election.rules, committeeSize: members.count))
    }

    /// Refuses, naming who has no key yet, while fewer members than `required` have their own
    /// key (the result could never be countersigned, nor a sealed box opened) or no scrutineer
    /// has one (no count sheet could be signed). `purpose` says what is being done.
    func requireKeys(for purpose: String) throws {
        let missing = withoutKeys.map(\.username)
        let hint = missing.isEmpty ? "" : " (without a key: \(missing.joined(separator: ", ")) — each signs in once and sets their own password)"
        guard !members.isEmpty, keyed.count >= required else {
            throw CommunityError.notAllowed("\(purpose) needs \(required) members of the election committee with their own keys, "
                + "but only \(keyed.count) of its \(members.count) active members have one" + hint)
        }
        guard !keyedScrutineers.isEmpty else {
            let scrutineers = members.filter { $0.roles.contains(.scrutineer) }.map(\.username)
            throw CommunityError.notAllowed("\(purpose) needs a scrutineer (监票人) of the election committee with their own key to sign the boxes' count sheets"
                + (scrutineers.isEmpty ? ": give a member the scrutineer role" : ", but \(scrutineers.joined(separator: ", ")) must first set their own password"))
        }
    }
}

import Community
import Foundation
import GRDB
import Notary

extension AppDatabase {
    /// Sets up a by-election (补选) for the term's vacant seats: an election of its own, held
    /// by the normal procedure (announcement, roll published 20 days ahead, nominations, a
    /// contested candidate list, polling, the same round rules, count sheets, certification and
    /// the record — L25: "补选程序参照本法第十八条"), whose rule set is the term's with
    /// `byElection` set: the seats are the vacancies per post, and the members it elects serve
    /// until the term ends. Election day must fall within the term.
    @discardableResult
    public func createByElection(termElectionID: Int64, title: String, electionDay: CivilDate, keyStore: KeyStore,
                                 keyPassphrase: String? = nil, actor: Actor) throws -> Election {
        let (term, committee) = try reader.read { db in (try Self.fetchElection(db, termElectionID), try Self.termCommittee(db, electionID: termElectionID)) }
        guard committee.vacancies > 0 else { throw CommunityError.notAllowed("the term's committee has no vacant seat") }
        if let open = try byElections(termElectionID: termElectionID).first(where: { (try? certifiedResult(electionID: $0.id!)) == nil }) {
            throw CommunityError.notAllowed("the by-election \(open.title) (election \(open.id!)) is not certified yet")
        }
        guard electionDay <= committee.termEnds else {
            throw CommunityError.invalid(field: "electionDay", reason: "within the term, which ends on \(committee.termEnds)")
        }
        var rules = term.rules
        rules.byElection = ByElectionSeats(term: termElectionID, vacant: committee.vacant, termEnds: committee.termEnds)
        rules.minimumMembers = min(rules.minimumMembers, rules.byElection!.total)
        return try createElection(communityID: term.communityID, title: title, method: term.method, electionDay: electionDay, rules: rules,
                                  keyStore: keyStore, keyPassphrase: keyPassphrase, actor: actor)
    }

    /// The by-elections held for a term, oldest first.
    public func byElections(termElectionID: Int64) throws -> [Election] {
        try reader.read { db in try Self.byElections(db, termElectionID: termElectionID) }
    }

    static func byElections(_ db: Database, termElectionID: Int64) throws -> [Election] {
        let term = try fetchElection(db, termElectionID)
        return try Election.filter(Column("communityID") == term.communityID).order(Column("id")).fetchAll(db)
            .filter { $0.rules.byElection?.term == termElectionID }
    }
}

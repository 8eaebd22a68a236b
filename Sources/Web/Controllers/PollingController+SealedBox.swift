import Community
import Elections
import Foundation
import Hummingbird
import Notary

/// Opening a round's sealed electronic box at the public count: the committee members who hold
/// shares of its key each type their own password on the box page (or a program sends them to
/// `POST /api/v1/elections/:id/boxes/:bid/open`). Every password is a guess at that member's
/// key, so failures are throttled per member and per address, and the scrypt work runs on its
/// own bounded threads.
extension PollingController {
    static let boxOpeningThrottle = LoginThrottle(freeFailures: 3, freeFailuresPerAddress: 30)

    /// What the box page shows of a sealed box (nil once opened, or for a box that seals nothing).
    func sealedBoxData(_ box: BallotBox, _ round: PollingRound, election: Election, isCommittee: Bool) throws -> [String: Any]? {
        guard box.kind == .electronic, box.status != .closed, let threshold = round.boxThreshold else { return nil }
        let sealed = try database.sealedBallotCount(boxID: box.id!)
        guard sealed > 0 else { return nil }
        let holders = Set(try database.boxKeyHolders(roundID: round.id!))
        let names = try database.committeeMembers(electionID: election.id!).filter { holders.contains($0.member.accountID) }.map { "\($0.name)（\($0.username)）" }
        return ["sealed": sealed, "threshold": threshold, "holders": names.joined(separator: "、"), "mayOpen": isCommittee,
                "openers": (1...threshold).map { ["index": $0] }]
    }

    @Sendable func openSealedBox(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        let (box, round) = try box(context, election)
        let form = try await FormFields.read(request, context: context)
        let openers = (1...max(1, round.boxThreshold ?? 1)).compactMap { index -> BoxOpener? in
            guard let username = form["username\(index)"], !username.isEmpty else { return nil }
            return BoxOpener(username: username, password: form["password\(index)"] ?? "")
        }
        do {
            let opened = try await open(box, election, openers: openers, context: context)
            let (updated, _) = try database.box(id: box.id!, electionID: election.id!)
            return try renderBox(election, updated, round, pass: .first,
                                 notice: "已开箱 Box opened: \(opened.ballots) — \(opened.openers.joined(separator: "、"))\n\(opened.receipt.compactText)",
                                 request: request, context: context)
        } catch let error as CommunityError {
            return try renderBox(election, box, round, pass: .first, error: error.description, request: request, context: context,
                                 status: .unprocessableContent)
        } catch let error as BoxOpeningError {
            return try renderBox(election, box, round, pass: .first, error: Self.describe(error, context.locale), request: request, context: context,
                                 status: .unprocessableContent)
        }
    }

    /// The JSON body of `POST /api/v1/elections/:id/boxes/:bid/open`.
    struct OpenBoxSubmission: Decodable {
        struct Opener: Decodable {
            let username: String
            let password: String
        }
        let openers: [Opener]
    }

    struct OpenedBoxDocument: Encodable {
        let ballots: Int
        let openedBy: [String]
        let countSheet: String
    }

    @Sendable func openSealedBoxAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        let (box, _) = try box(context, election)
        var request = request
        let input = try await request.decodeJSON(OpenBoxSubmission.self, context: context,
                                                 expected: "a JSON object with openers: [{username, password}], one per member opening the box")
        guard !input.openers.isEmpty, input.openers.count <= 32 else { throw WebError.badRequest(field: "openers", reason: "1 to 32 members") }
        do {
            let opened = try await open(box, election, openers: input.openers.map { BoxOpener(username: $0.username, password: $0.password) }, context: context)
            return try JSONResponse.make(OpenedBoxDocument(ballots: opened.ballots, openedBy: opened.openers, countSheet: opened.receipt.compactText))
        } catch let error as BoxOpeningError {
            throw WebError.badRequest(field: "password", reason: Self.describe(error, context.locale))
        }
    }

    /// Throttles, then opens the box on the password threads; a wrong password counts against
    /// that member's account.
    private func open(_ box: BallotBox, _ election: Election, openers: [BoxOpener], context: AppRequestContext) async throws -> OpenedBox {
        let account = try context.authorizedAccount()
        for opener in openers {
            try await Self.boxOpeningThrottle.requireAllowed(username: "open-box:\(opener.username)", address: context.clientAddress)
        }
        let (store, boxID, electionID, key) = (database, box.id!, election.id!, try elections.signingKey(for: election))
        do {
            let opened = try await PasswordWork.shared.run {
                try store.openSealedBox(boxID: boxID, electionID: electionID, openers: openers, signingKey: key, actor: Actor(account))
            }
            for opener in openers { await Self.boxOpeningThrottle.recordSuccess(username: "open-box:\(opener.username)") }
            return opened
        } catch let error as BoxOpeningError {
            if case .wrongPassword(let username, _) = error {
                await Self.boxOpeningThrottle.recordFailure(username: "open-box:\(username)", address: context.clientAddress)
            }
            throw error
        }
    }

    static func describe(_ error: BoxOpeningError, _ locale: AppLocale) -> String {
        switch error {
        case .wrongPassword(_, let name):
            return locale == .zhHans ? "\(name) 的密码不正确，票箱仍然密封" : "The password of \(name) is wrong; the box stays sealed"
        }
    }
}

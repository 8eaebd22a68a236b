import Community
import Elections
import Foundation
import Hummingbird
import Notary

/// Scrutineers sign a closed box's count sheet (计票结果) with their own key: on the box page
/// (the signed-in scrutineer types their password) or with
/// `POST /api/v1/elections/:id/boxes/:bid/count-sheet/signatures`. Every password is a guess at
/// that member's key, so failures are throttled per account and per address, like countersigning
/// the result, and the scrypt work runs on its own bounded threads.
extension PollingController {
    /// What the box page shows of a closed box's count-sheet signatures.
    func countSheetData(_ box: BallotBox, isCommittee: Bool, locale: AppLocale) throws -> [String: Any]? {
        guard box.status == .closed, box.countSheetJSON != nil else { return nil }
        let signatures = try database.countSheetSignatures(boxID: box.id!)
        return [
            "list": try signatures.map { signed -> [String: Any] in
                ["name": signed.name, "key": try Ed25519PublicKey(pem: signed.publicKeyPEM).keyID, "at": ReadableTime.text(signed.signedAt, locale)]
            },
            "signed": signatures.count >= CountSheetRule.scrutineerSignatures,
            "needed": CountSheetRule.scrutineerSignatures,
            "maySign": isCommittee,
        ]
    }

    @Sendable func signCountSheet(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        let (box, round) = try box(context, election)
        let form = try await FormFields.read(request, context: context)
        do {
            let signatures = try await sign(box, election, password: form["password"] ?? "", context: context)
            let (updated, _) = try database.box(id: box.id!, electionID: election.id!)
            return try renderBox(election, updated, round, pass: .first,
                                 notice: "计票单已由监票人签名 Count sheet signed by the scrutineer: \(signatures.map(\.name).joined(separator: "、"))",
                                 request: request, context: context)
        } catch let error as CommunityError {
            return try renderBox(election, box, round, pass: .first, error: error.description, request: request, context: context,
                                 status: .unprocessableContent)
        }
    }

    /// The JSON body of `POST /api/v1/elections/:id/boxes/:bid/count-sheet/signatures`.
    struct CountSheetSignatureSubmission: Decodable {
        let password: String
    }

    struct CountSheetSignaturesDocument: Encodable {
        struct Signature: Encodable {
            let member: Int64
            let name: String
            let key: String
            /// Ed25519 signature over the count sheet's canonical JSON, base64.
            let signature: String
            let at: String
        }
        /// The count sheet's canonical JSON, exactly as signed.
        let countSheet: String
        let signatures: [Signature]
        let needed: Int
    }

    @Sendable func signCountSheetAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let election = try elections.election(context)
        let (box, _) = try box(context, election)
        var request = request
        let input = try await request.decodeJSON(CountSheetSignatureSubmission.self, context: context,
                                                 expected: "a JSON object with the signing scrutineer's own password: {password}")
        let signatures = try await sign(box, election, password: input.password, context: context)
        let (updated, _) = try database.box(id: box.id!, electionID: election.id!)
        return try JSONResponse.make(CountSheetSignaturesDocument(
            countSheet: updated.countSheetJSON ?? "",
            signatures: try signatures.map {
                .init(member: $0.member, name: $0.name, key: try Ed25519PublicKey(pem: $0.publicKeyPEM).keyID, signature: $0.signature.base64EncodedString(),
                      at: Timestamp.string(from: $0.signedAt))
            },
            needed: CountSheetRule.scrutineerSignatures))
    }

    /// Throttles, then signs on the password threads; a wrong password counts against the account.
    private func sign(_ box: BallotBox, _ election: Election, password: String, context: AppRequestContext) async throws -> [CountSheetSignature] {
        let account = try context.authorizedAccount()
        let throttleKey = "count-sheet:\(account.id!)"
        try await countSheetThrottle.requireAllowed(username: throttleKey, address: context.clientAddress)
        let (store, boxID, electionID, accountID) = (database, box.id!, election.id!, account.id!)
        do {
            let signatures = try await PasswordWork.shared.run {
                try store.countersignCountSheet(boxID: boxID, electionID: electionID, accountID: accountID, password: password, actor: Actor(account))
            }
            await countSheetThrottle.recordSuccess(username: throttleKey)
            return signatures
        } catch let error as CommunityError {
            if error == .authenticationFailed { await countSheetThrottle.recordFailure(username: throttleKey, address: context.clientAddress) }
            throw error
        }
    }
}

import Community
import Councils
import Foundation
import Hummingbird
import Notary

/// What the discussion garden's controllers share: the database, pages, the community key
/// (motion receipts, minutes), and who is acting as a resident — a resident account, or a
/// household signed in with its access code (cookie `xy_household`).
struct GardenContext: Sendable {
    static let householdCookie = "xy_household"
    static let committee = Roles.committee
    static let staff = Roles.staff
    let database: AppDatabase
    let renderer: PageRenderer
    let keys: KeyStore?
    let keyPassphrase: String?
    let secureCookies: Bool

    func community() throws -> Community { try database.servedCommunity() }
    func communityID() throws -> Int64 { try community().id! }

    /// The community key, which signs motion receipts and published minutes.
    func signingKey() throws -> Ed25519PrivateKey {
        guard let keys else { throw WebSetupError("no key store configured: receipts cannot be signed") }
        let keyID = try database.communityKeyID(communityID: try communityID())
        return try SigningKeyCache.shared.key(keys.privateKeyURL(keyID: keyID).path) { try keys.load(keyID: keyID, passphrase: keyPassphrase) }
    }

    /// The household session of the request's cookie, if any.
    func householdSession(_ request: Request) throws -> HouseholdSession? {
        guard let token = request.cookies[Self.householdCookie]?.value, !token.isEmpty else { return nil }
        return try database.householdSession(token: token)
    }

    /// Who acts as a resident: the account's resident, else the signed-in household (acting
    /// as `residentID`, one of its members, when given).
    func identity(_ request: Request, context: AppRequestContext, residentID: Int64? = nil) throws -> ResidentIdentity? {
        if let account = context.account, let identity = try database.residentIdentity(account: account) { return identity }
        guard let session = try householdSession(request) else { return nil }
        return try database.residentIdentity(household: session, residentID: residentID)
    }

    func isStaff(_ context: AppRequestContext) -> Bool { context.account?.has(anyOf: Self.staff) == true }
    func isCommittee(_ context: AppRequestContext) -> Bool { context.account?.has(anyOf: Self.committee) == true }

    static func zh(_ context: AppRequestContext) -> Bool { context.locale == .zhHans }

    /// A state's name in the page language.
    static func stateName(_ workflow: MotionWorkflow, _ key: String, _ context: AppRequestContext) -> String {
        guard let state = workflow.state(key) else { return key }
        return zh(context) ? state.zh : state.en
    }

    static func categoryName(_ settings: CouncilSettings, _ key: String, _ context: AppRequestContext) -> String {
        guard let category = settings.category(key) else { return key }
        return zh(context) ? category.zh : category.en
    }

    /// Redirect after a successful POST (PRG), with a flash key in the query.
    static func seeOther(_ location: String) -> Response { Response(status: .seeOther, headers: [.location: location]) }

    /// A CSV download.
    static func csv(_ text: String, fileName: String) -> Response {
        var response = CSVResponse.make(Data(text.utf8), fileName: fileName)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    static func int64(_ text: String?) -> Int64? { text.flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } }
}

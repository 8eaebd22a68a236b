import Foundation
import Notary

/// Setting up a new installation: the community, its signing key and the first administrator.
public enum CommunitySetup {
    /// What `initialize` created; the admin password is shown once and stored nowhere in clear.
    public struct Result: Sendable {
        public let community: Community
        public let communityKeyID: String
        public let keyFile: URL
        public let adminUsername: String
        public let adminPassword: String
    }

    /// Creates the community, a community signing key (private half in the key store, public
    /// half registered in the database) and an administrator account with a random password
    /// (one-time: it opens only the page where the administrator sets their own), or
    /// `adminPassword` when given (e.g. for a demo), which stays. Refuses a database that already has a
    /// community. `rehearsal` makes a practice database (see `Community.rehearsal`).
    public static func initialize(database: AppDatabase, keyStore: KeyStore, name: String, code: String?,
                                  streetOffice: String, district: String, adminUsername: String = "admin",
                                  adminPassword: String? = nil, keyPassphrase: String? = nil, rehearsal: Bool = false) throws -> Result {
        if let existing = try database.primaryCommunity() {
            throw CommunityError.notAllowed("this database is already initialised for \(existing.name)")
        }
        let community = try database.createCommunity(code: code, name: name, streetOffice: streetOffice, district: district,
                                                     rehearsal: rehearsal, actor: .commandLine)
        let password = try adminPassword ?? HumanCode.randomText(symbols: 16)
        // A generated password is one-time: it opens only the page where the administrator sets
        // their own. (A demo that passes its own password keeps it.)
        try database.createAccount(NewAccount(communityID: community.id, username: adminUsername, displayName: "管理员",
                                              password: password, roles: [.admin], oneTimePassword: adminPassword == nil), actor: .commandLine)
        let key = try keyStore.generate(passphrase: keyPassphrase)
        try database.registerSigningKey(key.publicKey, communityID: community.id!, purpose: "community", actor: .commandLine)
        return Result(community: community, communityKeyID: key.keyID, keyFile: keyStore.privateKeyURL(keyID: key.keyID),
                      adminUsername: adminUsername, adminPassword: password)
    }
}

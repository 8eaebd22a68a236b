import Community
import Foundation
import Notary

/// The public half of the community key, which signs motion receipts, meeting minutes and
/// hearing reports: published on the notice board and in the API so that any resident can
/// check a signed document (`openssl pkeyutl -verify -pubin -inkey community-key.pem -rawin
/// -in minutes.json -sigfile minutes.sig`). Its fingerprint is the SHA-256 (hex) of the raw
/// 32-byte key, as election notices print theirs; the first 16 characters are the key id that
/// signed documents name.
public struct CommunityPublicKey: Sendable, Equatable, Encodable {
    public let keyID: String
    public let publicKeyPEM: String
    public let fingerprint: String
    /// RFC 3339 UTC.
    public let registeredAt: String
}

extension AppDatabase {
    /// The community's signing keys, newest (the one signing now) first; older ones still
    /// check what they signed.
    public func communityPublicKeys(communityID: Int64) throws -> [CommunityPublicKey] {
        try signingKeys(communityID: communityID, purpose: "community").map { record in
            let key = try Ed25519PublicKey(pem: record.publicKeyPEM)
            return CommunityPublicKey(keyID: record.keyID, publicKeyPEM: record.publicKeyPEM, fingerprint: SHA256.hash(key.rawRepresentation).hex,
                                      registeredAt: Timestamp.string(from: record.createdAt))
        }
    }
}

import Community
import GRDB
import Notary

extension Ed25519PublicKey {
    /// The key's fingerprint as notices print it and `xuanyi verify --anchor` takes it: SHA-256
    /// (hex) of the raw 32-byte public key; its first 16 characters are the key id. With plain
    /// tools: `openssl pkey -pubin -in election.pub.pem -outform DER | tail -c 32 | sha256sum`.
    public var fingerprint: String { SHA256.hash(rawRepresentation).hex }
}

extension AppDatabase {
    /// The fingerprint of an election's key (the trust anchor of its record), or nil before
    /// the election has a key.
    public func electionKeyFingerprint(electionID: Int64) throws -> String? {
        let election = try election(id: electionID)
        let record = try signingKeys(communityID: election.communityID, purpose: "election:\(electionID)").first { $0.keyID == election.keyID }
        return try record.map { try Ed25519PublicKey(pem: $0.publicKeyPEM).fingerprint }
    }
}

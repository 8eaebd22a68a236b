import Foundation

/// Public-key encryption to an X25519 key (an ECIES in the manner of HPKE's base mode, all
/// through OpenSSL): an ephemeral X25519 key agrees a secret with the recipient's key, HKDF-SHA256
/// turns it into an AES-256-GCM key, and each message is sealed with a fresh random 96-bit nonce
/// and `context` as associated data (a message sealed for one purpose does not open as another).
///
/// A sealed message is `ephemeral public key (32) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`. Only the
/// holder of the recipient's private key opens it; the ephemeral private key is never stored.
///
/// `SealedBox` seals many messages with one ephemeral key (a busy ballot box seals hundreds a
/// second: one key agreement per message would cost more than the rest of the cast); make a new
/// one to rotate the key. It is safe to share across threads.
public final class SealedBox: Sendable {
    /// The recipient.
    public let recipient: X25519PublicKey
    /// The ephemeral public key written in front of every message.
    let ephemeral: Data
    /// The AES-256-GCM key shared with the recipient.
    let key: Data

    /// A sealer to `recipient` with a fresh ephemeral key.
    public init(to recipient: X25519PublicKey) throws {
        let ephemeralKey = try X25519PrivateKey.generate()
        self.recipient = recipient
        ephemeral = ephemeralKey.publicKey.rawRepresentation
        key = try Self.messageKey(shared: try ephemeralKey.sharedSecret(with: recipient), ephemeral: ephemeral, recipient: recipient.rawRepresentation)
    }

    /// Seals `plaintext` with `context` as associated data.
    public func seal(_ plaintext: Data, context: String) throws -> Data {
        let nonce = try SecureRandom.bytes(12)
        return ephemeral + nonce + (try AESGCM.seal(plaintext, key: key, nonce: nonce, associatedData: Data(context.utf8)))
    }

    /// Seals one message to `recipient` with its own ephemeral key.
    public static func seal(_ plaintext: Data, to recipient: X25519PublicKey, context: String) throws -> Data {
        try SealedBox(to: recipient).seal(plaintext, context: context)
    }

    /// Opens a sealed message with the recipient's private key; nil when it was not sealed to
    /// this key with this context, or was changed.
    public static func open(_ sealed: Data, with key: X25519PrivateKey, context: String) -> Data? {
        var opener = Opener(key: key)
        return opener.open(sealed, context: context)
    }

    /// Opens many messages with one private key, agreeing each distinct ephemeral key once.
    public struct Opener {
        let key: X25519PrivateKey
        var keys: [Data: Data] = [:]

        public init(key: X25519PrivateKey) { self.key = key }

        /// Opens one message; nil when it does not open.
        public mutating func open(_ sealed: Data, context: String) -> Data? {
            guard sealed.count >= 32 + 12 + 16 else { return nil }
            let bytes = Data(sealed)
            let ephemeral = bytes.prefix(32)
            let messageKey: Data
            if let known = keys[ephemeral] {
                messageKey = known
            } else {
                guard let peer = try? X25519PublicKey(rawRepresentation: ephemeral), let shared = try? key.sharedSecret(with: peer),
                      let derived = try? SealedBox.messageKey(shared: shared, ephemeral: ephemeral, recipient: key.publicKey.rawRepresentation) else {
                    return nil
                }
                keys[ephemeral] = derived
                messageKey = derived
            }
            return AESGCM.open(bytes.dropFirst(44), key: messageKey, nonce: bytes.dropFirst(32).prefix(12), associatedData: Data(context.utf8))
        }
    }

    static func messageKey(shared: Data, ephemeral: Data, recipient: Data) throws -> Data {
        try HKDF.sha256(key: shared, salt: ephemeral + recipient, info: Data("xuanyi sealed box/1".utf8), length: 32)
    }
}

/// Symmetric sealing under a random secret that only one party holds (AES-256-GCM with a key
/// derived from the secret and `context` by SHA-256, and a random nonce): `nonce (12) ‖
/// ciphertext ‖ tag (16)`. A cast's receipt code is sealed so under the voter's form token, which
/// only the voter's browser knows, so a retried submission gets its receipt again while the
/// database holds nothing that names the ballot.
public enum SecretBox {
    /// Seals `plaintext` under `secret` for `context`.
    public static func seal(_ plaintext: Data, secret: Data, context: String) throws -> Data {
        let nonce = try SecureRandom.bytes(12)
        return nonce + (try AESGCM.seal(plaintext, key: try key(secret: secret, context: context), nonce: nonce))
    }

    /// Opens what `seal` made with the same secret and context; nil otherwise.
    public static func open(_ sealed: Data, secret: Data, context: String) -> Data? {
        guard sealed.count >= 12 + 16, let key = try? key(secret: secret, context: context) else { return nil }
        let bytes = Data(sealed)
        return AESGCM.open(bytes.dropFirst(12), key: key, nonce: bytes.prefix(12))
    }

    /// The AES key: SHA-256 of a label, the context and the secret. The secret is random (a
    /// form token of 24 random bytes), so one hash is a sound key derivation — and a cast pays
    /// for one SHA-256 instead of an HKDF context.
    private static func key(secret: Data, context: String) throws -> Data {
        SHA256.hash(Data("xuanyi secret box/1\u{0}\(context)\u{0}".utf8) + secret).bytes
    }
}

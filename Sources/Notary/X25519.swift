import Foundation
internal import COpenSSL

/// An X25519 public key (RFC 7748): 32 raw bytes. The public half of a sealed ballot box's
/// round key, or of an election committee member's box key.
public struct X25519PublicKey: Sendable, Hashable {
    /// The 32 raw bytes.
    public let rawRepresentation: Data

    /// Reads 32 raw bytes; anything else is `malformedKey`.
    public init(rawRepresentation: Data) throws {
        guard rawRepresentation.count == 32 else { throw NotaryError.malformedKey("an X25519 public key is 32 bytes, not \(rawRepresentation.count)") }
        self.rawRepresentation = Data(rawRepresentation)
    }

    /// Reads the key from 64 hex digits.
    public init(hex: String) throws {
        guard let bytes = Hex.decode(hex) else { throw NotaryError.malformedKey("an X25519 public key is 64 hex digits") }
        try self.init(rawRepresentation: bytes)
    }

    /// The key as 64 lowercase hex digits (how it is stored and published).
    public var hex: String { Hex.encode(rawRepresentation) }
}

/// An X25519 private key. Never written anywhere in clear: a round key lives in memory only
/// while it is made and split, and again while the box is opened; a member's box key is
/// derived from their sealed signing key whenever they unlock it.
public struct X25519PrivateKey: Sendable {
    let handle: PKeyHandle
    /// The public half.
    public let publicKey: X25519PublicKey

    /// Makes a key from 32 secret bytes (OpenSSL clamps them as RFC 7748 says).
    public init(rawRepresentation: Data) throws {
        guard rawRepresentation.count == 32 else { throw NotaryError.malformedKey("an X25519 private key is 32 bytes, not \(rawRepresentation.count)") }
        let key = rawRepresentation.withUnsafeBytes { bytes in
            EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nil, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), 32)
        }
        guard let key else { throw NotaryError.malformedKey(drainOpenSSLErrors()) }
        handle = PKeyHandle(key)
        var length = 32
        var raw = Data(count: 32)
        let status = raw.withUnsafeMutableBytes { buffer in
            EVP_PKEY_get_raw_public_key(key, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), &length)
        }
        try check(status, "EVP_PKEY_get_raw_public_key")
        publicKey = try X25519PublicKey(rawRepresentation: raw)
        secret = Data(rawRepresentation)
    }

    /// The 32 secret bytes (to split among the committee; never stored in clear).
    public let secret: Data

    /// A fresh random key.
    public static func generate() throws -> X25519PrivateKey { try X25519PrivateKey(rawRepresentation: try SecureRandom.bytes(32)) }

    /// The X25519 shared secret with `peer` (32 bytes); refuses an all-zero result (a peer key
    /// of small order).
    public func sharedSecret(with peer: X25519PublicKey) throws -> Data {
        let peerKey = peer.rawRepresentation.withUnsafeBytes { bytes in
            EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nil, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), 32)
        }
        guard let peerKey else { throw NotaryError.malformedKey(drainOpenSSLErrors()) }
        defer { EVP_PKEY_free(peerKey) }
        guard let context = EVP_PKEY_CTX_new(handle.pointer, nil) else { throw NotaryError.openssl("EVP_PKEY_CTX_new") }
        defer { EVP_PKEY_CTX_free(context) }
        var length = 32
        var out = Data(count: 32)
        let status = out.withUnsafeMutableBytes { buffer -> Int32 in
            guard EVP_PKEY_derive_init(context) == 1, EVP_PKEY_derive_set_peer(context, peerKey) == 1 else { return 0 }
            return EVP_PKEY_derive(context, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), &length)
        }
        guard status == 1, length == 32 else { throw NotaryError.openssl("X25519 derive: \(drainOpenSSLErrors())") }
        guard out.contains(where: { $0 != 0 }) else { throw NotaryError.malformedKey("X25519 peer key of small order") }
        return out
    }
}

/// HKDF with SHA-256 (RFC 5869) through OpenSSL.
public enum HKDF {
    /// Derives `length` bytes from `key` with `salt` and `info`.
    public static func sha256(key: Data, salt: Data, info: Data, length: Int) throws -> Data {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nil) else { throw NotaryError.openssl("EVP_PKEY_CTX_new_id(HKDF)") }
        defer { EVP_PKEY_CTX_free(context) }
        var out = Data(count: length)
        var outLength = length
        let status: Int32 = key.withUnsafeBytes { k in
            salt.withUnsafeBytes { s in
                info.withUnsafeBytes { i in
                    out.withUnsafeMutableBytes { o in
                        guard EVP_PKEY_derive_init(context) == 1,
                              EVP_PKEY_CTX_set_hkdf_md(context, EVP_sha256()) == 1,
                              EVP_PKEY_CTX_set1_hkdf_salt(context, s.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(s.count)) == 1,
                              EVP_PKEY_CTX_set1_hkdf_key(context, k.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(k.count)) == 1,
                              EVP_PKEY_CTX_add1_hkdf_info(context, i.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(i.count)) == 1 else { return 0 }
                        return EVP_PKEY_derive(context, o.baseAddress?.assumingMemoryBound(to: UInt8.self), &outLength)
                    }
                }
            }
        }
        guard status == 1, outLength == length else { throw NotaryError.openssl("HKDF: \(drainOpenSSLErrors())") }
        return out
    }
}

extension X25519PrivateKey {
    /// A person's box key, derived from their own Ed25519 signing key (HKDF-SHA256 of its seed,
    /// info `xuanyi box key/1`): whoever can sign for them can open what is sealed to them, and
    /// nobody else — the key is sealed under their password with the signing key and needs no
    /// storage of its own.
    public static func boxKey(of signingKey: Ed25519PrivateKey) throws -> X25519PrivateKey {
        try X25519PrivateKey(rawRepresentation: try HKDF.sha256(key: signingKey.rawRepresentation, salt: Data(),
                                                                info: Data("xuanyi box key/1".utf8), length: 32))
    }
}

import Foundation
internal import COpenSSL

/// Owns one OpenSSL `EVP_PKEY`. Read-only after creation, so sharing it across threads is
/// safe. Keeps a few signing and verifying contexts already initialised with the key: setting
/// one up costs a provider fetch per call otherwise (`openssl speed` re-uses its context too).
final class PKeyHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    private let signers = ContextPool()
    private let verifiers = ContextPool()

    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    /// Runs `body` with a context ready for `EVP_DigestSign`; the context goes back to the pool
    /// only when `body` succeeded.
    func withSigningContext<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        try signers.with(prepare: { context, fresh in
            fresh ? EVP_DigestSignInit(context, nil, nil, nil, pointer) : EVP_DigestSignInit(context, nil, nil, nil, nil)
        }, body)
    }

    /// Runs `body` with a context ready for `EVP_DigestVerify`.
    func withVerifyingContext<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        try verifiers.with(prepare: { context, fresh in
            fresh ? EVP_DigestVerifyInit(context, nil, nil, nil, pointer) : EVP_DigestVerifyInit(context, nil, nil, nil, nil)
        }, body)
    }
}

/// A small lock-protected stack of `EVP_MD_CTX`s bound to one key.
final class ContextPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [OpaquePointer] = []
    private static let capacity = 8

    deinit { idle.forEach { EVP_MD_CTX_free($0) } }

    /// Takes an idle context (re-initialised with `prepare(context, false)`, which keeps its key)
    /// or makes a new one (`prepare(context, true)`), runs `body`, and returns the context to
    /// the pool if everything succeeded; a context that saw an error is freed.
    func with<T>(prepare: (OpaquePointer, Bool) -> Int32, _ body: (OpaquePointer) throws -> T) throws -> T {
        var context = lock.withLock { idle.popLast() }
        if let reused = context, prepare(reused, false) != 1 {
            _ = drainOpenSSLErrors()
            EVP_MD_CTX_free(reused)
            context = nil
        }
        if context == nil {
            guard let created = EVP_MD_CTX_new() else { throw NotaryError.openssl("EVP_MD_CTX_new failed") }
            guard prepare(created, true) == 1 else {
                EVP_MD_CTX_free(created)
                throw NotaryError.openssl("initialising a signature context: \(drainOpenSSLErrors())")
            }
            context = created
        }
        let ready = context!
        do {
            let result = try body(ready)
            let kept = lock.withLock { () -> Bool in
                guard idle.count < Self.capacity else { return false }
                idle.append(ready)
                return true
            }
            if !kept { EVP_MD_CTX_free(ready) }
            return result
        } catch {
            EVP_MD_CTX_free(ready)
            throw error
        }
    }
}

/// An Ed25519 public key (RFC 8032), read from and written to SPKI PEM so `openssl pkey -pubin`
/// reads it.
public struct Ed25519PublicKey: Sendable, Hashable {
    let handle: PKeyHandle
    /// The 32 raw bytes of the key.
    public let rawRepresentation: Data

    /// Builds a key from its 32 raw bytes.
    public init(rawRepresentation raw: Data) throws {
        guard raw.count == 32 else { throw NotaryError.malformedKey("an Ed25519 public key is 32 bytes, got \(raw.count)") }
        let key = raw.withUnsafeBytes { bytes in
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), 32)
        }
        guard let key else { throw NotaryError.malformedKey(drainOpenSSLErrors()) }
        self.handle = PKeyHandle(key)
        self.rawRepresentation = raw
    }

    /// Reads a `-----BEGIN PUBLIC KEY-----` (SPKI) PEM.
    public init(pem: String) throws {
        let bio = try MemoryBIO(Data(pem.utf8))
        guard let key = PEM_read_bio_PUBKEY(bio.pointer, nil, nil, nil) else {
            throw NotaryError.malformedKey("not a PEM public key (\(drainOpenSSLErrors()))")
        }
        let handle = PKeyHandle(key)
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 else {
            throw NotaryError.wrongKeyType("PEM holds a key of type id \(EVP_PKEY_get_base_id(key))")
        }
        self.handle = handle
        self.rawRepresentation = try rawPublicKey(of: key)
    }

    init(handle: PKeyHandle) throws {
        self.handle = handle
        self.rawRepresentation = try rawPublicKey(of: handle.pointer)
    }

    /// SPKI PEM text (`-----BEGIN PUBLIC KEY-----`).
    public var pemRepresentation: String {
        let bio = try! MemoryBIO()
        precondition(PEM_write_bio_PUBKEY(bio.pointer, handle.pointer) == 1, "PEM_write_bio_PUBKEY failed")
        return String(decoding: bio.contents(), as: UTF8.self)
    }

    /// Key id: the first 16 hex characters of SHA-256 over the raw public key.
    public var keyID: String { String(SHA256.hash(rawRepresentation).hex.prefix(16)) }

    /// Checks a detached signature; throws `signatureMismatch` or `malformedSignature`.
    public func verify(signature: Data, for message: Data) throws {
        guard signature.count == 64 else { throw NotaryError.malformedSignature(length: signature.count) }
        let status = try handle.withVerifyingContext { context in
            signature.withUnsafeBytes { sig in
                message.withUnsafeBytes { msg in
                    EVP_DigestVerify(context, sig.baseAddress?.assumingMemoryBound(to: UInt8.self), sig.count,
                                     msg.baseAddress?.assumingMemoryBound(to: UInt8.self), msg.count)
                }
            }
        }
        guard status == 1 else {
            _ = drainOpenSSLErrors()
            throw NotaryError.signatureMismatch
        }
    }

    /// True when the signature is valid for the message under this key.
    public func isValidSignature(_ signature: Data, for message: Data) -> Bool {
        (try? verify(signature: signature, for: message)) != nil
    }

    public static func == (lhs: Ed25519PublicKey, rhs: Ed25519PublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawRepresentation) }
}

private func rawPublicKey(of key: OpaquePointer) throws -> Data {
    var length = 32
    var raw = Data(count: 32)
    let status = raw.withUnsafeMutableBytes { buffer in
        EVP_PKEY_get_raw_public_key(key, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), &length)
    }
    try check(status, "EVP_PKEY_get_raw_public_key")
    return raw
}

/// An Ed25519 private (signing) key.
///
/// Stored as PKCS#8 PEM, optionally passphrase-encrypted (AES-256-CBC, PBKDF2 — what
/// `openssl pkey -aes256` writes); files are created with mode 0600. Never logged: the
/// description of the key is its key id only.
public struct Ed25519PrivateKey: Sendable, CustomStringConvertible {
    let handle: PKeyHandle
    /// The matching public key.
    public let publicKey: Ed25519PublicKey

    /// Generates a new key from OpenSSL's CSPRNG.
    public static func generate() throws -> Ed25519PrivateKey {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nil) else {
            throw NotaryError.openssl("EVP_PKEY_CTX_new_id: \(drainOpenSSLErrors())")
        }
        defer { EVP_PKEY_CTX_free(context) }
        try check(EVP_PKEY_keygen_init(context), "EVP_PKEY_keygen_init")
        var key: OpaquePointer?
        try check(EVP_PKEY_keygen(context, &key), "EVP_PKEY_keygen")
        guard let key else { throw NotaryError.openssl("EVP_PKEY_keygen returned no key") }
        return try Ed25519PrivateKey(handle: PKeyHandle(key))
    }

    /// Builds a key from its 32-byte seed (RFC 8032's "secret key").
    public init(rawRepresentation seed: Data) throws {
        guard seed.count == 32 else { throw NotaryError.malformedKey("an Ed25519 private key is 32 bytes, got \(seed.count)") }
        let key = seed.withUnsafeBytes { bytes in
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), 32)
        }
        guard let key else { throw NotaryError.malformedKey(drainOpenSSLErrors()) }
        try self.init(handle: PKeyHandle(key))
    }

    /// Reads a PKCS#8 PEM, plain (`BEGIN PRIVATE KEY`) or encrypted (`BEGIN ENCRYPTED PRIVATE KEY`).
    public init(pem: String, passphrase: String? = nil) throws {
        let isEncrypted = pem.contains("BEGIN ENCRYPTED PRIVATE KEY")
        if isEncrypted && passphrase == nil { throw NotaryError.wrongPassphrase }
        guard pem.contains("-----BEGIN") else { throw NotaryError.malformedKey("no PEM header found") }
        let bio = try MemoryBIO(Data(pem.utf8))
        // An empty passphrase buffer makes OpenSSL fail instead of prompting on the terminal.
        var secret = Array((passphrase ?? "").utf8CString)
        let key = secret.withUnsafeMutableBufferPointer { buffer in
            PEM_read_bio_PrivateKey(bio.pointer, nil, nil, buffer.baseAddress)
        }
        for index in secret.indices { secret[index] = 0 }
        guard let key else {
            let detail = drainOpenSSLErrors()
            if isEncrypted { throw NotaryError.wrongPassphrase }
            throw NotaryError.malformedKey("not a PEM private key (\(detail))")
        }
        let handle = PKeyHandle(key)
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 else {
            throw NotaryError.wrongKeyType("PEM holds a key of type id \(EVP_PKEY_get_base_id(key))")
        }
        try self.init(handle: handle)
    }

    init(handle: PKeyHandle) throws {
        self.handle = handle
        let raw = try rawPublicKey(of: handle.pointer)
        self.publicKey = try Ed25519PublicKey(rawRepresentation: raw)
    }

    /// The 32-byte seed. Handle with care: whoever holds it can sign.
    public var rawRepresentation: Data {
        var length = 32
        var raw = Data(count: 32)
        let status = raw.withUnsafeMutableBytes { buffer in
            EVP_PKEY_get_raw_private_key(handle.pointer, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), &length)
        }
        precondition(status == 1, "EVP_PKEY_get_raw_private_key failed")
        return raw
    }

    /// PKCS#8 PEM; encrypted with AES-256-CBC when a passphrase is given.
    public func pemRepresentation(passphrase: String? = nil) throws -> String {
        let bio = try MemoryBIO()
        if let passphrase {
            guard !passphrase.isEmpty else { throw NotaryError.io("an empty passphrase cannot protect a key") }
            var secret = Array(passphrase.utf8CString)
            let status = secret.withUnsafeMutableBufferPointer { buffer in
                PEM_write_bio_PKCS8PrivateKey(bio.pointer, handle.pointer, EVP_aes_256_cbc(), nil, 0, nil, buffer.baseAddress)
            }
            for index in secret.indices { secret[index] = 0 }
            try check(status, "PEM_write_bio_PKCS8PrivateKey")
        } else {
            try check(PEM_write_bio_PKCS8PrivateKey(bio.pointer, handle.pointer, nil, nil, 0, nil, nil), "PEM_write_bio_PKCS8PrivateKey")
        }
        return String(decoding: bio.contents(), as: UTF8.self)
    }

    /// Signs a message (pure Ed25519, no pre-hashing); the signature is 64 bytes.
    public func sign(_ message: Data) throws -> Data {
        try handle.withSigningContext { context in
            var signature = Data(count: 64)
            var length = 64
            let status = signature.withUnsafeMutableBytes { sig in
                message.withUnsafeBytes { msg in
                    EVP_DigestSign(context, sig.baseAddress?.assumingMemoryBound(to: UInt8.self), &length,
                                   msg.baseAddress?.assumingMemoryBound(to: UInt8.self), msg.count)
                }
            }
            try check(status, "EVP_DigestSign")
            guard length == 64 else { throw NotaryError.openssl("EVP_DigestSign wrote \(length) bytes") }
            return signature
        }
    }

    /// Key id of the public half.
    public var keyID: String { publicKey.keyID }

    public var description: String { "Ed25519PrivateKey(\(keyID))" }
}

/// An OpenSSL memory BIO, read from a buffer or collecting written output.
final class MemoryBIO {
    let pointer: OpaquePointer
    /// A copy of the input that the BIO reads from (BIO_new_mem_buf does not copy).
    private let buffer: UnsafeMutableRawBufferPointer?

    init(_ data: Data? = nil) throws {
        if let data {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 1)
            data.copyBytes(to: buffer)
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(data.count)) else {
                buffer.deallocate()
                throw NotaryError.openssl("BIO_new_mem_buf failed")
            }
            self.buffer = buffer
            self.pointer = bio
        } else {
            self.buffer = nil
            guard let bio = BIO_new(BIO_s_mem()) else { throw NotaryError.openssl("BIO_new failed") }
            self.pointer = bio
        }
    }

    deinit {
        BIO_free(pointer)
        if let buffer {
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            buffer.deallocate()
        }
    }

    /// Everything written to the BIO so far.
    func contents() -> Data {
        var base: UnsafeMutablePointer<CChar>?
        let length = xy_bio_get_mem_data(pointer, &base)
        guard let base, length > 0 else { return Data() }
        return Data(bytes: base, count: Int(length))
    }
}

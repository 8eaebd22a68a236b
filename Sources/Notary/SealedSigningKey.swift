import Foundation
internal import COpenSSL

/// A person's own Ed25519 signing key, sealed under their password: scrypt derives a 256-bit
/// key from the password and a fresh salt, and AES-256-GCM encrypts the 32-byte seed with it.
/// Only the holder of the password can sign with the key; the server stores the sealed form
/// and the public key.
///
/// Stored as one string, `$xy-ed25519$ln=15,r=8,p=1$<salt>$<nonce>$<ciphertext+tag>` (standard
/// base64 without padding), so the cost can be raised later like a password hash.
public enum SealedSigningKey {
    /// Seals `key` under `password` with the scrypt cost of `hasher`.
    public static func seal(_ key: Ed25519PrivateKey, password: String, hasher: PasswordHasher) throws -> String {
        let salt = try SecureRandom.bytes(16)
        let nonce = try SecureRandom.bytes(12)
        let aesKey = try PasswordHasher.scrypt(password: Data(password.utf8), salt: salt, logN: hasher.logN, r: hasher.blockSize,
                                               p: hasher.parallelism, length: 32)
        let sealed = try AESGCM.seal(key.rawRepresentation, key: aesKey, nonce: nonce)
        return "$xy-ed25519$ln=\(hasher.logN),r=\(hasher.blockSize),p=\(hasher.parallelism)$\(unpadded(salt))$\(unpadded(nonce))$\(unpadded(sealed))"
    }

    /// Opens a sealed key with `password`; throws `wrongPassphrase` when the password does not
    /// open it (the GCM tag does not match).
    public static func open(_ stored: String, password: String) throws -> Ed25519PrivateKey {
        let fields = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0].isEmpty, fields[1] == "xy-ed25519" else {
            throw NotaryError.malformedKey("expected $xy-ed25519$ln=…,r=…,p=…$salt$nonce$sealed")
        }
        var params: [String: String] = [:]
        for pair in fields[2].split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { params[String(kv[0])] = String(kv[1]) }
        }
        guard let logN = params["ln"].flatMap(UInt8.init), let r = params["r"].flatMap(UInt32.init), let p = params["p"].flatMap(UInt32.init),
              let salt = decode(fields[3]), let nonce = decode(fields[4]), let sealed = decode(fields[5]), nonce.count == 12, sealed.count == 48 else {
            throw NotaryError.malformedKey("sealed key parameters or fields are malformed")
        }
        let aesKey = try PasswordHasher.scrypt(password: Data(password.utf8), salt: salt, logN: logN, r: r, p: p, length: 32)
        guard let seed = AESGCM.open(sealed, key: aesKey, nonce: nonce) else { throw NotaryError.wrongPassphrase }
        return try Ed25519PrivateKey(rawRepresentation: seed)
    }

    private static func unpadded(_ data: Data) -> String {
        var text = data.base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    private static func decode(_ text: Substring) -> Data? {
        var padded = String(text)
        while padded.count % 4 != 0 { padded += "=" }
        return Data(base64Encoded: padded)
    }
}

/// An OpenSSL cipher fetched once: passing `EVP_aes_256_gcm()` to every init makes OpenSSL 3
/// look the implementation up again each time (a sealed ballot and its receipt code are two
/// inits per cast).
final class FetchedCipher: @unchecked Sendable {
    let pointer: OpaquePointer
    static let aes256gcm = FetchedCipher(name: "AES-256-GCM")

    private init(name: String) {
        guard let cipher = EVP_CIPHER_fetch(nil, name, nil) else { fatalError("OpenSSL has no \(name)") }
        pointer = cipher
    }
}

/// AES-256-GCM through OpenSSL's EVP interface: ciphertext followed by the 16-byte tag, with
/// optional associated data (authenticated, not encrypted).
enum AESGCM {
    static func seal(_ plaintext: Data, key: Data, nonce: Data, associatedData: Data = Data()) throws -> Data {
        guard let context = EVP_CIPHER_CTX_new() else { throw NotaryError.openssl("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(context) }
        var out = Data(count: plaintext.count + 16)
        var length: Int32 = 0
        var final: Int32 = 0
        var aadLength: Int32 = 0
        let status: Int32 = key.withUnsafeBytes { k in
            nonce.withUnsafeBytes { n in
                plaintext.withUnsafeBytes { p in
                    associatedData.withUnsafeBytes { a in
                    out.withUnsafeMutableBytes { o in
                        let output = o.baseAddress!.assumingMemoryBound(to: UInt8.self)
                        guard EVP_EncryptInit_ex2(context, FetchedCipher.aes256gcm.pointer, nil, nil, nil) == 1,
                              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, 12, nil) == 1,
                              EVP_EncryptInit_ex(context, nil, nil, k.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                 n.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 1,
                              a.isEmpty || EVP_EncryptUpdate(context, nil, &aadLength, a.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(a.count)) == 1,
                              EVP_EncryptUpdate(context, output, &length, p.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(p.count)) == 1,
                              EVP_EncryptFinal_ex(context, output + Int(length), &final) == 1,
                              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, 16, output + Int(length + final)) == 1 else { return 0 }
                        return 1
                    }
                    }
                }
            }
        }
        try check(status, "AES-256-GCM encrypt")
        return out.prefix(Int(length + final) + 16)
    }

    static func open(_ sealed: Data, key: Data, nonce: Data, associatedData: Data = Data()) -> Data? {
        guard sealed.count >= 16, let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        let body = sealed.prefix(sealed.count - 16)
        var tag = Data(sealed.suffix(16))
        var out = Data(count: body.count + 16)
        var length: Int32 = 0
        var final: Int32 = 0
        var aadLength: Int32 = 0
        let ok: Bool = key.withUnsafeBytes { k in
            nonce.withUnsafeBytes { n in
                body.withUnsafeBytes { c in
                    tag.withUnsafeMutableBytes { t in
                        associatedData.withUnsafeBytes { a in
                        out.withUnsafeMutableBytes { o in
                            let output = o.baseAddress!.assumingMemoryBound(to: UInt8.self)
                            return EVP_DecryptInit_ex2(context, FetchedCipher.aes256gcm.pointer, nil, nil, nil) == 1
                                && EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, 12, nil) == 1
                                && EVP_DecryptInit_ex(context, nil, nil, k.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                      n.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 1
                                && (a.isEmpty || EVP_DecryptUpdate(context, nil, &aadLength, a.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(a.count)) == 1)
                                && EVP_DecryptUpdate(context, output, &length, c.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(c.count)) == 1
                                && EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, 16, t.baseAddress) == 1
                                && EVP_DecryptFinal_ex(context, output + Int(length), &final) == 1
                        }
                        }
                    }
                }
            }
        }
        ERR_clear_error()
        return ok ? out.prefix(Int(length + final)) : nil
    }
}

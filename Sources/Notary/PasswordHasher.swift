import Foundation
internal import COpenSSL

/// Password and access-code hashing with scrypt (RFC 7914) through OpenSSL's EVP_PBE_scrypt.
///
/// A hash is stored as one self-describing string in the PHC style,
/// `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (salt and hash in unpadded standard base64), so the
/// cost can be raised later without breaking stored hashes: `needsRehash` says when.
public struct PasswordHasher: Sendable, Equatable {
    /// log2 of the CPU/memory cost N.
    public let logN: UInt8
    /// Block size r.
    public let blockSize: UInt32
    /// Parallelisation p.
    public let parallelism: UInt32

    /// The production default: N = 2^15, r = 8, p = 1 (32 MiB, tens of milliseconds).
    public static let standard = PasswordHasher(logN: 15, blockSize: 8, parallelism: 1)
    /// A deliberately cheap setting for tests and demos only.
    public static let fastForTests = PasswordHasher(logN: 10, blockSize: 8, parallelism: 1)

    /// Creates a hasher with explicit scrypt parameters.
    public init(logN: UInt8, blockSize: UInt32, parallelism: UInt32) {
        self.logN = logN
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// Hashes a password with a fresh 16-byte salt.
    public func hash(_ password: String) throws -> String {
        let salt = try SecureRandom.bytes(16)
        let derived = try Self.scrypt(password: Data(password.utf8), salt: salt, logN: logN, r: blockSize, p: parallelism, length: 32)
        return "$scrypt$ln=\(logN),r=\(blockSize),p=\(parallelism)$\(unpadded(salt))$\(unpadded(derived))"
    }

    /// True when `password` matches the stored hash; compares in constant time.
    /// Throws only when the stored string itself is malformed.
    public static func verify(_ password: String, against stored: String) throws -> Bool {
        let parsed = try Parsed(stored)
        let derived = try scrypt(password: Data(password.utf8), salt: parsed.salt, logN: parsed.logN, r: parsed.r, p: parsed.p, length: parsed.hash.count)
        return ConstantTime.equals(derived, parsed.hash)
    }

    /// True when the stored hash uses weaker parameters than this hasher.
    public func needsRehash(_ stored: String) -> Bool {
        guard let parsed = try? Parsed(stored) else { return true }
        return parsed.logN < logN || parsed.r < blockSize || parsed.p < parallelism
    }

    /// Raw scrypt (RFC 7914): derives `length` bytes.
    public static func scrypt(password: Data, salt: Data, logN: UInt8, r: UInt32, p: UInt32, length: Int) throws -> Data {
        guard (1...22).contains(logN), (1...64).contains(r), (1...16).contains(p), (16...64).contains(length) else {
            throw NotaryError.malformedPasswordHash("scrypt parameters out of range (ln=\(logN), r=\(r), p=\(p), length=\(length))")
        }
        let n = UInt64(1) << UInt64(logN)
        // Memory needed is about 128 * r * (N + p); allow that plus headroom.
        let maxMemory = 128 * UInt64(r) * (n + UInt64(p) + 2) + (1 << 20)
        var out = Data(count: length)
        let status = out.withUnsafeMutableBytes { output in
            password.withUnsafeBytes { pass in
                salt.withUnsafeBytes { saltBytes in
                    EVP_PBE_scrypt(pass.baseAddress?.assumingMemoryBound(to: CChar.self), pass.count,
                                   saltBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), saltBytes.count,
                                   n, UInt64(r), UInt64(p), maxMemory,
                                   output.baseAddress?.assumingMemoryBound(to: UInt8.self), length)
                }
            }
        }
        try check(status, "EVP_PBE_scrypt")
        return out
    }

    private func unpadded(_ data: Data) -> String {
        var text = data.base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    private struct Parsed {
        let logN: UInt8
        let r: UInt32
        let p: UInt32
        let salt: Data
        let hash: Data

        init(_ stored: String) throws {
            let fields = stored.split(separator: "$", omittingEmptySubsequences: false)
            guard fields.count == 5, fields[0].isEmpty, fields[1] == "scrypt" else {
                throw NotaryError.malformedPasswordHash("expected $scrypt$ln=…,r=…,p=…$salt$hash")
            }
            var params: [String: String] = [:]
            for pair in fields[2].split(separator: ",") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { throw NotaryError.malformedPasswordHash("bad parameter \(pair)") }
                params[String(kv[0])] = String(kv[1])
            }
            guard let ln = params["ln"].flatMap(UInt8.init), let r = params["r"].flatMap(UInt32.init), let p = params["p"].flatMap(UInt32.init) else {
                throw NotaryError.malformedPasswordHash("missing ln, r or p")
            }
            guard let salt = Self.decode(fields[3]), let hash = Self.decode(fields[4]), !salt.isEmpty, hash.count >= 16 else {
                throw NotaryError.malformedPasswordHash("salt or hash is not base64")
            }
            (self.logN, self.r, self.p, self.salt, self.hash) = (ln, r, p, salt, hash)
        }

        static func decode(_ text: Substring) -> Data? {
            var padded = String(text)
            while padded.count % 4 != 0 { padded += "=" }
            return Data(base64Encoded: padded)
        }
    }
}

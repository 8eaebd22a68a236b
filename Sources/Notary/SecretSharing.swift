import Foundation

/// Shamir's secret sharing over GF(2⁸), byte by byte (the field of AES, polynomial
/// x⁸ + x⁴ + x³ + x + 1): a secret is split into `count` shares so that any `threshold` of them
/// give it back and fewer tell nothing about it. A sealed ballot box's round key is split this
/// way among the election committee, k of n, the digital twin of a box with several locks.
public enum SecretSharing {
    /// One share: its x coordinate (1…255) and one y byte per byte of the secret.
    public struct Share: Sendable, Equatable {
        public let x: UInt8
        public let y: Data

        public init(x: UInt8, y: Data) {
            self.x = x
            self.y = y
        }

        /// `x ‖ y`, the form a share is sealed in.
        public var bytes: Data { Data([x]) + y }

        /// Reads `x ‖ y`; nil when empty or x is 0.
        public init?(bytes: Data) {
            guard let first = bytes.first, first != 0, bytes.count > 1 else { return nil }
            x = first
            y = Data(bytes.dropFirst())
        }
    }

    /// Splits `secret` into `count` shares of which any `threshold` recover it
    /// (1 ≤ threshold ≤ count ≤ 255). The coefficients are fresh random bytes.
    public static func split(_ secret: Data, threshold: Int, count: Int) throws -> [Share] {
        guard threshold >= 1, threshold <= count, count <= 255 else {
            throw NotaryError.malformedKey("cannot split a secret \(threshold) of \(count)")
        }
        let secretBytes = [UInt8](secret)
        // coefficients[i][j]: coefficient of x^(j+1) for secret byte i.
        let random = [UInt8](try SecureRandom.bytes(max(1, secretBytes.count * (threshold - 1))))
        return (1...count).map { index in
            let x = UInt8(index)
            var y = [UInt8](repeating: 0, count: secretBytes.count)
            for i in secretBytes.indices {
                // Horner: a0 + x(a1 + x(a2 + …)).
                var value: UInt8 = 0
                for j in stride(from: threshold - 2, through: 0, by: -1) {
                    value = GF256.multiply(value, x) ^ random[i * (threshold - 1) + j]
                }
                y[i] = GF256.multiply(value, x) ^ secretBytes[i]
            }
            return Share(x: x, y: Data(y))
        }
    }

    /// Recovers the secret from `threshold` or more shares (Lagrange interpolation at 0). With
    /// fewer shares, or shares of different secrets, the result is some other bytes: the caller
    /// checks it (a round key against its published public key).
    public static func combine(_ shares: [Share]) throws -> Data {
        guard let length = shares.first?.y.count, length > 0, shares.allSatisfy({ $0.y.count == length }) else {
            throw NotaryError.malformedKey("shares of different lengths")
        }
        guard Set(shares.map(\.x)).count == shares.count, !shares.contains(where: { $0.x == 0 }) else {
            throw NotaryError.malformedKey("shares must have distinct non-zero x")
        }
        let ys = shares.map { [UInt8]($0.y) }
        var secret = [UInt8](repeating: 0, count: length)
        for (i, share) in shares.enumerated() {
            // Lagrange basis at 0: ∏ x_j / (x_j − x_i); subtraction is XOR.
            var numerator: UInt8 = 1
            var denominator: UInt8 = 1
            for (j, other) in shares.enumerated() where j != i {
                numerator = GF256.multiply(numerator, other.x)
                denominator = GF256.multiply(denominator, other.x ^ share.x)
            }
            let basis = GF256.multiply(numerator, GF256.inverse(denominator))
            for k in 0..<length { secret[k] ^= GF256.multiply(ys[i][k], basis) }
        }
        return Data(secret)
    }
}

/// Arithmetic in GF(2⁸) with the AES polynomial, by log and exp tables (generator 3).
enum GF256 {
    static let tables: (exp: [UInt8], log: [UInt8]) = {
        var exp = [UInt8](repeating: 0, count: 510)
        var log = [UInt8](repeating: 0, count: 256)
        var value: UInt8 = 1
        for power in 0..<255 {
            exp[power] = value
            log[Int(value)] = UInt8(power)
            // value *= 3: value ^ xtime(value).
            let doubled = (value << 1) ^ ((value & 0x80) != 0 ? 0x1B : 0)
            value ^= doubled
        }
        for power in 255..<510 { exp[power] = exp[power - 255] }
        return (exp, log)
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        return tables.exp[Int(tables.log[Int(a)]) + Int(tables.log[Int(b)])]
    }

    /// The multiplicative inverse (of a non-zero element).
    static func inverse(_ a: UInt8) -> UInt8 {
        precondition(a != 0)
        return tables.exp[255 - Int(tables.log[Int(a)])]
    }
}

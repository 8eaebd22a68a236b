import Foundation
import Testing
@testable import Notary

@Suite("sealed box: X25519, HKDF, AES-256-GCM and k-of-n sharing")
struct SealedBoxTests {
    private func hex(_ text: String) -> Data { Hex.decode(text)! }

    /// RFC 7748 §6.1: both sides agree the published shared secret.
    @Test("X25519 agrees the RFC 7748 shared secret")
    func x25519Vector() throws {
        let alice = try X25519PrivateKey(rawRepresentation: hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
        let bob = try X25519PrivateKey(rawRepresentation: hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"))
        #expect(alice.publicKey.hex == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        #expect(bob.publicKey.hex == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
        let shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
        #expect(Hex.encode(try alice.sharedSecret(with: bob.publicKey)) == shared)
        #expect(Hex.encode(try bob.sharedSecret(with: alice.publicKey)) == shared)
        // A small-order peer (all zeros) gives the all-zero secret: refused.
        #expect(throws: NotaryError.self) { try alice.sharedSecret(with: try X25519PublicKey(rawRepresentation: Data(count: 32))) }
    }

    /// RFC 5869 appendix A.1.
    @Test("HKDF-SHA256 gives the RFC 5869 output")
    func hkdfVector() throws {
        let okm = try HKDF.sha256(key: Data(repeating: 0x0b, count: 22), salt: hex("000102030405060708090a0b0c"), info: hex("f0f1f2f3f4f5f6f7f8f9"), length: 42)
        #expect(Hex.encode(okm) == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    }

    @Test("a sealed message opens only with its key and its context, and not once changed")
    func sealAndOpen() throws {
        let recipient = try X25519PrivateKey.generate()
        let other = try X25519PrivateKey.generate()
        let message = Data("{\"ballot\":\"同意\"}".utf8)
        let sealer = try SealedBox(to: recipient.publicKey)
        let first = try sealer.seal(message, context: "round 1")
        let second = try sealer.seal(message, context: "round 1")
        #expect(first != second)   // a fresh nonce each time
        #expect(first.range(of: message) == nil)   // nothing in clear
        var opener = SealedBox.Opener(key: recipient)
        #expect(opener.open(first, context: "round 1") == message)
        #expect(opener.open(second, context: "round 1") == message)
        #expect(SealedBox.open(first, with: other, context: "round 1") == nil)
        #expect(SealedBox.open(first, with: recipient, context: "round 2") == nil)
        for index in [0, 33, 45, first.count - 1] {
            var changed = first
            changed[index] ^= 0x01
            #expect(SealedBox.open(changed, with: recipient, context: "round 1") == nil, "byte \(index) changed")
        }
        #expect(SealedBox.open(first.prefix(50), with: recipient, context: "round 1") == nil)
        // Two sealers to the same key use different ephemeral keys.
        let single = try SealedBox.seal(message, to: recipient.publicKey, context: "round 1")
        #expect(single.prefix(32) != first.prefix(32))
        #expect(SealedBox.open(single, with: recipient, context: "round 1") == message)
    }

    @Test("a secret box opens only with its secret and context")
    func secretBox() throws {
        let secret = Data("form-token-of-the-voter".utf8)
        let code = try SecureRandom.bytes(32)
        let sealed = try SecretBox.seal(code, secret: secret, context: "cast receipt")
        #expect(sealed.range(of: code) == nil)
        #expect(SecretBox.open(sealed, secret: secret, context: "cast receipt") == code)
        #expect(SecretBox.open(sealed, secret: Data("another token".utf8), context: "cast receipt") == nil)
        #expect(SecretBox.open(sealed, secret: secret, context: "another context") == nil)
        var changed = sealed
        changed[20] ^= 1
        #expect(SecretBox.open(changed, secret: secret, context: "cast receipt") == nil)
    }

    @Test("any k of n shares give the secret back; k − 1 do not", arguments: [(1, 1), (1, 3), (2, 3), (3, 5), (5, 7)])
    func sharing(threshold: Int, count: Int) throws {
        for _ in 0..<20 {
            let secret = try SecureRandom.bytes(32)
            let shares = try SecretSharing.split(secret, threshold: threshold, count: count)
            #expect(shares.count == count && Set(shares.map(\.x)).count == count)
            // Every subset of `threshold` shares (and the whole set) recovers it.
            for subset in subsets(of: Array(shares.indices), size: threshold) {
                #expect(try SecretSharing.combine(subset.map { shares[$0] }) == secret)
            }
            #expect(try SecretSharing.combine(shares) == secret)
            if threshold > 1 {
                let fewer = Array(shares.prefix(threshold - 1))
                #expect(try SecretSharing.combine(fewer) != secret)
            }
            // The share bytes round-trip.
            #expect(shares.allSatisfy { SecretSharing.Share(bytes: $0.bytes) == $0 })
        }
    }

    /// With k − 1 shares every value of a secret byte is equally possible: for a 2-of-3 split
    /// of a one-byte secret, one share's byte is uniform whatever the secret.
    @Test("one share of a 2-of-n split says nothing about the secret")
    func oneShareTellsNothing() throws {
        var seen: [Set<UInt8>] = [[], []]
        for (index, secret) in [UInt8(0), 255].enumerated() {
            for _ in 0..<4000 { seen[index].insert(try SecretSharing.split(Data([secret]), threshold: 2, count: 3)[0].y[0]) }
        }
        #expect(seen[0].count == 256 && seen[1].count == 256)
    }

    @Test("combining refuses repeated or zero x")
    func combineRefuses() throws {
        let shares = try SecretSharing.split(Data([1, 2, 3]), threshold: 2, count: 3)
        #expect(throws: NotaryError.self) { try SecretSharing.combine([shares[0], shares[0]]) }
        #expect(SecretSharing.Share(bytes: Data([0, 1, 2])) == nil)
        #expect(throws: NotaryError.self) { try SecretSharing.split(Data([1]), threshold: 3, count: 2) }
    }

    private func subsets(of items: [Int], size: Int) -> [[Int]] {
        guard size > 0 else { return [[]] }
        guard items.count >= size else { return [] }
        let rest = Array(items.dropFirst())
        return subsets(of: rest, size: size - 1).map { [items[0]] + $0 } + subsets(of: rest, size: size)
    }
}

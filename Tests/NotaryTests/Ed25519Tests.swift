import Foundation
import Testing
@testable import Notary

@Suite("Ed25519")
struct Ed25519Tests {
    /// RFC 8032 §7.1: secret key, public key, message, signature.
    static let rfc8032: [(String, String, String, String)] = [
        ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
         "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
        ("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
         "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
         "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
         "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"),
    ]

    @Test("RFC 8032 test vectors sign and verify", arguments: 0..<4)
    func rfcVectors(index: Int) throws {
        let (secret, publicHex, messageHex, signatureHex) = Self.rfc8032[index]
        let key = try Ed25519PrivateKey(rawRepresentation: Hex.decode(secret)!)
        #expect(Hex.encode(key.publicKey.rawRepresentation) == publicHex)
        let message = Hex.decode(messageHex)!
        let signature = try key.sign(message)
        #expect(Hex.encode(signature) == signatureHex)
        let publicKey = try Ed25519PublicKey(rawRepresentation: Hex.decode(publicHex)!)
        try publicKey.verify(signature: signature, for: message)
    }

    @Test("a flipped bit in the message or the signature fails verification")
    func flippedBits() throws {
        let key = try Ed25519PrivateKey.generate()
        let message = Data("选票 ballot 42".utf8)
        let signature = try key.sign(message)
        var badMessage = message
        badMessage[0] ^= 0x01
        #expect(throws: NotaryError.signatureMismatch) { try key.publicKey.verify(signature: signature, for: badMessage) }
        for bit in [0, 7, 255, 511] {
            var badSignature = signature
            badSignature[bit / 8] ^= UInt8(1 << (bit % 8))
            #expect(throws: NotaryError.signatureMismatch) { try key.publicKey.verify(signature: badSignature, for: message) }
        }
    }

    @Test("a truncated signature is named as malformed")
    func truncatedSignature() throws {
        let key = try Ed25519PrivateKey.generate()
        let signature = try key.sign(Data("x".utf8))
        #expect(throws: NotaryError.malformedSignature(length: 63)) {
            try key.publicKey.verify(signature: signature.prefix(63), for: Data("x".utf8))
        }
    }

    @Test("another key's public half does not verify")
    func wrongKey() throws {
        let signer = try Ed25519PrivateKey.generate()
        let other = try Ed25519PrivateKey.generate()
        let signature = try signer.sign(Data("result".utf8))
        #expect(!other.publicKey.isValidSignature(signature, for: Data("result".utf8)))
        #expect(signer.publicKey.isValidSignature(signature, for: Data("result".utf8)))
    }

    @Test("key id is the first 16 hex characters of SHA-256 of the raw public key")
    func keyID() throws {
        let key = try Ed25519PublicKey(rawRepresentation: Hex.decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")!)
        // sha256 of those 32 bytes, computed independently with `openssl dgst -sha256`.
        let viaCLI = try OpenSSLCLI.run(["dgst", "-sha256", "-hex"], stdin: key.rawRepresentation)
        let cliHex = String(decoding: viaCLI, as: UTF8.self).split(separator: "=").last!.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.keyID == String(cliHex.prefix(16)))
        #expect(key.keyID.count == 16)
    }

    @Test("PEM round trip, plain and encrypted")
    func pemRoundTrip() throws {
        let key = try Ed25519PrivateKey.generate()
        let plain = try key.pemRepresentation()
        #expect(plain.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try Ed25519PrivateKey(pem: plain).publicKey == key.publicKey)

        let encrypted = try key.pemRepresentation(passphrase: "社区 passphrase")
        #expect(encrypted.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        #expect(try Ed25519PrivateKey(pem: encrypted, passphrase: "社区 passphrase").publicKey == key.publicKey)
        #expect(throws: NotaryError.wrongPassphrase) { try Ed25519PrivateKey(pem: encrypted, passphrase: "wrong") }
        #expect(throws: NotaryError.wrongPassphrase) { try Ed25519PrivateKey(pem: encrypted) }

        let publicPEM = key.publicKey.pemRepresentation
        #expect(publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        #expect(try Ed25519PublicKey(pem: publicPEM) == key.publicKey)
    }

    @Test("malformed PEM gives a clear error, not a crash")
    func malformedPEM() throws {
        #expect(throws: NotaryError.self) { try Ed25519PublicKey(pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n") }
        #expect(throws: NotaryError.self) { try Ed25519PrivateKey(pem: "hello") }
        #expect(throws: NotaryError.self) { try Ed25519PublicKey(pem: "") }
        do {
            _ = try Ed25519PrivateKey(pem: "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n")
            Issue.record("malformed PEM was accepted")
        } catch let error as NotaryError {
            #expect(error.description.contains("malformed key"))
        }
    }

    @Test("an RSA key is refused as the wrong type")
    func wrongType() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let rsa = try OpenSSLCLI.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"])
        let text = String(decoding: rsa, as: UTF8.self)
        do {
            _ = try Ed25519PrivateKey(pem: text)
            Issue.record("RSA key accepted")
        } catch let error as NotaryError {
            guard case .wrongKeyType = error else { Issue.record("unexpected \(error)"); return }
        }
    }
}

@Suite("Ed25519 context reuse")
struct Ed25519ContextReuseTests {
    @Test("one key signs many messages, from many tasks at once, each signature identical to a fresh key's")
    func reuseIsCorrect() async throws {
        let seed = Hex.decode(Ed25519Tests.rfc8032[2].0)!
        let shared = try Ed25519PrivateKey(rawRepresentation: seed)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<50 {
                        let message = Data("task \(task) message \(index)".utf8)
                        let signature = try shared.sign(message)
                        // Ed25519 is deterministic: a brand-new key object must give the same bytes.
                        let fresh = try Ed25519PrivateKey(rawRepresentation: seed)
                        #expect(try fresh.sign(message) == signature)
                        try shared.publicKey.verify(signature: signature, for: message)
                        var bad = signature
                        bad[index % 64] ^= 0x80
                        #expect(!shared.publicKey.isValidSignature(bad, for: message))
                        // After a failed verification the pooled context still verifies correctly.
                        #expect(shared.publicKey.isValidSignature(signature, for: message))
                    }
                }
            }
            try await group.waitForAll()
        }
        // The RFC vector still comes out right after all that reuse.
        #expect(Hex.encode(try shared.sign(Hex.decode("af82")!)) == Ed25519Tests.rfc8032[2].3)
    }
}

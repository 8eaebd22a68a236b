import Foundation
import Testing
@testable import Notary

/// Notary's keys and signatures must be readable by plain `openssl`, and the reverse:
/// the public election record promises that nothing else is needed to check it.
@Suite("openssl CLI interoperability")
struct OpenSSLInteropTests {
    @Test("a Notary signature verifies with openssl pkeyutl -verify -rawin")
    func notarySignatureVerifiesWithCLI() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let key = try Ed25519PrivateKey.generate()
        let message = Data(#"{"election":"e1","round":1,"seq":7,"tracking":"ab"}"#.utf8)
        try KeyFiles.writePublicKey(key.publicKey, to: dir.path("election.pub.pem"))
        try message.write(to: dir.path("statement.json"))
        try key.sign(message).write(to: dir.path("statement.sig"))
        let output = try OpenSSLCLI.run(["pkeyutl", "-verify", "-pubin", "-inkey", dir.path("election.pub.pem").path,
                                         "-rawin", "-in", dir.path("statement.json").path, "-sigfile", dir.path("statement.sig").path])
        #expect(String(decoding: output, as: UTF8.self).contains("Signature Verified Successfully"))

        // And a tampered statement is refused by openssl too.
        try Data(#"{"election":"e1","round":1,"seq":8,"tracking":"ab"}"#.utf8).write(to: dir.path("statement.json"))
        let status = try OpenSSLCLI.status(["pkeyutl", "-verify", "-pubin", "-inkey", dir.path("election.pub.pem").path,
                                            "-rawin", "-in", dir.path("statement.json").path, "-sigfile", dir.path("statement.sig").path])
        #expect(status != 0)
    }

    @Test("a signature made by the openssl CLI verifies with Notary")
    func cliSignatureVerifiesWithNotary() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try OpenSSLCLI.run(["genpkey", "-algorithm", "ed25519", "-out", dir.path("k.pem").path])
        try OpenSSLCLI.run(["pkey", "-in", dir.path("k.pem").path, "-pubout", "-out", dir.path("k.pub.pem").path])
        let message = Data("居民委员会 result statement".utf8)
        try message.write(to: dir.path("m.txt"))
        try OpenSSLCLI.run(["pkeyutl", "-sign", "-inkey", dir.path("k.pem").path, "-rawin", "-in", dir.path("m.txt").path, "-out", dir.path("m.sig").path])
        let publicKey = try KeyFiles.readPublicKey(at: dir.path("k.pub.pem"))
        let signature = try Data(contentsOf: dir.path("m.sig"))
        try publicKey.verify(signature: signature, for: message)
        // The private key the CLI wrote is readable by Notary and has the same public half.
        let privateKey = try KeyFiles.readPrivateKey(at: dir.path("k.pem"))
        #expect(privateKey.publicKey == publicKey)
    }

    @Test("a PEM written by Notary is read by openssl pkey, plain and encrypted")
    func notaryPEMReadByCLI() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let key = try Ed25519PrivateKey.generate()
        try KeyFiles.writePrivateKey(key, to: dir.path("plain.pem"))
        try KeyFiles.writePrivateKey(key, to: dir.path("enc.pem"), passphrase: "s3cret 口令")
        let fromPlain = try OpenSSLCLI.run(["pkey", "-in", dir.path("plain.pem").path, "-pubout"])
        #expect(String(decoding: fromPlain, as: UTF8.self) == key.publicKey.pemRepresentation)
        let fromEncrypted = try OpenSSLCLI.run(["pkey", "-in", dir.path("enc.pem").path, "-passin", "pass:s3cret 口令", "-pubout"])
        #expect(String(decoding: fromEncrypted, as: UTF8.self) == key.publicKey.pemRepresentation)
        #expect(try OpenSSLCLI.status(["pkey", "-in", dir.path("enc.pem").path, "-passin", "pass:wrong", "-pubout"]) != 0)
        // The raw private key openssl prints matches ours.
        let text = String(decoding: try OpenSSLCLI.run(["pkey", "-in", dir.path("plain.pem").path, "-text", "-noout"]), as: UTF8.self)
        let hexInText = text.components(separatedBy: "pub:")[0]
            .filter { $0.isHexDigit }
        #expect(hexInText.hasSuffix(Hex.encode(key.rawRepresentation)))
    }

    @Test("private key files are created with mode 0600 and never overwritten")
    func keyFileMode() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let key = try Ed25519PrivateKey.generate()
        let url = dir.path("community.key.pem")
        try KeyFiles.writePrivateKey(key, to: url)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(throws: NotaryError.self) { try KeyFiles.writePrivateKey(try Ed25519PrivateKey.generate(), to: url) }
        #expect(try KeyFiles.readPrivateKey(at: url).publicKey == key.publicKey)
    }

    @Test("SHA-256 agrees with openssl dgst over a multi-block input")
    func sha256AgreesWithCLI() throws {
        var bytes = Data()
        for index in 0..<100_000 { bytes.append(UInt8(truncatingIfNeeded: index &* 31 &+ 7)) }
        let viaCLI = String(decoding: try OpenSSLCLI.run(["dgst", "-sha256", "-r"], stdin: bytes), as: UTF8.self)
        #expect(viaCLI.hasPrefix(SHA256.hash(bytes).hex))
    }
}

@Suite("documented plain-tools procedures")
struct DocumentedProceduresTests {
    @Test("ballots/README.md: a compact receipt checks with sh, base64 and openssl alone")
    func compactReceiptWithShell() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let key = try Ed25519PrivateKey.generate()
        try KeyFiles.writePublicKey(key.publicKey, to: dir.path("election.pub.pem"))
        // Vary the statement length so every base64 padding case (0, 1, 2 '=') occurs.
        for subject in ["e", "e1", "e12", "选举-2026"] {
            let statement = ReceiptStatement(what: "ballot", subject: subject, round: 1, seq: 3,
                                             tracking: SHA256.hash(subject).hex, at: "2026-11-26T09:10:00Z", key: key.keyID)
            let receipt = try SignedReceipt.issue(statement, signingKey: key)
            let script = """
            set -e
            cd '\(dir.url.path)'
            b64url() { s=$(tr '_-' '/+'); while [ $(( ${#s} % 4 )) -ne 0 ]; do s="$s="; done; printf '%s' "$s" | base64 -d; }
            receipt='\(receipt.compactText)'
            printf '%s' "$receipt" | cut -d. -f2 | b64url > statement.json
            printf '%s' "$receipt" | cut -d. -f3 | b64url > statement.sig
            openssl pkeyutl -verify -pubin -inkey election.pub.pem -rawin -in statement.json -sigfile statement.sig
            """
            let (status, output) = try OpenSSLCLI.shell(script)
            #expect(status == 0, "\(output)")
            #expect(output.contains("Signature Verified Successfully"))
            #expect(try Data(contentsOf: dir.path("statement.json")) == receipt.statementBytes)
        }
    }

    @Test("ballots/README.md: the key id recipe with openssl, tail and sha256sum")
    func keyIDWithShell() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let key = try Ed25519PrivateKey.generate()
        try KeyFiles.writePublicKey(key.publicKey, to: dir.path("k.pub.pem"))
        let (status, output) = try OpenSSLCLI.shell("openssl pkey -pubin -in '\(dir.path("k.pub.pem").path)' -outform DER | tail -c 32 | sha256sum | cut -c1-16")
        #expect(status == 0)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == key.keyID)
    }
}

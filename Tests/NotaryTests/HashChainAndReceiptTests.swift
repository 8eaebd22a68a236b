import Foundation
import Testing
@testable import Notary

@Suite("hash chain")
struct HashChainTests {
    struct Line: Encodable { let seq: Int; let data: String; let prev: String }

    func build(_ count: Int) throws -> (lines: [Data], chain: HashChain) {
        var chain = HashChain()
        var lines: [Data] = []
        for seq in 1...count {
            let (line, _) = try chain.append { prev in Line(seq: seq, data: "ballot \(seq)", prev: prev.hex) }
            lines.append(line)
        }
        return (lines, chain)
    }

    /// Replays lines through a fresh chain, reading `prev` out of each line.
    func replay(_ lines: [Data]) throws -> HashChain {
        var chain = HashChain()
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: line) as! [String: Any]
            try chain.append(line: line, prev: SHA256Digest(hex: object["prev"] as! String)!)
        }
        return chain
    }

    @Test("each hash is sha256 of the line; head is the last; first prev is zeros")
    func structure() throws {
        let (lines, chain) = try build(3)
        #expect(chain.length == 3)
        #expect(chain.head == SHA256.hash(lines[2]))
        #expect(String(decoding: lines[0], as: UTF8.self).contains(String(repeating: "0", count: 64)))
        #expect(String(decoding: lines[1], as: UTF8.self).contains(SHA256.hash(lines[0]).hex))
        #expect(try replay(lines) == chain)
    }

    @Test("an edited, removed or reordered line breaks the chain")
    func tampering() throws {
        let (lines, _) = try build(5)
        var edited = lines
        edited[1] = Data(String(decoding: lines[1], as: UTF8.self).replacingOccurrences(of: "ballot 2", with: "ballot X").utf8)
        #expect(throws: NotaryError.self) { try replay(edited) }
        var removed = lines
        removed.remove(at: 2)
        #expect(throws: NotaryError.self) { try replay(removed) }
        var reordered = lines
        reordered.swapAt(3, 4)
        #expect(throws: NotaryError.self) { try replay(reordered) }
    }
}

@Suite("signed receipts")
struct SignedReceiptTests {
    func makeReceipt() throws -> (SignedReceipt, Ed25519PrivateKey) {
        let key = try Ed25519PrivateKey.generate()
        let statement = ReceiptStatement(what: "ballot", subject: "e-2026-001", round: 1, seq: 17,
                                         tracking: SHA256.hash("line").hex, at: "2026-11-26T09:10:00Z", key: key.keyID)
        return (try SignedReceipt.issue(statement, signingKey: key), key)
    }

    @Test("issue, verify, and both forms round trip")
    func roundTrip() throws {
        let (receipt, key) = try makeReceipt()
        try receipt.verify(with: key.publicKey)
        let compact = receipt.compactText
        #expect(compact.hasPrefix("xyr1."))
        #expect(!compact.contains("=") && !compact.contains("/") && !compact.contains("+"))
        let fromCompact = try SignedReceipt(compactText: compact)
        #expect(fromCompact == receipt)
        try fromCompact.verify(with: key.publicKey)
        let fromJSON = try SignedReceipt(json: receipt.jsonRepresentation)
        #expect(fromJSON == receipt)
        #expect(String(decoding: receipt.statementBytes, as: UTF8.self).hasPrefix(#"{"at":"2026-11-26T09:10:00Z","key":""#))
    }

    @Test("the statement part verifies with openssl pkeyutl")
    func verifiesWithCLI() throws {
        let (receipt, key) = try makeReceipt()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try KeyFiles.writePublicKey(key.publicKey, to: dir.path("k.pub.pem"))
        try receipt.statementBytes.write(to: dir.path("statement.json"))
        try receipt.signature.write(to: dir.path("statement.sig"))
        let out = try OpenSSLCLI.run(["pkeyutl", "-verify", "-pubin", "-inkey", dir.path("k.pub.pem").path, "-rawin",
                                      "-in", dir.path("statement.json").path, "-sigfile", dir.path("statement.sig").path])
        #expect(String(decoding: out, as: UTF8.self).contains("Verified Successfully"))
    }

    @Test("a changed statement, another key, or a mangled text is refused")
    func refusals() throws {
        let (receipt, key) = try makeReceipt()
        var parts = receipt.compactText.split(separator: ".").map(String.init)
        var statement = Base64.decodeURL(parts[1])!
        let text = String(decoding: statement, as: UTF8.self).replacingOccurrences(of: "\"seq\":17", with: "\"seq\":18")
        statement = Data(text.utf8)
        parts[1] = Base64.encodeURL(statement)
        let forged = try SignedReceipt(compactText: parts.joined(separator: "."))
        #expect(throws: NotaryError.signatureMismatch) { try forged.verify(with: key.publicKey) }

        let other = try Ed25519PrivateKey.generate()
        #expect(throws: NotaryError.self) { try receipt.verify(with: other.publicKey) }
        #expect(throws: NotaryError.self) { try SignedReceipt(compactText: "xyr1.abc") }
        #expect(throws: NotaryError.self) { try SignedReceipt(compactText: "xyr2." + receipt.compactText.dropFirst(5)) }
        let truncated = String(receipt.compactText.dropLast(4))
        #expect(throws: NotaryError.self) { try SignedReceipt(compactText: truncated) }
    }

    @Test("non-canonical statement bytes are refused even with a valid signature")
    func nonCanonical() throws {
        let key = try Ed25519PrivateKey.generate()
        let loose = Data(#"{"what":"ballot","subject":"e","seq":1,"tracking":"t","at":"2026-11-26T09:10:00Z","key":"\#(key.keyID)"}"#.utf8)
        let signature = try key.sign(loose)
        let text = "xyr1.\(Base64.encodeURL(loose)).\(Base64.encodeURL(signature))"
        #expect(throws: NotaryError.self) { try SignedReceipt(compactText: text) }
    }

    @Test("a statement naming another key cannot be issued")
    func keyMismatch() throws {
        let key = try Ed25519PrivateKey.generate()
        let statement = ReceiptStatement(what: "motion", subject: "m1", seq: 1, tracking: "t", at: "2026-11-26T09:10:00Z", key: "0000000000000000")
        #expect(throws: NotaryError.self) { try SignedReceipt.issue(statement, signingKey: key) }
    }
}

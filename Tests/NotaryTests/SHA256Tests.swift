import Foundation
import Testing
@testable import Notary

@Suite("SHA-256")
struct SHA256Tests {
    /// FIPS 180-2 / NIST CAVP example messages.
    @Test("NIST vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func nistVectors(message: String, expected: String) {
        #expect(SHA256.hash(message).hex == expected)
    }

    @Test("one million 'a', streamed in uneven blocks")
    func millionA() {
        let hasher = SHA256Hasher()
        let block = Data(repeating: UInt8(ascii: "a"), count: 999)
        var remaining = 1_000_000
        while remaining > 0 {
            let count = min(remaining, block.count)
            hasher.update(block.prefix(count))
            remaining -= count
        }
        #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("streaming equals one-shot; file hashing equals both")
    func streamingEqualsOneShot() throws {
        let data = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0) })
        let hasher = SHA256Hasher()
        hasher.update(data.prefix(12_345))
        hasher.update(data.dropFirst(12_345))
        let streamed = hasher.finalize()
        #expect(streamed == SHA256.hash(data))
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try data.write(to: dir.path("f"))
        #expect(try SHA256.hash(fileAt: dir.path("f")) == streamed)
    }

    @Test("hex and base64 helpers round trip and reject junk")
    func encodings() {
        let bytes = Data([0x00, 0x01, 0xab, 0xff])
        #expect(Hex.encode(bytes) == "0001abff")
        #expect(Hex.decode("0001ABff") == bytes)
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Base64.encode(bytes) == "AAGr/w==")
        #expect(Base64.encodeURL(bytes) == "AAGr_w")
        #expect(Base64.decodeURL("AAGr_w") == bytes)
        #expect(Base64.decodeURL("AAGr/w") == nil)
        #expect(SHA256Digest(hex: "00") == nil)
        #expect(SHA256Digest(hex: String(repeating: "0", count: 64)) == .zero)
    }

    @Test("constant-time comparison")
    func constantTime() {
        #expect(ConstantTime.equals(Data([1, 2, 3]), Data([1, 2, 3])))
        #expect(!ConstantTime.equals(Data([1, 2, 3]), Data([1, 2, 4])))
        #expect(!ConstantTime.equals(Data([1, 2]), Data([1, 2, 3])))
        #expect(ConstantTime.equals("", ""))
    }
}

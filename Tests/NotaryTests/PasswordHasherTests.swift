import Foundation
import Testing
@testable import Notary

@Suite("scrypt password hashing")
struct PasswordHasherTests {
    /// RFC 7914 §12 test vectors.
    @Test("RFC 7914 vectors", arguments: [
        ("", "", UInt8(4), UInt32(1), UInt32(1),
         "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
        ("password", "NaCl", UInt8(10), UInt32(8), UInt32(16),
         "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
        ("pleaseletmein", "SodiumChloride", UInt8(14), UInt32(8), UInt32(1),
         "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"),
    ])
    func rfcVectors(password: String, salt: String, logN: UInt8, r: UInt32, p: UInt32, expected: String) throws {
        let derived = try PasswordHasher.scrypt(password: Data(password.utf8), salt: Data(salt.utf8), logN: logN, r: r, p: p, length: 64)
        #expect(Hex.encode(derived) == expected)
    }

    @Test("hash then verify; wrong password fails; salts differ")
    func hashAndVerify() throws {
        let hasher = PasswordHasher.fastForTests
        let stored = try hasher.hash("正确的口令 horse")
        #expect(stored.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(try PasswordHasher.verify("正确的口令 horse", against: stored))
        #expect(try !PasswordHasher.verify("正确的口令 horsE", against: stored))
        #expect(try hasher.hash("same") != hasher.hash("same"))
    }

    @Test("malformed stored hashes are errors, not matches")
    func malformed() {
        for bad in ["", "plain", "$scrypt$ln=10$abc$def", "$bcrypt$ln=10,r=8,p=1$AAAA$AAAA", "$scrypt$ln=99,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
            #expect(throws: NotaryError.self) { try PasswordHasher.verify("x", against: bad) }
        }
    }

    @Test("needsRehash when stored parameters are weaker")
    func rehash() throws {
        let weak = try PasswordHasher.fastForTests.hash("pw")
        #expect(PasswordHasher.standard.needsRehash(weak))
        #expect(!PasswordHasher.fastForTests.needsRehash(weak))
    }
}

@Suite("secure random and human codes")
struct HumanCodeTests {
    @Test("random bytes differ and have the asked length")
    func randomBytes() throws {
        let a = try SecureRandom.bytes(32), b = try SecureRandom.bytes(32)
        #expect(a.count == 32 && b.count == 32 && a != b)
        #expect(try SecureRandom.token().count == 43)
    }

    @Test("generated codes parse back, grouped or not, in any case")
    func roundTrip() throws {
        for _ in 0..<50 {
            let code = try HumanCode.generate(length: 12)
            #expect(code.normalized.count == 13)
            #expect(try HumanCode(parsing: code.description) == code)
            #expect(try HumanCode(parsing: code.normalized.lowercased()) == code)
        }
    }

    @Test("issued codes are digits and capital letters only: never a check of * ~ $ = or U (issue 22 #8)")
    func issuedCodesTypeOnAnyKeyboard() throws {
        let plain = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        // 2,000 codes: with the five symbol checks allowed, about 270 would end in one (5 in 37).
        for _ in 0..<2_000 {
            let code = try HumanCode.generate(length: 12)
            #expect(code.normalized.allSatisfy(plain.contains), "\(code)")
        }
        // Codes printed before with a symbol check still read.
        #expect(try HumanCode(parsing: "10*").normalized == "10*")
    }

    @Test("Crockford check value: a known code")
    func knownCheck() throws {
        // "1" = 1 → check index 1 ("1"); "Z" = 31 → check 31 ("Z"); "10" = 32 → "*" is 32? no: 32 mod 37 = 32 → "*".
        #expect(try HumanCode(parsing: "11").normalized == "11")
        #expect(try HumanCode(parsing: "ZZ").normalized == "ZZ")
        #expect(try HumanCode(parsing: "10*").normalized == "10*")
        // 37 = "15" in base 32 → 37 mod 37 = 0 → check "0"; typed with O for zero still reads.
        #expect(try HumanCode(parsing: "15o").normalized == "150")
        #expect(throws: NotaryError.self) { try HumanCode(parsing: "151") }
    }

    @Test("every single-symbol typo and adjacent swap is caught")
    func typosCaught() throws {
        let code = try HumanCode.generate(length: 8)
        var symbols = Array(code.normalized)
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        for position in 0..<8 {
            for replacement in alphabet where replacement != symbols[position] {
                var typo = symbols
                typo[position] = replacement
                #expect(throws: NotaryError.self) { try HumanCode(parsing: String(typo)) }
            }
        }
        for position in 0..<7 where symbols[position] != symbols[position + 1] {
            symbols.swapAt(position, position + 1)
            #expect(throws: NotaryError.self) { try HumanCode(parsing: String(symbols)) }
            symbols.swapAt(position, position + 1)
        }
    }

    @Test("I and L read as 1, and a symbol outside the alphabet is named")
    func forgiving() throws {
        let code = try HumanCode.generate(length: 6)
        let typed = code.normalized.dropLast().replacingOccurrences(of: "1", with: "l") + String(code.normalized.last!)
        #expect(try HumanCode(parsing: typed) == code)
        do {
            _ = try HumanCode(parsing: "AB!D")
            Issue.record("accepted !")
        } catch let error as NotaryError {
            #expect(error.description.contains("symbol 3"))
        }
    }
}

@Suite("random text")
struct RandomTextTests {
    @Test("random text has the asked number of symbols from the Crockford alphabet, grouped in fours")
    func randomText() throws {
        let text = try HumanCode.randomText(symbols: 16)
        #expect(text.count == 19)
        let symbols = text.split(separator: "-")
        #expect(symbols.map(\.count) == [4, 4, 4, 4])
        #expect(symbols.joined().allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
        #expect(try HumanCode.randomText(symbols: 16) != text)
    }
}

import Foundation

/// Random codes that people read off paper and type back: Crockford base32 (no I, L, O, U)
/// with Crockford's mod-37 check character, shown in groups of four (`7K3M-Q9TX-…`).
///
/// Typing is forgiving as Crockford specifies: lower case is accepted, `I`/`L` read as `1`,
/// `O` as `0`, and hyphens and spaces are ignored. The check character catches every single
/// wrong symbol and every swap of two adjacent symbols.
public struct HumanCode: Hashable, Sendable, CustomStringConvertible {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    static let checkAlphabet = alphabet + Array("*~$=U")

    /// The symbols without hyphens, check character last.
    public let normalized: String

    /// Generates a code of `length` random symbols (5 bits each) plus one check character.
    ///
    /// Crockford's check can be one of five symbols (`* ~ $ = U`) that a phone's letter keyboard
    /// hides or that read like punctuation on paper; a code whose check would be one of them is
    /// drawn again, so every code issued is digits and capital letters only (issue 22 #8). That
    /// costs about 0.2 bits of the 60 and leaves the check as strong; codes issued before still parse.
    public static func generate(length: Int = 12) throws -> HumanCode {
        precondition(length > 0)
        while true {
            var values = [Int]()
            for _ in 0..<length { values.append(Int(try SecureRandom.uniform(32))) }
            let check = checkValue(values)
            guard check < alphabet.count else { continue }
            return HumanCode(normalized: String(values.map { alphabet[$0] }) + String(alphabet[check]))
        }
    }

    private init(normalized: String) { self.normalized = normalized }

    /// Random Crockford base32 text without a check character, grouped in fours: for
    /// one-time passwords, where a typo simply fails the comparison. `count` symbols carry
    /// 5 bits each (16 symbols = 80 bits).
    public static func randomText(symbols count: Int) throws -> String {
        var symbols = ""
        for index in 0..<count {
            if index > 0, index % 4 == 0 { symbols.append("-") }
            symbols.append(alphabet[Int(try SecureRandom.uniform(32))])
        }
        return symbols
    }

    /// Parses what a person typed; throws naming the problem (bad symbol, wrong check).
    public init(parsing text: String, expectedLength: Int? = nil) throws {
        var values: [Int] = []
        var chars = Array(text.uppercased().filter { $0 != "-" && $0 != " " })
        guard chars.count >= 2 else { throw NotaryError.malformedCode("too short") }
        let checkChar = chars.removeLast()
        for (position, char) in chars.enumerated() {
            let mapped: Character
            switch char {
            case "I", "L": mapped = "1"
            case "O": mapped = "0"
            default: mapped = char
            }
            guard let value = Self.alphabet.firstIndex(of: mapped) else {
                throw NotaryError.malformedCode("symbol \(position + 1) '\(char)' is not used in codes")
            }
            values.append(value)
        }
        if let expectedLength, values.count != expectedLength {
            throw NotaryError.malformedCode("expected \(expectedLength + 1) symbols, got \(values.count + 1)")
        }
        let expected = Self.checkAlphabet[Self.checkValue(values)]
        let normalizedCheck: Character = (checkChar == "I" || checkChar == "L") ? "1" : (checkChar == "O" ? "0" : checkChar)
        guard normalizedCheck == expected else {
            throw NotaryError.malformedCode("check character does not match: a symbol was mistyped")
        }
        self.normalized = String(values.map { Self.alphabet[$0] }) + String(expected)
    }

    /// Grouped in fours with hyphens, for printing.
    public var description: String {
        var groups: [String] = []
        var rest = Substring(normalized)
        while !rest.isEmpty {
            groups.append(String(rest.prefix(4)))
            rest = rest.dropFirst(4)
        }
        return groups.joined(separator: "-")
    }

    /// The number the symbols spell, modulo 37 (Crockford's check), computed digit by digit.
    static func checkValue(_ values: [Int]) -> Int {
        values.reduce(0) { ($0 * 32 + $1) % 37 }
    }
}

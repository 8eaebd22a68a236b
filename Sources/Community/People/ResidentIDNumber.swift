import Foundation

/// An 18-character citizen identity number (公民身份号码, GB 11643-1999): a 6-digit
/// region code, the birth date `YYYYMMDD`, a 3-digit sequence whose last digit is odd for men
/// and even for women, and an ISO 7064 MOD 11-2 check character (`0`–`9` or `X`).
///
/// Input is trimmed, full-width digits and `Ｘ` are accepted (as typed on Chinese keyboards),
/// and a lower-case `x` is stored as `X`.
public struct ResidentIDNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 18 characters, check character upper case.
    public let value: String

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters = Array("10X98765432")

    /// Validates and normalises `text`; the error names what is wrong.
    public init(_ text: String) throws {
        if let fast = Self.validASCII(text) {
            self.value = fast
            return
        }
        let normalized = String(text.trimmedSpaces.map(Self.halfWidth)).uppercased()
        let chars = Array(normalized)
        guard chars.count == 18 else {
            throw CommunityError.invalid(field: "公民身份号码", reason: "must be 18 characters, got \(chars.count)")
        }
        var digits: [Int] = []
        for (index, char) in chars.prefix(17).enumerated() {
            guard let digit = char.wholeNumberValue, char.isASCII else {
                throw CommunityError.invalid(field: "公民身份号码", reason: "character \(index + 1) '\(char)' must be a digit")
            }
            digits.append(digit)
        }
        guard chars[17].isASCII, chars[17].isNumber || chars[17] == "X" else {
            throw CommunityError.invalid(field: "公民身份号码", reason: "the last character must be a digit or X")
        }
        guard digits[0] != 0 else {
            throw CommunityError.invalid(field: "公民身份号码", reason: "region code cannot start with 0")
        }
        let birthText = String(chars[6..<14])
        guard let birth = CivilDate(birthText), birth.year >= 1880 else {
            throw CommunityError.invalid(field: "公民身份号码", reason: "characters 7–14 (\(birthText)) are not a valid birth date")
        }
        let sum = zip(digits, Self.weights).reduce(0) { $0 + $1.0 * $1.1 }
        let expected = Self.checkCharacters[sum % 11]
        guard chars[17] == expected else {
            throw CommunityError.invalid(field: "公民身份号码", reason: "check character is \(chars[17]) but should be \(expected): a digit was mistyped")
        }
        self.value = normalized
    }

    /// The fast path for the usual input (18 ASCII characters, nothing to normalise but `x`):
    /// validated on bytes. Returns nil to fall back to the general path, which explains errors.
    static func validASCII(_ text: String) -> String? {
        var bytes = Array(text.utf8)
        guard bytes.count == 18, bytes[0] != UInt8(ascii: "0") else { return nil }
        var sum = 0
        for index in 0..<17 {
            let byte = bytes[index]
            guard byte >= 48, byte <= 57 else { return nil }
            sum += Int(byte - 48) * weights[index]
        }
        if bytes[17] == UInt8(ascii: "x") { bytes[17] = UInt8(ascii: "X") }
        let expected = checkCharacters[sum % 11]
        guard bytes[17] == expected.asciiValue else { return nil }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) } }
        let year = number(6..<10), month = number(10..<12), day = number(12..<14)
        guard year >= 1880, CivilDate(year: year, month: month, day: day) != nil else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Birth date encoded in characters 7–14.
    public var birthDate: CivilDate {
        let bytes = Array(value.utf8)
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) } }
        return CivilDate(year: number(6..<10), month: number(10..<12), day: number(12..<14))!
    }

    /// Gender encoded by the parity of character 17.
    public var gender: Gender {
        let digit = Array(value.utf8)[16] - 48
        return digit % 2 == 1 ? .male : .female
    }

    /// The 6-digit administrative region code of first registration.
    public var regionCode: String { String(value.prefix(6)) }

    /// The form shown on public pages: first 6 and last 4 characters, the rest starred
    /// (`110105********123X`).
    public var masked: String { value.prefix(6) + String(repeating: "*", count: 8) + value.suffix(4) }

    public var description: String { masked }

    /// Computes the check character for 17 digits (for generating test and demo data).
    public static func checkCharacter(for first17: String) -> Character? {
        let digits = first17.compactMap(\.wholeNumberValue)
        guard digits.count == 17 else { return nil }
        return checkCharacters[zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11]
    }

    private static func halfWidth(_ char: Character) -> Character {
        guard let scalar = char.unicodeScalars.first, char.unicodeScalars.count == 1 else { return char }
        switch scalar.value {
        case 0xFF10...0xFF19: return Character(UnicodeScalar(scalar.value - 0xFF10 + 0x30)!)
        case 0xFF38: return "X"
        case 0xFF58: return "x"
        default: return char
        }
    }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

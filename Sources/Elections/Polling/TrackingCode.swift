/// A ballot's tracking code as a person reads and types it (issue 22 #9).
///
/// The code itself is 64 hexadecimal digits: the SHA-256 of the ballot's line in the log, or of
/// an electronic ballot's sealed content (its receipt code). Nobody copies 64 digits from paper,
/// so the receipt shows the first `shortLength` digits in groups of four — 64 bits, far beyond
/// guessing — and the tracking page accepts any prefix of at least that length, typed with or
/// without spaces and hyphens, in either case. Digits only, so a phone's number-and-letter
/// keyboard is enough.
public enum TrackingCode {
    /// Hexadecimal digits a typed code needs at least: 16 (64 bits).
    public static let shortLength = 16

    /// The typed code without spaces, hyphens or case, or nil unless it is 16 to 64 hex digits.
    public static func normalized(_ typed: String) -> String? {
        let code = String(typed.lowercased().filter { !$0.isWhitespace && $0 != "-" })
        guard (shortLength...64).contains(code.count), code.allSatisfy({ $0.isASCII && $0.isHexDigit }) else { return nil }
        return code
    }

    /// The short form printed for people: the first 16 digits in groups of four, "a1b2 c3d4 e5f6 7890".
    public static func short(_ code: String) -> String {
        let head = Array(code.prefix(shortLength))
        return stride(from: 0, to: head.count, by: 4).map { String(head[$0..<min($0 + 4, head.count)]) }.joined(separator: " ")
    }
}

import Foundation

/// One field of every CSV file Xuanyi writes (roll, statistics, motions, disclosure report,
/// cards): formula-guarded and quoted per RFC 4180. A spreadsheet runs a cell that starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return as a formula (CSV injection: a resident's
/// name `=HYPERLINK(…)` would run on the committee's computer), so such a field gets a leading
/// apostrophe, which spreadsheets show as text. Fields with a comma, quote, line break or
/// apostrophe are quoted.
public enum CSVField {
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\n"]

    /// The field guarded and, when it needs it (or `alwaysQuote`), quoted.
    public static func escape(_ field: String, alwaysQuote: Bool = false) -> String {
        var value = field
        if let first = value.first, formulaStarts.contains(first) { value = "'" + value }
        guard alwaysQuote || value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "'" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A CSV line (without its line break) of `fields`, each escaped.
    public static func line(_ fields: [String], alwaysQuote: Bool = false) -> String {
        fields.map { escape($0, alwaysQuote: alwaysQuote) }.joined(separator: ",")
    }
}

import Community

/// Text residents and staff type into the register, the meetings and the hearings is plain
/// text: a control character (a NUL above all) would be stored or shown differently from the
/// text a receipt's hash or a signed document covers, so it is refused naming the field.
/// Multi-line fields keep line breaks and tabs.
enum PlainText {
    static func check(_ value: String, field: String, multiline: Bool = false) throws {
        let bad = value.unicodeScalars.first {
            ($0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}") && !(multiline && ($0 == "\n" || $0 == "\r" || $0 == "\t"))
        }
        if let bad {
            throw CommunityError.invalid(field: field, reason: "contains a control character (U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(4))); type plain text")
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

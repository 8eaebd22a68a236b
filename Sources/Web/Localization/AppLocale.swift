import Foundation

/// The two interface languages: simplified Chinese first, English second.
public enum AppLocale: String, Sendable, CaseIterable {
    case zhHans = "zh-Hans"
    case en = "en"

    /// The `lang` attribute of the page.
    public var htmlLang: String { self == .zhHans ? "zh-Hans" : "en" }

    /// Reads a `lang` query value or cookie: `zh`, `zh-Hans`, `en`.
    public init?(code: String) {
        switch code.lowercased() {
        case "zh", "zh-hans", "zh-cn": self = .zhHans
        case "en", "en-us", "en-gb": self = .en
        default: return nil
        }
    }

    /// Picks a language from an Accept-Language header: the first of zh or en listed, by
    /// weight; Chinese when neither is listed.
    public static func negotiate(acceptLanguage: String?) -> AppLocale {
        guard let header = acceptLanguage else { return .zhHans }
        let ranked = header.split(separator: ",").compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { return nil }
            var weight = 1.0
            for piece in pieces.dropFirst() where piece.hasPrefix("q=") {
                weight = Double(piece.dropFirst(2)) ?? 0
            }
            return (tag, weight)
        }.sorted { $0.1 > $1.1 }
        for (tag, _) in ranked {
            if tag.hasPrefix("zh") { return .zhHans }
            if tag.hasPrefix("en") { return .en }
        }
        return .zhHans
    }

    /// The interface strings in this language.
    public var strings: [String: String] { self == .zhHans ? Strings.zhHans : Strings.en }

    /// One string by key; the key itself when missing (a test checks both tables have every key).
    public func text(_ key: String) -> String { strings[key] ?? key }

    /// One string by key with its `{name}` placeholders filled in from `values`: a message that
    /// carries figures or names in this language only.
    public func text(_ key: String, _ values: [String: any Sendable]) -> String {
        values.reduce(text(key)) { $0.replacingOccurrences(of: "{\($1.key)}", with: "\($1.value)") }
    }
}

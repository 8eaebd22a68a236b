import Foundation

/// Where a `next` or `back` parameter may send a visitor after a form: a path on this site,
/// nothing else. The text is parsed, not pattern-matched: it must start with one `/`, have no
/// scheme and no host, and contain no control character (tab, CR, LF …), no backslash and no
/// encoded `/` or `\` that a browser could turn into `//other.site` — browsers drop tabs and
/// newlines from URLs and read `\` as `/`, so `/\t/evil.example` or `/\evil.example` would
/// otherwise leave the site. Anything else gives the fallback.
enum RedirectTarget {
    static func sameOriginPath(_ text: String?, fallback: String = "/") -> String {
        guard let text, !text.isEmpty, text.utf8.count <= 2000, text.hasPrefix("/") else { return fallback }
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7f || scalar == "\\" { return fallback }
            if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format { return fallback }
        }
        // Decoded, it must still be a plain path: no //, no \, no control characters.
        guard let decoded = text.removingPercentEncoding else { return fallback }
        if decoded.hasPrefix("//") || decoded.hasPrefix("/\\") || decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f || $0 == "\\" }) {
            return fallback
        }
        guard let components = URLComponents(string: text), components.scheme == nil, components.host == nil, components.user == nil,
              components.port == nil, components.percentEncodedPath.hasPrefix("/"), !components.percentEncodedPath.hasPrefix("//") else {
            return fallback
        }
        return text
    }
}

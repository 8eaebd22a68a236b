/// Whitespace trimming without Foundation's NSString bridge: the common case (nothing to trim)
/// costs two scalar checks and no allocation. Trims ASCII spaces and tabs, no-break space and
/// the ideographic space U+3000 that Chinese input methods type.
extension StringProtocol {
    /// The text without leading and trailing spaces.
    public var trimmedSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return "" }
        if !Self.isSpace(first) && !Self.isSpace(last) { return String(self) }
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, Self.isSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start, Self.isSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[start..<end])
        return String(result)
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0D, 0xA0, 0x3000: return true
        default: return false
        }
    }
}

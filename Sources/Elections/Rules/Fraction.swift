/// A threshold fraction such as "more than 1/2" or "at least 2/3", compared with integer
/// arithmetic only: no floating point ever touches a vote count (style.md).
public struct Threshold: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Strictly more than the fraction (过半数), or at least it (不少于).
    public enum Comparison: String, Codable, Sendable {
        case moreThan
        case atLeast
    }

    public let comparison: Comparison
    public let numerator: Int
    public let denominator: Int

    /// Creates a threshold; the fraction must lie in (0, 1].
    public init(_ comparison: Comparison, _ numerator: Int, _ denominator: Int) {
        precondition(denominator > 0 && numerator > 0 && numerator <= denominator, "threshold fraction must be in (0, 1]")
        self.comparison = comparison
        self.numerator = numerator
        self.denominator = denominator
    }

    /// More than half (过半数): elected in a first round (V18 Art. 15), residents' meeting quorum.
    public static let moreThanHalf = Threshold(.moreThan, 1, 2)
    /// At least one third (不少于三分之一): elected in a second round (另行选举, V18 Art. 15).
    public static let atLeastOneThird = Threshold(.atLeast, 1, 3)
    /// At least two thirds: representative-method turnout (GX), representatives' meeting quorum.
    public static let atLeastTwoThirds = Threshold(.atLeast, 2, 3)

    /// Whether `count` out of `base` meets the threshold: `count·d > n·base` or `count·d ≥ n·base`.
    public func isMet(_ count: Int, of base: Int) -> Bool {
        let left = count * denominator
        let right = numerator * base
        switch comparison {
        case .moreThan: return left > right
        case .atLeast: return left >= right
        }
    }

    /// The smallest count that meets the threshold out of `base` (for notices: "需 320 票").
    public func minimumCount(of base: Int) -> Int {
        let product = numerator * base
        switch comparison {
        case .moreThan: return product / denominator + 1
        case .atLeast: return (product + denominator - 1) / denominator
        }
    }

    public var description: String {
        "\(comparison == .moreThan ? ">" : "≥") \(numerator)/\(denominator)"
    }

    /// Whether the fraction lies in (0, 1] (a decoded threshold is checked by `RuleSet.validate`).
    public var isProperFraction: Bool { denominator > 0 && numerator > 0 && numerator <= denominator }

    /// Reads `>1/2`, `≥1/3` or `>=2/3` (the form `description` writes); nil for anything else.
    public init?(text: String) {
        var rest = Substring(text.filter { !$0.isWhitespace })
        let comparison: Comparison
        if rest.hasPrefix(">=") { comparison = .atLeast; rest = rest.dropFirst(2) }
        else if rest.hasPrefix("≥") { comparison = .atLeast; rest = rest.dropFirst() }
        else if rest.hasPrefix(">") { comparison = .moreThan; rest = rest.dropFirst() }
        else { return nil }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let numerator = Int(parts[0]), let denominator = Int(parts[1]),
              denominator > 0, numerator > 0, numerator <= denominator, denominator <= 1000 else { return nil }
        self.init(comparison, numerator, denominator)
    }
}

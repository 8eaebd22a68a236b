import Community
import Foundation

/// A share of a base, such as 1/5 of the adult residents, kept as whole numbers (canonical JSON
/// has no floats) and written "1/5" in settings. "以上" includes the figure itself: `n` of
/// `base` reach the share when `n · denominator ≥ numerator · base`.
public struct Share: Codable, Sendable, Equatable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    public init(_ numerator: Int, _ denominator: Int) throws {
        guard numerator >= 1, denominator >= 1, numerator <= denominator, denominator <= 100 else {
            throw CommunityError.invalid(field: "share", reason: "a fraction like 1/5 (numerator 1 to the denominator, denominator up to 100), not \(numerator)/\(denominator)")
        }
        self.numerator = numerator
        self.denominator = denominator
    }

    /// Reads "1/5".
    public init(text: String) throws {
        let parts = text.split(separator: "/").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let numerator = parts[0], let denominator = parts[1] else {
            throw CommunityError.invalid(field: "share", reason: "a fraction like 1/5, not \(text)")
        }
        try self.init(numerator, denominator)
    }

    private init(known numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    public static let oneFifth = Share(known: 1, 5)
    public static let oneThird = Share(known: 1, 3)

    public var description: String { "\(numerator)/\(denominator)" }

    /// The fewest of `base` that reach the share (at least one).
    public func required(of base: Int) -> Int { max(1, (numerator * base + denominator - 1) / denominator) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a fraction like 1/5, not \(text)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

import Notary

/// Any JSON value with integers only, as carried inside a notice (a box's stored count sheet
/// is embedded as it is, whatever fields it has).
public indirect enum NoticeJSON: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case array([NoticeJSON])
    case object([String: NoticeJSON])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
        else if let number = try? container.decode(Int64.self) { self = .integer(number) }
        else if let text = try? container.decode(String.self) { self = .string(text) }
        else if let items = try? container.decode([NoticeJSON].self) { self = .array(items) }
        else if let members = try? container.decode([String: NoticeJSON].self) { self = .object(members) }
        else { throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value with integers only") }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .integer(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let items): try container.encode(items)
        case .object(let members): try container.encode(members)
        }
    }

    /// The integer member `key` of an object.
    public subscript(integer key: String) -> Int? {
        if case .object(let members) = self, case .integer(let number)? = members[key] { return Int(number) }
        return nil
    }
}

import Foundation

/// Canonical JSON: the one byte sequence for a value that Xuanyi signs and hashes.
///
/// Rules (specified for third parties in ballots/README.md):
/// - UTF-8, no byte-order mark, no whitespace outside strings;
/// - object members sorted by key, comparing the keys' UTF-8 bytes (= Unicode code point order);
///   duplicate keys are impossible;
/// - numbers are integers only, in the range ±(2^53 − 1), written in plain decimal;
///   floating-point values are refused;
/// - strings are NFC-normalised; `"` and `\` are escaped as `\"` and `\\`; control characters
///   U+0000–U+001F as `\b \t \n \f \r` or `\u00xx` (lowercase hex); everything else literally;
/// - `null` members are left out (an absent optional is not written).
public enum CanonicalJSON {
    /// Largest integer magnitude allowed (2^53 − 1), so every reader, JavaScript included, reads it exactly.
    public static let maxSafeInteger: Int64 = 9_007_199_254_740_991

    /// Encodes any `Encodable` value canonically.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let root = try ValueEncoder.box(value, path: []).value
        guard let root else {
            throw NotaryError.notCanonical("value encoded nothing")
        }
        var out = [UInt8]()
        out.reserveCapacity(256)
        try write(root, to: &out)
        return Data(out)
    }

    /// Encodes a `JSONValue` tree canonically.
    public static func encode(value: JSONValue) throws -> Data {
        var out = [UInt8]()
        try write(value, to: &out)
        return Data(out)
    }

    /// SHA-256 of the canonical encoding.
    public static func digest<T: Encodable>(_ value: T) throws -> SHA256Digest {
        SHA256.hash(try encode(value))
    }

    static func write(_ value: JSONValue, to out: inout [UInt8]) throws {
        switch value {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let flag): out.append(contentsOf: Array((flag ? "true" : "false").utf8))
        case .integer(let number):
            guard number >= -maxSafeInteger, number <= maxSafeInteger else {
                throw NotaryError.notCanonical("integer \(number) is outside ±(2^53 − 1)")
            }
            out.append(contentsOf: Array(String(number).utf8))
        case .string(let text): writeString(text, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try write(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let sorted = members
                .filter { if case .null = $0.value { return false } else { return true } }
                .map { (key: Array(nfc($0.key).utf8), value: $0.value) }
                .sorted { $0.key.lexicographicallyPrecedes($1.key) }
            for index in sorted.indices {
                if index > 0, sorted[index].key == sorted[index - 1].key {
                    throw NotaryError.notCanonical("duplicate key \(String(decoding: sorted[index].key, as: UTF8.self)) after normalisation")
                }
            }
            for (index, member) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(String(decoding: member.key, as: UTF8.self), to: &out)
                out.append(UInt8(ascii: ":"))
                try write(member.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ text: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in nfc(text).utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x00..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0f)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// NFC normalisation; ASCII (the common case) is returned untouched without work.
    static func nfc(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        return text.precomposedStringWithCanonicalMapping
    }
}

/// A JSON value with integers only: the data model of canonical JSON.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

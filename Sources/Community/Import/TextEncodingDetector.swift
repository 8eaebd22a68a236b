import Foundation

/// The encodings an import accepts: UTF-8 (with or without a byte-order mark) and GB18030,
/// which Excel in mainland China writes when saving "CSV".
public enum ImportEncoding: String, Sendable, Equatable {
    case utf8 = "UTF-8"
    case gb18030 = "GB18030"

    /// Decides from the first bytes of a file: a UTF-8 BOM means UTF-8; UTF-16 (a UTF-16 BOM,
    /// or NUL bytes) is refused; otherwise text that is UTF-8 — allowing a few damaged bytes,
    /// which the reader then reports by line — means UTF-8, and anything else is GB18030
    /// (GB18030 Chinese text practically never forms valid UTF-8 sequences).
    /// Returns the encoding and how many leading bytes (the BOM) to skip.
    public static func detect(_ prefix: Data) throws -> (ImportEncoding, bomLength: Int) {
        let bytes = [UInt8](prefix)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return (.utf8, 3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) || bytes.contains(0) {
            throw CommunityError.invalid(field: "file", reason: "UTF-16 text: save the file as CSV UTF-8 or as CSV (GB18030)")
        }
        let (valid, invalid) = utf8SequenceCounts(bytes)
        return (invalid == 0 || valid > 4 * invalid ? .utf8 : .gb18030, 0)
    }

    /// Counts well-formed multi-byte UTF-8 sequences and malformed bytes; a sequence cut off
    /// by the end of the sample counts as neither.
    static func utf8SequenceCounts(_ bytes: [UInt8]) -> (valid: Int, invalid: Int) {
        var valid = 0, invalid = 0
        var index = 0
        while index < bytes.count {
            let length: Int
            switch bytes[index] {
            case 0x00...0x7F: index += 1; continue
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: invalid += 1; index += 1; continue
            }
            if index + length > bytes.count { break }
            if bytes[(index + 1)..<(index + length)].allSatisfy({ $0 & 0xC0 == 0x80 }) {
                valid += 1
                index += length
            } else {
                invalid += 1
                index += 1
            }
        }
        return (valid, invalid)
    }
}

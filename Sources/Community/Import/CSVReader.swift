import Foundation
import Notary

/// One CSV record with the file line it starts on (1-based, the header being line 1).
public struct CSVRecord: Sendable, Equatable {
    public let line: Int
    public let fields: [String]
}

/// Reads CSV (RFC 4180: quoted fields, doubled quotes, commas and line breaks inside quotes,
/// LF or CRLF) from a file in constant memory, decoding UTF-8 or GB18030 as detected.
///
/// Errors name the line: an unterminated quote, bytes that are neither UTF-8 nor GB18030.
public final class CSVReader {
    /// The encoding the file was read in.
    public let encoding: ImportEncoding
    private let handle: FileHandle
    private let transcoder: GB18030Transcoder?
    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false
    private var line = 1
    private let hasher = SHA256Hasher()
    private var fileDigest: SHA256Digest?
    private static let chunkSize = 1 << 20

    /// Opens a file and detects its encoding from its first 64 KiB.
    public init(url: URL) throws {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw CommunityError.invalid(field: "file", reason: "cannot open \(url.path)")
        }
        self.handle = handle
        let head = try handle.read(upToCount: 1 << 16) ?? Data()
        let (encoding, bom) = try ImportEncoding.detect(head)
        self.encoding = encoding
        self.transcoder = encoding == .gb18030 ? try GB18030Transcoder() : nil
        hasher.update(head.prefix(bom))
        try handle.seek(toOffset: UInt64(bom))
    }

    /// SHA-256 of the file's exact bytes, once the whole file has been read (nil before).
    public func digest() -> SHA256Digest? { fileDigest }

    deinit { try? handle.close() }

    /// The next record, or nil at the end of the file. Blank lines are skipped.
    public func next() throws -> CSVRecord? {
        while true {
            guard let record = try readRecord() else { return nil }
            if record.fields.count == 1 && record.fields[0].isEmpty { continue }
            return record
        }
    }

    /// Ensures at least one unread byte is buffered; false at end of file.
    private func fill() throws -> Bool {
        if position < buffer.count { return true }
        if finished { return false }
        buffer.removeAll(keepingCapacity: true)
        position = 0
        let chunk = [UInt8](try handle.read(upToCount: Self.chunkSize) ?? Data())
        let isLast = chunk.isEmpty
        hasher.update(chunk)
        if isLast {
            finished = true
            fileDigest = hasher.finalize()
        }
        if let transcoder {
            do {
                buffer = try transcoder.convert(chunk, final: isLast)
            } catch let error as GB18030Transcoder.TranscodingError {
                let newlines = chunk.prefix(error.offsetInChunk).filter { $0 == 0x0A }.count
                throw CommunityError.invalid(field: "line \(line + newlines)", reason: "bytes that are neither UTF-8 nor GB18030")
            }
        } else {
            buffer = chunk
        }
        if buffer.isEmpty { return isLast ? false : try fill() }
        return true
    }

    private func readRecord() throws -> CSVRecord? {
        guard try fill() else { return nil }
        let startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var quotedField = false
        while true {
            guard try fill() else {
                if inQuotes { throw CommunityError.invalid(field: "line \(startLine)", reason: "a quoted field is never closed") }
                fields.append(try Self.string(field, line: startLine))
                return CSVRecord(line: startLine, fields: fields)
            }
            let byte = buffer[position]
            position += 1
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if try fill(), buffer[position] == UInt8(ascii: "\"") {
                        field.append(byte)
                        position += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == 0x0A { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: ","):
                fields.append(try Self.string(field, line: startLine))
                field.removeAll(keepingCapacity: true)
                quotedField = false
            case UInt8(ascii: "\"") where field.isEmpty && !quotedField:
                inQuotes = true
                quotedField = true
            case 0x0A:
                line += 1
                if field.last == 0x0D { field.removeLast() }
                fields.append(try Self.string(field, line: startLine))
                return CSVRecord(line: startLine, fields: fields)
            default:
                field.append(byte)
            }
        }
    }

    private static func string(_ bytes: [UInt8], line: Int) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CommunityError.invalid(field: "line \(line)", reason: "text is not valid UTF-8 (save the file as UTF-8 or GB18030)")
        }
        return text
    }
}

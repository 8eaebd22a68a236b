import Community
import CZlib
import Foundation

/// Reads a `.zip` that may come from anyone — a record handed to an auditor — without trusting
/// anything it declares: the end-of-central-directory record, every directory entry and the
/// local header it points to must lie inside the file; each entry's compressed bytes must end
/// before the central directory; only stored and deflated files, folders and no symbolic links;
/// deflate streams are inflated (zlib) from exactly the declared compressed bytes and must end
/// there, give exactly the declared size and CRC-32; and everything written counts against a
/// byte budget while inflating. ZIP64 is refused: an election record is far smaller.
///
/// Why not ZIPFoundation's reader: on Linux it reads past an entry's compressed bytes and loops
/// forever at the end of the file when a deflate stream does not end (found by
/// `FuzzRecordArchive`; the input is kept in `Fuzz/Corpus/record-zip/`). ZIPFoundation still
/// writes the archives.
struct ZipReader {
    struct Entry {
        let index: Int
        let path: String
        let method: UInt64
        let compressedSize: UInt64
        let size: UInt64
        let crc: UInt64
        let dataStart: UInt64
        let isDirectory: Bool
    }

    let entries: [Entry]
    private let handle: FileHandle
    private let fileSize: UInt64

    init(_ url: URL, maxEntries: Int) throws {
        handle = try FileHandle(forReadingFrom: url)
        fileSize = try handle.seekToEnd()
        entries = try Self.readDirectory(handle, fileSize: fileSize, maxEntries: maxEntries)
    }

    func close() { try? handle.close() }

    /// Writes `entry` to `target`, adding what it writes to `written` and refusing past `budget`.
    func extract(_ entry: Entry, to target: URL, written: inout Int64, budget: Int64) throws {
        guard FileManager.default.createFile(atPath: target.path, contents: nil) else { throw refusal("cannot write \(entry.path)") }
        let output = try FileHandle(forWritingTo: target)
        defer { try? output.close() }
        var crc = crc32(0, nil, 0)
        var produced: UInt64 = 0
        func emit(_ bytes: UnsafeRawBufferPointer) throws {
            guard !bytes.isEmpty else { return }
            written += Int64(bytes.count)
            produced += UInt64(bytes.count)
            guard written <= budget else { throw refusal("unzips to more than \(budget) bytes: not an election record") }
            guard produced <= entry.size else { throw refusal("entry \(entry.path) inflates to more than its declared \(entry.size) bytes") }
            crc = crc32(crc, bytes.bindMemory(to: Bytef.self).baseAddress, uInt(bytes.count))
            try output.write(contentsOf: Data(bytes))
        }
        try handle.seek(toOffset: entry.dataStart)
        var remaining = entry.compressedSize
        let chunk = 64 * 1024
        if entry.method == 0 {
            while remaining > 0 {
                let input = try read(min(remaining, UInt64(chunk)))
                remaining -= UInt64(input.count)
                try input.withUnsafeBytes { try emit($0) }
            }
        } else {
            var stream = z_stream()
            guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw refusal("cannot start inflating \(entry.path)")
            }
            defer { inflateEnd(&stream) }
            var out = [UInt8](repeating: 0, count: chunk)
            var result = Z_OK
            while result != Z_STREAM_END {
                guard remaining > 0 else { throw refusal("entry \(entry.path): its compressed data ends before its deflate stream (damaged archive)") }
                var input = [UInt8](try read(min(remaining, UInt64(chunk))))
                remaining -= UInt64(input.count)
                try input.withUnsafeMutableBufferPointer { inputBuffer in
                    stream.next_in = inputBuffer.baseAddress
                    stream.avail_in = uInt(inputBuffer.count)
                    repeat {
                        try out.withUnsafeMutableBufferPointer { outBuffer in
                            stream.next_out = outBuffer.baseAddress
                            stream.avail_out = uInt(outBuffer.count)
                            result = inflate(&stream, Z_NO_FLUSH)
                            guard result == Z_OK || result == Z_STREAM_END || (result == Z_BUF_ERROR && stream.avail_in == 0) else {
                                throw refusal("entry \(entry.path) is not a valid deflate stream (damaged archive)")
                            }
                            try emit(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(outBuffer)[0..<(outBuffer.count - Int(stream.avail_out))]))
                        }
                    } while result != Z_STREAM_END && (stream.avail_in > 0 || stream.avail_out == 0)
                }
            }
        }
        guard produced == entry.size else { throw refusal("entry \(entry.path) gives \(produced) bytes, not its declared \(entry.size)") }
        guard UInt64(crc) == entry.crc else { throw refusal("entry \(entry.path) fails its CRC-32 check (damaged archive)") }
    }

    private func read(_ count: UInt64) throws -> Data {
        let data = try handle.read(upToCount: Int(count)) ?? Data()
        guard data.count == Int(count) else { throw refusal("damaged archive: the file ends early") }
        return data
    }

    private static func readDirectory(_ handle: FileHandle, fileSize: UInt64, maxEntries: Int) throws -> [Entry] {
        func read(_ offset: UInt64, _ count: Int) throws -> [UInt8] {
            guard offset + UInt64(count) <= fileSize else { throw refusal("damaged archive: a structure runs past the end of the file") }
            try handle.seek(toOffset: offset)
            let bytes = [UInt8](try handle.read(upToCount: count) ?? Data())
            guard bytes.count == count else { throw refusal("damaged archive: the file ends early") }
            return bytes
        }
        func u16(_ b: [UInt8], _ at: Int) -> UInt64 { UInt64(b[at]) | UInt64(b[at + 1]) << 8 }
        func u32(_ b: [UInt8], _ at: Int) -> UInt64 { u16(b, at) | u16(b, at + 2) << 16 }

        // The end-of-central-directory record: 22 bytes and a comment of up to 65,535.
        let tailLength = Int(min(fileSize, 22 + 65_535))
        let tail = try read(fileSize - UInt64(tailLength), tailLength)
        guard tailLength >= 22,
              let end = stride(from: tailLength - 22, through: 0, by: -1).first(where: { u32(tail, $0) == 0x0605_4B50 }) else {
            throw refusal("not a .zip file (no end-of-central-directory record)")
        }
        let endOffset = fileSize - UInt64(tailLength) + UInt64(end)
        let count = u16(tail, end + 10), directorySize = u32(tail, end + 12), directoryOffset = u32(tail, end + 16)
        guard count != 0xFFFF, directorySize != 0xFFFF_FFFF, directoryOffset != 0xFFFF_FFFF else {
            throw refusal("a ZIP64 archive: an election record is far smaller")
        }
        guard count <= UInt64(maxEntries) else { throw refusal("more than \(maxEntries) entries: not an election record") }
        guard directoryOffset + directorySize <= endOffset else { throw refusal("damaged archive: the central directory runs past its end") }

        let directory = try read(directoryOffset, Int(directorySize))
        var entries: [Entry] = []
        var position = 0
        for index in 0..<Int(count) {
            guard position + 46 <= directory.count, u32(directory, position) == 0x0201_4B50 else {
                throw refusal("damaged archive: central-directory entry \(index + 1) is not where the directory says")
            }
            let method = u16(directory, position + 10), crc = u32(directory, position + 16)
            let compressed = u32(directory, position + 20), size = u32(directory, position + 24)
            let nameLength = Int(u16(directory, position + 28)), extraLength = Int(u16(directory, position + 30))
            let commentLength = Int(u16(directory, position + 32)), localOffset = u32(directory, position + 42)
            let unixMode = u32(directory, position + 38) >> 16
            guard position + 46 + nameLength <= directory.count,
                  let path = String(validating: directory[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self) else {
                throw refusal("damaged archive: entry \(index + 1) has no readable name")
            }
            guard compressed != 0xFFFF_FFFF, size != 0xFFFF_FFFF, localOffset != 0xFFFF_FFFF else {
                throw refusal("entry \(path) is a ZIP64 entry: an election record is far smaller")
            }
            guard unixMode & 0o170000 != 0o120000 else { throw refusal("entry \(path) is a symbolic link; a record holds only files and folders") }
            guard method == 0 || method == 8 else { throw refusal("entry \(path) uses compression method \(method); only stored and deflated entries are read") }
            let local = try read(localOffset, 30)
            guard u32(local, 0) == 0x0403_4B50 else { throw refusal("damaged archive: entry \(path) has no local header where it says") }
            let dataStart = localOffset + 30 + u16(local, 26) + u16(local, 28)
            guard dataStart + compressed <= directoryOffset else {
                throw refusal("damaged archive: entry \(path) declares \(compressed) compressed bytes, more than the file holds")
            }
            guard method == 8 || compressed == size else { throw refusal("damaged archive: stored entry \(path) declares two sizes") }
            entries.append(Entry(index: index, path: path, method: method, compressedSize: compressed, size: size, crc: crc,
                                 dataStart: dataStart, isDirectory: path.hasSuffix("/")))
            position += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }
}

private func refusal(_ reason: String) -> CommunityError { RecordArchive.refusal(reason) }

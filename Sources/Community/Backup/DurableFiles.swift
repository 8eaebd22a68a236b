import Foundation
import Notary

/// Files written so that they survive a power cut: created exclusively, fsynced, and their
/// folder fsynced after a rename, so the name and the bytes reach the disk together.
enum DurableFiles {
    /// Creates `path` (which must not exist) with `mode` and writes `data`, fsyncing it.
    static func writeNew(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw CommunityError.notAllowed("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, mode)
        try data.withUnsafeBytes { buffer in try writeAll(fd, buffer, path: path) }
        guard fsync(fd) == 0 else { throw CommunityError.notAllowed("cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    /// Copies `source` to a new file `destination` (mode 0600), fsyncs it, and returns the
    /// SHA-256 and size of the bytes written — the bytes of the copy, not a second read of the
    /// source that might differ.
    static func copy(_ source: String, to destination: String) throws -> (sha256: SHA256Digest, bytes: Int) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw CommunityError.notAllowed("cannot read \(source): \(String(cString: strerror(errno)))") }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw CommunityError.notAllowed("cannot create \(destination): \(String(cString: strerror(errno)))") }
        defer { close(output) }
        fchmod(output, 0o600)
        let hasher = SHA256Hasher()
        var total = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(input, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw CommunityError.notAllowed("cannot read \(source): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            hasher.update(chunk)
            try writeAll(output, chunk, path: destination)
            total += count
        }
        guard fsync(output) == 0 else { throw CommunityError.notAllowed("cannot write \(destination): \(String(cString: strerror(errno)))") }
        return (hasher.finalize(), total)
    }

    /// fsyncs a file already written.
    static func sync(file path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CommunityError.notAllowed("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw CommunityError.notAllowed("cannot sync \(path): \(String(cString: strerror(errno)))") }
    }

    /// fsyncs a folder, so renames and new names in it are durable.
    static func sync(directory path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw CommunityError.notAllowed("cannot open folder \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw CommunityError.notAllowed("cannot sync folder \(path): \(String(cString: strerror(errno)))") }
    }

    /// Renames `source` to `destination` (same folder) and fsyncs the folder.
    static func rename(_ source: String, to destination: String) throws {
        guard Foundation.rename(source, destination) == 0 else {
            throw CommunityError.notAllowed("cannot rename \(source) to \(destination): \(String(cString: strerror(errno)))")
        }
        try sync(directory: URL(fileURLWithPath: destination).deletingLastPathComponent().path)
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw CommunityError.notAllowed("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}

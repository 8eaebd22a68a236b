import Foundation
import Notary

/// Where the record's files go: a directory, or nowhere when only their digests are needed
/// (certifying a result signs the manifest's digest without writing the record). Each file's
/// size and SHA-256 are taken as it is written.
final class RecordWriter {
    let directory: URL?
    private(set) var files: [RecordManifest.File] = []
    /// The bytes of every whole file written (not the streamed ballot log), by path: what a
    /// certification freezes.
    private(set) var contents: [String: Data] = [:]

    init(directory: URL?) { self.directory = directory }

    private func url(_ path: String) throws -> URL? {
        guard let directory else { return nil }
        let url = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return url
    }

    /// Writes a whole file; `listed` files go into the manifest.
    func write(_ path: String, _ data: Data, listed: Bool = true) throws {
        if let url = try url(path) { try data.write(to: url) }
        contents[path] = data
        if listed { files.append(RecordManifest.File(path: path, bytes: data.count, sha256: SHA256.hash(data).hex)) }
    }

    /// Writes a file in pieces (the ballot log), never holding it whole.
    func stream(_ path: String, _ body: (_ append: (Data) throws -> Void) throws -> Void) throws {
        let hasher = SHA256Hasher()
        var bytes = 0
        var handle: FileHandle?
        if let url = try url(path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
            handle = try FileHandle(forWritingTo: url)
        }
        defer { try? handle?.close() }
        var buffer = Data()
        try body { chunk in
            hasher.update(chunk)
            bytes += chunk.count
            buffer.append(chunk)
            if buffer.count >= 1 << 20, let handle { try handle.write(contentsOf: buffer); buffer.removeAll(keepingCapacity: true) }
            if handle == nil { buffer.removeAll(keepingCapacity: true) }
        }
        if let handle { try handle.write(contentsOf: buffer) }
        files.append(RecordManifest.File(path: path, bytes: bytes, sha256: hasher.finalize().hex))
    }
}

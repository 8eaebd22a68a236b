import Elections
import Foundation

/// Each input describes a directory record — files, folders and symbolic links — which is
/// built in a scratch folder and handed to `xuanyi verify` as a directory. The verifier must
/// refuse or report, never crash, hang or read outside the folder (a link to `/dev/zero` or
/// `../..` must be refused, not followed).
///
/// Input: a sequence of entries, each `kind` (1 byte: 0 file, 1 folder, 2 symbolic link),
/// `path length` (1 byte), `path` (UTF-8, relative; an entry whose path leaves the folder is
/// skipped), `content length` (2 bytes, little-endian), `content` (a file's bytes or a link's
/// target, which may point anywhere). `Fuzz/directory-corpus.py` turns a record folder into one.
let root = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-record-dir-\(getpid())")

struct Entry {
    enum Kind: UInt8 { case file = 0, folder = 1, link = 2 }
    let kind: Kind
    let path: String
    let content: Data
}

func entries(_ data: Data) -> [Entry] {
    var result: [Entry] = []
    var index = data.startIndex
    func take(_ count: Int) -> Data? {
        guard data.endIndex - index >= count else { return nil }
        defer { index += count }
        return data[index..<index + count]
    }
    while let kind = take(1)?.first, let pathLength = take(1)?.first, let pathBytes = take(Int(pathLength)),
          let lengthBytes = take(2), let content = take(Int(lengthBytes[lengthBytes.startIndex]) | Int(lengthBytes[lengthBytes.startIndex + 1]) << 8) {
        let path = String(decoding: pathBytes, as: UTF8.self)
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        // Only paths that stay inside the folder are created; the content of a link may not.
        guard !parts.isEmpty, !parts.contains(".."), !path.contains("\0") else { continue }
        result.append(Entry(kind: Entry.Kind(rawValue: kind % 3)!, path: parts.joined(separator: "/"), content: Data(content)))
    }
    return result
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecordDirectory(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let files = FileManager.default
    try? files.removeItem(at: root)
    guard (try? files.createDirectory(at: root, withIntermediateDirectories: true)) != nil else { return 0 }
    defer { try? files.removeItem(at: root) }
    for entry in entries(Data(bytes: start, count: count)) {
        let url = root.appendingPathComponent(entry.path)
        try? files.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        switch entry.kind {
        case .file: _ = files.createFile(atPath: url.path, contents: entry.content)
        case .folder: try? files.createDirectory(at: url, withIntermediateDirectories: true)
        case .link: try? files.createSymbolicLink(atPath: url.path, withDestinationPath: String(decoding: entry.content, as: UTF8.self))
        }
    }
    _ = RecordVerifier(directory: root).verify().text(language: "en")
    return 0
}

/// SwiftPM links an executable's entry as `FuzzRecordDirectory_main`; it hands over to libFuzzer's driver.
@_cdecl("FuzzRecordDirectory_main")
public func fuzzRecordDirectoryMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzRecordDirectory(UnsafeRawPointer(data), size)
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

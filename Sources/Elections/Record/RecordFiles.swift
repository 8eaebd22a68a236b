import Foundation

/// How the verifier touches a record's files on disk: never through a link, never a device,
/// never without bound. A record folder comes from anyone; `xuanyi verify` must refuse a hostile
/// one, not hang on it or run out of memory (the directory fuzz target found both).
enum RecordFiles {
    /// The largest file read whole (every file but the ballot log, which is streamed): the
    /// papers, roll commitment and tally of any real election are far smaller.
    static let maxFileBytes = 64 << 20
    /// The longest ballot-log line: a ballot of the largest paper is a few KiB.
    static let maxLineBytes = 4 << 20

    /// The size of `path` under `root` when it is a regular file and every folder on the way
    /// is a real folder (checked with `lstat`, so no link is followed); nil otherwise.
    static func regularFileSize(_ path: String, in root: URL) -> Int? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." }) else { return nil }
        var current = root.path
        var info = stat()
        for (index, part) in parts.enumerated() {
            current += "/" + part
            guard lstat(current, &info) == 0 else { return nil }
            let type = info.st_mode & S_IFMT
            if index == parts.count - 1 {
                guard type == S_IFREG else { return nil }
            } else {
                guard type == S_IFDIR else { return nil }
            }
        }
        return Int(info.st_size)
    }
}

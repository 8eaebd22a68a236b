import Foundation
import Notary

/// The checks every record format since 1 shares — the result statement signed by the election
/// key, the manifest the statement names, every listed file as the manifest lists it — for a
/// record in a format older than this verifier reads (`RecordVerifier` reads the current one
/// only). `xuanyi restore` uses it for elections certified before the format changed: their
/// frozen records are kept byte for byte, so they must still be intact, even if this version
/// can no longer check what they mean.
public enum RecordIntegrity {
    /// A problem, naming the file.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public let file: String
        public let reason: String
        public var description: String { "\(file): \(reason)" }
    }

    /// The format a record folder's manifest names, or nil when there is no readable manifest.
    public static func format(of directory: URL) -> String? {
        guard RecordFiles.regularFileSize(ElectionRecordFormat.manifestFile, in: directory) != nil,
              let data = try? Data(contentsOf: directory.appendingPathComponent(ElectionRecordFormat.manifestFile)),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["format"] as? String
    }

    /// Checks the statement's signature with `key`, the manifest's digest against the statement
    /// and every listed file against the manifest; returns the number of listed files.
    public static func check(_ directory: URL, key: Ed25519PublicKey) throws -> Int {
        func read(_ path: String) throws -> Data {
            guard let size = RecordFiles.regularFileSize(path, in: directory), size <= RecordFiles.maxFileBytes << 6,
                  let data = try? Data(contentsOf: directory.appendingPathComponent(path)) else {
                throw Problem(file: path, reason: "missing, not a regular file, or too large")
            }
            return data
        }
        let statement = try read(ElectionRecordFormat.statementFile)
        guard key.isValidSignature(try read(ElectionRecordFormat.statementSignatureFile), for: statement) else {
            throw Problem(file: ElectionRecordFormat.statementSignatureFile, reason: "the result statement's signature does not verify with the election key")
        }
        guard let fields = try? JSONSerialization.jsonObject(with: statement) as? [String: Any], let named = fields["manifest"] as? String else {
            throw Problem(file: ElectionRecordFormat.statementFile, reason: "names no manifest")
        }
        let manifestBytes = try read(ElectionRecordFormat.manifestFile)
        guard SHA256.hash(manifestBytes).hex == named else {
            throw Problem(file: ElectionRecordFormat.manifestFile, reason: "is not the manifest the signed statement names")
        }
        guard let manifest = try? JSONDecoder().decode(RecordManifest.self, from: manifestBytes) else {
            throw Problem(file: ElectionRecordFormat.manifestFile, reason: "is not a record manifest")
        }
        for file in manifest.files {
            let data = try read(file.path)
            guard data.count == file.bytes, SHA256.hash(data).hex == file.sha256 else {
                throw Problem(file: file.path, reason: "is not the file the manifest lists (size or SHA-256 differs)")
            }
        }
        return manifest.files.count
    }
}

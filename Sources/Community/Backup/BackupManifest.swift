import Foundation
import Notary

/// What `xuanyi backup` writes beside a backup, as `<backup>.manifest.json`, after the backup
/// file and its sealed keys are durable: the file's size and SHA-256, the audit chain it holds,
/// and each sealed key file with its digest. The manifest is written last, so a backup
/// interrupted by a crash has none and is refused by `restore`.
public struct BackupManifest: Codable, Sendable, Equatable {
    /// `xuanyi-backup/1`.
    public static let currentFormat = "xuanyi-backup/1"

    /// One private key in `<backup>.keys/`, sealed under the operator's passphrase.
    public struct Key: Codable, Sendable, Equatable {
        /// `<key id>.key.pem`.
        public var file: String
        public var keyID: String
        /// SHA-256 of the sealed file's bytes.
        public var sha256: String
        /// Whether the key was passphrase-protected in the server's key store; a restore writes it
        /// back the same way (sealed under the same passphrase, or in clear as it was).
        public var sealedInStore: Bool
    }

    public var format: String
    /// The backup file's name (the manifest sits beside it).
    public var database: String
    public var bytes: Int
    public var sha256: String
    /// When the backup was taken (the audit chain's time, ISO 8601).
    public var createdAt: String
    public var auditEntries: Int
    public var auditHead: String
    public var keys: [Key]

    /// The manifest's path for a backup file.
    public static func path(forBackup backup: String) -> String { backup + ".manifest.json" }

    /// The sealed keys' folder for a backup file.
    public static func keysDirectory(forBackup backup: String) -> String { backup + ".keys" }

    /// The manifest as written: pretty, sorted keys, so a person can read and diff it.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Reads the manifest of `backup`, naming the manifest file in any failure.
    static func read(forBackup backup: String) throws -> BackupManifest {
        let path = Self.path(forBackup: backup)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RestoreFailure(file: path, part: "manifest",
                                 problem: "missing: every backup made by `xuanyi backup` has one, written last; without it the backup may be unfinished and its SHA-256 cannot be checked")
        }
        let manifest: BackupManifest
        do {
            manifest = try JSONDecoder().decode(BackupManifest.self, from: data)
        } catch {
            throw RestoreFailure(file: path, part: "manifest", problem: "not a readable backup manifest (\(Self.reason(error)))")
        }
        guard manifest.format == currentFormat else {
            throw RestoreFailure(file: path, part: "manifest", problem: "format \(manifest.format) is not \(currentFormat)")
        }
        guard manifest.sha256.count == 64, manifest.sha256.allSatisfy(\.isHexDigit) else {
            throw RestoreFailure(file: path, part: "manifest", problem: "sha256 is not 64 hex digits")
        }
        for key in manifest.keys where key.file != "\(key.keyID).key.pem" || key.keyID.contains("/") || key.keyID.isEmpty {
            throw RestoreFailure(file: path, part: "manifest", problem: "key entry \(key.file) does not name a key file <key id>.key.pem")
        }
        return manifest
    }

    /// A decoding error in a few words (the field and the problem), not Swift's dump.
    static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "field \(key.stringValue) is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "field \(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "field \(context.codingPath.map(\.stringValue).joined(separator: ".")) is corrupted"
        default: return "\(error)"
        }
    }
}

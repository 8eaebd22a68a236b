import Community
import Foundation
import GRDB
import Notary

/// Where a database finds its elections' private keys when a step issues a signed notice
/// (选举公告) inside its own transaction: the key stores registered for that database (the
/// one an election was created with, the server's, the command line's beside the database).
/// The private keys stay in their files; a loaded key is kept in memory for the process.
public final class ElectionKeyring: @unchecked Sendable {
    private let lock = NSLock()
    private var stores: [(store: KeyStore, passphrase: String?)] = []
    private var loaded: [String: Ed25519PrivateKey] = [:]

    init() {}

    /// Registers a key store (and the passphrase of its encrypted keys, if any).
    public func use(_ store: KeyStore, passphrase: String? = nil) {
        lock.lock()
        defer { lock.unlock() }
        if !stores.contains(where: { $0.store.directory.standardizedFileURL == store.directory.standardizedFileURL && $0.passphrase == passphrase }) {
            stores.append((store, passphrase))
        }
    }

    /// Registers a key already loaded.
    public func use(_ key: Ed25519PrivateKey) {
        lock.lock()
        defer { lock.unlock() }
        loaded[key.keyID] = key
    }

    /// The private key with this id, from the registered stores; a clear error when none holds it.
    public func key(keyID: String) throws -> Ed25519PrivateKey {
        lock.lock()
        defer { lock.unlock() }
        if let key = loaded[keyID] { return key }
        for (store, passphrase) in stores.reversed() where FileManager.default.fileExists(atPath: store.privateKeyURL(keyID: keyID).path) {
            let key = try store.load(keyID: keyID, passphrase: passphrase)
            loaded[keyID] = key
            return key
        }
        throw CommunityError.notAllowed("the election key \(keyID) is not at hand (no key store holds it), so the step's notice cannot be signed: nothing was changed")
    }

    // MARK: One keyring per database

    private struct Entry {
        weak var owner: AnyObject?
        let keyring: ElectionKeyring
    }
    nonisolated(unsafe) private static var registry: [ObjectIdentifier: Entry] = [:]
    private static let registryLock = NSLock()

    static func of(_ writer: any DatabaseWriter) -> ElectionKeyring {
        let owner = writer as AnyObject
        let id = ObjectIdentifier(owner)
        registryLock.lock()
        defer { registryLock.unlock() }
        if let entry = registry[id], entry.owner === owner { return entry.keyring }
        registry = registry.filter { $0.value.owner != nil }
        let keyring = ElectionKeyring()
        registry[id] = Entry(owner: owner, keyring: keyring)
        return keyring
    }
}

extension AppDatabase {
    /// The keys this database's steps sign their election notices with (`ElectionKeyring`).
    /// `createElection` registers its key store here; the server and the command line register
    /// theirs when they open the database.
    public var electionKeyring: ElectionKeyring { ElectionKeyring.of(writer) }
}

import Foundation
import Notary

/// Election keys once read, by key file: every receipt is signed with the election key, and a
/// passphrase-protected key costs an scrypt to open, so it is opened once per process.
final class SigningKeyCache: @unchecked Sendable {
    static let shared = SigningKeyCache()
    private let lock = NSLock()
    private var keys: [String: Ed25519PrivateKey] = [:]

    func key(_ file: String, load: () throws -> Ed25519PrivateKey) throws -> Ed25519PrivateKey {
        if let key = lock.withLock({ keys[file] }) { return key }
        let key = try load()
        lock.withLock { keys[file] = key }
        return key
    }
}

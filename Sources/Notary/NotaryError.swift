import Foundation

/// Everything that can go wrong in Notary, each with a message a person can act on.
///
/// OpenSSL's own error queue is drained into `detail` so that a failure names its cause
/// (for example `bad decrypt` for a wrong passphrase) without leaking C types.
public enum NotaryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A PEM text or file could not be read as the expected kind of key.
    case malformedKey(String)
    /// The key is of another algorithm than Ed25519.
    case wrongKeyType(String)
    /// An encrypted private key was given without the right passphrase.
    case wrongPassphrase
    /// A signature is not 64 bytes long.
    case malformedSignature(length: Int)
    /// The signature does not match the message and key.
    case signatureMismatch
    /// A value cannot be written as canonical JSON (floats, out-of-range integers …).
    case notCanonical(String)
    /// A stored password hash string is not in the `$scrypt$…` format.
    case malformedPasswordHash(String)
    /// A receipt's text or JSON form could not be parsed.
    case malformedReceipt(String)
    /// A hash chain link does not follow the chain head.
    case chainBroken(String)
    /// A human-friendly code has a wrong length, symbol or check character.
    case malformedCode(String)
    /// A file could not be read or written.
    case io(String)
    /// OpenSSL reported an unexpected failure.
    case openssl(String)

    public var description: String {
        switch self {
        case .malformedKey(let detail): return "malformed key: \(detail)"
        case .wrongKeyType(let detail): return "wrong key type: \(detail) (expected Ed25519)"
        case .wrongPassphrase: return "wrong passphrase for the encrypted private key"
        case .malformedSignature(let length): return "malformed signature: \(length) bytes (an Ed25519 signature is 64)"
        case .signatureMismatch: return "signature does not match the message and public key"
        case .notCanonical(let detail): return "cannot encode as canonical JSON: \(detail)"
        case .malformedPasswordHash(let detail): return "malformed password hash: \(detail)"
        case .malformedReceipt(let detail): return "malformed receipt: \(detail)"
        case .chainBroken(let detail): return "hash chain broken: \(detail)"
        case .malformedCode(let detail): return "malformed code: \(detail)"
        case .io(let detail): return "file error: \(detail)"
        case .openssl(let detail): return "OpenSSL error: \(detail)"
        }
    }
}

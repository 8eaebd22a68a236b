import Foundation

/// Reading and writing key files.
///
/// Private keys are written with mode 0600 and never overwrite an existing file, so a slip
/// of the command line cannot destroy an election key.
public enum KeyFiles {
    /// Writes a private key as PKCS#8 PEM (encrypted when `passphrase` is given) to a new file
    /// with mode 0600. Fails if the file exists.
    public static func writePrivateKey(_ key: Ed25519PrivateKey, to url: URL, passphrase: String? = nil) throws {
        let pem = try key.pemRepresentation(passphrase: passphrase)
        try writeNewFile(Data(pem.utf8), to: url, mode: 0o600)
    }

    /// Writes a public key as SPKI PEM (mode 0644). Fails if the file exists.
    public static func writePublicKey(_ key: Ed25519PublicKey, to url: URL) throws {
        try writeNewFile(Data(key.pemRepresentation.utf8), to: url, mode: 0o644)
    }

    /// Reads a private key PEM file.
    public static func readPrivateKey(at url: URL, passphrase: String? = nil) throws -> Ed25519PrivateKey {
        try Ed25519PrivateKey(pem: readText(url), passphrase: passphrase)
    }

    /// Reads a public key PEM file.
    public static func readPublicKey(at url: URL) throws -> Ed25519PublicKey {
        try Ed25519PublicKey(pem: readText(url))
    }

    private static func readText(_ url: URL) throws -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw NotaryError.io("cannot read \(url.path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw NotaryError.malformedKey("\(url.lastPathComponent) is not UTF-8 text")
        }
        return text
    }

    /// Creates `url` exclusively with `mode` and writes `data`, fsyncing before close.
    static func writeNewFile(_ data: Data, to url: URL, mode: mode_t) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw NotaryError.io("cannot create \(url.path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        // The umask may have narrowed the mode further; make it exact.
        fchmod(fd, mode)
        let written = data.withUnsafeBytes { buffer in write(fd, buffer.baseAddress, buffer.count) }
        guard written == data.count, fsync(fd) == 0 else {
            throw NotaryError.io("cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
    }
}

import Foundation

/// Runs the built `xuanyi` executable (and curl, sqlite3, openssl) as child processes.
enum CLI {
    /// The directory holding the built products (the test bundle sits beside `xuanyi`).
    static var productsDirectory: URL {
        Bundle.main.bundleURL
    }

    static var executable: URL { productsDirectory.appendingPathComponent("xuanyi") }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `xuanyi` with `arguments` to completion.
    static func xuanyi(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        try run(executable, arguments, in: directory)
    }

    /// Runs any program on the PATH.
    static func tool(_ name: String, _ arguments: [String], stdin: String? = nil) throws -> Result {
        try run(URL(fileURLWithPath: "/usr/bin/env"), [name] + arguments, stdin: stdin)
    }

    static func run(_ program: URL, _ arguments: [String], in directory: URL? = nil, stdin: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A free TCP port on 127.0.0.1 (bind to 0, read it back, close).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A server child process that is always stopped, even when a test fails.
final class ServerProcess {
    let process = Process()
    let port: Int
    private let output = Pipe()
    private let errors = Pipe()

    init(_ arguments: [String], port: Int) throws {
        self.port = port
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    /// Waits until /health answers (up to `timeout` seconds).
    func waitUntilReady(timeout: TimeInterval = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let result = try? CLI.tool("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/health"]),
               result.stdout == "200" { return }
            guard process.isRunning else { throw ServerError("server exited early: \(String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self))") }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw ServerError("server did not answer on port \(port) within \(Int(timeout)) s")
    }

    /// Sends SIGTERM and waits for a clean exit; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    /// Everything the server printed on standard output so far (after it stopped).
    func standardOutput() -> String {
        String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    deinit { if process.isRunning { process.terminate(); process.waitUntilExit() } }

    struct ServerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// A temporary working directory.
struct Workspace {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("xuanyi-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func remove() { try? FileManager.default.removeItem(at: url) }
}

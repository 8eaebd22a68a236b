import Foundation
import ArgumentParser
import Community
import Hummingbird
import Logging
import Web

/// `xuanyi serve`: runs the web application on an existing database.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Serve the web pages and the JSON API.")

    @OptionGroup var options: DatabaseOptions

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free port).")
    var port: Int = 8080

    @Flag(name: .long, help: "Mark cookies Secure (when served over HTTPS behind a proxy).")
    var secureCookies = false

    @Option(name: .long, help: "File whose first line is the passphrase of encrypted private keys.")
    var keyPassphraseFile: String?

    @Option(name: .long, help: "Address of a reverse proxy whose X-Forwarded-For header names the client (repeat for several).")
    var trustedProxy: [String] = []

    @Option(name: .long, help: "Seconds after which a connection with no request in progress (a slowly sent request head included) is closed.")
    var idleTimeout: Int = 30

    @Option(name: .long, help: "Seconds within which a request's body must arrive in full after its head; a slower body gets the connection closed.")
    var bodyTimeout: Int = 60

    @Option(name: .long, help: "Rehearsal databases only (xuanyi init --rehearsal): serve as if today were this date (YYYY-MM-DD), to practise the election timeline.")
    var rehearsalDate: String?

    func run() async throws {
        let logger = bootstrapLogging()
        let database = try options.openExisting()
        // Held for the server's lifetime (the kernel drops it if the process dies): `xuanyi
        // restore` refuses to replace a database a server is using, and a second server is refused.
        let lock = try DatabaseLock.acquire(database: options.database, purpose: "xuanyi serve")
        defer { lock.release() }
        if let rehearsalDate {
            guard let date = CivilDate(rehearsalDate) else {
                throw ValidationError("--rehearsal-date: \(rehearsalDate) is not a date (YYYY-MM-DD)")
            }
            try database.startRehearsalClock(on: date, actor: .commandLine)
            logger.notice("rehearsal clock: today is \(date)")
        }
        try await serve(WebConfiguration(host: host, port: port, database: database, secureCookies: secureCookies, logger: logger,
                                         keyStore: options.keyStore, keyPassphrase: try readPassphrase(file: keyPassphraseFile),
                                         trustedProxies: Set(trustedProxy), idleTimeout: .seconds(max(1, idleTimeout)),
                                         bodyTimeout: .seconds(max(1, bodyTimeout))))
    }
}

/// Logs to standard error at info level (LOG_LEVEL overrides).
func bootstrapLogging() -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = ProcessEnvironment.logLevel
        return handler
    }
    return Logger(label: "xuanyi")
}

/// Builds and runs the application until SIGINT or SIGTERM. Every 30 seconds, and once more
/// when it stops, the database's order-sensitive tables are rewritten in key order and its
/// write-ahead log truncated (`AppDatabase.protectAtRest`): a copy of the files taken at any
/// moment shows at most the last half minute's check-ins in the order they happened. At the
/// same times a signed audit head is published when one is due (`AuditHeadSchedule`).
func serve(_ configuration: WebConfiguration) async throws {
    let app = try await buildApplication(configuration)
    let database = configuration.database
    let logger = configuration.logger
    let maintenance = Task.detached(priority: .utility) {
        while true {
            do { try await Task.sleep(for: .seconds(30)) } catch { return }   // cancelled: the server is stopping
            do { try database.protectAtRest(modules: XuanyiSchema.modules) } catch { logger.warning("at-rest maintenance: \(error)") }
            publishAuditHead(configuration)
        }
    }
    let outcome: Result<Void, any Error>
    do { try await app.runService(); outcome = .success(()) } catch { outcome = .failure(error) }
    // The periodic step has finished before the last one runs (and before a demo removes its files).
    maintenance.cancel()
    await maintenance.value
    try? database.protectAtRest(modules: XuanyiSchema.modules)
    publishAuditHead(configuration)
    try outcome.get()
}

/// Publishes a signed audit head when one is due (daily, or after a public step:
/// `AuditHeadSchedule`); a failure is logged and tried again on the next round.
func publishAuditHead(_ configuration: WebConfiguration) {
    guard let keyStore = configuration.keyStore else { return }
    do {
        if let published = try configuration.database.publishAuditHeadIfDue(publicSteps: XuanyiSchema.publicStepActions, keyStore: keyStore,
                                                                              passphrase: configuration.keyPassphrase) {
            configuration.logger.info("published audit head no. \(published.number)")
        }
    } catch {
        configuration.logger.warning("audit head: \(error)")
    }
}

enum ProcessEnvironment {
    static var logLevel: Logger.Level {
        (ProcessInfo.processInfo.environment["LOG_LEVEL"]).flatMap(Logger.Level.init(rawValue:)) ?? .info
    }
}

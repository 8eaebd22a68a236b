import Community
import Foundation
import Hummingbird
import NIOCore
import Logging

/// Everything the web application needs to start.
public struct WebConfiguration: Sendable {
    /// Address to listen on; 127.0.0.1 unless deliberately exposed behind a proxy.
    public var host: String
    /// Port; 0 picks a free one (tests).
    public var port: Int
    /// The database to serve.
    public var database: AppDatabase
    /// Mark cookies `Secure` (set when served over HTTPS behind a proxy).
    public var secureCookies: Bool
    /// Logger for requests and errors.
    public var logger: Logger
    /// Where the private keys are (election keys sign receipts).
    public var keyStore: KeyStore?
    /// Passphrase of encrypted private keys, if they are encrypted.
    public var keyPassphrase: String?
    /// Addresses of reverse proxies whose `X-Forwarded-For` names the client (`ClientAddressMiddleware`).
    public var trustedProxies: Set<String>
    /// A connection with no request in progress (a slow request head included) is closed after this.
    public var idleTimeout: Duration
    /// A request's body must arrive in full within this time after its head, or the connection
    /// is closed (`BodyDeadlineHandler`).
    public var bodyTimeout: Duration

    public init(host: String = "127.0.0.1", port: Int = 8080, database: AppDatabase, secureCookies: Bool = false,
                logger: Logger = Logger(label: "xuanyi.web"), keyStore: KeyStore? = nil, keyPassphrase: String? = nil,
                trustedProxies: Set<String> = [], idleTimeout: Duration = .seconds(30), bodyTimeout: Duration = .seconds(60)) {
        self.host = host
        self.port = port
        self.database = database
        self.secureCookies = secureCookies
        self.logger = logger
        self.keyStore = keyStore
        self.keyPassphrase = keyPassphrase
        self.trustedProxies = trustedProxies
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
    }
}

/// Builds the router with every middleware and controller; tests call this directly.
public func buildRouter(_ configuration: WebConfiguration) async throws -> Router<AppRequestContext> {
    try await buildRoutes(configuration).router
}

/// The router and who may reach each of its routes (`RouteAccess`), as the controllers
/// registered them.
func buildRoutes(_ configuration: WebConfiguration) async throws -> Routes {
    var renderer = try await PageRenderer.load()
    let database = configuration.database
    renderer.rehearsal = try database.isRehearsalDatabase()
    let router = Router(context: AppRequestContext.self)
    // Outermost first: headers on every response, then logging (paths without queries), then errors → friendly pages.
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ClientAddressMiddleware(trustedProxies: configuration.trustedProxies))
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: ErrorPageMiddleware(renderer: renderer))
    if let publicFolder = Bundle.module.resourceURL?.appendingPathComponent("Public").path {
        router.add(middleware: FileMiddleware(publicFolder, urlBasePath: "/static", searchForIndexHtml: false, logger: configuration.logger))
    }
    router.add(middleware: LocaleMiddleware())
    router.add(middleware: SessionMiddleware(database: database, secureCookies: configuration.secureCookies))
    router.add(middleware: OwnPasswordMiddleware())
    router.add(middleware: UploadLimitMiddleware(database: database))
    router.add(middleware: CSRFMiddleware())
    let routes = Routes(router: router, access: RouteAccess())

    HomeController(database: database, renderer: renderer, secureCookies: configuration.secureCookies).addRoutes(to: routes)
    AuthController(database: database, renderer: renderer, throttle: LoginThrottle(), secureCookies: configuration.secureCookies).addRoutes(to: routes)
    AdminController(database: database, renderer: renderer).addRoutes(to: routes)
    AccountController(database: database, renderer: renderer).addRoutes(to: routes)
    APIController(database: database).addRoutes(to: routes)
    AuditHeadsController(database: database, renderer: renderer).addRoutes(to: routes)
    ResidentsController(database: database, renderer: renderer).addRoutes(to: routes)
    let elections = ElectionsController(database: database, renderer: renderer, keys: configuration.keyStore, keyPassphrase: configuration.keyPassphrase)
    elections.addRoutes(to: routes)
    NominationsController(elections: elections).addRoutes(to: routes)
    PollingController(elections: elections).addRoutes(to: routes)
    ElectionDayController(elections: elections).addRoutes(to: routes)
    CountSheetReportController(elections: elections).addRoutes(to: routes)
    ResultsController(elections: elections).addRoutes(to: routes)
    VotingController(elections: elections, secureCookies: configuration.secureCookies).addRoutes(to: routes)
    TerminalController(elections: elections, secureCookies: configuration.secureCookies).addRoutes(to: routes)
    let garden = GardenContext(database: database, renderer: renderer, keys: configuration.keyStore, keyPassphrase: configuration.keyPassphrase,
                               secureCookies: configuration.secureCookies)
    let motions = MotionsController(garden: garden)
    motions.addRoutes(to: routes)
    ImplementationController(motions: motions).addRoutes(to: routes)
    HearingsController(garden: garden).addRoutes(to: routes)
    AssessmentsController(garden: garden).addRoutes(to: routes)
    BoardController(garden: garden).addRoutes(to: routes)
    MeetingsController(garden: garden).addRoutes(to: routes)
    CouncilController(garden: garden).addRoutes(to: routes)
    AssemblyController(garden: garden).addRoutes(to: routes)
    ConsultationsController(garden: garden).addRoutes(to: routes)
    SupervisionController(garden: garden).addRoutes(to: routes)
    RequestsController(garden: garden).addRoutes(to: routes)
    return routes
}

/// Builds the Xuanyi web application (`xuanyi serve` runs it).
public func buildApplication(_ configuration: WebConfiguration) async throws -> some ApplicationProtocol {
    let router = try await buildRouter(configuration)
    let bodyTimeout = TimeAmount(configuration.bodyTimeout)
    return Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [BodyDeadlineHandler(timeout: bodyTimeout)],
                                            idleTimeout: TimeAmount(configuration.idleTimeout))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "xuanyi"),
        logger: configuration.logger
    )
}

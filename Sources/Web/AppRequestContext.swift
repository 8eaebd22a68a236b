import Community
import Hummingbird
import Logging
import NIOCore

/// What every handler needs besides the request: the logged-in session (if any), the
/// visitor's language, the anti-forgery token to put in forms, and the client address
/// (for login throttling).
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The logged-in session, set by `SessionMiddleware`.
    public var session: LoginSession?
    /// The page language, set by `LocaleMiddleware`.
    public var locale: AppLocale = .zhHans
    /// The CSRF token for this visitor: the session's when logged in, else the `xy_csrf` cookie's.
    public var csrfToken: String = ""
    /// Forms the CSRF check already parsed, handed on so handlers do not parse them again.
    var multipartForm: MultipartForm?
    var formFields: FormFields?
    /// Address of the connected client.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Largest request body accepted: 1 MiB, raised for file uploads by `UploadLimitMiddleware`.
    public var uploadLimit = 1 << 20
    public var maxUploadSize: Int { uploadLimit }

    /// The logged-in account, if any.
    public var account: Account? { session?.account }

    /// The account `RequireRole` let through on a route registered for its roles.
    var authorized: Account?

    /// The client's address as a trusted proxy forwarded it (`ClientAddressMiddleware`).
    public var forwardedClient: String?

    /// The client IP for throttling: the one a trusted proxy named, else the socket's peer
    /// ("unknown" when not on a socket, e.g. in router tests).
    public var clientAddress: String { forwardedClient ?? remoteAddress?.ipAddress ?? "unknown" }
}

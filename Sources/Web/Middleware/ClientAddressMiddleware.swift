import Foundation
import HTTPTypes
import Hummingbird

/// Behind a reverse proxy every request comes from the proxy's address, so throttles keyed on
/// the address would lump all residents together (fifty failures anywhere would slow every
/// voter). When the peer is one of the configured trusted proxies (`xuanyi serve
/// --trusted-proxy ADDRESS`), the client is the right-most address in `X-Forwarded-For` that is
/// not itself a trusted proxy. From any other peer the header is ignored: a visitor cannot
/// choose their own address.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    let trustedProxies: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !trustedProxies.isEmpty, let peer = context.remoteAddress?.ipAddress, trustedProxies.contains(peer) else {
            return try await next(request, context)
        }
        var context = context
        context.forwardedClient = Self.client(forwardedFor: request.headers[values: Self.forwardedFor], trusted: trustedProxies)
        return try await next(request, context)
    }

    /// The right-most untrusted address of the `X-Forwarded-For` values, if any.
    static func client(forwardedFor values: [String], trusted: Set<String>) -> String? {
        let hops = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for hop in hops.reversed() where !trusted.contains(hop) {
            guard hop.count <= 64, hop.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else { return nil }
            return hop
        }
        return nil
    }
}

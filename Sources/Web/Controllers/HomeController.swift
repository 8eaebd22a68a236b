import Community
import Elections
import Foundation
import Hummingbird

/// The public home page and the language switch.
struct HomeController {
    let database: AppDatabase
    let renderer: PageRenderer
    let secureCookies: Bool

    func addRoutes(to routes: Routes) {
        let open = routes.open()
        open.get("/", use: home)
        open.get("/lang/:code", use: switchLanguage)
        open.get("/text/:size", use: switchTextSize)
    }

    @Sendable func home(request: Request, context: AppRequestContext) async throws -> Response {
        var data: [String: Any] = [:]
        if let community = try database.primaryCommunity(), let id = community.id {
            let counts = try database.peopleCounts(communityID: id)
            data["community"] = [
                "name": community.name, "code": community.code ?? "", "streetOffice": community.streetOffice,
                "district": community.district, "households": counts.households, "residents": counts.residents,
            ] as [String: Any]
            // What a resident can do for each election now: the roll and candidates before the
            // result, voting only while an electronic round is open (never for a past election),
            // the result and the ballot check once certified (issue 22 #12).
            data["elections"] = try database.elections(communityID: id).filter { $0.status.rollIsPublic }.map { election in
                let certified = try database.certifiedResult(electionID: election.id!) != nil
                let voting = try !certified && election.rules.electronicVoting != .off
                    && (try database.rounds(electionID: election.id!)).contains { $0.status == .open && $0.electronic }
                return ["id": election.id!, "title": election.title, "electionDay": election.electionDay.description, "certified": certified,
                        "candidates": !certified && election.status == .candidatesPublished, "voting": voting] as [String: Any]
            }
        }
        return try renderer.page("home", title: context.locale.text("home_title"), data: data, request: request, context: context)
    }

    /// A path on this site to go back to, or `fallback` (never another site: no `//host`, no `\`).
    static func sameSitePath(_ back: String?, fallback: String = "/") -> String {
        RedirectTarget.sameOriginPath(back, fallback: fallback)
    }

    /// Large text for elderly residents (and back): a cookie the layout reads; no JavaScript.
    @Sendable func switchTextSize(request: Request, context: AppRequestContext) async throws -> Response {
        let size = context.parameters.get("size") ?? ""
        guard size == "large" || size == "normal" else { throw WebError.badRequest(field: "size", reason: "large or normal") }
        var response = Response(status: .seeOther, headers: [.location: Self.sameSitePath(request.uri.queryParameters.get("back"))])
        response.setCookie(Cookie(name: PageRenderer.textSizeCookie, value: size, maxAge: 365 * 86_400, path: "/",
                                  secure: secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    /// Sets the language cookie and returns to the page the visitor came from (same site only).
    @Sendable func switchLanguage(request: Request, context: AppRequestContext) async throws -> Response {
        let code = context.parameters.get("code") ?? ""
        guard let locale = AppLocale(code: code) else { throw WebError.badRequest(field: "lang", reason: "zh or en") }
        var response = Response(status: .seeOther, headers: [.location: Self.sameSitePath(request.uri.queryParameters.get("back"))])
        response.setCookie(Cookie(name: LocaleMiddleware.cookieName, value: locale.rawValue, maxAge: 365 * 86_400, path: "/",
                                  secure: secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }
}

import Community
import Foundation
import Hummingbird
import Mustache

/// Renders Mustache pages inside the shared layout, with the interface strings, the
/// logged-in user, the CSRF token and the language switch filled in.
public struct PageRenderer: Sendable {
    /// Cookie holding the visitor's text size (`large` for elderly residents, else normal).
    static let textSizeCookie = "xy_text"
    let library: MustacheLibrary
    /// Serving a rehearsal database: every page carries the rehearsal banner with the
    /// (possibly moved) system date.
    var rehearsal = false

    /// Loads every `*.mustache` file of the Web target's `Templates` resource folder.
    public static func load() async throws -> PageRenderer {
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("Templates").path else {
            throw WebSetupError("template folder missing from the Web resources")
        }
        return PageRenderer(library: try await MustacheLibrary(directory: directory))
    }

    /// Renders `template` with `data`, adding the layout's values.
    public func page(_ template: String, title: String, data: [String: Any] = [:], request: Request, context: AppRequestContext,
                     status: HTTPResponse.Status = .ok) throws -> Response {
        var values = data
        values["t"] = context.locale.strings
        // The layout's <title> reads `pageTitle`; `title` is the page's own heading unless the data
        // has a `title` of its own (a motion's, an assessment's), which must not be overwritten.
        values["pageTitle"] = title
        if data["title"] == nil { values["title"] = title }
        values["lang"] = context.locale.htmlLang
        values["csrf"] = context.csrfToken
        let path = request.uri.path
        values["switchLanguageURL"] = "/lang/\(context.locale == .zhHans ? "en" : "zh")?back=\(percentEncode(path))"
        let large = request.cookies[Self.textSizeCookie]?.value == "large"
        values["largeText"] = large
        if rehearsal { values["rehearsal"] = ["date": CivilDate.today().description] }
        values["switchTextURL"] = "/text/\(large ? "normal" : "large")?back=\(percentEncode(path))"
        if let account = context.account {
            values["user"] = [
                "displayName": account.displayName,
                "username": account.username,
                "roles": account.roleSet.sorted().map(\.rawValue).joined(separator: ", "),
                "isAdmin": account.roleSet.contains(.admin),
                "isStaff": account.has(anyOf: [.admin, .committee, .clerk]),
            ] as [String: Any]
        }
        guard let html = library.render(values, withTemplate: template) else {
            throw WebSetupError("template \(template) not found")
        }
        return Self.html(html, status: status)
    }

    /// An HTML response.
    public static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    private func percentEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=?#+"))) ?? "/"
    }
}

/// A configuration problem found while starting the web application.
public struct WebSetupError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

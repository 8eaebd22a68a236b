import Community
import Foundation
import HTTPTypes
import Testing
@testable import Web

@Suite("pages, language and errors")
struct PagesTests {
    @Test("the home page shows the community in Chinese by default")
    func homeInChinese() async throws {
        try await WebHarness().test { browser in
            let page = try await browser.get("/")
            #expect(page.status == .ok)
            #expect(page.body.contains("<html lang=\"zh-Hans\">"))
            #expect(page.body.contains("桃园社区"))
            #expect(page.body.contains("安和街道办事处"))
            #expect(page.body.contains("登录"))
        }
    }

    @Test("English by Accept-Language, and the language switch sets a cookie that wins")
    func english() async throws {
        try await WebHarness().test { browser in
            let english = try await browser.get("/", headers: [.acceptLanguage: "en-GB,en;q=0.9,zh;q=0.5"])
            #expect(english.body.contains("<html lang=\"en\">"))
            #expect(english.body.contains("Community home"))
            let switched = try await browser.get("/lang/zh?back=/login")
            #expect(switched.status == .seeOther)
            #expect(switched.headers[.location] == "/login")
            let chinese = try await browser.get("/", headers: [.acceptLanguage: "en"])
            #expect(chinese.body.contains("社区首页"))
        }
    }

    @Test("the language switch never redirects off the site")
    func noOpenRedirect() async throws {
        try await WebHarness().test { browser in
            for back in ["//evil.example/x", "https://evil.example/", "/\\evil.example"] {
                let page = try await browser.get("/lang/en?back=\(back.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
                #expect(page.headers[.location] == "/")
            }
        }
    }

    @Test("an uninitialised server says how to initialise it")
    func notInitialised() async throws {
        try await WebHarness(initialised: false).test { browser in
            let page = try await browser.get("/")
            #expect(page.status == .ok)
            #expect(page.body.contains("xuanyi init"))
        }
    }

    @Test("unknown pages get a friendly 404 in HTML, and a problem document under /api")
    func notFound() async throws {
        try await WebHarness().test { browser in
            let page = try await browser.get("/no/such/page")
            #expect(page.status == .notFound)
            #expect(page.body.contains("找不到该页面"))
            #expect(page.body.contains("<html"))
            let api = try await browser.get("/api/v1/nothing-here")
            #expect(api.status == .notFound)
            #expect(api.headers[.contentType]?.hasPrefix("application/json") == true)
            let problem = try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any]
            #expect(problem?["status"] as? Int == 404)
        }
    }

    @Test("security headers on every response, static CSS served")
    func securityHeaders() async throws {
        try await WebHarness().test { browser in
            for path in ["/", "/login", "/nope", "/health", "/static/style.css"] {
                let page = try await browser.get(path)
                let csp = page.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("frame-ancestors 'none'"), "\(path)")
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "\(path)")
                #expect(page.headers[.xContentTypeOptions] == "nosniff", "\(path)")
            }
            let css = try await browser.get("/static/style.css")
            #expect(css.status == .ok)
            #expect(css.body.contains("@media print"))
        }
    }

    @Test("an unexpected error shows a reference, never its internals")
    func internalErrorHidesDetails() async throws {
        struct Secret: Error, CustomStringConvertible { var description: String { "SELECT * FROM account /srv/xuanyi" } }
        let renderer = try await PageRenderer.load()
        let middleware = ErrorPageMiddleware(renderer: renderer)
        let (status, message, _) = middleware.describe(Secret(), locale: .en, requestID: "req-42")
        #expect(status == .internalServerError)
        #expect(message.contains("req-42"))
        #expect(!message.contains("SELECT") && !message.contains("/srv"))
    }

    @Test("both string tables have exactly the same keys")
    func stringTables() {
        #expect(Set(Strings.zhHans.keys) == Set(Strings.en.keys))
        #expect(AppLocale.negotiate(acceptLanguage: "fr-FR, en;q=0.8") == .en)
        #expect(AppLocale.negotiate(acceptLanguage: "zh-TW,en;q=0.9") == .zhHans)
        #expect(AppLocale.negotiate(acceptLanguage: nil) == .zhHans)
    }
}

import Community
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Notary
@testable import Web

/// An in-memory Xuanyi with a community, an admin and a clerk, and a browser-like client
/// that keeps cookies between requests.
struct WebHarness {
    static let adminPassword = "admin-password-123"
    static let clerkPassword = "clerk-password-123"
    let database: AppDatabase
    let community: Community

    init(initialised: Bool = true) throws {
        database = try AppDatabase.inMemory(modules: XuanyiSchema.modules)
        if initialised {
            community = try database.createCommunity(code: "110101001001", name: "桃园社区", streetOffice: "安和街道办事处", district: "和平区", actor: .commandLine)
            try database.createAccount(NewAccount(communityID: community.id, username: "admin", displayName: "管理员", password: Self.adminPassword, roles: [.admin]), actor: .commandLine)
            try database.createAccount(NewAccount(communityID: community.id, username: "clerk", displayName: "文员小王", password: Self.clerkPassword, roles: [.clerk]), actor: .commandLine)
        } else {
            community = Community(code: nil, name: "", streetOffice: "", district: "")
        }
    }

    /// Private keys of elections created in the test.
    let keyStore = KeyStore(directory: FileManager.default.temporaryDirectory.appendingPathComponent("web-keys-\(UUID().uuidString)"))

    /// Runs `body` against the router (no socket).
    func test(_ body: @escaping @Sendable (Browser) async throws -> Void) async throws {
        defer { try? FileManager.default.removeItem(at: keyStore.directory) }
        let router = try await buildRouter(WebConfiguration(database: database, keyStore: keyStore))
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await body(Browser(client: client))
        }
    }
}

/// A client that stores cookies like a browser and can fill in the CSRF token.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]
    private let lock = NSLock()

    init(client: any TestClientProtocol) { self.client = client }

    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String
        var setCookies: [String] { headers[values: .setCookie] }
    }

    @discardableResult
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> Page {
        try await send(uri, method: .get, headers: headers, body: nil)
    }

    /// Posts a form; `csrf: true` adds the visitor's current token as `_csrf`.
    @discardableResult
    func post(_ uri: String, form: [(String, String)], csrf: Bool = true) async throws -> Page {
        var fields = form
        if csrf { fields.append(("_csrf", currentCSRF())) }
        let body = fields.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        return try await send(uri, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
    }

    /// Posts a multipart form with one file, as a browser's file upload does.
    @discardableResult
    func upload(_ uri: String, fields: [(String, String)], fileField: String, fileName: String, file: Data) async throws -> Page {
        let boundary = "----xuanyi\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(fileField)\"; filename=\"\(fileName)\"\r\nContent-Type: text/csv\r\n\r\n".utf8))
        body.append(file)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await send(uri, method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: ByteBuffer(bytes: body))
    }

    func send(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> Page {
        var headers = headers
        let cookieHeader = lock.withLock { cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if !cookieHeader.isEmpty { headers[.cookie] = cookieHeader }
        var response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        // A full password queue (503, Retry-After: 1) checked nothing: send again, as a person
        // would, so that a busy test run is not read as a wrong password.
        for _ in 0..<60 where response.status == .serviceUnavailable && response.headers[.retryAfter] == "1" {
            try await Task.sleep(for: .milliseconds(250))
            response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        }
        let page = Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        let embedded = Self.hiddenCSRF(in: page.body)
        lock.withLock {
            if let embedded { lastEmbeddedToken = embedded }
            for line in page.setCookies {
                let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
                if value.isEmpty || line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
            }
        }
        return page
    }

    /// The CSRF token the last page embedded, or the `xy_csrf` cookie.
    func currentCSRF() -> String {
        lock.withLock { lastEmbeddedToken ?? cookies["xy_csrf"] ?? "" }
    }

    private var lastEmbeddedToken: String?

    func cookie(_ name: String) -> String? { lock.withLock { cookies[name] } }

    func setCookie(_ name: String, _ value: String?) { lock.withLock { cookies[name] = value } }

    /// Logs in through the form and returns the response.
    @discardableResult
    func login(_ username: String, _ password: String, next: String = "/") async throws -> Page {
        let form = try await get("/login")
        let token = Self.hiddenCSRF(in: form.body) ?? currentCSRF()
        return try await post("/login", form: [("username", username), ("password", password), ("next", next), ("_csrf", token)], csrf: false)
    }

    /// The value of the `_csrf` hidden input of a page.
    static func hiddenCSRF(in html: String) -> String? {
        guard let range = html.range(of: #"name="_csrf" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    private func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

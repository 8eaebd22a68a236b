import Community
import Foundation
import Hummingbird
import Logging

/// The JSON API (`/api/v1`), its OpenAPI document, and the health check.
struct APIController {
    let database: AppDatabase

    func addRoutes(to routes: Routes) {
        let open = routes.open()
        open.get("/health", use: health)
        open.get("/api/openapi.json", use: openAPI)
        open.get("/api/v1/community", use: community)
        routes.only(Roles.admin).get("/api/v1/audit/verification", use: auditVerification)
    }

    struct Health: Encodable {
        let status: String
        let database: String
    }

    /// 200 when the database answers, 503 otherwise.
    @Sendable func health(request: Request, context: AppRequestContext) async throws -> Response {
        do {
            try database.ping()
            return try JSONResponse.make(Health(status: "ok", database: "ok"))
        } catch {
            context.logger.error("health check failed", metadata: ["error": "\(error)"])
            return try JSONResponse.make(Health(status: "unavailable", database: "error"), status: .serviceUnavailable)
        }
    }

    @Sendable func openAPI(request: Request, context: AppRequestContext) async throws -> Response {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let data = FileManager.default.contents(atPath: url.path) else {
            throw WebSetupError("openapi.json missing from the Web resources")
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    struct CommunitySummary: Encodable {
        let code: String?
        let name: String
        let streetOffice: String
        let district: String
        let households: Int
        let residents: Int
        /// A rehearsal (演练) database: practice data, not a real community's.
        let rehearsal: Bool
        /// The date the server works with (China Standard Time): today, or a rehearsal's moved date.
        let today: String
    }

    @Sendable func community(request: Request, context: AppRequestContext) async throws -> Response {
        let community = try database.servedCommunity()
        let counts = try database.peopleCounts(communityID: community.id!)
        return try JSONResponse.make(CommunitySummary(code: community.code, name: community.name, streetOffice: community.streetOffice,
                                                      district: community.district, households: counts.households, residents: counts.residents,
                                                      rehearsal: community.rehearsal, today: CivilDate.today().description))
    }

    @Sendable func auditVerification(request: Request, context: AppRequestContext) async throws -> Response {
        return try JSONResponse.make(try database.verifyAudit())
    }
}

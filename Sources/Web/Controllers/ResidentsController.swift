import Community
import Foundation
import Hummingbird
import NIOCore

/// The residents register for the committee and clerks: search, add, correct, import.
struct ResidentsController {
    let database: AppDatabase
    let renderer: PageRenderer

    func addRoutes(to routes: Routes) {
        let staff = routes.only(Roles.staff)
        staff.get("/residents", use: list)
        staff.get("/residents/new", use: newResident)
        staff.post("/residents", use: createResident)
        staff.get("/residents/import", use: importForm)
        staff.post("/residents/import", use: importFile)
        staff.get("/residents/:id", use: editResident)
        staff.post("/residents/:id", use: saveResident)
        staff.get("/households/new", use: newHousehold)
        staff.post("/households", use: createHousehold)
        staff.get("/households/:id", use: editHousehold)
        staff.post("/households/:id", use: saveHousehold)
        staff.post("/api/v1/residents/import", use: importAPI)
    }

    func community() throws -> Community { try database.servedCommunity() }

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        let community = try community()
        let query = request.uri.queryParameters.get("q") ?? ""
        let page = max(1, request.uri.queryParameters.get("page").flatMap(Int.init) ?? 1)
        let (listings, total) = try database.searchResidents(communityID: community.id!, query: query, page: page)
        let pages = max(1, (total + 49) / 50)
        let rows: [[String: Any]] = listings.map { listing in
            let r = listing.resident
            return ["id": r.id!, "name": r.name, "gender": r.gender.chinese, "maskedID": r.idNumber.masked, "household": listing.householdNumber,
                    "householdID": r.householdID ?? 0,
                    "address": [listing.building, listing.unit, listing.room].filter { !$0.isEmpty }.joined(separator: " "),
                    "relation": r.relationToHead ?? "", "hukouHere": r.hukouHere, "livesHere": r.livesHere]
        }
        var data: [String: Any] = ["rows": rows, "query": query, "total": total, "page": page, "pages": pages]
        if page > 1 { data["previous"] = "/residents?q=\(query.urlQueryEncoded)&page=\(page - 1)" }
        if page < pages { data["next"] = "/residents?q=\(query.urlQueryEncoded)&page=\(page + 1)" }
        return try renderer.page("residents", title: context.locale.text("residents_title"), data: data, request: request, context: context)
    }

    // MARK: Add a resident

    @Sendable func newResident(request: Request, context: AppRequestContext) async throws -> Response {
        return try renderer.page("resident_new", title: context.locale.text("resident_new"), data: ["household": request.uri.queryParameters.get("household") ?? ""], request: request, context: context)
    }

    @Sendable func createResident(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let community = try community()
        let form = try await FormFields.read(request, context: context)
        do {
            let idNumber = try ResidentIDNumber(form["idNumber"] ?? "")
            guard let household = try database.household(number: form["household"] ?? "", communityID: community.id!) else {
                throw CommunityError.invalid(field: "户号", reason: "no household \(form["household"] ?? "") — add the household first")
            }
            let gender = (form["gender"]).flatMap(Gender.init(text:)) ?? idNumber.gender
            let resident = try database.addResident(Resident(
                communityID: community.id!, name: form["name"] ?? "", gender: gender, idNumber: idNumber,
                ethnicity: form["ethnicity"]?.nilIfEmpty ?? "汉族", phone: form["phone"]?.nilIfEmpty, householdID: household.id,
                relationToHead: form["relation"]?.nilIfEmpty, residenceAddressID: household.addressID,
                livingSince: try Self.date(form["livingSince"], field: "居住起始日期"), politicalRights: form["politicalRights"] == "deprived" ? .deprived : .held,
                hukouHere: form["hukouHere"] != "no", livesHere: form["livesHere"] != "no",
                workingSince: try Self.date(form["workingSince"], field: "社区工作起始日期")), actor: Actor(account))
            return Response(status: .seeOther, headers: [.location: "/residents/\(resident.id!)?saved=1"])
        } catch let error as CommunityError {
            var data: [String: Any] = ["error": error.description]
            for key in ["name", "idNumber", "household", "relation", "ethnicity", "phone", "livingSince", "workingSince"] { data[key] = form[key] ?? "" }
            return try renderer.page("resident_new", title: context.locale.text("resident_new"), data: data, request: request, context: context, status: .unprocessableContent)
        }
    }

    static func date(_ text: String?, field: String) throws -> CivilDate? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let date = CivilDate(text) else { throw CommunityError.invalid(field: field, reason: "\"\(text)\" is not a date (YYYY-MM-DD)") }
        return date
    }

    // MARK: Correct a resident

    @Sendable func editResident(request: Request, context: AppRequestContext) async throws -> Response {
        let resident = try database.resident(id: try Self.id(context), communityID: try community().id!)
        return try renderer.page("resident_edit", title: resident.name, data: editData(resident, saved: request.uri.queryParameters.get("saved") != nil),
                                 request: request, context: context)
    }

    func editData(_ resident: Resident, saved: Bool = false, error: String? = nil) -> [String: Any] {
        var data: [String: Any] = [
            "id": resident.id!, "name": resident.name, "idNumber": resident.idNumber.value, "gender": resident.gender.chinese,
            "birthDate": resident.birthDate.description, "ethnicity": resident.ethnicity, "phone": resident.phone ?? "",
            "relation": resident.relationToHead ?? "", "hukouHere": resident.hukouHere, "livesHere": resident.livesHere,
            "livingSince": resident.livingSince?.description ?? "", "workingSince": resident.workingSince?.description ?? "",
            "rightsDeprived": resident.politicalRights == .deprived, "saved": saved,
        ]
        if let error { data["error"] = error }
        return data
    }

    @Sendable func saveResident(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let community = try community()
        let id = try Self.id(context)
        let form = try await FormFields.read(request, context: context)
        do {
            let correction = ResidentCorrection(
                name: form["name"] ?? "", ethnicity: form["ethnicity"] ?? "", phone: form["phone"], relationToHead: form["relation"],
                hukouHere: form["hukouHere"] == "yes", livesHere: form["livesHere"] == "yes",
                livingSince: try Self.date(form["livingSince"], field: "居住起始日期"), workingSince: try Self.date(form["workingSince"], field: "社区工作起始日期"),
                politicalRights: form["politicalRights"] == "deprived" ? .deprived : .held)
            try database.correctResident(id: id, communityID: community.id!, correction, actor: Actor(account))
            return Response(status: .seeOther, headers: [.location: "/residents/\(id)?saved=1"])
        } catch let error as CommunityError {
            let resident = try database.resident(id: id, communityID: community.id!)
            return try renderer.page("resident_edit", title: resident.name, data: editData(resident, error: error.description),
                                     request: request, context: context, status: .unprocessableContent)
        }
    }

    static func id(_ context: AppRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw WebError.notFound }
        return id
    }

    // MARK: Households

    @Sendable func newHousehold(request: Request, context: AppRequestContext) async throws -> Response {
        return try renderer.page("household_new", title: context.locale.text("household_new"), request: request, context: context)
    }

    @Sendable func createHousehold(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let community = try community()
        let form = try await FormFields.read(request, context: context)
        do {
            let household = try database.addHousehold(communityID: community.id!, number: form["number"] ?? "", building: form["building"] ?? "",
                                                      unit: form["unit"] ?? "", room: form["room"] ?? "", basis: form["basis"] == "residence" ? .residence : .hukou,
                                                      hukouAddress: form["hukouAddress"], actor: Actor(account))
            return Response(status: .seeOther, headers: [.location: "/residents/new?household=\(household.number.urlQueryEncoded)"])
        } catch let error as CommunityError {
            var data: [String: Any] = ["error": error.description]
            for key in ["number", "building", "unit", "room", "hukouAddress"] { data[key] = form[key] ?? "" }
            return try renderer.page("household_new", title: context.locale.text("household_new"), data: data, request: request, context: context, status: .unprocessableContent)
        }
    }

    func householdData(_ id: Int64, error: String? = nil, saved: Bool = false) throws -> [String: Any] {
        let (household, address) = try database.household(id: id, communityID: try community().id!)
        var data: [String: Any] = [
            "id": id, "number": household.number, "building": address?.building ?? "", "unit": address?.unit ?? "", "room": address?.room ?? "",
            "residence": household.basis == .residence, "hukouAddress": household.hukouAddress ?? "", "saved": saved,
        ]
        if let error { data["error"] = error }
        return data
    }

    @Sendable func editHousehold(request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(context)
        return try renderer.page("household_edit", title: context.locale.text("household_edit"),
                                 data: try householdData(id, saved: request.uri.queryParameters.get("saved") != nil), request: request, context: context)
    }

    @Sendable func saveHousehold(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        let id = try Self.id(context)
        let form = try await FormFields.read(request, context: context)
        do {
            try database.correctHousehold(id: id, communityID: try community().id!, building: form["building"] ?? "", unit: form["unit"] ?? "",
                                          room: form["room"] ?? "", basis: form["basis"] == "residence" ? .residence : .hukou,
                                          hukouAddress: form["hukouAddress"], actor: Actor(account))
            return Response(status: .seeOther, headers: [.location: "/households/\(id)?saved=1"])
        } catch let error as CommunityError {
            return try renderer.page("household_edit", title: context.locale.text("household_edit"), data: try householdData(id, error: error.description),
                                     request: request, context: context, status: .unprocessableContent)
        }
    }

    // MARK: Import

    @Sendable func importForm(request: Request, context: AppRequestContext) async throws -> Response {
        return try renderer.page("residents_import", title: context.locale.text("import_title"), request: request, context: context)
    }

    @Sendable func importFile(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        // The CSRF check has parsed the multipart body already.
        guard let form = context.multipartForm else {
            throw WebError.badRequest(field: "file", reason: "upload the file with the form")
        }
        guard let file = form.files.first(where: { $0.fieldName == "file" }), !file.data.isEmpty else {
            return try renderer.page("residents_import", title: context.locale.text("import_title"),
                                     data: ["error": context.locale.text("import_choose_file")], request: request, context: context, status: .unprocessableContent)
        }
        let report = try runImport(file.data, dryRun: form["dryRun"] == "yes", actor: Actor(account))
        let data: [String: Any] = [
            "report": true, "fileName": file.fileName, "encoding": report.encoding, "rows": report.rows, "applied": report.applied,
            "dryRunOK": report.isValid && !report.applied, "households": report.householdsCreated, "residents": report.residentsCreated,
            "problems": report.problems.map { ["line": $0.line, "column": $0.column, "reason": $0.reason] as [String: Any] },
            // Mustache treats 0 as true: the problem list and "more" appear only when there are some.
            "problemCount": report.problemCount, "hasProblems": report.problemCount > 0,
            "digest": report.fileDigest,
        ]
        var page = data
        if report.problemCount > report.problems.count { page["moreProblems"] = report.problemCount - report.problems.count }
        return try renderer.page("residents_import", title: context.locale.text("import_title"), data: page, request: request, context: context,
                                 status: report.isValid ? .ok : .unprocessableContent)
    }

    /// `POST /api/v1/residents/import[?dryRun=true]` with the CSV file as the body.
    @Sendable func importAPI(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.authorizedAccount()
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        guard body.readableBytes > 0 else { throw WebError.badRequest(field: "body", reason: "send the CSV file as the request body") }
        let dryRun = request.uri.queryParameters.get("dryRun") == "true"
        let report = try runImport(Data(body.readableBytesView), dryRun: dryRun, actor: Actor(account))
        return try JSONResponse.make(report, status: report.isValid ? .ok : .unprocessableContent)
    }

    /// Writes the upload to a private temporary file (the importer streams from disk) and imports it.
    func runImport(_ data: Data, dryRun: Bool, actor: Actor) throws -> ImportReport {
        let community = try community()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xuanyi-import-\(UUID().uuidString).csv")
        guard FileManager.default.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw WebSetupError("cannot write a temporary file for the import")
        }
        defer { try? FileManager.default.removeItem(at: url) }
        return try ResidentImporter(database: database, communityID: community.id!).run(file: url, dryRun: dryRun, actor: actor)
    }
}

extension String {
    /// Percent-encoded for a query value.
    var urlQueryEncoded: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

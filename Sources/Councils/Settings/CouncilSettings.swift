import Community
import Foundation
import GRDB
import Notary

/// What a motion is about; the list is part of the settings, so a community can add its own.
public struct MotionCategory: Codable, Sendable, Equatable {
    /// Stable key stored on motions (`parking`).
    public var key: String
    public var zh: String
    public var en: String

    public init(key: String, zh: String, en: String) {
        self.key = key
        self.zh = zh
        self.en = en
    }
}

/// Who a co-sign (附议) counts for: one per household (default) or one per resident.
public enum SupportUnit: String, Codable, Sendable, CaseIterable {
    case household
    case resident
}

/// A community's deliberation parameters (deliberation.md): thresholds, deadlines in working
/// days, notice periods, photo limits and motion categories. Stored per community as JSON;
/// every field has the documented default.
public struct CouncilSettings: Codable, Sendable, Equatable {
    /// One support per household or per resident.
    public var supportUnit: SupportUnit = .household
    /// Supports that put a motion on the committee's "must schedule" list (default 5 households).
    public var supportThreshold: Int = 5
    /// Working days to accept or refuse a motion.
    public var acceptDays: Int = 5
    /// Working days to reply to the submitter.
    public var replyDays: Int = 15
    /// Calendar days between a meeting's notice and the meeting.
    public var noticeDays: Int = 10
    /// Calendar days between a hearing's notice and the hearing.
    public var hearingNoticeDays: Int = 10
    /// Minutes each hearing speaker may speak.
    public var speakingMinutes: Int = 5
    /// Residents' meetings to hold each year.
    public var meetingsPerYear: Int = 2
    /// Who rates completed motions: one rating per household, or per representative.
    public var ratingUnit: RatingUnit = .household
    /// Largest photo accepted with a motion, in bytes.
    public var photoMaxBytes: Int = 2 << 20
    /// Motion categories, in display order.
    public var categories: [MotionCategory] = CouncilSettings.defaultCategories
    /// Residents' requests to convene a residents' meeting (`ConveningRequest`): the share of
    /// adult residents, of households and of residents' representatives whose signatures oblige
    /// the committee to convene it. L18 Art. 10 said 1/5 of adults and 1/5 of households; L25
    /// counts residents' representatives ("三分之一以上的居民代表"); the L25 fractions for adults
    /// and households could not be checked, so they are settings (`conveningSources`).
    public var conveningAdults: Share = Share.oneFifth
    public var conveningHouseholds: Share = Share.oneFifth
    public var conveningRepresentatives: Share = Share.oneThird
    /// Residents' requests for a hearing: the share of adults or households (model rules, 1/5).
    public var hearingAdults: Share = Share.oneFifth
    public var hearingHouseholds: Share = Share.oneFifth
    /// Working days the committee has, once a request reaches its share, to convene the
    /// meeting or hearing (set by the community; no statute fixes it).
    public var requestAnswerDays: Int = 15

    public init() {}

    /// Decodes stored settings; fields added later take their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = CouncilSettings()
        supportUnit = try container.decodeIfPresent(SupportUnit.self, forKey: .supportUnit) ?? defaults.supportUnit
        supportThreshold = try container.decodeIfPresent(Int.self, forKey: .supportThreshold) ?? defaults.supportThreshold
        acceptDays = try container.decodeIfPresent(Int.self, forKey: .acceptDays) ?? defaults.acceptDays
        replyDays = try container.decodeIfPresent(Int.self, forKey: .replyDays) ?? defaults.replyDays
        noticeDays = try container.decodeIfPresent(Int.self, forKey: .noticeDays) ?? defaults.noticeDays
        hearingNoticeDays = try container.decodeIfPresent(Int.self, forKey: .hearingNoticeDays) ?? defaults.hearingNoticeDays
        speakingMinutes = try container.decodeIfPresent(Int.self, forKey: .speakingMinutes) ?? defaults.speakingMinutes
        meetingsPerYear = try container.decodeIfPresent(Int.self, forKey: .meetingsPerYear) ?? defaults.meetingsPerYear
        ratingUnit = try container.decodeIfPresent(RatingUnit.self, forKey: .ratingUnit) ?? defaults.ratingUnit
        photoMaxBytes = try container.decodeIfPresent(Int.self, forKey: .photoMaxBytes) ?? defaults.photoMaxBytes
        categories = try container.decodeIfPresent([MotionCategory].self, forKey: .categories) ?? defaults.categories
        conveningAdults = try container.decodeIfPresent(Share.self, forKey: .conveningAdults) ?? defaults.conveningAdults
        conveningHouseholds = try container.decodeIfPresent(Share.self, forKey: .conveningHouseholds) ?? defaults.conveningHouseholds
        conveningRepresentatives = try container.decodeIfPresent(Share.self, forKey: .conveningRepresentatives) ?? defaults.conveningRepresentatives
        hearingAdults = try container.decodeIfPresent(Share.self, forKey: .hearingAdults) ?? defaults.hearingAdults
        hearingHouseholds = try container.decodeIfPresent(Share.self, forKey: .hearingHouseholds) ?? defaults.hearingHouseholds
        requestAnswerDays = try container.decodeIfPresent(Int.self, forKey: .requestAnswerDays) ?? defaults.requestAnswerDays
    }

    public static let defaultCategories: [MotionCategory] = [
        MotionCategory(key: "environment", zh: "环境卫生", en: "Environment"),
        MotionCategory(key: "safety", zh: "治安安全", en: "Safety"),
        MotionCategory(key: "property", zh: "物业管理", en: "Property management"),
        MotionCategory(key: "parking", zh: "停车交通", en: "Parking and traffic"),
        MotionCategory(key: "elderly", zh: "养老助老", en: "Elderly care"),
        MotionCategory(key: "facilities", zh: "公共设施", en: "Public facilities"),
        MotionCategory(key: "neighbourhood", zh: "邻里关系", en: "Neighbourhood"),
        MotionCategory(key: "other", zh: "其他", en: "Other"),
    ]

    /// The share of `basis` whose signatures oblige the committee to convene `body`, or nil when
    /// that body is not requested that way (a hearing is not requested by representatives).
    public func requestShare(for body: RequestedBody, basis: AttendanceBasis) -> Share? {
        switch (body, basis) {
        case (.residentsMeeting, .adults): return conveningAdults
        case (.residentsMeeting, .households): return conveningHouseholds
        case (.residentsMeeting, .representatives): return conveningRepresentatives
        case (.hearing, .adults): return hearingAdults
        case (.hearing, .households): return hearingHouseholds
        default: return nil
        }
    }

    /// Where each default share comes from, shown beside the settings and on a request.
    public static func shareSource(for body: RequestedBody, basis: AttendanceBasis) -> (zh: String, en: String) {
        switch (body, basis) {
        case (.residentsMeeting, .representatives):
            return ("《城市居民委员会组织法》（2025年修订）：三分之一以上的居民代表提议", "Urban Residents' Committees Law (2025): one third of the residents' representatives")
        case (.residentsMeeting, _):
            return ("《城市居民委员会组织法》（1989年）第十条：五分之一以上的十八周岁以上居民、五分之一以上的户；2025年修订的比例未能核实，按现行文本设置",
                    "Urban Residents' Committees Law (1989) Art. 10: one fifth of adult residents or of households; the 2025 revision's figures could not be checked — set them as the text in force says")
        case (.hearing, _):
            return ("听证规则示范文本：五分之一以上的成年居民或户", "Model hearing rules: one fifth of adult residents or of households")
        }
    }

    /// The category with `key`, if it exists.
    public func category(_ key: String) -> MotionCategory? { categories.first { $0.key == key } }

    /// Checks every field; throws naming the first one out of range.
    public func validate() throws {
        func range(_ value: Int, _ field: String, _ bounds: ClosedRange<Int>) throws {
            guard bounds.contains(value) else { throw CommunityError.invalid(field: field, reason: "must be between \(bounds.lowerBound) and \(bounds.upperBound), not \(value)") }
        }
        try range(supportThreshold, "supportThreshold", 1...10_000)
        try range(acceptDays, "acceptDays", 1...60)
        try range(replyDays, "replyDays", 1...120)
        try range(noticeDays, "noticeDays", 0...60)
        try range(hearingNoticeDays, "hearingNoticeDays", 0...60)
        try range(speakingMinutes, "speakingMinutes", 1...60)
        try range(meetingsPerYear, "meetingsPerYear", 1...12)
        try range(photoMaxBytes, "photoMaxBytes", 10_000...(16 << 20))
        try range(requestAnswerDays, "requestAnswerDays", 1...60)
        guard !categories.isEmpty else { throw CommunityError.invalid(field: "categories", reason: "at least one category") }
        var keys = Set<String>()
        for (index, category) in categories.enumerated() {
            guard MotionWorkflow.isKey(category.key) else { throw CommunityError.invalid(field: "categories[\(index)].key", reason: "letters, digits and _ , starting with a letter") }
            guard keys.insert(category.key).inserted else { throw CommunityError.invalid(field: "categories[\(index)].key", reason: "\(category.key) is listed twice") }
            guard !category.zh.isEmpty, !category.en.isEmpty else { throw CommunityError.invalid(field: "categories[\(index)]", reason: "needs a Chinese and an English name") }
        }
    }
}

extension AppDatabase {
    /// The community's deliberation settings (defaults until changed).
    public func councilSettings(communityID: Int64) throws -> CouncilSettings {
        try reader.read { db in try Self.councilSettings(db, communityID: communityID) }
    }

    static func councilSettings(_ db: Database, communityID: Int64) throws -> CouncilSettings {
        guard let json = try String.fetchOne(db, sql: "SELECT settingsJSON FROM councilSettings WHERE communityID = ?", arguments: [communityID]) else {
            return CouncilSettings()
        }
        return try JSONDecoder().decode(CouncilSettings.self, from: Data(json.utf8))
    }

    /// Replaces the settings after validating them; audited with the whole new value.
    public func setCouncilSettings(_ settings: CouncilSettings, communityID: Int64, actor: Actor) throws {
        try settings.validate()
        try writer.write { db in
            let workflow = try Self.motionWorkflow(db, communityID: communityID)
            try Self.storeCouncilConfiguration(db, communityID: communityID, settings: settings, workflow: workflow)
            try AuditLog.append(db, actor: actor, action: "council.settings", subject: "community:\(communityID)", details: settings)
        }
    }

    static func storeCouncilConfiguration(_ db: Database, communityID: Int64, settings: CouncilSettings, workflow: MotionWorkflow) throws {
        let settingsJSON = String(decoding: try CanonicalJSON.encode(settings), as: UTF8.self)
        let workflowJSON = String(decoding: try CanonicalJSON.encode(workflow), as: UTF8.self)
        try db.execute(sql: "INSERT OR REPLACE INTO councilSettings (communityID, settingsJSON, workflowJSON) VALUES (?, ?, ?)",
                       arguments: [communityID, settingsJSON, workflowJSON])
    }
}

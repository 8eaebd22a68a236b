import Foundation

/// A community (社区): the unit of tenancy. Everything else belongs to one.
public struct Community: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    /// Statistical division code (统计用区划代码, 12 digits), unique per database when given.
    public var code: String?
    /// Community name, e.g. 朝阳门社区.
    public var name: String
    /// Supervising street office (街道办事处).
    public var streetOffice: String
    /// District (区/县).
    public var district: String
    public var createdAt: Date
    /// A rehearsal (演练) database made with `xuanyi init --rehearsal`: practice data, not a real
    /// community's. Its clock may be moved (`AppClock`), every page says it is a rehearsal and its
    /// election records are marked so `xuanyi verify` says so too. Fixed at creation.
    public var rehearsal: Bool

    public init(id: Int64? = nil, code: String?, name: String, streetOffice: String, district: String, createdAt: Date = AppClock.now(),
                rehearsal: Bool = false) {
        self.id = id
        self.code = code
        self.name = name
        self.streetOffice = streetOffice
        self.district = district
        self.createdAt = createdAt
        self.rehearsal = rehearsal
    }
}

/// A dwelling: building (楼栋), unit (单元) and room (房号).
public struct Address: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var communityID: Int64
    public var building: String
    public var unit: String
    public var room: String

    public init(id: Int64? = nil, communityID: Int64, building: String, unit: String, room: String) {
        self.id = id
        self.communityID = communityID
        self.building = building
        self.unit = unit
        self.room = room
    }

    /// `3号楼 2单元 501`, as on notices.
    public var display: String { [building, unit, room].filter { !$0.isEmpty }.joined(separator: " ") }
}

/// A household (户), identified by its household number (户号) within the community.
public struct Household: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var communityID: Int64
    /// Household number (户号).
    public var number: String
    /// The dwelling the household lives in, if known.
    public var addressID: Int64?
    /// Registered here (hukou) or living here without hukou (人户分离).
    public var basis: HouseholdBasis
    /// Household registration address as written in the register.
    public var hukouAddress: String?

    public init(id: Int64? = nil, communityID: Int64, number: String, addressID: Int64? = nil, basis: HouseholdBasis, hukouAddress: String? = nil) {
        self.id = id
        self.communityID = communityID
        self.number = number
        self.addressID = addressID
        self.basis = basis
        self.hukouAddress = hukouAddress
    }
}

/// A resident (居民) of the community.
public struct Resident: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var communityID: Int64
    /// Name as on the identity card; rare characters (CJK Extension B and beyond) are kept as they are.
    public var name: String
    public var gender: Gender
    public var idNumber: ResidentIDNumber
    /// Birth date, taken from the ID number.
    public var birthDate: CivilDate
    /// Ethnicity (民族), e.g. 汉族, 回族.
    public var ethnicity: String
    public var phone: String?
    public var householdID: Int64?
    /// Relationship to the head of household (与户主关系): 户主, 配偶, 子, 女 …
    public var relationToHead: String?
    /// Where the resident actually lives, if known.
    public var residenceAddressID: Int64?
    /// Since when the resident lives here (for the 人户分离 residence rule).
    public var livingSince: CivilDate?
    public var politicalRights: PoliticalRights
    /// Household registration (户籍) is in this community.
    public var hukouHere: Bool
    /// Actually lives in this community.
    public var livesHere: Bool
    /// Since when the resident works for the community (community workers, roll category d).
    public var workingSince: CivilDate?
    public var createdAt: Date

    public init(id: Int64? = nil, communityID: Int64, name: String, gender: Gender, idNumber: ResidentIDNumber,
                ethnicity: String = "汉族", phone: String? = nil, householdID: Int64? = nil, relationToHead: String? = nil,
                residenceAddressID: Int64? = nil, livingSince: CivilDate? = nil, politicalRights: PoliticalRights = .held,
                hukouHere: Bool = true, livesHere: Bool = true, workingSince: CivilDate? = nil, createdAt: Date = AppClock.now()) {
        self.id = id
        self.communityID = communityID
        self.name = name
        self.gender = gender
        self.idNumber = idNumber
        self.birthDate = idNumber.birthDate
        self.ethnicity = ethnicity
        self.phone = phone
        self.householdID = householdID
        self.relationToHead = relationToHead
        self.residenceAddressID = residenceAddressID
        self.livingSince = livingSince
        self.politicalRights = politicalRights
        self.hukouHere = hukouHere
        self.livesHere = livesHere
        self.workingSince = workingSince
        self.createdAt = createdAt
    }
}

import Foundation

/// The columns of the residents import file, each recognised by its Chinese header or an
/// English one (docs/import-format.md). Unknown columns are refused, so a typo in a header
/// cannot silently drop data.
public enum ResidentColumn: String, CaseIterable, Sendable {
    case name, idNumber, gender, ethnicity, household, relation, building, unit, room
    case hukouAddress, hukouHere, livesHere, livingSince, workingSince, phone, politicalRights

    /// Accepted header spellings, the documented Chinese one first.
    public var headers: [String] {
        switch self {
        case .name: return ["姓名", "name"]
        case .idNumber: return ["公民身份号码", "身份证号码", "身份证号", "idnumber", "id_number", "id number"]
        case .gender: return ["性别", "gender", "sex"]
        case .ethnicity: return ["民族", "ethnicity"]
        case .household: return ["户号", "household", "household number"]
        case .relation: return ["与户主关系", "relation", "relation to head"]
        case .building: return ["楼栋", "楼号", "building"]
        case .unit: return ["单元", "unit"]
        case .room: return ["房号", "门牌号", "room"]
        case .hukouAddress: return ["户籍地址", "hukou address", "hukouaddress"]
        case .hukouHere: return ["户籍在本社区", "hukou here", "hukouhere"]
        case .livesHere: return ["居住在本社区", "lives here", "liveshere"]
        case .livingSince: return ["居住起始日期", "living since", "livingsince"]
        case .workingSince: return ["社区工作起始日期", "working since", "workingsince"]
        case .phone: return ["联系电话", "电话", "phone"]
        case .politicalRights: return ["政治权利", "political rights", "politicalrights"]
        }
    }

    /// Columns every file must have.
    public static let required: [ResidentColumn] = [.name, .idNumber, .household, .relation]

    /// Maps a header row to column positions; errors name each unknown, duplicate or missing column.
    static func map(header: [String]) -> (positions: [ResidentColumn: Int], errors: [String]) {
        var positions: [ResidentColumn: Int] = [:]
        var errors: [String] = []
        for (index, raw) in header.enumerated() {
            let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if text.isEmpty { continue }
            guard let column = allCases.first(where: { $0.headers.contains(text) }) else {
                errors.append("unknown column \"\(raw)\" (column \(index + 1))")
                continue
            }
            if positions[column] != nil {
                errors.append("column \"\(raw)\" appears twice")
            }
            positions[column] = index
        }
        for column in required where positions[column] == nil {
            errors.append("missing column \(column.headers[0]) (\(column.headers[1]))")
        }
        return (positions, errors)
    }
}

import Community
import Foundation

/// The published roll as CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel in China
/// opens the Chinese text correctly), CRLF line ends, masked ID numbers only — the same data
/// as the public roll page.
public enum RollCSV {
    static let header = ["选民编号", "姓名", "性别", "公民身份号码", "楼栋", "单元", "房号", "户号", "登记类别", "状态", "登记依据"]

    /// Renders roll lines.
    public static func render(_ lines: [RollLine]) -> Data {
        var text = "\u{FEFF}" + header.joined(separator: ",") + "\r\n"
        for line in lines {
            let status = line.active ? "有效" : "已减少：" + (line.removedReason.flatMap(RollChangeReason.init(rawValue:))?.chinese ?? "")
            let fields = [String(line.number), line.name, line.gender.chinese, line.maskedID, line.building, line.unit, line.room,
                          line.householdNumber, line.category.rawValue, status, line.registration?.chinese ?? ""]
            text += fields.map(quote).joined(separator: ",") + "\r\n"
        }
        return Data(text.utf8)
    }

    /// Quotes a field when it holds a comma, quote or line break (RFC 4180); a leading = + - @
    /// is prefixed with an apostrophe so a spreadsheet never runs it as a formula.
    static func quote(_ field: String) -> String { CSVField.escape(field) }
}

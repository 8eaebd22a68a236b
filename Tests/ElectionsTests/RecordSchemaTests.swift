import Foundation
import Testing

/// The subset of JSON Schema (2020-12) that `ballots/schema/` uses: type, properties,
/// required, additionalProperties: false, items, enum, const, pattern, minimum.
enum SchemaCheck {
    static func problems(_ value: Any, _ schema: [String: Any], at path: String = "$") -> [String] {
        var found: [String] = []
        if let expected = schema["const"], !same(value, expected) { found.append("\(path): should be \(expected)") }
        if let options = schema["enum"] as? [Any], !options.contains(where: { same(value, $0) }) { found.append("\(path): \(value) not one of \(options)") }
        if let type = schema["type"] as? String {
            let ok: Bool
            switch type {
            case "object": ok = value is [String: Any]
            case "array": ok = value is [Any]
            case "string": ok = value is String
            case "integer": ok = (value as? NSNumber).map { !isBool($0) && $0.doubleValue == $0.doubleValue.rounded() } ?? false
            case "boolean": ok = (value as? NSNumber).map(isBool) ?? false
            default: ok = true
            }
            if !ok { return found + ["\(path): not a \(type)"] }
        }
        if let minimum = schema["minimum"] as? NSNumber, let number = value as? NSNumber, number.doubleValue < minimum.doubleValue {
            found.append("\(path): below \(minimum)")
        }
        if let pattern = schema["pattern"] as? String, let text = value as? String, text.range(of: pattern, options: .regularExpression) == nil {
            found.append("\(path): does not match \(pattern)")
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { found.append("\(path).\(key): missing") }
            for (key, member) in object {
                if let sub = properties[key] { found += problems(member, sub, at: "\(path).\(key)") }
                else if schema["additionalProperties"] as? Bool == false { found.append("\(path).\(key): not allowed") }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, item) in array.enumerated() { found += problems(item, items, at: "\(path)[\(index)]") }
        }
        return found
    }

    static func isBool(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" || (number as Any) is Bool && !(number as Any is Int) }

    static func same(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case let (x as String, y as String): return x == y
        case let (x as NSNumber, y as NSNumber): return x == y && isBool(x) == isBool(y)
        default: return false
        }
    }
}

@Suite("ballots/schema: the example records follow the published JSON Schemas")
struct RecordSchemaTests {
    static let ballots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ballots")

    func json(_ url: URL) throws -> Any { try JSONSerialization.jsonObject(with: Data(contentsOf: url), options: [.fragmentsAllowed]) }

    func schema(_ name: String) throws -> [String: Any] {
        try #require(try json(Self.ballots.appendingPathComponent("schema/\(name).schema.json")) as? [String: Any])
    }

    @Test("every file of every example record, every ballot line and every receipt validates")
    func examples() throws {
        let files = ["manifest", "election", "roll", "candidates", "persons", "rounds", "tally", "result", "statement", "certificates"]
        var checked = 0
        for example in ["direct-runoff", "household", "electronic"] {
            let folder = Self.ballots.appendingPathComponent("examples/\(example)")
            for name in files {
                let problems = SchemaCheck.problems(try json(folder.appendingPathComponent("\(name).json")), try schema(name))
                #expect(problems.isEmpty, "\(example)/\(name).json: \(problems.prefix(3))")
                checked += 1
            }
            for (sub, name) in [("papers", "paper"), ("countersignatures", "countersignature")] {
                for url in try FileManager.default.contentsOfDirectory(at: folder.appendingPathComponent(sub), includingPropertiesForKeys: nil)
                where url.pathExtension == "json" {
                    #expect(SchemaCheck.problems(try json(url), try schema(name)).isEmpty, "\(url.lastPathComponent)")
                    checked += 1
                }
            }
            let lineSchema = try schema("ballot-line")
            for line in try String(contentsOf: folder.appendingPathComponent("ballots.jsonl"), encoding: .utf8).split(separator: "\n") {
                #expect(SchemaCheck.problems(try JSONSerialization.jsonObject(with: Data(line.utf8)), lineSchema).isEmpty)
                checked += 1
            }
        }
        let receipts = Self.ballots.appendingPathComponent("examples/electronic-receipts")
        for url in try FileManager.default.contentsOfDirectory(at: receipts, includingPropertiesForKeys: nil) {
            #expect(SchemaCheck.problems(try json(url), try schema("receipt")).isEmpty)
            checked += 1
        }
        #expect(checked > 200)
    }

    @Test("the checker itself rejects a missing field, an unknown one, a wrong type and a bad digest")
    func rejects() throws {
        let schema = try schema("roll")
        let good: [String: Any] = ["method": "direct", "voters": 60, "lines": 60, "csvSHA256": String(repeating: "a", count: 64)]
        #expect(SchemaCheck.problems(good, schema).isEmpty)
        // Booleans parsed from JSON are not integers, and integers are not booleans.
        let parsed = try JSONSerialization.jsonObject(with: Data(#"{"a":true,"b":1}"#.utf8)) as! [String: Any]
        #expect(!SchemaCheck.problems(parsed["a"]!, ["type": "integer"]).isEmpty && SchemaCheck.problems(parsed["b"]!, ["type": "integer"]).isEmpty)
        #expect(SchemaCheck.problems(parsed["a"]!, ["type": "boolean"]).isEmpty && !SchemaCheck.problems(parsed["b"]!, ["type": "boolean"]).isEmpty)
        var missing = good; missing["voters"] = nil
        var extra = good; extra["names"] = ["甲"]
        var wrong = good; wrong["lines"] = "60"
        var digest = good; digest["csvSHA256"] = "ABC"
        var boolean = good; boolean["voters"] = true
        var negative = good; negative["lines"] = -1
        for bad in [missing, extra, wrong, digest, boolean, negative] { #expect(!SchemaCheck.problems(bad, schema).isEmpty) }
    }
}

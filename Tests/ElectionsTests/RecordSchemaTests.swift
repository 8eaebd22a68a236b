import Foundation
import Testing

/// The subset of JSON Schema (2020-12) that `ballots/schema/` uses: type, properties,
/// required, additionalProperties: false, items, enum, const, pattern, minimum, if/then/else
/// and not.
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
        if let condition = schema["if"] as? [String: Any] {
            if problems(value, condition, at: path).isEmpty {
                if let then = schema["then"] as? [String: Any] { found += problems(value, then, at: path) }
            } else if let otherwise = schema["else"] as? [String: Any] {
                found += problems(value, otherwise, at: path)
            }
        }
        if let not = schema["not"] as? [String: Any], problems(value, not, at: path).isEmpty {
            found.append("\(path): must not match \(not)")
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
        let files = ["manifest", "election", "definition", "rules", "roll", "candidates", "persons", "rounds", "tally", "result", "statement", "certificates"]
        var checked = 0
        for example in ["direct-runoff", "household", "electronic"] {
            let folder = Self.ballots.appendingPathComponent("examples/\(example)")
            for name in files {
                let problems = SchemaCheck.problems(try json(folder.appendingPathComponent("\(name).json")), try schema(name))
                #expect(problems.isEmpty, "\(example)/\(name).json: \(problems.prefix(3))")
                checked += 1
            }
            for (sub, name) in [("papers", "paper"), ("countersignatures", "countersignature"), ("countsheets", "count-sheet")] {
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

    @Test("record format 3: a nonce on electronic lines only, no seq in a ballot receipt, manifest format /3 only")
    func formatTwo() throws {
        let line = try schema("ballot-line")
        let paper: [String: Any] = ["ballot": ["paper": String(repeating: "a", count: 64), "posts": [] as [Any], "state": "blank"], "box": 1, "election": 1,
                                    "method": "paper", "prev": String(repeating: "0", count: 64), "round": 1, "seq": 1]
        var electronic = paper
        electronic["method"] = "electronic"
        electronic["box"] = 0
        electronic["nonce"] = String(repeating: "0f", count: 16)
        #expect(SchemaCheck.problems(paper, line).isEmpty && SchemaCheck.problems(electronic, line).isEmpty)
        var paperWithNonce = paper; paperWithNonce["nonce"] = String(repeating: "0f", count: 16)
        var withoutNonce = electronic; withoutNonce["nonce"] = nil
        var shortNonce = electronic; shortNonce["nonce"] = "0f0f"
        var upperNonce = electronic; upperNonce["nonce"] = String(repeating: "0F", count: 16)
        for bad in [paperWithNonce, withoutNonce, shortNonce, upperNonce] { #expect(!SchemaCheck.problems(bad, line).isEmpty, "\(bad)") }

        let receipt = try schema("receipt")
        let statement: [String: Any] = ["what": "ballot", "subject": "election:1", "round": 1, "tracking": String(repeating: "b", count: 64),
                                        "at": "2026-12-20T08:00:00Z", "key": String(repeating: "c", count: 16)]
        #expect(SchemaCheck.problems(["signature": "x", "statement": statement], receipt).isEmpty)
        var withSeq = statement; withSeq["seq"] = 3
        var withoutRound = statement; withoutRound["round"] = nil
        #expect(!SchemaCheck.problems(["signature": "x", "statement": withSeq], receipt).isEmpty)
        #expect(!SchemaCheck.problems(["signature": "x", "statement": withoutRound], receipt).isEmpty)
        var objection = withSeq; objection["what"] = "objection"; objection["round"] = nil
        #expect(SchemaCheck.problems(["signature": "x", "statement": objection], receipt).isEmpty)

        let manifest = try schema("manifest")
        #expect(SchemaCheck.problems(["format": "xuanyi-election-record/3", "election": 1, "files": [] as [Any]], manifest).isEmpty)
        for old in ["xuanyi-election-record/1", "xuanyi-election-record/2"] {
            #expect(!SchemaCheck.problems(["format": old, "election": 1, "files": [] as [Any]], manifest).isEmpty)
        }
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

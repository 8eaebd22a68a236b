import Foundation
import Testing
@testable import Notary

@Suite("canonical JSON")
struct CanonicalJSONTests {
    struct Ballot: Encodable {
        let round: Int
        let box: String
        let seq: Int
        let marks: [String: [String]]
        let writeIns: [String]
        let note: String?
        let prev: String
    }

    @Test("keys sorted by code point, no whitespace, nil members left out")
    func basicForm() throws {
        let ballot = Ballot(round: 1, box: "B1", seq: 42, marks: ["主任": ["p1"], "委员": ["p2", "p3"]], writeIns: [], note: nil, prev: "00")
        let text = String(decoding: try CanonicalJSON.encode(ballot), as: UTF8.self)
        #expect(text == #"{"box":"B1","marks":{"主任":["p1"],"委员":["p2","p3"]},"prev":"00","round":1,"seq":42,"writeIns":[]}"#)
    }

    @Test("key order is by UTF-8 bytes: upper case before lower, ASCII before CJK")
    func keyOrder() throws {
        let value = JSONValue.object(["b": .integer(1), "B": .integer(2), "a": .integer(3), "中": .integer(4), "_": .integer(5)])
        #expect(String(decoding: try CanonicalJSON.encode(value: value), as: UTF8.self) == #"{"B":2,"_":5,"a":3,"b":1,"中":4}"#)
    }

    @Test("strings: escapes only quote, backslash and control characters; NFC applied")
    func strings() throws {
        let decomposed = "e\u{301}" // é as e + combining acute
        let value = JSONValue.array([.string("a\"b\\c/d\n\t\u{01}\u{1f}"), .string(decomposed), .string("𠀀王")])
        let text = String(decoding: try CanonicalJSON.encode(value: value), as: UTF8.self)
        #expect(text == "[\"a\\\"b\\\\c/d\\n\\t\\u0001\\u001f\",\"\u{e9}\",\"𠀀王\"]")
    }

    @Test("floats, Dates and out-of-range integers are refused with the path named")
    func refusals() throws {
        struct WithFloat: Encodable { let share: Double }
        struct WithDate: Encodable { let at: Date }
        do {
            _ = try CanonicalJSON.encode(WithFloat(share: 0.5))
            Issue.record("float accepted")
        } catch let error as NotaryError {
            #expect(error.description.contains("share"))
        }
        #expect(throws: NotaryError.self) { try CanonicalJSON.encode(WithDate(at: Date())) }
        #expect(throws: NotaryError.self) { try CanonicalJSON.encode(value: .integer(CanonicalJSON.maxSafeInteger + 1)) }
        #expect(try CanonicalJSON.encode(value: .integer(-CanonicalJSON.maxSafeInteger)) == Data("-9007199254740991".utf8))
    }

    @Test("nested containers of every kind encode fully")
    func nested() throws {
        struct Custom: Encodable {
            enum K: String, CodingKey { case a, list, inner }
            enum I: String, CodingKey { case x }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: K.self)
                try c.encode(1, forKey: .a)
                var list = c.nestedUnkeyedContainer(forKey: .list)
                try list.encode("one")
                var inList = list.nestedContainer(keyedBy: I.self)
                try inList.encode(true, forKey: .x)
                var deeper = list.nestedUnkeyedContainer()
                try deeper.encode(2)
                try deeper.encodeNil()
                var inner = c.nestedContainer(keyedBy: I.self, forKey: .inner)
                try inner.encode("y", forKey: .x)
            }
        }
        let text = String(decoding: try CanonicalJSON.encode(Custom()), as: UTF8.self)
        #expect(text == #"{"a":1,"inner":{"x":"y"},"list":["one",{"x":true},[2,null]]}"#)
    }

    @Test("the encoding is stable: same value, same bytes, whatever the dictionary order")
    func stable() throws {
        var first: [String: Int] = [:], second: [String: Int] = [:]
        for index in 0..<200 { first["k\(index)"] = index }
        for index in (0..<200).reversed() { second["k\(index)"] = index }
        #expect(try CanonicalJSON.encode(first) == CanonicalJSON.encode(second))
    }

    @Test("canonical output parses as ordinary JSON with the same content")
    func parsesBack() throws {
        let ballot = Ballot(round: 2, box: "流动票箱 1", seq: 7, marks: ["委员": ["甲", "乙"]], writeIns: ["王\u{20000}"], note: "line\nbreak", prev: "ff")
        let data = try CanonicalJSON.encode(ballot)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(object?["box"] as? String == "流动票箱 1")
        #expect(object?["note"] as? String == "line\nbreak")
        #expect((object?["writeIns"] as? [String])?.first == "王\u{20000}")
    }
}

@Suite("timestamps")
struct TimestampTests {
    @Test("format and parse RFC 3339 UTC", arguments: [
        (0.0, "1970-01-01T00:00:00Z"),
        (951_782_400.0, "2000-02-29T00:00:00Z"),
        (1_795_684_200.5, "2026-11-26T09:10:00Z"), // seconds from `date -u -d 2026-11-26T09:10:00Z +%s`
        (-86_400.0, "1969-12-31T00:00:00Z"),
    ])
    func roundTrip(seconds: Double, text: String) {
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: seconds)) == text)
        #expect(Timestamp.date(from: text) == Date(timeIntervalSince1970: seconds.rounded(.down)))
    }

    @Test("invalid dates are refused", arguments: ["2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-26 09:10:00Z", "2026-11-26T09:10:00+08:00", ""])
    func invalid(text: String) {
        #expect(Timestamp.date(from: text) == nil)
    }
}

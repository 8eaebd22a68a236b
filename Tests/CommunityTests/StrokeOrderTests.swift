import Community
import Testing

@Suite("姓氏笔画: stroke counts and order of Chinese names")
struct StrokeOrderTests {
    /// Simplified-Chinese stroke counts of common surnames, as Chinese dictionaries give them
    /// (艹 3 strokes, 阝 2, 讠 2, 钅 5) — typed in by hand, not read from the table under test.
    static let surnames: [Character: Int] = [
        "丁": 2, "卜": 2, "于": 3, "万": 3, "马": 3, "卫": 3, "王": 4, "文": 4, "方": 4, "尹": 4, "孔": 4, "毛": 4, "邓": 4,
        "石": 5, "叶": 5, "田": 5, "白": 5, "史": 5, "冯": 5, "龙": 5, "卢": 5, "刘": 6, "吕": 6, "朱": 6, "任": 6, "江": 6,
        "许": 6, "阮": 6, "孙": 6, "祁": 6, "李": 7, "杨": 7, "吴": 7, "何": 7, "宋": 7, "沈": 7, "杜": 7, "苏": 7, "邹": 7,
        "陈": 7, "张": 7, "余": 7, "汪": 7, "陆": 7, "邱": 7, "孟": 8, "林": 8, "周": 8, "罗": 8, "郑": 8, "金": 8, "范": 8,
        "欧": 8, "庞": 8, "赵": 9, "胡": 9, "姜": 9, "段": 9, "侯": 9, "钟": 9, "洪": 9, "姚": 9, "贺": 9, "施": 9, "高": 10,
        "郭": 10, "徐": 10, "夏": 10, "袁": 10, "唐": 10, "秦": 10, "钱": 10, "顾": 10, "陶": 10, "莫": 10, "黄": 11, "梁": 11,
        "曹": 11, "崔": 11, "康": 11, "萧": 11, "程": 12, "曾": 12, "董": 12, "韩": 12, "蒋": 12, "谢": 12, "彭": 12, "傅": 12,
        "路": 13, "雷": 13, "蒲": 13, "熊": 14, "谭": 14, "廖": 14, "蔡": 14, "潘": 15, "黎": 15, "颜": 15, "薛": 16, "霍": 16,
        "戴": 17, "魏": 17, "藏": 17, "瞿": 18,
    ]

    @Test("the table counts the simplified way: 黄 11, 苏 7, 郑 8, 陈 7 — every common surname as dictionaries count it")
    func counts() {
        for (character, expected) in Self.surnames {
            #expect(StrokeOrder.strokes(of: character.unicodeScalars.first!) == expected, "\(character)")
        }
        #expect(StrokeOrder.strokes(of: "𠮷".unicodeScalars.first!) == 6)   // CJK Extension B
        #expect(StrokeOrder.strokes(of: "A") == nil)
    }

    @Test("names sort by the surname's strokes, then the next character; compound surnames by their first character")
    func order() {
        // Same count: 苏 (first stroke 横) before 陈 (first stroke 横折), as ordering by first stroke puts them.
        let expected = ["乙", "丁", "万", "王", "石", "刘", "李", "苏", "陈", "欧阳", "郑", "赵", "高", "黄", "程", "路", "熊", "潘"]
        for _ in 0..<5 { #expect(expected.shuffled().sorted(by: StrokeOrder.areInOrder) == expected) }
        #expect(["王五", "丁十", "欧阳明", "王一", "王"].sorted(by: StrokeOrder.areInOrder) == ["丁十", "王", "王一", "王五", "欧阳明"])
        // Every pair of surnames with different counts is in count order.
        let names = Self.surnames.keys.map(String.init).sorted(by: StrokeOrder.areInOrder)
        let counts = names.map { Self.surnames[Character($0)]! }
        #expect(counts == counts.sorted())
        // Names written in Latin letters (foreign residents) come after Chinese names.
        #expect(["Smith", "王"].sorted(by: StrokeOrder.areInOrder) == ["王", "Smith"])
    }
}

import Foundation

/// Stroke counts and 姓氏笔画 order for Chinese names, as candidate lists and ballots use it:
/// by the strokes of the surname's first character, then the next character, and so on.
///
/// Counts are simplified-Chinese counts from Unihan's kTotalStrokes (the zh-Hans value; 艹 is
/// 3 strokes, 阝 2: 黄 11, 苏 7, 郑 8), in the `strokes.bin` resource made by
/// `scripts/make-stroke-table.py`. ICU's stroke collation (`zh@collation=stroke`) is not used
/// for the count because it counts such components the traditional way (黄 12, 苏 8, 陈 8)
/// and so misplaces about one common surname in five; it only breaks ties between characters
/// with the same count (an approximation of ordering by first stroke 横竖撇点折).
public enum StrokeOrder {
    /// The number of strokes of a character, or nil when the table has none (not a CJK ideograph).
    public static func strokes(of scalar: Unicode.Scalar) -> Int? {
        table.count(of: scalar.value)
    }

    /// Whether `a` comes before `b` in 姓氏笔画 order.
    public static func areInOrder(_ a: String, _ b: String) -> Bool {
        var left = a.unicodeScalars.makeIterator()
        var right = b.unicodeScalars.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?):
                if x == y { continue }
                // Ideographs with a count come first by count; anything else after them, by code point.
                switch (strokes(of: x), strokes(of: y)) {
                case (let m?, let n?) where m != n: return m < n
                case (.some, nil): return true
                case (nil, .some): return false
                case (nil, nil): return x.value < y.value
                default:
                    let order = String(x).compare(String(y), options: [], range: nil, locale: tieBreakLocale)
                    if order != .orderedSame { return order == .orderedAscending }
                    return x.value < y.value
                }
            }
        }
    }

    static let tieBreakLocale = Locale(identifier: "zh@collation=stroke")

    struct Table: Sendable {
        struct Block: Sendable {
            let start: UInt32
            let counts: [UInt8]
        }
        let blocks: [Block]

        func count(of code: UInt32) -> Int? {
            for block in blocks where code >= block.start && code < block.start + UInt32(block.counts.count) {
                let value = block.counts[Int(code - block.start)]
                return value == 0 ? nil : Int(value)
            }
            return nil
        }

        /// Reads the block format written by scripts/make-stroke-table.py.
        init(data: Data) {
            var blocks: [Block] = []
            let bytes = [UInt8](data)
            var offset = 0
            func u32(_ at: Int) -> UInt32 {
                UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
            }
            while offset + 8 <= bytes.count {
                let start = u32(offset)
                let length = Int(u32(offset + 4))
                guard offset + 8 + length <= bytes.count else { break }
                blocks.append(Block(start: start, counts: Array(bytes[(offset + 8)..<(offset + 8 + length)])))
                offset += 8 + length
            }
            self.blocks = blocks
        }
    }

    static let table: Table = {
        guard let url = Bundle.module.url(forResource: "strokes", withExtension: "bin"), let data = try? Data(contentsOf: url) else {
            fatalError("the Community target's strokes.bin resource is missing")
        }
        return Table(data: data)
    }()
}

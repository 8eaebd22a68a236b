import Community
import Foundation

/// A photo as Xuanyi keeps it (motions, implementation progress): a JPEG or PNG read segment by
/// segment (chunk by chunk) and written again with only what draws the picture. Everything else
/// is dropped — EXIF (with the GPS position of the resident's home), XMP, comments, text chunks,
/// and any bytes after the image's end — and anything that is not a well-formed JPEG or PNG is
/// refused, whatever its first bytes say.
public enum PhotoSanitizer {
    /// Largest width or height accepted, in pixels.
    public static let maxDimension = 20_000

    /// The cleaned bytes and their media type; throws naming what is wrong.
    public static func clean(_ data: Data) throws -> (data: Data, mediaType: String) {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xD8]) { return (Data(try jpeg(bytes)), "image/jpeg") }
        if bytes.starts(with: pngSignature) { return (Data(try png(bytes)), "image/png") }
        throw refusal("a JPEG or PNG picture")
    }

    static func refusal(_ reason: String) -> CommunityError { .invalid(field: "photo", reason: reason) }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    // MARK: JPEG

    /// Keeps SOI, the frame (SOF0–SOF15 but not DHT/JPG/DAC), DHT, DQT, DRI, DAC, APP0 (JFIF),
    /// APP14 (Adobe colour transform), each scan with its entropy-coded data, and EOI.
    static func jpeg(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = [0xFF, 0xD8]
        var index = 2
        var frame = false, scan = false
        while true {
            // Fill bytes (FF FF …) may precede a marker.
            guard index + 1 < bytes.count, bytes[index] == 0xFF else { throw refusal("a damaged JPEG (no marker where one belongs)") }
            while index + 1 < bytes.count && bytes[index + 1] == 0xFF { index += 1 }
            guard index + 1 < bytes.count else { throw refusal("a damaged JPEG (ends inside a marker)") }
            let marker = bytes[index + 1]
            index += 2
            if marker == 0xD9 {
                guard frame, scan else { throw refusal("a JPEG without image data") }
                out += [0xFF, 0xD9]
                return out    // anything after the end of the image is dropped
            }
            guard marker != 0xD8, marker != 0x00, !(0xD0...0xD7).contains(marker), marker != 0x01 else {
                throw refusal("a damaged JPEG (unexpected marker \(String(marker, radix: 16)))")
            }
            guard index + 1 < bytes.count else { throw refusal("a damaged JPEG (ends inside a segment)") }
            let length = Int(bytes[index]) << 8 | Int(bytes[index + 1])
            guard length >= 2, index + length <= bytes.count else { throw refusal("a damaged JPEG (a segment runs past the end)") }
            let segment = Array(bytes[(index - 2)..<(index + length)])
            index += length
            switch marker {
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                guard length >= 8 else { throw refusal("a damaged JPEG (short frame header)") }
                let height = Int(segment[5]) << 8 | Int(segment[6]), width = Int(segment[7]) << 8 | Int(segment[8])
                guard width > 0, height > 0, width <= maxDimension, height <= maxDimension else {
                    throw refusal("a picture of 1 to \(maxDimension) pixels each way")
                }
                frame = true
                out += segment
            case 0xC4, 0xCC, 0xDB, 0xDD, 0xE0, 0xEE:
                out += segment
            case 0xDA:
                guard frame else { throw refusal("a damaged JPEG (scan before frame)") }
                scan = true
                out += segment
                // Entropy-coded data: up to the next marker that is not a stuffed 00 or a restart.
                let start = index
                while index + 1 < bytes.count {
                    if bytes[index] == 0xFF, bytes[index + 1] != 0x00, !(0xD0...0xD7).contains(bytes[index + 1]), bytes[index + 1] != 0xFF { break }
                    index += 1
                }
                guard index + 1 < bytes.count else { throw refusal("a damaged JPEG (no end of image)") }
                out += bytes[start..<index]
            default:
                break   // APP1–APP13, APP15 (EXIF, XMP, ICC, maker notes), COM and the rest: dropped
            }
        }
    }

    // MARK: PNG

    /// Chunks kept: IHDR, PLTE, IDAT, IEND and those that change how the pixels look (tRNS,
    /// gAMA, cHRM, sRGB, sBIT, bKGD). Text, time, EXIF and private chunks are dropped. Each
    /// kept chunk's CRC is checked.
    static func png(_ bytes: [UInt8]) throws -> [UInt8] {
        var out = pngSignature
        var index = pngSignature.count
        var first = true, data = false
        let kept: Set<String> = ["IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "bKGD"]
        while true {
            guard index + 12 <= bytes.count else { throw refusal("a damaged PNG (ends inside a chunk)") }
            let length = Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            guard length <= 0x7FFF_FFFF, index + 12 + length <= bytes.count else { throw refusal("a damaged PNG (a chunk runs past the end)") }
            let typeBytes = Array(bytes[(index + 4)..<(index + 8)])
            guard typeBytes.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }) else { throw refusal("a damaged PNG (bad chunk type)") }
            let type = String(decoding: typeBytes, as: UTF8.self)
            let chunk = Array(bytes[index..<(index + 12 + length)])
            index += 12 + length
            if first {
                guard type == "IHDR", length == 13 else { throw refusal("a damaged PNG (IHDR must come first)") }
                let width = Int(chunk[8]) << 24 | Int(chunk[9]) << 16 | Int(chunk[10]) << 8 | Int(chunk[11])
                let height = Int(chunk[12]) << 24 | Int(chunk[13]) << 16 | Int(chunk[14]) << 8 | Int(chunk[15])
                guard width > 0, height > 0, width <= maxDimension, height <= maxDimension else {
                    throw refusal("a picture of 1 to \(maxDimension) pixels each way")
                }
                first = false
            }
            guard kept.contains(type) else {
                // An unknown critical chunk (upper-case first letter) would change the picture: refuse.
                if typeBytes[0] >= 65 && typeBytes[0] <= 90 { throw refusal("a PNG with an unknown critical chunk \(type)") }
                continue
            }
            let crc = UInt32(chunk[8 + length]) << 24 | UInt32(chunk[9 + length]) << 16 | UInt32(chunk[10 + length]) << 8 | UInt32(chunk[11 + length])
            guard CRC32.checksum(chunk[4..<(8 + length)]) == crc else { throw refusal("a damaged PNG (chunk \(type) fails its CRC)") }
            if type == "IDAT" { data = true }
            out += chunk
            if type == "IEND" {
                guard data else { throw refusal("a PNG without image data") }
                return out    // anything after IEND is dropped
            }
        }
    }
}

/// CRC-32 (ISO-HDLC, as PNG and ZIP use it).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { value in
        var c = UInt32(value)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

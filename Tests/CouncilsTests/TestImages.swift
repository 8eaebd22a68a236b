import Foundation

/// Small well-formed pictures for tests that upload photos (photos are read segment by segment
/// and rewritten without metadata, so a few magic bytes are not enough).
enum TestImages {
    /// A 2×2 PNG (IHDR, IDAT, IEND with their CRCs).
    static let png = Data([
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
        0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xFD, 0xD4, 0x9A, 0x73, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63,
        0x38, 0xA3, 0xA4, 0x04, 0x44, 0x0C, 0x10, 0x0A, 0x00, 0x20, 0x76, 0x04, 0x41, 0x84, 0xD8, 0xAC, 0xFE, 0x00, 0x00, 0x00, 0x00, 0x49,
        0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ])

    /// A JPEG's segments: SOI, JFIF, (an EXIF segment with a GPS position when `exif`), DQT, a
    /// 1×1 frame, DHT, a scan of `scanBytes` entropy-coded bytes, EOI.
    static func jpeg(exif: Bool = false, scanBytes: Int = 16) -> Data {
        func segment(_ marker: UInt8, _ body: [UInt8]) -> [UInt8] { [0xFF, marker, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body }
        var bytes: [UInt8] = [0xFF, 0xD8]
        bytes += segment(0xE0, Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0])
        if exif { bytes += segment(0xE1, Array("Exif".utf8) + [0, 0] + Array("GPSLatitude 39.9042N GPSLongitude 116.4074E".utf8)) }
        bytes += segment(0xDB, [0] + Array(repeating: 1, count: 64))
        bytes += segment(0xC0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0])
        bytes += segment(0xC4, [0] + [1] + Array(repeating: 0, count: 15) + [0])
        bytes += segment(0xDA, [1, 1, 0, 0, 0x3F, 0])
        bytes += Array(repeating: 0x5A, count: scanBytes)
        bytes += [0xFF, 0xD9]
        return Data(bytes)
    }
}

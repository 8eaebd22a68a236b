import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts chunks of GB18030 bytes to UTF-8 with the C library's iconv, carrying a
/// multi-byte sequence split across two chunks over to the next call.
final class GB18030Transcoder {
    private let descriptor: iconv_t
    private var pending: [UInt8] = []

    init() throws {
        let cd = iconv_open("UTF-8", "GB18030")
        guard let cd, cd != iconv_t(bitPattern: -1) else {
            throw CommunityError.invalid(field: "file", reason: "this system cannot read GB18030 (iconv has no GB18030)")
        }
        descriptor = cd
    }

    deinit { iconv_close(descriptor) }

    /// Converts `chunk`; `final` says no more input follows (a cut-off sequence is then an error).
    /// Throws with the offset of the first byte that is not GB18030.
    func convert(_ chunk: [UInt8], final: Bool) throws -> [UInt8] {
        var input = pending + chunk
        pending.removeAll(keepingCapacity: true)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var produced = 0
        try input.withUnsafeMutableBytes { inputBuffer in
            try output.withUnsafeMutableBytes { outputBuffer in
                var inPointer = inputBuffer.baseAddress?.assumingMemoryBound(to: CChar.self)
                var inLeft = inputBuffer.count
                var outPointer = outputBuffer.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outLeft = outputBuffer.count
                while inLeft > 0 {
                    let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                    if result != -1 { break }
                    switch errno {
                    case EINVAL where !final:
                        // Incomplete sequence at the end of the chunk: keep it for the next one.
                        let consumed = inputBuffer.count - inLeft
                        pending = Array(inputBuffer[consumed...])
                        inLeft = 0
                    case E2BIG:
                        throw CommunityError.invalid(field: "file", reason: "internal: transcoding buffer too small")
                    default:
                        let offset = inputBuffer.count - inLeft
                        throw TranscodingError(offsetInChunk: offset)
                    }
                }
                produced = outputBuffer.count - outLeft
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    struct TranscodingError: Error {
        let offsetInChunk: Int
    }
}

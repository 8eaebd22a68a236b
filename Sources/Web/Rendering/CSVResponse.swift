import Foundation
import Hummingbird

/// A CSV download: UTF-8 text (with the BOM the caller put in), offered as `fileName`.
enum CSVResponse {
    static func make(_ data: Data, fileName: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(fileName)\""],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

import Foundation

/// A notice as a stand-alone printable page (A4, official form), for the election archive:
/// no scripts, no links, the same text the web page shows.
public enum NoticeHTML {
    /// The page in Chinese (the signed text) or English (rendered from the same facts).
    public static func render(_ signed: SignedNotice, language: NoticeText.Language = .zh) -> String {
        let notice = signed.notice
        let body = language == .zh ? notice.text
            : NoticeText.body(kind: notice.kind, facts: notice.facts, community: notice.community, corrects: notice.corrects, language: .en)
        let title = NoticeText.title(number: notice.number, language: language)
        let issuer = NoticeText.issuer(community: notice.community, language: language)
        let labels = language == .zh
            ? (key: "选举密钥指纹", sha: "本公告SHA-256", signature: "签名（Ed25519，Base64）", seal: "（盖章）", audit: "审计日志链头")
            : (key: "Election key fingerprint", sha: "SHA-256 of this notice", signature: "Signature (Ed25519, Base64)", seal: "(seal)", audit: "Audit log head")
        var html = """
            <!DOCTYPE html>
            <html lang="\(language == .zh ? "zh-Hans" : "en")"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>
            @page { size: A4; margin: 20mm 18mm; }
            body { font-family: "Noto Serif CJK SC", "Songti SC", serif; font-size: 12pt; line-height: 1.7; max-width: 174mm; margin: 0 auto; color: #000; }
            h1 { text-align: center; font-size: 20pt; letter-spacing: .1em; margin: 0 0 4mm; }
            .issuer { text-align: center; margin: 0 0 2mm; }
            .subject { text-align: center; font-weight: bold; margin: 0 0 6mm; }
            p.body { text-indent: 2em; margin: 0 0 2mm; }
            .seal { text-align: right; margin-top: 12mm; }
            .foot { margin-top: 10mm; font-size: 7pt; line-height: 1.3; word-break: break-all; color: #333; border-top: 1px solid #999; padding-top: 2mm; }
            </style></head><body>
            <h1>\(escape(title))</h1>
            <p class="issuer">\(escape(issuer))</p>
            <p class="subject">\(escape(language == .zh ? notice.kind.chinese : notice.kind.english))</p>

            """
        for paragraph in body { html += "<p class=\"body\">\(escape(paragraph))</p>\n" }
        html += """
            <p class="seal">\(escape(issuer))\(labels.seal)<br>\(escape(NoticeText.date(notice.issuedOn, language: language)))</p>
            <div class="foot">\(labels.key): \(signed.keyFingerprint)<br>\(labels.sha): \(signed.sha256)<br>\(labels.signature): \(signed.signature.base64EncodedString())\(notice.audit.map { "<br>\(labels.audit): \($0.entries) · \($0.head)" } ?? "")</div>
            </body></html>

            """
        return html
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

import Community
import Foundation

/// The demo's completed handover (工作移交) of the previous term: opened the day after the
/// result was certified, the checklist's five required lines and one more, signed by the
/// outgoing 主任 (of the term before, which the demo does not hold, so named) and the incoming
/// 主任, and confirmed by the election committee's chair within the 10 days, with its notice.
public enum DemoHandover {
    /// Seeds the handover of `electionID` (certified) as its election committee's first member.
    @discardableResult
    public static func seed(into database: AppDatabase, electionID: Int64) throws -> Handover {
        guard let certifiedOn = try database.certificationDay(electionID: electionID),
              let director = try database.certifiedResult(electionID: electionID)?.statement.elected.first(where: { $0.post == .director }),
              let chair = try database.committeeMembers(electionID: electionID).first,
              let account = try database.account(id: chair.member.accountID) else {
            throw CommunityError.notFound("certified election \(electionID) with a committee")
        }
        let actor = Actor(account)
        let today = CivilDate.today()
        try database.openHandover(electionID: electionID, on: certifiedOn.adding(days: 1), today: today, actor: actor)
        let lines: [(HandoverCategory, String, String, String)] = [
            (.seal, "社区居民委员会印章、财务专用章", "2枚", "当场封存交接"),
            (.accounts, "居委会账目、银行存款及现金", "账册3本，存款余额86,420.35元，现金0元", "经街道财务所核对无误"),
            (.assets, "办公用房、电脑、打印机、投影仪等固定资产", "资产清单1份，共27项", ""),
            (.files, "2018—2023年文书、选举、民政档案", "62卷", "另附档案目录"),
            (.ledgers, "民政、计生、综治、网格工作台账", "15册", ""),
            (.other, "社区活动室、仓库钥匙", "6把", ""),
        ]
        for (category, description, quantity, remarks) in lines {
            try database.addHandoverItem(electionID: electionID, category: category, description: description, quantity: quantity, remarks: remarks, actor: actor)
        }
        let signed = certifiedOn.adding(days: 5)
        try database.signHandover(electionID: electionID, side: .outgoing, name: "周建国", post: .director, on: signed, today: today, actor: actor)
        try database.signHandover(electionID: electionID, side: .incoming, person: director.person, on: signed, today: today, actor: actor)
        return try database.confirmHandover(electionID: electionID, on: signed, today: today, actor: actor).0
    }
}

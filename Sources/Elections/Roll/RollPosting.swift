import Community
import Foundation

extension AppDatabase {
    /// Whether the public may read an election's roll now (issue 22 #12): from its publication
    /// (the 选民名单公布, at least 20 days before election day) until the result is certified. The
    /// roll is posted so that voters can check it and object; once the result is certified that
    /// purpose is served, and the masked roll of every voter is no longer offered to anyone who
    /// asks. Staff keep it; the certified record keeps what the law asks to keep.
    public func rollIsPosted(_ election: Election) throws -> Bool {
        guard election.status.rollIsPublic else { return false }
        return try certifiedResult(electionID: election.id!) == nil
    }
}

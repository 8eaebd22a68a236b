import Testing
@testable import Councils

@Suite("meeting quorum")
struct QuorumTests {
    @Test("residents' meeting: exactly half is not more than half")
    func exactlyHalfIsNotAQuorum() {
        #expect(!MeetingKind.residentsMeeting.hasQuorum(present: 50, entitled: 100))
        #expect(MeetingKind.residentsMeeting.hasQuorum(present: 51, entitled: 100))
        #expect(MeetingKind.residentsMeeting.quorumSize(entitled: 100) == 51)
        #expect(MeetingKind.residentsMeeting.quorumSize(entitled: 101) == 51)
    }

    @Test("representatives' meeting: at least two thirds")
    func twoThirds() {
        #expect(MeetingKind.representativesMeeting.hasQuorum(present: 20, entitled: 30))
        #expect(!MeetingKind.representativesMeeting.hasQuorum(present: 19, entitled: 30))
        #expect(MeetingKind.representativesMeeting.quorumSize(entitled: 31) == 21)
        #expect(MeetingKind.representativesMeeting.hasQuorum(present: 21, entitled: 31))
        #expect(!MeetingKind.representativesMeeting.hasQuorum(present: 20, entitled: 31))
    }

    @Test("quorumSize is the boundary of hasQuorum for every size", arguments: MeetingKind.allCases)
    func boundary(kind: MeetingKind) {
        for entitled in 1...500 {
            let size = kind.quorumSize(entitled: entitled)
            #expect(kind.hasQuorum(present: size, entitled: entitled))
            #expect(!kind.hasQuorum(present: size - 1, entitled: entitled))
        }
    }

    @Test("nonsense counts never make a quorum")
    func nonsense() {
        #expect(!MeetingKind.councilMeeting.hasQuorum(present: 5, entitled: 0))
        #expect(!MeetingKind.councilMeeting.hasQuorum(present: 11, entitled: 10))
    }
}

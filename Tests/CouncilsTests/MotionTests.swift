import Community
import Foundation
import GRDB
import Testing
@testable import Councils
import Notary

@Suite("motions: submission, co-signing, workflow")
struct MotionTests {
    @Test("a submission gets a number, deadlines, a history line and a receipt that verifies with the community key")
    func submission() throws {
        let fixture = try CouncilFixture()
        let (motion, receipt) = try fixture.motion(on: .d(2026, 11, 2))
        #expect(motion.number == "2026-0001")
        #expect(motion.state == "submitted")
        #expect(motion.submitterLabel.hasSuffix("某"))
        try receipt.verify(with: fixture.key.publicKey)
        #expect(receipt.statement.what == "motion")
        #expect(receipt.statement.tracking == motion.tracking)
        #expect(try fixture.motion("第二件事", from: 2).0.number == "2026-0002")
        let history = try fixture.database.motionHistory(motionID: motion.id!)
        #expect(history.map(\.action) == ["submit"])
        let audit = try fixture.database.verifyAudit()
        #expect(audit.isIntact)
    }

    @Test("required fields and categories are named when missing or wrong")
    func validation() throws {
        let fixture = try CouncilFixture(households: 3)
        let identity = try fixture.household(1)
        func submit(_ new: NewMotion) throws { _ = try fixture.database.submitMotion(communityID: fixture.communityID, new, by: .resident(identity), signingKey: fixture.key) }
        #expect(throws: CommunityError.invalid(field: "title", reason: "what the motion is about, 1 to 100 characters")) {
            try submit(NewMotion(title: "  ", description: "x", category: "parking"))
        }
        #expect(throws: CommunityError.self) { try submit(NewMotion(title: "停车", description: "", category: "parking")) }
        do {
            try submit(NewMotion(title: "停车", description: "停车难", category: "spaceships"))
            Issue.record("an unknown category was accepted")
        } catch let CommunityError.invalid(field, reason) {
            #expect(field == "category")
            #expect(reason.contains("parking"))
        }
        // A NUL (or any control character) would be stored short of what the receipt hashes: refused by field.
        for (title, description, field) in [("停车\u{0}难", "停车难", "title"), ("停车", "停车\u{0}难", "description"), ("停车\u{7}", "x", "title")] {
            do {
                try submit(NewMotion(title: title, description: description, category: "parking"))
                Issue.record("a control character in the \(field) was accepted")
            } catch let CommunityError.invalid(name, reason) {
                #expect(name == field && reason.contains("control character"))
            }
        }
        // Lines and tabs in the description are plain text.
        try submit(NewMotion(title: "停车难", description: "第一\n第二\t行", category: "parking"))
        let other = try Ed25519PrivateKey.generate()
        #expect(throws: CommunityError.self) {
            _ = try fixture.database.submitMotion(communityID: fixture.communityID, NewMotion(title: "停车", description: "停车难", category: "parking"),
                                                  by: .resident(identity), signingKey: other)
        }
        #expect(try fixture.database.motions(communityID: fixture.communityID).count == 1)
    }

    @Test("attack: a photo keeps no EXIF GPS position and no bytes after the picture; anything after a JPEG or PNG magic that is not a picture is refused")
    func photoMetadataStripped() throws {
        let fixture = try CouncilFixture(households: 3)
        let tagged = TestImages.jpeg(exif: true) + Data("<?php system($_GET['c']); ?>".utf8)
        let (motion, _) = try fixture.motion(photo: tagged)
        let stored = try #require(try fixture.database.motionPhoto(motionID: motion.id!))
        #expect(stored.mediaType == "image/jpeg" && stored.bytes == TestImages.jpeg(exif: false))
        #expect(!String(decoding: stored.bytes, as: UTF8.self).contains("GPS") && !String(decoding: stored.bytes, as: UTF8.self).contains("php"))
        #expect(motion.photoSHA256 == SHA256.hash(stored.bytes).hex)
        for hostile in [Data([0xFF, 0xD8, 0xFF]) + Data(repeating: 0x41, count: 200), Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]),
                        PhotoSanitizer.pngSignature.reduce(into: Data()) { $0.append($1) } + Data(repeating: 7, count: 100)] {
            #expect(throws: CommunityError.self) { try fixture.motion(photo: hostile) }
        }
        // A PNG: text chunks dropped, a chunk with a wrong CRC refused.
        func chunk(_ type: String, _ body: [UInt8], crc: UInt32? = nil) -> [UInt8] {
            let typed = Array(type.utf8) + body
            let sum = crc ?? CRC32.checksum(typed)
            return [UInt8(body.count >> 24), UInt8((body.count >> 16) & 0xFF), UInt8((body.count >> 8) & 0xFF), UInt8(body.count & 0xFF)] + typed
                + [UInt8(sum >> 24), UInt8((sum >> 16) & 0xFF), UInt8((sum >> 8) & 0xFF), UInt8(sum & 0xFF)]
        }
        let png = [UInt8](TestImages.png)
        let withText = Data(png[0..<33] + chunk("tEXt", Array("Comment\u{0}住址 3号楼2单元501".utf8)) + png[33...])
        #expect(try PhotoSanitizer.clean(withText).data == TestImages.png)
        let badCRC = Data(png[0..<33] + chunk("gAMA", [0, 0, 0xB1, 0x8F], crc: 1) + png[33...])
        #expect(throws: CommunityError.self) { try PhotoSanitizer.clean(badCRC) }
    }

    @Test("photos: JPEG or PNG by their bytes, within the size limit, stored with their SHA-256")
    func photos() throws {
        let fixture = try CouncilFixture(households: 3)
        let png = TestImages.png
        let (motion, _) = try fixture.motion(photo: png)
        #expect(motion.photoSHA256 == SHA256.hash(png).hex)
        let stored = try #require(try fixture.database.motionPhoto(motionID: motion.id!))
        #expect(stored.mediaType == "image/png")
        #expect(stored.bytes == png)
        #expect(throws: CommunityError.self) { try fixture.motion(photo: Data("GIF89a not allowed".utf8)) }
        let huge = Data([0xFF, 0xD8, 0xFF]) + Data(repeating: 0, count: 3 << 20)
        do {
            try fixture.motion(photo: huge)
            Issue.record("an oversized photo was accepted")
        } catch let CommunityError.invalid(field, reason) {
            // The size is said in bytes: a photo just over the limit is never "2048 KiB of at most 2048 KiB".
            #expect(field == "photo" && reason.contains("this one is \(huge.count) bytes"))
        }
        #expect(try fixture.database.motions(communityID: fixture.communityID).count == 1)
    }

    @Test("a clerk enters a paper or phone motion on a household's behalf, recorded as such")
    func onBehalf() throws {
        let fixture = try CouncilFixture(households: 3)
        let (motion, _) = try fixture.database.submitMotion(
            communityID: fixture.communityID, NewMotion(title: "路灯坏了", description: "东门路灯不亮", category: "safety"),
            by: .onBehalf(householdNumber: "H00002", residentID: nil, channel: "phone", clerk: fixture.clerk), signingKey: fixture.key)
        #expect(motion.channel == "phone")
        #expect(motion.enteredBy == "clerk")
        #expect(try fixture.database.motionHistory(motionID: motion.id!).first?.actor.contains("电话") == true)
        #expect(throws: CommunityError.self) {
            _ = try fixture.database.submitMotion(communityID: fixture.communityID, NewMotion(title: "x", description: "y", category: "safety"),
                                                  by: .onBehalf(householdNumber: "H99999", residentID: nil, channel: "paper", clerk: fixture.clerk), signingKey: fixture.key)
        }
    }

    @Test("one support per household: a second member is refused, the submitting household too; withdrawal reopens it")
    func onePerHousehold() throws {
        let fixture = try CouncilFixture()
        let (motion, _) = try fixture.motion(from: 1)
        var household = 2
        while try fixture.membersOf(household).count < 2 { household += 1 }
        #expect(try fixture.database.supportMotion(id: motion.id!, as: try fixture.household(household, member: 0)) == 1)
        do {
            try fixture.database.supportMotion(id: motion.id!, as: try fixture.household(household, member: 1))
            Issue.record("a second support from one household was accepted")
        } catch let CommunityError.notAllowed(message) {
            #expect(message.contains("one support per household"))
        }
        #expect(throws: CommunityError.self) { try fixture.database.supportMotion(id: motion.id!, as: try fixture.household(1)) }
        #expect(try fixture.database.supportCount(motionID: motion.id!) == 1)
        #expect(try fixture.database.withdrawSupport(id: motion.id!, as: try fixture.household(household, member: 1)) == 0)
        #expect(try fixture.database.supportMotion(id: motion.id!, as: try fixture.household(household, member: 1)) == 1)
        #expect(throws: CommunityError.self) { try fixture.database.withdrawSupport(id: motion.id!, as: try fixture.household(household + 1)) }
    }

    @Test("supportUnit = resident counts each member once")
    func perResident() throws {
        let fixture = try CouncilFixture()
        var settings = try fixture.database.councilSettings(communityID: fixture.communityID)
        settings.supportUnit = .resident
        try fixture.database.setCouncilSettings(settings, communityID: fixture.communityID, actor: .commandLine)
        let (motion, _) = try fixture.motion(from: 1)
        var household = 2
        while try fixture.membersOf(household).count < 2 { household += 1 }
        try fixture.database.supportMotion(id: motion.id!, as: try fixture.household(household, member: 0))
        try fixture.database.supportMotion(id: motion.id!, as: try fixture.household(household, member: 1))
        #expect(throws: CommunityError.self) { try fixture.database.supportMotion(id: motion.id!, as: try fixture.household(household, member: 1)) }
        #expect(try fixture.database.supportCount(motionID: motion.id!) == 2)
    }

    @Test("reaching supportThreshold puts the motion on the must-schedule list; scheduling closes co-signing")
    func threshold() throws {
        let fixture = try CouncilFixture()
        let (motion, _) = try fixture.motion(from: 1)
        for number in 2...5 { try fixture.database.supportMotion(id: motion.id!, as: try fixture.household(number)) }
        #expect(try fixture.database.motionsToSchedule(communityID: fixture.communityID).isEmpty)
        try fixture.database.supportMotion(id: motion.id!, as: try fixture.household(6))
        #expect(try fixture.database.motionsToSchedule(communityID: fixture.communityID).map(\.motion.id) == [motion.id])
        #expect(try fixture.database.motionHistory(motionID: motion.id!).contains { $0.action == "threshold" })
        _ = try fixture.move(motion, "accept")
        let meeting = try fixture.database.createMeeting(communityID: fixture.communityID, NewMeeting(
            kind: .councilMeeting, title: "议事园会议", date: CivilDate.today().adding(days: 20), time: "19:00", venue: "会议室",
            chairAccountID: fixture.chair.id!, recorderAccountID: fixture.recorder.id!), actor: .commandLine)
        try fixture.database.addAgendaItem(meetingID: meeting.id!, title: nil, motionNumber: motion.number, actor: .commandLine)
        #expect(try fixture.database.motion(number: motion.number, communityID: fixture.communityID).state == "scheduled")
        #expect(try fixture.database.motionsToSchedule(communityID: fixture.communityID).isEmpty)
        #expect(throws: CommunityError.self) { try fixture.database.withdrawSupport(id: motion.id!, as: try fixture.household(2)) }
        #expect(throws: CommunityError.self) { try fixture.database.supportMotion(id: motion.id!, as: try fixture.household(7)) }
    }

    @Test("each committee transition of the default workflow, with its reason and target rules")
    func committeeTransitions() throws {
        let fixture = try CouncilFixture()
        let a = try fixture.motion("甲", from: 1).0, b = try fixture.motion("乙", from: 2).0, c = try fixture.motion("丙", from: 3).0
        let d = try fixture.motion("丁", from: 4).0
        #expect(throws: CommunityError.invalid(field: "reason", reason: "不予受理 (notAccept) needs a written reason")) { _ = try fixture.move(a, "notAccept") }
        #expect(try fixture.move(a, "notAccept", reason: "不属于居委会职责").state == "notAccepted")
        #expect(throws: CommunityError.self) { _ = try fixture.move(b, "refer", reason: "物业事项") }
        let referred = try fixture.move(b, "refer", reason: "物业事项", target: "安和物业")
        #expect(referred.state == "referred")
        #expect(referred.referredTo == "安和物业")
        #expect(try fixture.move(c, "accept").state == "accepted")
        #expect(throws: CommunityError.self) { _ = try fixture.move(d, "merge", reason: "同一事项", target: d.number) }
        #expect(throws: CommunityError.self) { _ = try fixture.move(d, "merge", reason: "同一事项", target: a.number) }   // a is closed
        let merged = try fixture.move(d, "merge", reason: "同一事项", target: c.number)
        #expect(merged.state == "merged")
        #expect(merged.mergedIntoID == c.id)
        #expect(try fixture.move(a, "archive").state == "archived")
        let history = try fixture.database.motionHistory(motionID: b.id!)
        #expect(history.last?.fromState == "submitted")
        #expect(history.last?.toState == "referred")
        #expect(history.last?.reason?.contains("安和物业") == true)
        let actions = try fixture.database.reader.read { db in try String.fetchAll(db, sql: "SELECT action FROM auditEntry WHERE action LIKE 'motion.%' ORDER BY seq") }
        #expect(actions.contains("motion.notAccept") && actions.contains("motion.refer") && actions.contains("motion.merge") && actions.contains("motion.archive"))
        #expect(try fixture.database.verifyAudit().isIntact)
    }

    @Test("illegal transitions are refused, naming the state and what is possible")
    func refusals() throws {
        let fixture = try CouncilFixture()
        let motion = try fixture.motion().0
        do {
            _ = try fixture.move(motion, "archive")
            Issue.record("archived a submitted motion")
        } catch let CommunityError.notAllowed(message) {
            #expect(message.contains("已提交"))
            #expect(message.contains("accept"))
        }
        // Meeting actions are not the committee's to take.
        let accepted = try fixture.move(motion, "accept")
        #expect(throws: CommunityError.self) { _ = try fixture.move(accepted, "schedule") }
        #expect(throws: CommunityError.self) { _ = try fixture.move(accepted, "accept") }
        // A clerk is not the committee.
        #expect(throws: CommunityError.self) { _ = try fixture.database.moveMotion(id: motion.id!, action: "refer", reason: "x", target: "y", by: .committee(fixture.clerk)) }
        #expect(try fixture.database.motion(number: motion.number, communityID: fixture.communityID).state == "accepted")
    }

    @Test("withdrawal: only the submitting household, or a clerk recording its written request")
    func withdrawal() throws {
        let fixture = try CouncilFixture()
        let motion = try fixture.motion(from: 1).0
        #expect(throws: CommunityError.self) { _ = try fixture.database.moveMotion(id: motion.id!, action: "withdraw", reason: nil, by: .submitter(try fixture.household(2))) }
        #expect(throws: CommunityError.self) { _ = try fixture.move(motion, "withdraw") }   // the committee cannot withdraw it
        #expect(throws: CommunityError.self) { _ = try fixture.database.moveMotion(id: motion.id!, action: "withdraw", reason: nil, by: .clerkForSubmitter(fixture.clerk)) }
        #expect(try fixture.database.moveMotion(id: motion.id!, action: "withdraw", reason: nil, by: .submitter(try fixture.household(1))).state == "withdrawn")
        let second = try fixture.motion("另一件", from: 3).0
        #expect(try fixture.database.moveMotion(id: second.id!, action: "withdraw", reason: "提出人 11 月 3 日书面申请", by: .clerkForSubmitter(fixture.clerk)).state == "withdrawn")
    }

    @Test("a community renames states and adds its own; broken workflows are refused naming the problem")
    func customWorkflow() throws {
        let fixture = try CouncilFixture(households: 5)
        var workflow = MotionWorkflow.standard
        workflow.states[1].zh = "已立项"
        workflow.states.append(.init(key: "surveying", zh: "走访调研中", en: "Surveying", supportsOpen: true))
        workflow.transitions.append(.init(action: "survey", from: ["accepted"], to: "surveying", zh: "走访调研", en: "Survey", by: .committee))
        workflow.transitions.append(.init(action: "surveyDone", from: ["surveying"], to: "accepted", zh: "调研完成", en: "Survey done", by: .committee, reasonRequired: true))
        try fixture.database.setMotionWorkflow(workflow, communityID: fixture.communityID, actor: .commandLine)
        let motion = try fixture.motion().0
        #expect(try fixture.move(motion, "accept").state == "accepted")
        #expect(try fixture.move(motion, "survey").state == "surveying")
        #expect(throws: CommunityError.self) { _ = try fixture.move(motion, "surveyDone") }
        #expect(try fixture.move(motion, "surveyDone", reason: "走访 12 户").state == "accepted")

        var missing = MotionWorkflow.standard
        missing.states.removeAll { $0.key == "deferred" }
        #expect(throws: CommunityError.self) { try missing.validate() }
        var unreachable = MotionWorkflow.standard
        unreachable.states.append(.init(key: "limbo", zh: "悬置", en: "Limbo"))
        do {
            try unreachable.validate()
            Issue.record("an unreachable state was accepted")
        } catch let CommunityError.invalid(_, reason) {
            #expect(reason.contains("limbo"))
        }
        var wrongTarget = MotionWorkflow.standard
        wrongTarget.transitions[0].to = "nowhere"
        #expect(throws: CommunityError.invalid(field: "transitions[0].to", reason: "no state nowhere")) { try wrongTarget.validate() }
        var hijacked = MotionWorkflow.standard
        hijacked.transitions[5].by = .committee   // schedule must stay the meeting's
        #expect(throws: CommunityError.self) { try hijacked.validate() }
        // A state still holding motions cannot be dropped.
        var dropping = workflow
        dropping.states.removeAll { $0.key == "surveying" }
        dropping.transitions.removeAll { $0.action.hasPrefix("survey") }
        _ = try fixture.move(motion, "survey")
        #expect(throws: CommunityError.self) { try fixture.database.setMotionWorkflow(dropping, communityID: fixture.communityID, actor: .commandLine) }
    }

    @Test("comments: public and internal; hiding keeps the text and says why")
    func comments() throws {
        let fixture = try CouncilFixture(households: 3)
        let motion = try fixture.motion().0
        try fixture.database.addComment(motionID: motion.id!, body: "赞成", internal: false, author: "2号楼 张某", actor: .household(number: "H00002"), staff: false)
        let rude = try fixture.database.addComment(motionID: motion.id!, body: "骂人的话", internal: false, author: "3号楼 李某", actor: .household(number: "H00003"), staff: false)
        try fixture.database.addComment(motionID: motion.id!, body: "内部：已联系物业", internal: true, author: "居委会", actor: Actor(fixture.chair), staff: true)
        #expect(throws: CommunityError.self) {
            try fixture.database.addComment(motionID: motion.id!, body: "x", internal: true, author: "2号楼 张某", actor: .household(number: "H00002"), staff: false)
        }
        #expect(throws: CommunityError.self) { try fixture.database.hideComment(id: rude.id!, reason: "辱骂", by: fixture.clerk) }
        #expect(throws: CommunityError.self) { try fixture.database.hideComment(id: rude.id!, reason: " ", by: fixture.chair) }
        try fixture.database.hideComment(id: rude.id!, reason: "辱骂他人", by: fixture.chair)
        let publicView = try fixture.database.comments(motionID: motion.id!, includeInternal: false)
        #expect(publicView.count == 2)
        let hidden = try #require(publicView.first { $0.id == rude.id })
        #expect(hidden.hiddenReason == "辱骂他人")
        #expect(hidden.body == "骂人的话")   // kept, never deleted
        #expect(try fixture.database.comments(motionID: motion.id!, includeInternal: true).count == 3)
    }

    @Test("search, filters and the CSV export")
    func searchAndCSV() throws {
        let fixture = try CouncilFixture(households: 5)
        let a = try fixture.motion("电梯停运", from: 1).0
        _ = try fixture.database.submitMotion(communityID: fixture.communityID, NewMotion(title: "=HYPERLINK(\"x\")", description: "停车, \"难\"", category: "parking", building: "5号楼"),
                                              by: .resident(try fixture.household(2)), signingKey: fixture.key)
        _ = try fixture.move(a, "accept")
        #expect(try fixture.database.motions(communityID: fixture.communityID, filter: MotionFilter(state: "accepted")).map(\.motion.id) == [a.id])
        #expect(try fixture.database.motions(communityID: fixture.communityID, filter: MotionFilter(category: "parking")).count == 1)
        #expect(try fixture.database.motions(communityID: fixture.communityID, filter: MotionFilter(building: "5号楼")).count == 1)
        #expect(try fixture.database.motions(communityID: fixture.communityID, filter: MotionFilter(text: "电梯")).map(\.motion.id) == [a.id])
        #expect(try fixture.database.motions(communityID: fixture.communityID, filter: MotionFilter(text: "%")).isEmpty)
        #expect(try fixture.database.motions(communityID: fixture.communityID, filter: MotionFilter(text: a.number)).count == 1)
        let csv = try fixture.database.motionsCSV(communityID: fixture.communityID)
        #expect(csv.hasPrefix("\u{FEFF}编号,标题,"))
        let lines = csv.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 3)
        #expect(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""))
        #expect(lines.contains { $0.hasPrefix("\(a.number),电梯停运,公共设施,3号楼,2单元,第一网格,") && $0.contains(",已受理,") })
    }
}

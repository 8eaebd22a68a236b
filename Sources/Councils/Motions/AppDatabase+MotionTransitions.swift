import Community
import Foundation
import GRDB
import Notary

/// Who asks for a motion's transition.
public enum MotionMover: Sendable {
    /// A committee member or administrator.
    case committee(Account)
    /// The submitting household itself (its account or access code).
    case submitter(ResidentIdentity)
    /// A clerk recording the submitter's written request (e.g. a withdrawal letter).
    case clerkForSubmitter(Account)

    var performer: MotionWorkflow.Performer {
        switch self {
        case .committee: return .committee
        case .submitter, .clerkForSubmitter: return .submitter
        }
    }

    var actor: Actor {
        switch self {
        case .committee(let account), .clerkForSubmitter(let account): return Actor(account)
        case .submitter(let identity): return identity.actor
        }
    }

    var label: String {
        switch self {
        case .committee(let account): return "居委会·\(account.username)"
        case .submitter(let identity): return "提出人（\(identity.publicLabel)）"
        case .clerkForSubmitter(let account): return "提出人书面申请·\(account.username)"
        }
    }
}

extension AppDatabase {
    /// Moves a motion along its workflow with `action`.
    ///
    /// Refused with a message naming the states when the workflow has no such transition from
    /// the current state, when the mover may not take it (committee, submitter, or only a
    /// meeting), or when a required reason is missing. `refer` needs `target` (where it was
    /// referred to); `merge` needs `target`, the number of the motion it joins, which must be
    /// open. The motion's row, its history line and the audit entry commit together.
    public func moveMotion(id: Int64, action: String, reason: String?, target: String? = nil, by mover: MotionMover, now: Date = AppClock.now()) throws -> Motion {
        if let instead = Self.dedicatedActions[action] { throw CommunityError.notAllowed("\(action): \(instead)") }
        return try writer.write { db in
            guard var motion = try Motion.fetchOne(db, key: id) else { throw CommunityError.notFound("motion \(id)") }
            switch mover {
            case .committee(let account):
                guard account.has(anyOf: [.admin, .committee]) else { throw CommunityError.notAllowed("only the residents' committee decides on motions") }
            case .clerkForSubmitter(let account):
                guard account.has(anyOf: [.admin, .committee, .clerk]) else { throw CommunityError.notAllowed("only staff record a submitter's written request") }
                guard !(reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw CommunityError.invalid(field: "reason", reason: "say how the submitter asked (letter of 3 May, phone call …)")
                }
            case .submitter(let identity):
                guard identity.householdID == motion.householdID else { throw CommunityError.notAllowed("only the household that submitted motion \(motion.number) may do this") }
            }
            let workflow = try Self.motionWorkflow(db, communityID: motion.communityID)
            let transition = try Self.allowedTransition(workflow, motion: motion, action: action, performer: mover.performer)
            if CosignThreshold.refusingActions.contains(action) {
                let settings = try Self.councilSettings(db, communityID: motion.communityID)
                let supports = try CosignThreshold.count(db, motionID: id, unit: settings.supportUnit)
                if CosignThreshold.reached(motion, supports: supports, settings: settings) {
                    throw CommunityError.notAllowed("motion \(motion.number) reached the co-sign threshold (\(settings.supportThreshold) \(settings.supportUnit == .household ? "households" : "residents")): it must be put on an agenda; it can be merged or referred with a reason, not refused")
                }
            }
            switch action {
            case "refer":
                guard let place = target?.trimmingCharacters(in: .whitespaces), !place.isEmpty, place.count <= 100 else {
                    throw CommunityError.invalid(field: "target", reason: "where the motion is referred to (street office, property company, 12345 …)")
                }
                motion.referredTo = place
            case "merge":
                let number = (target ?? "").trimmingCharacters(in: .whitespaces)
                guard let into = try Motion.filter(Column("communityID") == motion.communityID && Column("number") == number).fetchOne(db) else {
                    throw CommunityError.invalid(field: "target", reason: "the number of the motion this one joins (no motion \(number))")
                }
                guard into.id != motion.id else { throw CommunityError.invalid(field: "target", reason: "a motion cannot be merged into itself") }
                guard workflow.state(into.state)?.supportsOpen == true || into.state == "scheduled" else {
                    throw CommunityError.invalid(field: "target", reason: "motion \(number) is \(workflow.state(into.state)?.zh ?? into.state): merge only into an open motion")
                }
                motion.mergedIntoID = into.id
            default: break
            }
            try Self.apply(db, transition, to: &motion, workflow: workflow, reason: reason, actorLabel: mover.label, actor: mover.actor, now: now)
            return motion
        }
    }

    /// Actions that carry more than a reason, taken through their own functions.
    /// The moves `moveMotion` takes from the motion's current state, by `performer`: the
    /// workflow's transitions out of the state, without the meeting's own (schedule, pass …),
    /// the dedicated ones (implement, complete: their own forms and commands) and, once the
    /// co-sign threshold binds, refusing the motion (`CosignThreshold`). The motion page and
    /// the command line offer exactly these.
    public func availableMoves(motionID: Int64, by performer: MotionWorkflow.Performer) throws -> [MotionWorkflow.Transition] {
        let motion = try motion(id: motionID)
        let workflow = try motionWorkflow(communityID: motion.communityID)
        let settings = try councilSettings(communityID: motion.communityID)
        let reached = CosignThreshold.reached(motion, supports: try supportCount(motionID: motionID), settings: settings)
        return workflow.transitions(from: motion.state).filter {
            $0.by == performer && Self.dedicatedActions[$0.action] == nil && !(reached && CosignThreshold.refusingActions.contains($0.action))
        }
    }

    static let dedicatedActions = [
        "implement": "name the owner when starting the implementation (startImplementation, the motion's implementation form)",
        "complete": "record what was done when completing the implementation (completeImplementation)",
    ]

    static func allowedTransition(_ workflow: MotionWorkflow, motion: Motion, action: String, performer: MotionWorkflow.Performer) throws -> MotionWorkflow.Transition {
        let stateName = workflow.state(motion.state)?.zh ?? motion.state
        guard let transition = workflow.transition(action, from: motion.state) else {
            let possible = workflow.transitions(from: motion.state).map { "\($0.zh) (\($0.action))" }
            throw CommunityError.notAllowed("motion \(motion.number) is \(stateName): \(action) is not possible from there"
                + (possible.isEmpty ? "; nothing follows this state" : "; possible: \(possible.joined(separator: ", "))"))
        }
        guard transition.by == performer else {
            throw CommunityError.notAllowed("\(transition.zh) (\(action)) is taken by \(transition.by.chinese) (\(transition.by.rawValue)), not by \(performer.chinese)")
        }
        return transition
    }

    /// Applies a transition inside a write transaction: the state, a history line, an audit entry.
    static func apply(_ db: Database, _ transition: MotionWorkflow.Transition, to motion: inout Motion, workflow: MotionWorkflow, reason: String?,
                      actorLabel: String, actor: Actor, now: Date) throws {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if transition.reasonRequired && reason == nil {
            throw CommunityError.invalid(field: "reason", reason: "\(transition.zh) (\(transition.action)) needs a written reason")
        }
        if let reason, reason.count > 2_000 { throw CommunityError.invalid(field: "reason", reason: "at most 2,000 characters") }
        let from = motion.state
        let at = Timestamp.string(from: now)
        motion.state = transition.to
        motion.stateSince = at
        try motion.update(db)
        // Supports end when co-signing closes: they stay counted but can no longer be withdrawn.
        var event = MotionEvent(motionID: motion.id!, at: at, actor: actorLabel, action: transition.action, fromState: from, toState: transition.to,
                                reason: [reason, motion.referredTo.flatMap { transition.action == "refer" ? "转至：\($0)" : nil }].compactMap { $0 }.joined(separator: "；").nilIfEmpty)
        try event.insert(db)
        try AuditLog.append(db, actor: actor, action: "motion.\(transition.action)", subject: "motion:\(motion.number)", details: [
            "from": from, "to": transition.to, "reason": reason ?? "",
        ], now: now)
    }

    /// Applies a meeting's transition (schedule, pass, reject, defer, unschedule) inside the
    /// meeting's own write transaction.
    static func meetingTransition(_ db: Database, motionID: Int64, action: String, meetingLabel: String, reason: String?, actor: Actor, now: Date) throws {
        guard var motion = try Motion.fetchOne(db, key: motionID) else { throw CommunityError.notFound("motion \(motionID)") }
        let workflow = try motionWorkflow(db, communityID: motion.communityID)
        let transition = try allowedTransition(workflow, motion: motion, action: action, performer: .meeting)
        try apply(db, transition, to: &motion, workflow: workflow, reason: reason, actorLabel: meetingLabel, actor: actor, now: now)
    }
}

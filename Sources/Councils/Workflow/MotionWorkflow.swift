import Community
import Foundation

/// The states a motion goes through and the transitions between them, as data
/// (deliberation.md "Motions"): a community can rename states and actions and add its own,
/// as long as the states and actions the system itself uses stay (`required…`).
public struct MotionWorkflow: Codable, Sendable, Equatable {
    /// A state: stable key, names in both languages, and whether co-signing is open in it.
    public struct State: Codable, Sendable, Equatable {
        public var key: String
        public var zh: String
        public var en: String
        /// Residents may co-sign (and withdraw their support) while the motion is in this state.
        public var supportsOpen: Bool
        public init(key: String, zh: String, en: String, supportsOpen: Bool = false) {
            self.key = key
            self.zh = zh
            self.en = en
            self.supportsOpen = supportsOpen
        }
    }

    /// Who may take a transition.
    public enum Performer: String, Codable, Sendable {
        /// The residents' committee (committee members, administrators).
        case committee
        /// The submitter (or a clerk recording the submitter's written request).
        case submitter
        /// Only the system, as the effect of a meeting's agenda or vote (or a hearing).
        case meeting
    }

    /// A transition: action key, the states it leaves from, the state it enters, names, who
    /// may take it and whether a written reason is required.
    public struct Transition: Codable, Sendable, Equatable {
        public var action: String
        public var from: [String]
        public var to: String
        public var zh: String
        public var en: String
        public var by: Performer
        public var reasonRequired: Bool
        public init(action: String, from: [String], to: String, zh: String, en: String, by: Performer, reasonRequired: Bool = false) {
            self.action = action
            self.from = from
            self.to = to
            self.zh = zh
            self.en = en
            self.by = by
            self.reasonRequired = reasonRequired
        }
    }

    public var states: [State]
    public var transitions: [Transition]

    public init(states: [State], transitions: [Transition]) {
        self.states = states
        self.transitions = transitions
    }

    /// The state every motion starts in.
    public static let initialState = "submitted"
    /// States the system moves motions into itself, and must therefore exist.
    public static let requiredStates = ["submitted", "scheduled", "passed", "rejected", "deferred", "withdrawn", "merged", "referred", "notAccepted"]
    /// Actions the system takes (or offers) with a fixed meaning: action → state it must enter.
    public static let requiredActions: [String: (to: String, by: Performer)] = [
        "schedule": ("scheduled", .meeting), "pass": ("passed", .meeting), "reject": ("rejected", .meeting),
        "defer": ("deferred", .meeting), "withdraw": ("withdrawn", .submitter), "merge": ("merged", .committee),
        "refer": ("referred", .committee), "notAccept": ("notAccepted", .committee),
    ]

    /// The default workflow of deliberation.md.
    public static let standard = MotionWorkflow(
        states: [
            State(key: "submitted", zh: "已提交", en: "Submitted", supportsOpen: true),
            State(key: "accepted", zh: "已受理", en: "Accepted", supportsOpen: true),
            State(key: "notAccepted", zh: "不予受理", en: "Not accepted"),
            State(key: "referred", zh: "已转办", en: "Referred"),
            State(key: "merged", zh: "已合并", en: "Merged"),
            State(key: "withdrawn", zh: "已撤回", en: "Withdrawn"),
            State(key: "scheduled", zh: "已列入议程", en: "Scheduled"),
            State(key: "passed", zh: "表决通过", en: "Passed"),
            State(key: "rejected", zh: "表决未通过", en: "Rejected"),
            State(key: "deferred", zh: "暂缓决定", en: "Deferred"),
            State(key: "implementing", zh: "落实中", en: "Implementing"),
            State(key: "completed", zh: "已办结", en: "Completed"),
            State(key: "evaluated", zh: "已评议", en: "Evaluated"),
            State(key: "archived", zh: "已归档", en: "Archived"),
        ],
        transitions: [
            Transition(action: "accept", from: ["submitted"], to: "accepted", zh: "受理", en: "Accept", by: .committee),
            Transition(action: "notAccept", from: ["submitted"], to: "notAccepted", zh: "不予受理", en: "Do not accept", by: .committee, reasonRequired: true),
            Transition(action: "refer", from: ["submitted", "accepted"], to: "referred", zh: "转办", en: "Refer", by: .committee, reasonRequired: true),
            Transition(action: "merge", from: ["submitted", "accepted"], to: "merged", zh: "合并", en: "Merge", by: .committee, reasonRequired: true),
            Transition(action: "withdraw", from: ["submitted", "accepted"], to: "withdrawn", zh: "撤回", en: "Withdraw", by: .submitter),
            Transition(action: "schedule", from: ["accepted", "deferred"], to: "scheduled", zh: "列入议程", en: "Schedule", by: .meeting),
            Transition(action: "pass", from: ["scheduled"], to: "passed", zh: "表决通过", en: "Pass", by: .meeting),
            Transition(action: "reject", from: ["scheduled"], to: "rejected", zh: "表决未通过", en: "Reject", by: .meeting),
            Transition(action: "defer", from: ["scheduled"], to: "deferred", zh: "暂缓", en: "Defer", by: .meeting),
            Transition(action: "unschedule", from: ["scheduled"], to: "accepted", zh: "撤出议程", en: "Take off the agenda", by: .meeting),
            Transition(action: "implement", from: ["passed"], to: "implementing", zh: "开始落实", en: "Start implementing", by: .committee),
            Transition(action: "complete", from: ["implementing"], to: "completed", zh: "办结", en: "Complete", by: .committee),
            Transition(action: "evaluate", from: ["completed"], to: "evaluated", zh: "评议完成", en: "Close evaluation", by: .committee),
            Transition(action: "archive", from: ["evaluated", "notAccepted", "referred", "merged", "withdrawn", "rejected"], to: "archived",
                       zh: "归档", en: "Archive", by: .committee),
        ])

    /// The state with `key`.
    public func state(_ key: String) -> State? { states.first { $0.key == key } }

    /// The transition `action` out of `state`, if the workflow has one.
    public func transition(_ action: String, from state: String) -> Transition? {
        transitions.first { $0.action == action && $0.from.contains(state) }
    }

    /// The transitions out of `state`.
    public func transitions(from state: String) -> [Transition] { transitions.filter { $0.from.contains(state) } }

    static func isKey(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.count <= 40, CharacterSet.letters.contains(first), first.isASCII else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }
    }

    /// Checks the workflow; throws naming the first problem (`states[3].key`, `transitions[2].to` …).
    public func validate() throws {
        var keys = Set<String>()
        for (index, state) in states.enumerated() {
            guard Self.isKey(state.key) else { throw CommunityError.invalid(field: "states[\(index)].key", reason: "letters, digits and _, starting with a letter") }
            guard keys.insert(state.key).inserted else { throw CommunityError.invalid(field: "states[\(index)].key", reason: "\(state.key) is listed twice") }
            guard !state.zh.trimmingCharacters(in: .whitespaces).isEmpty, !state.en.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw CommunityError.invalid(field: "states[\(index)]", reason: "\(state.key) needs a Chinese and an English name")
            }
        }
        for required in Self.requiredStates where !keys.contains(required) {
            throw CommunityError.invalid(field: "states", reason: "the system needs the state \(required) (rename it if you like, but keep its key)")
        }
        var seen = Set<String>()
        for (index, transition) in transitions.enumerated() {
            guard Self.isKey(transition.action) else { throw CommunityError.invalid(field: "transitions[\(index)].action", reason: "letters, digits and _, starting with a letter") }
            guard keys.contains(transition.to) else { throw CommunityError.invalid(field: "transitions[\(index)].to", reason: "no state \(transition.to)") }
            guard !transition.from.isEmpty else { throw CommunityError.invalid(field: "transitions[\(index)].from", reason: "at least one state") }
            for from in transition.from {
                guard keys.contains(from) else { throw CommunityError.invalid(field: "transitions[\(index)].from", reason: "no state \(from)") }
                guard from != transition.to else { throw CommunityError.invalid(field: "transitions[\(index)]", reason: "\(transition.action) would leave \(from) for itself") }
                guard seen.insert("\(transition.action)|\(from)").inserted else {
                    throw CommunityError.invalid(field: "transitions[\(index)]", reason: "\(transition.action) leaves \(from) twice")
                }
            }
            guard !transition.zh.isEmpty, !transition.en.isEmpty else { throw CommunityError.invalid(field: "transitions[\(index)]", reason: "\(transition.action) needs a Chinese and an English name") }
            if let fixed = Self.requiredActions[transition.action] {
                guard transition.to == fixed.to, transition.by == fixed.by else {
                    throw CommunityError.invalid(field: "transitions[\(index)]", reason: "\(transition.action) must lead to \(fixed.to) and be taken by \(fixed.by.rawValue)")
                }
            }
        }
        for (action, fixed) in Self.requiredActions where !transitions.contains(where: { $0.action == action }) {
            throw CommunityError.invalid(field: "transitions", reason: "the system needs the action \(action) (to \(fixed.to))")
        }
        // Every state can be reached from the initial one.
        var reached: Set<String> = [Self.initialState]
        var changed = true
        while changed {
            changed = false
            for transition in transitions where !reached.contains(transition.to) && transition.from.contains(where: reached.contains) {
                reached.insert(transition.to)
                changed = true
            }
        }
        if let unreachable = states.first(where: { !reached.contains($0.key) }) {
            throw CommunityError.invalid(field: "states", reason: "\(unreachable.key) cannot be reached from \(Self.initialState)")
        }
    }
}

extension MotionWorkflow.Performer {
    public var chinese: String {
        switch self {
        case .committee: return "居委会"
        case .submitter: return "提出人"
        case .meeting: return "会议表决"
        }
    }
}

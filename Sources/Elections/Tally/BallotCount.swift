import Community

/// What the ballots of a round add up to (election-rules.md §6), before any decision: per post,
/// each person's votes, and how many ballots were collected, invalid, blank or void per post.
public struct BallotCount: Sendable, Equatable {
    /// Counts are equal when every published figure is (however the votes are stored).
    public static func == (lhs: BallotCount, rhs: BallotCount) -> Bool {
        lhs.collected == rhs.collected && lhs.invalid == rhs.invalid && lhs.blank == rhs.blank && lhs.voided == rhs.voided
            && lhs.voidPosts == rhs.voidPosts && lhs.voidWriteIns == rhs.voidWriteIns && lhs.votes == rhs.votes
    }

    /// Papers in the boxes (the tellers' counts): the base of turnout and thresholds, invalid
    /// and blank papers included.
    public var collected = 0
    /// Not official or wholly unreadable: collected, no votes.
    public var invalid = 0
    /// Untouched: collected, no votes.
    public var blank = 0
    /// Void as a whole by `overvote = voidBallot` or `samePersonTwoPosts = voidBallot`.
    public var voided = 0
    /// Per post: ballots on which that post was void (over-marked or unreadable).
    public var voidPosts: [Post: Int] = [:]
    /// Per post: votes per person (listed candidates and written-in persons alike).
    public var votes: [Post: [Int64: Int]] {
        get {
            var result: [Post: [Int64: Int]] = [:]
            for (index, post) in Post.allCases.enumerated() {
                var persons = byPost[index]
                for (slot, person) in listedPersons[index].enumerated() where listed[index][slot] > 0 { persons[person, default: 0] += listed[index][slot] }
                if !persons.isEmpty { result[post] = persons }
            }
            return result
        }
        set {
            byPost = Post.allCases.map { newValue[$0] ?? [:] }
            listed = Array(repeating: [], count: Post.allCases.count)
            listedPersons = listed.map { _ in [] }
        }
    }
    /// Votes for persons not listed on the paper (write-ins), by the post's place in `Post.allCases`.
    private var byPost: [[Int64: Int]] = Array(repeating: [:], count: Post.allCases.count)
    /// Votes for the listed candidates, by post ordinal and place on the paper (no hashing per
    /// vote); `listedPersons` are the persons of those places.
    private var listed: [[Int]] = Array(repeating: [], count: Post.allCases.count)
    private var listedPersons: [[Int64]] = Array(repeating: [], count: Post.allCases.count)
    /// Write-ins that named nobody on the roll (or a man on a women-only line), per post, on
    /// ballots not void as a whole.
    public var voidWriteIns: [Post: Int] = [:]

    public init() {}

    /// A person's votes in a post.
    public func votes(_ person: Int64, in post: Post) -> Int {
        let index = post.ordinal
        var total = byPost[index][person] ?? 0
        for (slot, listedPerson) in listedPersons[index].enumerated() where listedPerson == person { total += listed[index][slot] }
        return total
    }

    /// Makes the listed counters of `section` ready: the first time a post is seen, or (never in a
    /// normal count) when another paper lists other persons, whose counts then move to `byPost`.
    /// Makes the listed counters ready for `layout`'s paper (called once per count; `add` only
    /// checks the number of candidates per post).
    mutating func prepare(_ layout: PaperLayout) {
        for index in layout.posts.indices {
            prepareListed(ordinal: layout.ordinals[index], persons: Array(layout.persons[layout.starts[index]..<(layout.starts[index] + layout.counts[index])]))
        }
    }

    private mutating func prepareListed(ordinal index: Int, persons: [Int64]) {
        if listedPersons[index] == persons { return }
        for (slot, person) in listedPersons[index].enumerated() where listed[index][slot] > 0 { byPost[index][person, default: 0] += listed[index][slot] }
        listedPersons[index] = persons
        listed[index] = Array(repeating: 0, count: persons.count)
    }

    /// Counts `ballots` marked on `paper` by `rules`. `isWoman` tells whether a written-in
    /// person may stand on a women-only line. The ballots are counted as they are; which boxes
    /// they came from does not matter (shuffling them changes nothing).
    public static func count(_ ballots: [MarkedBallot], paper: BallotPaper, rules: RuleSet, isWoman: (Int64) -> Bool) -> BallotCount {
        var count = BallotCount()
        count.collected = ballots.count
        let layout = PaperLayout(paper)
        count.prepare(layout)
        var scratch: [UInt8] = []
        for ballot in ballots { count.add(ballot, layout: layout, scratch: &scratch, rules: rules, isWoman: isWoman) }
        return count
    }

    /// Counts ballots held packed in memory (`PackedBallots`): the same rules, without
    /// following a pointer per post and mark.
    public static func count(_ ballots: PackedBallots, paper: BallotPaper, rules: RuleSet, isWoman: (Int64) -> Bool) -> BallotCount {
        var count = BallotCount()
        count.collected = ballots.count
        let layout = PaperLayout(paper)
        count.prepare(layout)
        ballots.forEach { count.add(packed: $0, layout: layout, rules: rules, isWoman: isWoman) }
        return count
    }

    /// Adds one ballot.
    mutating func add(_ ballot: MarkedBallot, paper: BallotPaper, rules: RuleSet, isWoman: (Int64) -> Bool) {
        let layout = PaperLayout(paper)
        prepare(layout)
        var scratch: [UInt8] = []
        add(ballot, layout: layout, scratch: &scratch, rules: rules, isWoman: isWoman)
    }

    /// Adds one ballot of many, packing it into `scratch` (reused from ballot to ballot) for a
    /// count already prepared for `layout`.
    mutating func add(_ ballot: MarkedBallot, layout: borrowing PaperLayout, scratch: inout [UInt8], rules: RuleSet, isWoman: (Int64) -> Bool) {
        scratch.removeAll(keepingCapacity: true)
        PackedBallots.pack(ballot, into: &scratch)
        scratch.withUnsafeBytes { add(packed: $0, layout: layout, rules: rules, isWoman: isWoman) }
    }

    /// Adds one ballot in the packed form (§6 with the readings of election-rules.md: the
    /// over-mark check counts distinct persons plus void write-ins, runs first, and the
    /// same-person check runs over the posts still valid). Works in stack buffers: a million
    /// ballots are counted without a heap allocation each. One `BallotCount` counts the ballots
    /// of one paper.
    mutating func add(packed ballot: UnsafeRawBufferPointer, layout: borrowing PaperLayout, rules: RuleSet, isWoman: (Int64) -> Bool) {
        switch ballot[0] {
        case PackedBallots.blank: blank += 1; return
        case PackedBallots.marked: break
        default: invalid += 1; return
        }
        let used = min(Int(ballot[1]), layout.posts.count)
        guard used > 0 else { return }
        for index in 0..<used where listedPersons[layout.ordinals[index]].count != layout.counts[index] {
            prepareListed(ordinal: layout.ordinals[index], persons: Array(layout.persons[layout.starts[index]..<(layout.starts[index] + layout.counts[index])]))
        }
        // Where each post starts, and room for every chosen person.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: used) { offsets in
            var offset = 2, capacity = 0
            for index in 0..<used {
                offsets[index] = offset
                let marks = PackedBallots.count16(ballot, offset + 2), writeIns = PackedBallots.count16(ballot, offset + 4)
                capacity += marks + writeIns
                offset += PackedBallots.postHeader + marks + 8 * writeIns
            }
          withUnsafeTemporaryAllocation(of: Int64.self, capacity: max(capacity, 1)) { persons in
          withUnsafeTemporaryAllocation(of: Int.self, capacity: max(capacity, 1)) { slots in
            // slots[k]: the place on the paper of persons[k], or -1 for a person not listed.
            withUnsafeTemporaryAllocation(of: Int.self, capacity: used * 3) { bounds in
                // bounds[2·used + i]: post i's void write-ins, added to `voidWriteIns` only when the
                // ballot is not void as a whole (so the figure never depends on the order of posts).
                // bounds[2i] ..< bounds[2i+1]: post i's chosen persons; bounds[2i+1] == -1: the post is void.
                func chosen(_ person: Int64, from start: Int, to end: Int) -> Bool {
                    var index = start
                    while index < end { if persons[index] == person { return true }; index += 1 }
                    return false
                }
                var count = 0
                for index in 0..<used { bounds[2 * used + index] = 0 }
                for index in 0..<used {
                    let at = offsets[index], first = layout.starts[index]
                    let start = count
                    bounds[2 * index] = start
                    bounds[2 * index + 1] = -1
                    if ballot[at + 1] != 0 { continue }    // unreadable
                    let markCount = min(PackedBallots.count16(ballot, at + 2), layout.counts[index])
                    let writeInCount = PackedBallots.count16(ballot, at + 4)
                    let marks = at + PackedBallots.postHeader
                    for slot in 0..<markCount where ballot[marks + slot] == PackedBallots.approve {
                        let person = layout.persons[first + slot]
                        if chosen(person, from: start, to: count) { continue }
                        persons[count] = person
                        slots[count] = slot
                        count += 1
                    }
                    var voidMarks = 0
                    let writeIns = marks + PackedBallots.count16(ballot, at + 2)
                    for item in 0..<writeInCount {
                        let person = ballot.loadUnaligned(fromByteOffset: writeIns + 8 * item, as: Int64.self)
                        guard person != PackedBallots.voidWriteIn, !(layout.womenOnly[index] && !isWoman(person)) else {
                            voidMarks += 1
                            bounds[2 * used + index] += 1
                            continue
                        }
                        if !chosen(person, from: start, to: count) {
                            persons[count] = person
                            slots[count] = layout.slot(of: person, in: index)
                            count += 1
                        }
                    }
                    if count - start + voidMarks > layout.seats[index] {
                        if rules.overvote == .voidBallot { voided += 1; return }
                        count = start
                        continue
                    }
                    bounds[2 * index + 1] = count
                }
                // The same person chosen for two posts still valid on the ballot: the mark for the
                // higher post (earlier on the paper) counts, or the whole ballot is void.
                let skipped = Int64.min
                for index in 0..<used where bounds[2 * index + 1] >= 0 {
                    for slot in bounds[2 * index]..<bounds[2 * index + 1] {
                        var earlier = 0
                        while earlier < index {
                            if bounds[2 * earlier + 1] >= 0 && chosen(persons[slot], from: bounds[2 * earlier], to: bounds[2 * earlier + 1]) {
                                if rules.samePersonTwoPosts == .voidBallot { voided += 1; return }
                                persons[slot] = skipped
                                break
                            }
                            earlier += 1
                        }
                    }
                }
                for index in 0..<used where bounds[2 * used + index] > 0 { voidWriteIns[layout.posts[index], default: 0] += bounds[2 * used + index] }
                for index in 0..<used {
                    guard bounds[2 * index + 1] >= 0 else { voidPosts[layout.posts[index], default: 0] += 1; continue }
                    let ordinal = layout.ordinals[index]
                    for slot in bounds[2 * index]..<bounds[2 * index + 1] where persons[slot] != skipped {
                        if slots[slot] >= 0 { listed[ordinal][slots[slot]] += 1 } else { byPost[ordinal][persons[slot], default: 0] += 1 }
                    }
                }
            }
          }
          }
        }
    }
}

/// A paper's sections flattened into plain arrays, made once per count: the per-ballot loop
/// then reads integers instead of copying section structs (and retaining their arrays).
struct PaperLayout {
    let posts: [Post]
    let ordinals: [Int]
    let seats: [Int]
    let womenOnly: [Bool]
    /// Where each section's candidates start in `persons`, and how many there are.
    let starts: [Int]
    let counts: [Int]
    let persons: [Int64]

    init(_ paper: BallotPaper) {
        posts = paper.sections.map(\.post)
        ordinals = posts.map(\.ordinal)
        seats = paper.sections.map(\.seats)
        womenOnly = paper.sections.map(\.womenOnly)
        counts = paper.sections.map(\.candidates.count)
        var starts: [Int] = [], persons: [Int64] = []
        for section in paper.sections {
            starts.append(persons.count)
            persons += section.candidates.map(\.person)
        }
        self.starts = starts
        self.persons = persons
    }

    /// The place of `person` among section `index`'s candidates, or -1.
    func slot(of person: Int64, in index: Int) -> Int {
        for slot in 0..<counts[index] where persons[starts[index] + slot] == person { return slot }
        return -1
    }
}

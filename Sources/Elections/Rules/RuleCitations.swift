/// Citations of the 2018 texts that the 2025 revision superseded.
///
/// The 2025 Organic Law (L25, in force 2026-01-01) replaced the 2018 urban law (L18), and the
/// village law (V18) was amended and renumbered the same day. Where the project's sources give
/// the L25 (or GS25) provision, a field's `source` cites it; where the L25 article could not be
/// checked (election-rules.md §11: chapters 3–5 were read only in fragments), the field still
/// rests on its 2018 citation, and the rules page marks that citation as superseded.
extension RuleField {
    /// The 2018 citation (L18/V18) this field's value rests on, superseded by the 2025 revision
    /// whose corresponding article could not be checked; nil when the source is current.
    public var superseded: String? { Self.superseded2018[key] }

    /// Field → the superseded 2018 citation it still rests on.
    static let superseded2018: [String: String] = [
        "directorSeats": "L18 Art. 7",
        "memberSeats": "L18 Art. 7",
        "committeeSizeMin": "L18 Art. 7",
        "committeeSizeMax": "L18 Art. 7",
        "ethnicMinorityMember": "L18 Art. 7",
        "termYears": "L18 Art. 8",
        "votingAge": "L18 Art. 8",
        "rollPublicationDays": "V18 Art. 14",
        "objectionDays": "V18 Art. 14",
        "objectionDecisionDays": "V18 Art. 14",
        "representativesPerGroupMin": "L18 Art. 8",
        "representativesPerGroupMax": "L18 Art. 8",
        "proxyHolder": "V18 Art. 15",
        "electronicVoting": "V18 Art. 15",
        "turnout": "V18 Art. 15",
        "electedThreshold": "V18 Art. 15",
        "runoffThreshold": "V18 Art. 15",
        "runoffMargin": "V18 Art. 15",
        "handoverDays": "V18 Art. 20",
        "recallProposalVoters": "V18 Art. 16",
        "recallProposalRepresentatives": "V18 Art. 16",
        "recallTurnout": "V18 Art. 16",
        "recallApproval": "V18 Art. 16",
    ]
}

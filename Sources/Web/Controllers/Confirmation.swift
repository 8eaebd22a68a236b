import Community

/// A step that cannot be undone — closing a box with its signed count sheet, closing a round,
/// certifying the result — is taken only with its confirmation box ticked (issue 22 #11): the
/// form says what will happen and what can no longer be done afterwards, and a stray click or
/// a resubmitted page without the box changes nothing.
enum Confirmation {
    /// The form field a confirmation box posts (`confirm=yes`).
    static let field = "confirm"

    /// Refuses, naming the field in the page's language, unless the box was ticked.
    static func require(_ form: FormFields, _ locale: AppLocale) throws {
        guard form[field] == "yes" else { throw CommunityError.invalid(field: field, reason: locale.text("confirm_missing")) }
    }
}

import Community

extension AppRequestContext {
    /// The logged-in account if it holds one of `roles`; throws `loginRequired` for visitors
    /// and `forbidden` for accounts without the role.
    func require(anyOf roles: Set<Role>) throws -> Account {
        guard let account else { throw WebError.loginRequired }
        guard account.has(anyOf: roles) else { throw WebError.forbidden }
        return account
    }
}

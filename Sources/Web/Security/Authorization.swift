import Community

extension AppRequestContext {
    /// The account `RequireRole` let through. A handler registered outside a role group has
    /// none, and is refused (403) rather than run without one.
    func authorizedAccount() throws -> Account {
        guard let authorized else { throw WebError.forbidden }
        return authorized
    }

    /// For the few pages whose audience depends on the data, not the route — a result public
    /// once certified, rules public once frozen: the signed-in account if it holds one of
    /// `roles`; throws `loginRequired` for visitors and `forbidden` for accounts without the role.
    func requireWhileUnpublished(anyOf roles: Set<Role>) throws {
        guard let account else { throw WebError.loginRequired }
        guard account.has(anyOf: roles) else { throw WebError.forbidden }
    }
}

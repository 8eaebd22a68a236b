import Community

extension AppDatabase {
    /// The community this server runs (a single-community deployment serves its first one);
    /// `notFound` before `xuanyi init`.
    func servedCommunity() throws -> Community {
        guard let community = try primaryCommunity() else { throw WebError.notFound }
        return community
    }
}

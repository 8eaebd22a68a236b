import Community
import Councils
import Elections

/// Every module's schema, in dependency order: what `xuanyi` opens a database with.
public enum XuanyiSchema {
    public static var modules: [any SchemaModule.Type] { [ElectionsSchema.self, CouncilsSchema.self] }

    /// Every module's public steps: after each, a signed audit head is due (`AuditHeadSchedule`).
    public static var publicStepActions: Set<String> { modules.reduce(into: []) { $0.formUnion($1.publicStepActions) } }
}

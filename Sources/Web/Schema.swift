import Community
import Councils
import Elections

/// Every module's schema, in dependency order: what `xuanyi` opens a database with.
public enum XuanyiSchema {
    public static var modules: [any SchemaModule.Type] { [ElectionsSchema.self, CouncilsSchema.self] }
}

import Community
import Elections

/// Every module's schema, in dependency order: what `xuanyi` opens a database with.
public enum XuanyiSchema {
    public static var modules: [any SchemaModule.Type] { [ElectionsSchema.self] }
}

import Community
import Foundation

/// A preset rule set: the L25 national model (the default, `RuleSet()`), or a province's rules
/// shipped as a data file in `Rules/Presets/` (`GS25.json` …) — the fields the instrument sets,
/// over the national model, each with its citation. A number the project's sources give only
/// in part is listed in `unchecked` and shown so; every other field is the national model's.
/// Applying a preset validates the whole rule set, statutory floors included
/// (`StatutoryFloors`): a preset may be stricter than the law, never looser.
public struct RulePreset: Codable, Sendable, Equatable, Identifiable {
    /// The source tag the docs use (L25, GS25 …); `xuanyi election rules --from GS25` names it.
    public let id: String
    /// The instrument's name in Chinese.
    public let name: String
    /// Its name in English.
    public let english: String
    /// The instrument, its date and how far the project's sources give it, in Chinese …
    public let source: String
    /// … and in English.
    public let sourceEnglish: String
    /// A word on its standing (e.g. older than the 2025 law), in Chinese and English; may be empty.
    public let note: String
    public let noteEnglish: String
    /// Field → value as text (`RuleSet.fields` keys), over the national model.
    public let values: [String: String]
    /// Field → citation (article) for the values above.
    public let citations: [String: String]
    /// Fields of `values` whose number or article the project could not check against the
    /// instrument's full text.
    public let unchecked: [String]

    /// The national model under the 2025 law (L25): the default rule set, in code (`RuleSet()`).
    public static let national = RulePreset(
        id: "L25", name: "全国示范规则（2025年修订的城市居民委员会组织法）",
        english: "National model (Urban Residents' Committee Organic Law, revised 2025)",
        source: "城市居民委员会组织法，2025-10-28 修订，2026-01-01 施行（第三至五章全文未能核对，条款号未核实）",
        sourceEnglish: "Urban Residents' Committee Organic Law, revised 2025-10-28, in force 2026-01-01 (chapters 3–5 could not be read in full; article numbers unchecked)",
        note: "默认规则集；各字段的出处见规则页。", noteEnglish: "The default rule set; each field's source is on the rules page.",
        values: [:], citations: [:], unchecked: [])

    /// The rule set of this preset for `method` (the national model, then `values`), validated
    /// against the fields' ranges and the statutory floors; the error names the field.
    public func rules(method: ElectionMethod) throws -> RuleSet {
        try RuleSet.nationalModel(method: method).updating(values, method: method)
    }

    /// Reads a preset file: every key must be a rule field, every citation and unchecked mark
    /// must name one of the preset's values, and the rule set must be valid for every method.
    public static func load(_ data: Data, name file: String) throws -> RulePreset {
        let preset: RulePreset
        do { preset = try JSONDecoder().decode(RulePreset.self, from: data) } catch {
            throw CommunityError.invalid(field: file, reason: "not a rule preset (id, name, english, source, sourceEnglish, note, noteEnglish, values, citations, unchecked): \(error)")
        }
        let keys = Set(RuleSet.fields.map(\.key))
        guard !preset.id.isEmpty, preset.id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw CommunityError.invalid(field: "\(file): id", reason: "a source tag of letters and digits such as GS25")
        }
        for key in preset.values.keys.sorted() where !keys.contains(key) {
            throw CommunityError.invalid(field: "\(file): values.\(key)", reason: "no such rule")
        }
        for key in preset.citations.keys.sorted() where preset.values[key] == nil {
            throw CommunityError.invalid(field: "\(file): citations.\(key)", reason: "cites a field the preset does not set")
        }
        for key in preset.values.keys.sorted() where (preset.citations[key] ?? "").isEmpty {
            throw CommunityError.invalid(field: "\(file): citations.\(key)", reason: "every value the preset sets needs its citation")
        }
        for key in preset.unchecked where preset.values[key] == nil {
            throw CommunityError.invalid(field: "\(file): unchecked.\(key)", reason: "marks a field the preset does not set")
        }
        for method in ElectionMethod.allCases {
            do { _ = try preset.rules(method: method) } catch CommunityError.invalid(let field, let reason) {
                throw CommunityError.invalid(field: "\(file): \(field)", reason: "\(reason) (method \(method.rawValue))")
            }
        }
        return preset
    }

    /// The presets shipped with Xuanyi: the national model first, then the data files by id.
    public static let shipped: [RulePreset] = {
        var presets = [national]
        let folder = Bundle.module.resourceURL?.appendingPathComponent("Presets")
        let files = (folder.flatMap { try? FileManager.default.contentsOfDirectory(at: $0, includingPropertiesForKeys: nil) } ?? [])
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        for file in files {
            // A shipped file that does not load is a build defect: `RulePresetTests` loads each one.
            if let data = try? Data(contentsOf: file), let preset = try? load(data, name: file.lastPathComponent) { presets.append(preset) }
        }
        return presets
    }()

    /// The data files shipped in `Presets/` (for the test that loads every one).
    public static var shippedFiles: [URL] {
        let folder = Bundle.module.resourceURL?.appendingPathComponent("Presets")
        return (folder.flatMap { try? FileManager.default.contentsOfDirectory(at: $0, includingPropertiesForKeys: nil) } ?? [])
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// A shipped preset by its id (case-insensitive); the error lists the presets there are.
    public static func named(_ id: String) throws -> RulePreset {
        let wanted = id.trimmingCharacters(in: .whitespaces)
        guard let preset = shipped.first(where: { $0.id.caseInsensitiveCompare(wanted) == .orderedSame }) else {
            throw CommunityError.invalid(field: "preset", reason: "no preset \"\(wanted)\"; there are \(shipped.map(\.id).joined(separator: ", "))")
        }
        return preset
    }
}

extension AppDatabase {
    /// Loads a shipped preset into an election's rule set while the roll is unpublished: every
    /// field is set to the preset's rule set for the election's method (validated, floors
    /// included); audited as a rules update naming the preset.
    @discardableResult
    public func applyRulePreset(electionID: Int64, presetID: String, actor: Actor) throws -> Election {
        let preset = try RulePreset.named(presetID)
        let election = try election(id: electionID)
        let rules = try preset.rules(method: election.method)
        var values: [String: String] = [:]
        for field in RuleSet.fields { values[field.key] = field.value(in: rules) }
        return try updateRules(electionID: electionID, values, preset: preset.id, actor: actor)
    }
}

/// A step of the handover or the annulment refused, in both languages, naming the field when
/// the input is at fault (`nil` when the step is not possible in the election's state). The
/// command line prints the English text; the web pages and the API answer in the reader's
/// language.
public struct StepRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input field at fault, or nil when the step itself is not allowed now.
    public var field: String?
    public var chinese: String
    public var english: String

    public init(field: String? = nil, _ chinese: String, _ english: String) {
        self.field = field
        self.chinese = chinese
        self.english = english
    }

    public var description: String { field.map { "\($0): \(english)" } ?? english }
}

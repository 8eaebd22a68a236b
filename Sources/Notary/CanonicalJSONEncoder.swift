import Foundation

/// A `Swift.Encoder` producing a `JSONValue` tree; refuses floating point.
///
/// Containers write into reference nodes, materialised into a `JSONValue` once encoding ends,
/// so nested containers of any depth need no copying back. Dates, `Data` and `Decimal` have no
/// canonical form of their own: callers encode them as strings (RFC 3339 times, base64) so
/// every byte of a signed statement is explicit.
final class ValueEncoder: Encoder {
    /// One value under construction.
    final class Node {
        enum Content {
            case empty
            case value(JSONValue)
            case object([String: Node])
            case array([Node])
        }
        var content: Content = .empty

        func makeObject() {
            if case .object = content { return }
            content = .object([:])
        }

        func makeArray() {
            if case .array = content { return }
            content = .array([])
        }

        func set(_ key: String, _ node: Node) {
            guard case .object(var members) = content else { return }
            content = .empty
            members[key] = node
            content = .object(members)
        }

        func append(_ node: Node) {
            guard case .array(var items) = content else { return }
            content = .empty
            items.append(node)
            content = .array(items)
        }

        var count: Int {
            if case .array(let items) = content { return items.count }
            return 0
        }

        var value: JSONValue? {
            switch content {
            case .empty: return nil
            case .value(let value): return value
            case .object(let members): return .object(members.compactMapValues { $0.value })
            case .array(let items): return .array(items.map { $0.value ?? .null })
            }
        }
    }

    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    let node: Node

    init(codingPath: [any CodingKey], node: Node = Node()) {
        self.codingPath = codingPath
        self.node = node
    }

    var value: JSONValue? { node.value }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(node: node, codingPath: codingPath)
    }

    static func describe(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty ? "(root)" : codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// Encodes one value at `path` into a new node.
    static func box<T: Encodable>(_ value: T, path: [any CodingKey]) throws -> Node {
        let node = Node()
        switch value {
        case let number as any BinaryFloatingPoint:
            throw NotaryError.notCanonical("floating-point value \(number) at \(describe(path)); use integers or strings")
        case is Date:
            throw NotaryError.notCanonical("Date at \(describe(path)); encode times as RFC 3339 strings")
        case is Decimal:
            throw NotaryError.notCanonical("Decimal at \(describe(path)); use integers or strings")
        case let data as Data:
            node.content = .value(.string(data.base64EncodedString()))
        case let text as String:
            node.content = .value(.string(text))
        case let flag as Bool:
            node.content = .value(.bool(flag))
        case let number as any BinaryInteger:
            guard let exact = Int64(exactly: number) else {
                throw NotaryError.notCanonical("integer \(number) at \(describe(path)) does not fit in 64 bits")
            }
            node.content = .value(.integer(exact))
        default:
            try value.encode(to: ValueEncoder(codingPath: path, node: node))
            if case .empty = node.content { node.content = .value(.object([:])) }
        }
        return node
    }

    struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { String(intValue ?? 0) }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { return nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws {
            let child = Node()
            child.content = .value(.null)
            node.set(key.stringValue, child)
        }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            node.set(key.stringValue, try ValueEncoder.box(value, path: codingPath + [key]))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let child = Node()
            node.set(key.stringValue, child)
            return ValueEncoder(codingPath: codingPath + [key], node: child).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = Node()
            node.set(key.stringValue, child)
            return ValueEncoder(codingPath: codingPath + [key], node: child).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder {
            let child = Node()
            node.set("super", child)
            return ValueEncoder(codingPath: codingPath, node: child)
        }
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let child = Node()
            node.set(key.stringValue, child)
            return ValueEncoder(codingPath: codingPath + [key], node: child)
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]
        var count: Int { node.count }

        mutating func encodeNil() throws {
            let child = Node()
            child.content = .value(.null)
            node.append(child)
        }
        mutating func encode<T: Encodable>(_ value: T) throws {
            node.append(try ValueEncoder.box(value, path: codingPath + [IndexKey(count)]))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let child = Node()
            let path = codingPath + [IndexKey(count)]
            node.append(child)
            return ValueEncoder(codingPath: path, node: child).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = Node()
            let path = codingPath + [IndexKey(count)]
            node.append(child)
            return ValueEncoder(codingPath: path, node: child).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder {
            let child = Node()
            let path = codingPath + [IndexKey(count)]
            node.append(child)
            return ValueEncoder(codingPath: path, node: child)
        }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]
        mutating func encodeNil() throws { node.content = .value(.null) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            node.content = try ValueEncoder.box(value, path: codingPath).content
        }
    }
}

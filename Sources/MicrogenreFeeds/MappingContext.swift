internal import CLibXML2
import MicrogenreCore

/// What a format mapper needs while it turns one record's elements into a ``TitleRecord``:
/// the file name for locations, the limits, a place for warnings and the record's entity budget.
struct MappingContext {
    let file: String
    let options: FeedOptions
    var diagnostics: [Diagnostic] = []
    private var expansionLeft: Int
    private var truncatedLists: Set<String> = []
    private var warnedOnce: Set<String> = []
    /// The ids of element names in the mapper's table of them (a feed has one mapper).
    var elementNames = InternedNameCache()

    init(file: String, options: FeedOptions) {
        self.file = file
        self.options = options
        expansionLeft = options.maxEntityExpansionBytes
    }

    /// Starts a new record: the entity budget is per record.
    mutating func beginRecord() {
        expansionLeft = options.maxEntityExpansionBytes
        truncatedLists.removeAll()
    }

    func location(_ line: Int) -> SourceLocation { SourceLocation(file: file, line: line) }

    mutating func warn(_ line: Int, _ message: String) {
        diagnostics.append(Diagnostic(.warning, at: location(line), message))
    }

    /// Warns only the first time `key` comes up in this feed (an unknown element, say).
    mutating func warnOnce(_ key: String, _ line: Int, _ message: String) {
        if warnedOnce.insert(key).inserted { warn(line, message + " (reported once per feed)") }
    }

    // MARK: - Fields

    /// The text of `element` as a short field (title, name, genre), nil when empty; cut to
    /// the field limit with a warning.
    mutating func field(_ element: XMLNodeView?, _ name: String) throws -> String? {
        guard let element else { return nil }
        return limited(try element.text(&self), name, line: element.line, limit: options.maxFieldBytes)
    }

    /// An attribute value as a short field.
    mutating func attribute(_ element: XMLNodeView, _ attribute: StaticString, _ name: String) -> String? {
        limited(element.attribute(attribute), name, line: element.line, limit: options.maxFieldBytes)
    }

    /// The text of `element` as a synopsis, cut to the synopsis limit with a warning.
    mutating func synopsisText(_ element: XMLNodeView, _ name: String) throws -> String? {
        limited(try element.text(&self), name, line: element.line, limit: options.maxSynopsisBytes)
    }

    /// `value` cut to `limit` bytes at a character boundary, with a warning; nil when empty.
    /// `line` is computed only for the warning: libxml2 finds a node's line by walking the tree.
    @inline(__always)
    mutating func limited(_ value: String?, _ name: String, line: @autoclosure () -> Int, limit: Int) -> String? {
        guard let value, !value.isEmpty else { return nil }
        guard value.utf8.count > limit else { return value }
        return truncated(value, name, line: line(), limit: limit)
    }

    private mutating func truncated(_ value: String, _ name: String, line: Int, limit: Int) -> String {
        let utf8 = value.utf8
        var end = utf8.index(utf8.startIndex, offsetBy: limit)
        while end > utf8.startIndex && (utf8[end] & 0xC0) == 0x80 { end = utf8.index(before: end) }
        warn(line, "\(name) is \(utf8.count) bytes, over the limit of \(limit); truncated")
        return String(value[..<end])
    }

    /// Appends `value` to `list` unless it is empty, a repeat, or past the list limit.
    mutating func append(_ value: String?, to list: inout [String], _ name: String, line: @autoclosure () -> Int) {
        guard let value, !value.isEmpty, !list.contains(value), hasRoom(list.count, in: name, line: line())
        else { return }
        list.append(value)
    }

    /// Whether a list already holding `count` entries may take one more. Past the list limit,
    /// warns once per record and list that the rest are dropped.
    mutating func hasRoom(_ count: Int, in name: String, line: @autoclosure () -> Int) -> Bool {
        guard count >= options.maxListEntries else { return true }
        if truncatedLists.insert(name).inserted {
            warn(line(), "more than \(options.maxListEntries) \(name) entries; the rest are dropped")
        }
        return false
    }

    // MARK: - Entities

    /// Appends the replacement text of the entity `&name;`. Internal entities expand, nested
    /// ones too, within the record's byte budget; exceeding it refuses the feed as an
    /// entity-expansion attack. External entities are never loaded: they expand to nothing,
    /// with a warning.
    mutating func expandEntity(named name: String, in doc: xmlDocPtr?, line: Int, into bytes: inout [UInt8]) throws {
        try expandEntity(named: name, in: doc, line: line, depth: 0, into: &bytes)
    }

    private mutating func expandEntity(
        named name: String, in doc: xmlDocPtr?, line: Int, depth: Int, into bytes: inout [UInt8]
    ) throws {
        guard depth < 8 else {
            throw FeedError(
                at: location(line),
                "entity '&\(name);' nests deeper than 8 levels; refusing a possible entity-expansion attack")
        }
        guard let entity = xmlGetDocEntity(doc, name) else {
            warn(line, "undeclared entity '&\(name);' dropped")
            return
        }
        switch entity.pointee.etype {
        case XML_INTERNAL_GENERAL_ENTITY, XML_INTERNAL_PREDEFINED_ENTITY:
            guard let content = entity.pointee.content else { return }
            var raw: [UInt8] = []
            appendCString(content, to: &raw)
            try expandEntityText(raw, doc: doc, line: line, depth: depth, into: &bytes)
        default:
            warn(line, "external entity '&\(name);' not loaded: Microgenre never reads external resources")
        }
    }

    /// Expands the literal text of an internal entity: nested references, character references,
    /// and markup (whose tags are dropped, text kept).
    private mutating func expandEntityText(
        _ raw: [UInt8], doc: xmlDocPtr?, line: Int, depth: Int, into bytes: inout [UInt8]
    ) throws {
        var k = 0
        while k < raw.count {
            let b = raw[k]
            if b == UInt8(ascii: "<") {
                while k < raw.count && raw[k] != UInt8(ascii: ">") { k += 1 }
                k += 1
                continue
            }
            if b == UInt8(ascii: "&"), let semicolon = raw[k...].firstIndex(of: UInt8(ascii: ";")) {
                let reference = String(decoding: raw[(k + 1)..<semicolon], as: UTF8.self)
                k = semicolon + 1
                if reference.hasPrefix("#") {
                    let digits = reference.dropFirst()
                    let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                    if let value, let scalar = Unicode.Scalar(value) {
                        try spend(String(scalar).utf8.count, line: line)
                        bytes.append(contentsOf: String(scalar).utf8)
                    }
                } else {
                    try expandEntity(named: reference, in: doc, line: line, depth: depth + 1, into: &bytes)
                }
                continue
            }
            try spend(1, line: line)
            bytes.append(b)
            k += 1
        }
    }

    private mutating func spend(_ count: Int, line: Int) throws {
        expansionLeft -= count
        if expansionLeft < 0 {
            throw FeedError(
                at: location(line),
                "entity references expand to more than \(options.maxEntityExpansionBytes) bytes in one record; refusing a possible entity-expansion attack (billion laughs)"
            )
        }
    }
}

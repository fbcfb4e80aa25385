internal import CLibXML2
import MicrogenreCore

#if canImport(Glibc)
    import Glibc
#endif

/// A read-only view of one element in the subtree libxml2 expanded for the current record.
/// Valid only until the reader moves past the record.
struct XMLNodeView {
    let node: xmlNodePtr

    /// The local name, without namespace prefix.
    var name: String { String(cString: node.pointee.name) }

    /// The id of the element's local name in `names`, without making a `String` of it; remembered
    /// in `cache` by the address libxml2 interned the name at.
    @inline(__always)
    func nameID(in names: @autoclosure () -> ByteStringTable, cache: InternedNameCache) -> Int32? {
        cache.id(of: node, in: names())
    }

    /// The 1-based line the element starts on.
    var line: Int { Int(xmlGetLineNo(node)) }

    /// The value of the attribute with local name `name`, whatever its namespace.
    func attribute(_ name: StaticString) -> String? {
        guard let found = findAttribute(name) else { return nil }
        if let plain = Self.plainValue(found) { return String(decoding: plain, as: UTF8.self) }
        var bytes: [UInt8] = []
        var child = found.pointee.children
        while let c = child {
            if let content = c.pointee.content { appendCString(content, to: &bytes) }
            child = c.pointee.next
        }
        return collapsedString(bytes)
    }

    /// The value of the attribute with local name `name` looked up in `values`: its id there, or
    /// nil when the attribute is absent or holds another value (then ``attribute(_:)`` gives its
    /// text). Values written plainly, the common case, are matched without making a `String`.
    func attribute(_ name: StaticString, in values: ByteStringTable) -> Int32? {
        guard let found = findAttribute(name) else { return nil }
        if let plain = Self.plainValue(found) { return values.id(of: plain) }
        return attribute(name).flatMap { values.id(of: Array($0.utf8)) }
    }

    /// Attribute names are static: compared through their bytes, with no `String` to unpack.
    private func findAttribute(_ name: StaticString) -> xmlAttrPtr? {
        var attr = node.pointee.properties
        while let a = attr {
            if equals(a.pointee.name, name) { return a }
            attr = a.pointee.next
        }
        return nil
    }

    /// An attribute's value as libxml2 holds it, when it is one text node with no white space
    /// to collapse (the common case).
    private static func plainValue(_ attribute: xmlAttrPtr) -> UnsafeBufferPointer<UInt8>? {
        attribute.pointee.children.flatMap(plainContent)
    }

    /// The `xml:lang` in force at the element, inherited from its ancestors (`xmlNodeGetLang`).
    var language: String? {
        guard let lang = xmlNodeGetLang(node) else { return nil }
        defer { cxml_free(lang) }
        return String(cString: lang)
    }

    /// The child elements, in document order.
    var children: [XMLNodeView] {
        var result: [XMLNodeView] = []
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE { result.append(XMLNodeView(node: c)) }
            child = c.pointee.next
        }
        return result
    }

    /// The first child element, for walking children without a closure:
    /// `var child = element.firstChild; while let c = child { ...; child = c.nextSibling }`.
    var firstChild: XMLNodeView? { Self.element(from: node.pointee.children) }

    /// The next sibling element.
    var nextSibling: XMLNodeView? { Self.element(from: node.pointee.next) }

    private static func element(from start: xmlNodePtr?) -> XMLNodeView? {
        var node = start
        while let n = node {
            if n.pointee.type == XML_ELEMENT_NODE { return XMLNodeView(node: n) }
            node = n.pointee.next
        }
        return nil
    }

    /// The child elements named `name`.
    func children(_ name: String) -> [XMLNodeView] {
        var result: [XMLNodeView] = []
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE && equals(c.pointee.name, name) {
                result.append(XMLNodeView(node: c))
            }
            child = c.pointee.next
        }
        return result
    }

    /// The first child element named `name`.
    func child(_ name: String) -> XMLNodeView? {
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE && equals(c.pointee.name, name) {
                return XMLNodeView(node: c)
            }
            child = c.pointee.next
        }
        return nil
    }

    /// The first element at the end of a path of child names.
    func descendant(_ path: String...) -> XMLNodeView? {
        var current: XMLNodeView? = self
        for name in path { current = current?.child(name) }
        return current
    }

    /// Every element below this one, depth first, in document order.
    func forEachDescendant(_ body: (XMLNodeView) throws -> Void) rethrows {
        for child in children {
            try body(child)
            try child.forEachDescendant(body)
        }
    }

    /// All text below the element with white space collapsed and trimmed. Internal entity
    /// references are expanded within the context's budget; external ones are never loaded.
    func text(_ context: inout MappingContext) throws -> String {
        // The common case: one text node that needs no white space collapsed.
        if let only = node.pointee.children,
            only.pointee.type == XML_TEXT_NODE || only.pointee.type == XML_CDATA_SECTION_NODE,
            let plain = plainContent(only)
        {
            return String(decoding: plain, as: UTF8.self)
        }
        var bytes: [UInt8] = []
        try appendText(of: node, to: &bytes, &context)
        return collapsedString(bytes)
    }

    /// The element's own text, without that of child elements (`<actor>Name<url>...</url></actor>`).
    func ownText(_ context: inout MappingContext) throws -> String {
        var bytes: [UInt8] = []
        try appendText(of: node, to: &bytes, &context, descending: false)
        return collapsedString(bytes)
    }

    private func appendText(
        of parent: xmlNodePtr, to bytes: inout [UInt8], _ context: inout MappingContext, descending: Bool = true
    ) throws {
        var child = parent.pointee.children
        while let c = child {
            switch c.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = c.pointee.content { appendCString(content, to: &bytes) }
            case XML_ELEMENT_NODE:
                if descending { try appendText(of: c, to: &bytes, &context) }
            case XML_ENTITY_REF_NODE:
                try context.expandEntity(
                    named: String(cString: c.pointee.name), in: c.pointee.doc, line: Int(xmlGetLineNo(c)), into: &bytes)
            default:
                break
            }
            child = c.pointee.next
        }
    }
}

/// The content of `node`, the only child of its parent, when it needs no white space collapsed.
@inline(__always)
private func plainContent(_ node: xmlNodePtr) -> UnsafeBufferPointer<UInt8>? {
    guard node.pointee.next == nil, let content = node.pointee.content else { return nil }
    let length = strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
    let bytes = UnsafeBufferPointer(start: UnsafePointer(content), count: length)
    return isCollapsed(bytes) ? bytes : nil
}

/// Whether the NUL-terminated libxml2 string `pointer` spells `name`.
@inline(__always)
func equals(_ pointer: UnsafePointer<xmlChar>, _ name: StaticString) -> Bool {
    equals(pointer, UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
}

/// Whether the NUL-terminated libxml2 string `pointer` spells `name`.
@inline(__always)
func equals(_ pointer: UnsafePointer<xmlChar>, _ name: String) -> Bool {
    // Through the name's contiguous bytes: walking a String's UTF-8 view costs more per byte.
    var name = name
    return name.withUTF8 { equals(pointer, $0) }
}

@inline(__always)
private func equals(_ pointer: UnsafePointer<xmlChar>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var k = 0
    while k < bytes.count {
        if pointer[k] != bytes[k] { return false }
        k &+= 1
    }
    return pointer[k] == 0
}

/// True when `bytes` has no leading or trailing white space and no white space but single spaces.
/// Eight bytes at a time, the last eight (or, for short values, two overlapping fours) in one
/// more step: it runs over every field and synopsis.
@inline(__always)
private func isCollapsed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = bytes.first, let last = bytes.last, first > 0x20, last > 0x20 else { return bytes.isEmpty }
    let count = bytes.count
    let raw = UnsafeRawPointer(bytes.baseAddress!)
    if count < 8 {
        if count < 4 { return count < 3 || bytes[1] >= 0x20 }
        // Where the two fours meet, a pair of spaces may be seen that is not there: a false
        // "not collapsed" only sends the value the slow way, which gives the same text.
        let word =
            UInt64(raw.loadUnaligned(as: UInt32.self))
            | UInt64(raw.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)) &<< 32
        return !hasControlOrDoubleSpace(word, afterSpace: false)
    }
    var afterSpace = false
    var k = 0
    while k &+ 8 <= count {
        let word = raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)
        if hasControlOrDoubleSpace(word, afterSpace: afterSpace) { return false }
        afterSpace = word &>> 56 == 0x20
        k &+= 8
    }
    // The last bytes, in the last eight: pairs already checked are checked again, harmlessly.
    return k == count
        || !hasControlOrDoubleSpace(raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self), afterSpace: false)
}

/// Whether eight bytes hold a byte below 0x20 (tab, line feed, carriage return: XML allows no
/// other controls) or a space right after a space (the byte before them one when `afterSpace`).
@inline(__always)
private func hasControlOrDoubleSpace(_ word: UInt64, afterSpace: Bool) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    let highs: UInt64 = 0x8080_8080_8080_8080
    if (word &- ones &* 0x20) & ~word & highs != 0 { return true }
    // Exactly the bytes that are spaces, as their high bits; then a space right after one.
    let spaceBits = word ^ (ones &* 0x20)
    let spaces = ~(((spaceBits & lows) &+ lows) | spaceBits) & highs
    return spaces & ((spaces &<< 8) | (afterSpace ? 0x80 : 0)) != 0
}

func appendCString(_ pointer: UnsafePointer<xmlChar>, to bytes: inout [UInt8]) {
    var p = pointer
    while p.pointee != 0 {
        bytes.append(p.pointee)
        p += 1
    }
}

func appendCString(_ pointer: UnsafeMutablePointer<xmlChar>, to bytes: inout [UInt8]) {
    appendCString(UnsafePointer(pointer), to: &bytes)
}

/// Collapses runs of XML white space into one space and trims both ends.
func collapsedString(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var pendingSpace = false
    for b in bytes {
        if b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D {
            pendingSpace = !out.isEmpty
        } else {
            if pendingSpace { out.append(0x20) }
            pendingSpace = false
            out.append(b)
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// Ids of element names in one ``ByteStringTable``, by the address of the name. libxml2 interns
/// the names of a document in its dictionary, so an address stands for one name as long as the
/// dictionary lives: a name met before then costs one comparison instead of a hash lookup.
/// Only names the dictionary owns are remembered (another address could be freed and reused for
/// another name), and the memory starts again with another dictionary. A class over fixed
/// buffers, so that the lookup writes no copy-on-write storage.
final class InternedNameCache {
    /// Slots: a power of two.
    private let size: Int
    private let names: UnsafeMutablePointer<UInt>
    private let ids: UnsafeMutablePointer<Int32>
    /// The dictionary the remembered names belong to.
    private let dictionary = UnsafeMutablePointer<OpaquePointer?>.allocate(capacity: 1)

    /// A cache of `size` slots (tests make it tiny, so that names evict each other).
    init(size: Int = 256) {
        precondition(size > 0 && size & (size - 1) == 0, "the size must be a power of two")
        self.size = size
        names = .allocate(capacity: size)
        ids = .allocate(capacity: size)
        names.initialize(repeating: 0, count: size)
        ids.initialize(repeating: -1, count: size)
        dictionary.initialize(to: nil)
    }

    deinit {
        names.deallocate()
        ids.deallocate()
        dictionary.deallocate()
    }

    @inline(__always)
    func id(of node: xmlNodePtr, in table: @autoclosure () -> ByteStringTable) -> Int32? {
        let name = node.pointee.name!
        let address = UInt(bitPattern: name)
        let slot = Int(truncatingIfNeeded: address ^ (address &>> 8)) & (size - 1)
        let owner = node.pointee.doc?.pointee.dict
        if names[slot] == address && owner == dictionary.pointee && owner != nil {
            let id = ids[slot]
            return id < 0 ? nil : id
        }
        return lookUp(name, slot, owner, in: table())
    }

    private func lookUp(
        _ name: UnsafePointer<xmlChar>, _ slot: Int, _ owner: OpaquePointer?, in table: ByteStringTable
    ) -> Int32? {
        let address = UInt(bitPattern: name)
        let id = table.id(
            of: UnsafeBufferPointer(
                start: name, count: strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))))
        guard let owner, xmlDictOwns(owner, name) == 1 else { return id }
        if owner != dictionary.pointee {
            dictionary.pointee = owner
            names.update(repeating: 0, count: size)
        }
        names[slot] = address
        ids[slot] = id ?? -1
        return id
    }
}

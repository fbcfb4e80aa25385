/// Writes compact JSON into a byte buffer, keys in the order the caller gives them.
///
/// Scripts read the CLI's `--json` output line by line; a hand-written writer keeps the field
/// order stable and readable and avoids Foundation's encoder on the hot path.
public struct JSONWriter: Sendable {
    /// The JSON text written so far, UTF-8.
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    /// Creates an empty writer.
    public init() {}

    /// The JSON text written so far.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Opens an object, as a value or under `key` in the enclosing object.
    public mutating func beginObject(_ key: String? = nil) {
        prefix(key)
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    /// Closes the innermost object.
    public mutating func endObject() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// Opens an array, as a value or under `key`.
    public mutating func beginArray(_ key: String? = nil) {
        prefix(key)
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    /// Closes the innermost array.
    public mutating func endArray() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes a string value.
    public mutating func string(_ value: String, _ key: String? = nil) {
        prefix(key)
        appendQuoted(value)
    }

    /// Writes a string value, or nothing at all when it is nil.
    public mutating func optional(_ value: String?, _ key: String) {
        if let value { string(value, key) }
    }

    /// Writes an integer value, or nothing when it is nil.
    public mutating func optional(_ value: Int?, _ key: String) {
        if let value { number(value, key) }
    }

    /// Writes an integer value.
    public mutating func number(_ value: Int, _ key: String? = nil) {
        prefix(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Writes a floating-point value with at most `digits` decimals (non-finite values as null).
    public mutating func number(_ value: Double, _ key: String? = nil, digits: Int = 4) {
        prefix(key)
        guard value.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded(.towardZero), abs(rounded) < 1e15 {
            bytes.append(contentsOf: String(Int(rounded)).utf8)
        } else {
            bytes.append(contentsOf: "\(rounded)".utf8)
        }
    }

    /// Writes `json`, already valid JSON, as the value.
    public mutating func raw(_ json: String, _ key: String? = nil) {
        prefix(key)
        bytes.append(contentsOf: json.utf8)
    }

    /// Writes a boolean value.
    public mutating func bool(_ value: Bool, _ key: String? = nil) {
        prefix(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Writes an array of strings.
    public mutating func strings(_ values: [String], _ key: String? = nil) {
        beginArray(key)
        for value in values { string(value) }
        endArray()
    }

    private mutating func prefix(_ key: String?) {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
        if let key {
            appendQuoted(key)
            bytes.append(UInt8(ascii: ":"))
        }
    }

    private mutating func appendQuoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [
                    0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)],
                ])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

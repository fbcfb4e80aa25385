/// Appends little-endian integers and length-prefixed strings, for the cache files.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(magic: String, version: Int) {
        bytes = Array(magic.utf8)
        u32(version)
    }

    mutating func u32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { bytes += $0 } }

    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }

    /// A UInt32 length and the UTF-8 bytes.
    mutating func string(_ text: String) {
        u32(text.utf8.count)
        bytes += Array(text.utf8)
    }
}

/// Reads what ``ByteWriter`` wrote; every read is nil past the end, so damaged files fail cleanly.
struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    /// A reader past `magic` and its version, or nil when the bytes start otherwise.
    init?(_ bytes: [UInt8], magic: String, version: Int) {
        self.bytes = bytes
        guard bytes.starts(with: Array(magic.utf8)) else { return nil }
        position = magic.utf8.count
        guard u32() == version else { return nil }
    }

    var atEnd: Bool { position == bytes.count }

    /// Whether `count` more bytes are there.
    func has(_ count: Int) -> Bool { position + count <= bytes.count }

    mutating func u32() -> Int? {
        guard has(4) else { return nil }
        var value: UInt32 = 0
        for k in 0..<4 { value |= UInt32(bytes[position + k]) << (8 * k) }
        position += 4
        return Int(value)
    }

    mutating func u64() -> UInt64? {
        guard has(8) else { return nil }
        var value: UInt64 = 0
        for k in 0..<8 { value |= UInt64(bytes[position + k]) << (8 * k) }
        position += 8
        return value
    }

    mutating func string() -> String? {
        guard let length = u32(), has(length) else { return nil }
        defer { position += length }
        return String(validating: bytes[position..<(position + length)], as: UTF8.self)
    }
}

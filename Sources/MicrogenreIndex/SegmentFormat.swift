/// Constants and byte helpers of the segment file format (see FORMAT.md beside this file).
enum SegmentFormat {
    /// The four bytes that start and end every segment file.
    static let magic: [UInt8] = Array("MGIX".utf8)
    /// The format version this build writes and reads.
    static let version: UInt32 = 4
    /// Older versions this build still reads.
    static let readableVersions: ClosedRange<UInt32> = 1...4

    /// Section kinds, in file order.
    enum Section: UInt32, CaseIterable {
        case docIDs = 1
        case stored = 2
        case docValues = 3
        case fieldLengths = 4
        case terms = 5
        case postings = 6
        case facets = 7
        /// Version 2: every title record in full, in Microgenre's feed format, zlib-compressed,
        /// so that indexing again can upsert and delete by id.
        case records = 8
        /// Version 3: the version of the analyzer that made the terms (`u32`); older segments
        /// were made by analyzer version 1.
        case analysis = 9
        /// Version 4, optional: the titles' sentence embeddings, int8 with a scale per title, and
        /// the identity of the model that made them.
        case embeddings = 10
    }

    /// Bytes of the trailer: table offset (8), table checksum (8), magic (4).
    static let trailerSize = 20
    /// Bytes of one section table entry: kind (4), offset (8), length (8), checksum (8).
    static let tableEntrySize = 28
    /// Bytes of one document's values: year i16, kind u8, rating system u8, rating rank u8,
    /// pad u8, runtime u16.
    static let docValueSize = 8

    /// A 64-bit checksum fast enough to verify a whole segment on open: words are mixed with a
    /// multiply-xor step, eight bytes at a time, then the tail byte by byte.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var k = 0
        let words = bytes.count / 8
        while k < words {
            let word = bytes.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self)
            h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            k += 1
        }
        var tail = words * 8
        while tail < bytes.count {
            h = (h ^ UInt64(bytes[tail])) &* 0xC4CE_B9FE_1A85_EC53
            tail += 1
        }
        h ^= h >> 33
        return h
    }
}

extension [UInt8] {
    mutating func append<T: FixedWidthInteger>(little value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    mutating func appendVarint(_ value: UInt32) {
        var v = value
        while v >= 0x80 {
            append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }
}

extension UnsafeRawBufferPointer {
    /// A little-endian integer at `offset`.
    @inline(__always)
    func little<T: FixedWidthInteger>(_ offset: Int, as type: T.Type = T.self) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// A varint at `offset`, and the offset after it.
    @inline(__always)
    func varint(_ offset: inout Int) -> UInt32 {
        var value: UInt32 = 0
        var shift: UInt32 = 0
        while true {
            let byte = self[offset]
            offset += 1
            value |= UInt32(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
            if shift > 28 { return value }
        }
    }
}

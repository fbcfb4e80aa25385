import MicrogenreCore

/// The documents of one segment that later updates deleted or replaced, kept beside the
/// immutable segment in its own small file (`deletes-S-G.mgdl`): `"MGDL"`, `u32 version (1)`,
/// `u32 documentCount`, a bitmap of `ceil(documentCount / 8)` bytes (bit d set: document d
/// deleted, low bit first), then a `u64` checksum of everything before it.
public struct DeletionSet: Sendable, Equatable {
    /// Documents in the segment the set belongs to.
    public let documentCount: Int
    private var bits: [UInt8]

    static let magic: [UInt8] = Array("MGDL".utf8)
    static let version: UInt32 = 1

    /// An empty set for a segment of `documentCount` documents.
    public init(documentCount: Int) {
        self.documentCount = documentCount
        bits = [UInt8](repeating: 0, count: (documentCount + 7) / 8)
    }

    /// Whether document `doc` is deleted.
    public func contains(_ doc: Int) -> Bool { bits[doc >> 3] & (1 << UInt8(doc & 7)) != 0 }

    /// Marks document `doc` deleted.
    public mutating func insert(_ doc: Int) { bits[doc >> 3] |= 1 << UInt8(doc & 7) }

    /// The number of deleted documents.
    public var count: Int { bits.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        var out = Self.magic
        out.append(little: Self.version)
        out.append(little: UInt32(documentCount))
        out += bits
        let checksum = out.withUnsafeBytes { SegmentFormat.checksum($0) }
        out.append(little: checksum)
        return out
    }

    /// Reads a deletion file written for a segment of `documentCount` documents, or fails naming
    /// the file.
    public init(path: String, documentCount: Int) throws {
        let bytes = try FileSystem.read(path)
        self.documentCount = documentCount
        let bitmapSize = (documentCount + 7) / 8
        guard bytes.count >= 12, Array(bytes[0..<4]) == Self.magic else {
            throw IndexError(path: path, "not a Microgenre deletion file (bad magic number)")
        }
        let (version, count) = bytes.withUnsafeBytes { ($0.little(4, as: UInt32.self), $0.little(8, as: UInt32.self)) }
        guard version == Self.version else {
            throw IndexError(path: path, "deletion file format version \(version) is not supported (this reader: 1)")
        }
        guard Int(count) == documentCount, bytes.count == 12 + bitmapSize + 8 else {
            throw IndexError(
                path: path, "damaged deletion file: it does not fit its segment of \(documentCount) titles")
        }
        let stored = bytes.withUnsafeBytes { $0.little(12 + bitmapSize, as: UInt64.self) }
        let computed = bytes.withUnsafeBytes {
            SegmentFormat.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<(12 + bitmapSize)]))
        }
        guard stored == computed else { throw IndexError(path: path, "damaged deletion file: checksum mismatch") }
        bits = Array(bytes[12..<(12 + bitmapSize)])
    }
}

/// An interning hash table for short byte strings (terms): each distinct string gets a dense id.
///
/// Lookups take an `UnsafeBufferPointer` so the hot path never allocates a `String` or an
/// `Array` per token. Open addressing with linear probing; keys live in one arena. Each slot is
/// two words: the id with the key's length and the high bits of its hash, and the key's first
/// eight bytes. So a probe that passes a different key rarely reads further, and a key of up to
/// eight bytes (most words) is found without touching the arena: one cache miss per lookup
/// instead of three, which is what large tables (a model's vocabulary, a segment's terms) pay.
public struct ByteStringTable: Sendable {
    private var arena: [UInt8] = []
    private var starts: [Int] = []
    private var hashes: [UInt64] = []
    /// Two words per slot: `(hash >> 40) << 40 | min(length, 255) << 32 | id` (or ``empty``),
    /// then the key's first eight bytes, zero-extended.
    private var slots: [UInt64]
    private var mask: Int

    /// Creates an empty table sized for about `capacity` strings.
    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Self.empty, count: 2 * size)
        mask = size - 1
        starts = [0]
    }

    /// Creates a table holding `strings`, with ids in their order (duplicates keep the first id).
    public init<S: Sequence<String>>(_ strings: S) {
        self.init()
        for string in strings { insert(string) }
    }

    /// The number of distinct strings.
    public var count: Int { hashes.count }

    /// The id of `key`, or nil when absent.
    public func id(of key: UnsafeBufferPointer<UInt8>) -> Int32? {
        findSlot(key, hash: Self.hash(key)).id
    }

    /// The id of `bytes`, or nil when absent.
    public func id(of bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBufferPointer { id(of: $0) }
    }

    /// Whether the table holds `string`.
    public func contains(_ string: String) -> Bool {
        var copy = string
        return copy.withUTF8 { id(of: $0) } != nil
    }

    /// The id of `key`, inserting it when absent.
    @discardableResult
    public mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (id: Int32, inserted: Bool) {
        insert(key, hash: Self.hash(key))
    }

    private mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (id: Int32, inserted: Bool) {
        let found = findSlot(key, hash: hash)
        if let id = found.id { return (id, false) }
        let id = Int32(hashes.count)
        arena.append(contentsOf: key)
        starts.append(arena.count)
        hashes.append(hash)
        slots[2 &* found.slot] = Self.entry(id, hash, key.count)
        slots[2 &* found.slot &+ 1] = Self.firstWord(key)
        if hashes.count * 4 > (mask + 1) * 3 { grow() }
        return (id, true)
    }

    /// The id of `string`, inserting it when absent.
    @discardableResult
    public mutating func insert(_ string: String) -> (id: Int32, inserted: Bool) {
        var copy = string
        return copy.withUTF8 { insert($0) }
    }

    /// Calls `body` with the bytes of the string with `id`.
    public func withBytes<R>(of id: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let range = starts[Int(id)]..<starts[Int(id) + 1]
        return try arena.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// The string with `id`.
    public func string(of id: Int32) -> String {
        withBytes(of: id) { String(decoding: $0, as: UTF8.self) }
    }

    /// Removes every string, keeping the allocated capacity.
    public mutating func removeAll() {
        arena.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        starts.append(0)
        hashes.removeAll(keepingCapacity: true)
        for k in slots.indices { slots[k] = Self.empty }
    }

    private func findSlot(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (slot: Int, id: Int32?) {
        let tag = Self.entry(0, hash, key.count)
        let first = Self.firstWord(key)
        let mask = self.mask
        return slots.withUnsafeBufferPointer { slots in
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entry = slots[2 &* slot]
                if entry == Self.empty { return (slot, nil) }
                if entry & ~0xFFFF_FFFF == tag && slots[2 &* slot &+ 1] == first {
                    let id = Int32(truncatingIfNeeded: entry)
                    if key.count <= 8 || equalsAfterEight(id, key) { return (slot, id) }
                }
                slot = (slot &+ 1) & mask
            }
        }
    }

    private static let empty = UInt64.max

    @inline(__always)
    private static func entry(_ id: Int32, _ hash: UInt64, _ length: Int) -> UInt64 {
        (hash >> 40) << 40 | UInt64(min(length, 255)) << 32 | UInt64(UInt32(bitPattern: id))
    }

    /// The first eight bytes of `key` (fewer, zero-extended), never reading past it.
    @inline(__always)
    private static func firstWord(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = key.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        let count = key.count
        if count >= 8 { return raw.loadUnaligned(as: UInt64.self) }
        if count >= 4 {
            let low = UInt64(raw.loadUnaligned(as: UInt32.self))
            let high = UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            return low | high << UInt64(8 * (count - 4))
        }
        var word: UInt64 = 0
        for k in 0..<count { word |= UInt64(key[k]) << UInt64(8 * k) }
        return word
    }

    /// Whether the string with `id`, whose first eight bytes match `key`'s, matches it all. Its
    /// length is checked here: a slot records lengths only up to 255.
    private func equalsAfterEight(_ id: Int32, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        starts.withUnsafeBufferPointer { starts in
            let start = starts[Int(id)]
            guard starts[Int(id) &+ 1] &- start == key.count else { return false }
            return arena.withUnsafeBufferPointer { base in
                var k = 8
                while k < key.count {
                    if base[start &+ k] != key[k] { return false }
                    k &+= 1
                }
                return true
            }
        }
    }

    private mutating func grow() {
        let size = (mask + 1) * 2
        slots = Array(repeating: Self.empty, count: 2 * size)
        mask = size - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[2 * slot] != Self.empty { slot = (slot + 1) & mask }
            let range = starts[id]..<starts[id + 1]
            let first = arena.withUnsafeBufferPointer { Self.firstWord(UnsafeBufferPointer(rebasing: $0[range])) }
            slots[2 * slot] = Self.entry(Int32(id), hash, range.count)
            slots[2 * slot + 1] = first
        }
    }

    /// The table's hash of `key`: eight bytes at a time, then a final avalanche so that every
    /// bit depends on every byte (slots are found by the low bits and tagged with the high ones).
    /// Not stable across versions: nothing stores it.
    @inline(__always)
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let count = key.count
        var h = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        var last: UInt64 = 0
        if let base = key.baseAddress {
            let raw = UnsafeRawPointer(base)
            var k = 0
            while k + 8 <= count {
                h = (h ^ raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
                h ^= h >> 31
                k += 8
            }
            // The last 1 to 7 bytes in at most two loads, never past the key (the length, mixed
            // in above, tells the cases apart): four bytes from each end, or the first, middle
            // and last byte.
            let rest = count - k
            if rest >= 4 {
                last =
                    UInt64(raw.loadUnaligned(fromByteOffset: k, as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) << 32
            } else if rest > 0 {
                last = UInt64(key[k]) << 16 | UInt64(key[k + rest / 2]) << 8 | UInt64(key[count - 1])
            }
        }
        h = (h ^ last) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 32
        h &*= 0xFF51_AFD7_ED55_8CCD
        return h ^ (h >> 29)
    }
}

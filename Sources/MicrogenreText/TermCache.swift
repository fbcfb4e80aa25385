internal import CICU
import MicrogenreCore

/// The analyzer's memo of the surface terms it has met: for each, the term it outputs (its stem,
/// or itself) and whether it is a stopword, so that stemming runs once per distinct word.
///
/// A lookup happens for every token, so the layout is built around cache misses. An entry is one
/// 32-byte bucket holding the key's hash, the key itself and the output, stored as the length of
/// the prefix it shares with the key plus its remaining tail (Porter2 stems differ from their
/// word only at the end: `comedies` -> 6 + "", `happy` -> 4 + "i"). Entries whose key and tail
/// exceed the 20 inline bytes keep them in an overflow arena. So a lookup reads one cache line,
/// where a table of ids over separate key and output arenas read five.
///
/// The main table uses open addressing with linear probing and is at most half full. In front of
/// it, a small direct-mapped copy of recently used buckets stays in the L2 cache while the
/// feed's parsing streams through memory: frequent words are answered there.
///
/// Keys longer than ``maxKeyLength`` bytes are never stored; callers compute their output each time.
struct TermCache {
    /// An entry's bucket, or where a missing key would be inserted.
    struct Slot {
        let bucket: UnsafeMutableRawPointer
        let found: Bool
    }

    static let bucketSize = 32
    static let inlineCapacity = 20
    static let maxKeyLength = 255
    static let frontSize = 1 << 13

    private var buckets: UnsafeMutableRawPointer
    private var mask: Int
    private let front: UnsafeMutableRawPointer
    private var overflow: [UInt8] = []
    /// The number of terms stored.
    private(set) var count = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        buckets = Self.allocate(size)
        mask = size - 1
        front = Self.allocate(Self.frontSize)
    }

    func deallocate() {
        buckets.deallocate()
        front.deallocate()
    }

    private static func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: size * bucketSize, alignment: 64)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: size * bucketSize)
        return memory
    }

    // Bucket fields: hash (8 bytes), key length (0 when empty), shared prefix length, tail
    // length, flags, then 20 bytes of key and tail, or a 4-byte offset into `overflow`.
    private static let keyLengthOffset = 8
    private static let prefixOffset = 9
    private static let tailOffset = 10
    private static let flagsOffset = 11
    private static let dataOffset = 12
    private static let stopwordFlag: UInt8 = 1
    private static let overflowFlag: UInt8 = 2

    @inline(__always)
    private static func byte(_ bucket: UnsafeMutableRawPointer, _ offset: Int) -> UInt8 {
        bucket.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// Calls `body` with the key and tail bytes of the entry in `bucket`.
    @inline(__always)
    private func withData<R>(_ bucket: UnsafeMutableRawPointer, _ body: (UnsafePointer<UInt8>) -> R) -> R {
        if Self.byte(bucket, Self.flagsOffset) & Self.overflowFlag != 0 {
            let offset = Int(bucket.loadUnaligned(fromByteOffset: Self.dataOffset, as: UInt32.self))
            return overflow.withUnsafeBufferPointer { body($0.baseAddress! + offset) }
        }
        return body(UnsafePointer((bucket + Self.dataOffset).assumingMemoryBound(to: UInt8.self)))
    }

    /// Whether `bucket` holds `key`. A key of up to eight bytes stored inline is compared as
    /// one masked word with `first` (see ``firstWord(_:eightReadable:)``), with no branch on
    /// its length.
    @inline(__always)
    private func holds(
        _ bucket: UnsafeMutableRawPointer, _ key: UnsafeBufferPointer<UInt8>, _ hash: UInt64, _ first: UInt64
    ) -> Bool {
        let count = key.count
        guard Int(Self.byte(bucket, Self.keyLengthOffset)) == count && bucket.load(as: UInt64.self) == hash else {
            return false
        }
        if count <= 8 && Self.byte(bucket, Self.flagsOffset) & Self.overflowFlag == 0 {
            return bucket.loadUnaligned(fromByteOffset: Self.dataOffset, as: UInt64.self) & Self.lowBytes(count)
                == first
        }
        return withData(bucket) { Self.sameBytes(UnsafeRawPointer($0), UnsafeRawPointer(key.baseAddress!), count) }
    }

    /// Whether the `count` bytes at `a` and `b` are equal: a word at a time, with overlapping
    /// loads for the last bytes, never reading past either.
    @inline(__always)
    private static func sameBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        if count >= 8 {
            var k = 0
            while k &+ 8 <= count {
                if a.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                    != b.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                {
                    return false
                }
                k &+= 8
            }
            return k == count
                || a.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
                    == b.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
        }
        if count >= 4 {
            return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
                    == b.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
        }
        var k = 0
        while k < count {
            if a.load(fromByteOffset: k, as: UInt8.self) != b.load(fromByteOffset: k, as: UInt8.self) { return false }
            k &+= 1
        }
        return true
    }

    /// The hash of a key (never empty) whose ``firstWord(_:eightReadable:)`` is `first`. Every
    /// bit depends on every byte: the main table indexes by low bits and the front by high ones.
    /// A key of up to eight bytes (most words) is mixed from `first` alone, with no branch on its
    /// length, which varies from word to word and so would be mispredicted.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>, first: UInt64) -> UInt64 {
        let count = key.count
        return count > 8 ? longHash(first, UnsafeRawPointer(key.baseAddress!), count) : mix(first, count)
    }

    /// The key's first eight bytes (fewer, zero-extended, for a shorter key) as one word, for
    /// ``hash(_:first:)`` and ``find(_:hash:first:)``: one load masked to the key's length when
    /// `eightReadable` says eight bytes may be read from its start.
    @inline(__always)
    static func firstWord(_ key: UnsafeBufferPointer<UInt8>, eightReadable: Bool) -> UInt64 {
        let count = key.count
        let raw = UnsafeRawPointer(key.baseAddress!)
        if eightReadable || count >= 8 { return raw.loadUnaligned(as: UInt64.self) & lowBytes(count) }
        var first: UInt64 = 0
        withUnsafeMutableBytes(of: &first) { $0.copyMemory(from: UnsafeRawBufferPointer(start: raw, count: count)) }
        return first
    }

    /// A mask of the low `count` bytes of a word (all eight from eight on).
    @inline(__always)
    private static func lowBytes(_ count: Int) -> UInt64 { ~0 &>> UInt64(64 &- min(count, 8) &* 8) }

    @inline(__always)
    private static func mix(_ first: UInt64, _ count: Int) -> UInt64 {
        var h = (UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15) ^ first
        h &*= 0xBF58_476D_1CE4_E5B9
        h ^= h &>> 31
        h &*= 0x94D0_49BB_1331_11EB
        h ^= h &>> 32
        h &*= 0xFF51_AFD7_ED55_8CCD
        return h ^ (h &>> 29)
    }

    /// Keys over eight bytes: the rest eight bytes at a time, the last eight overlapping.
    private static func longHash(_ first: UInt64, _ raw: UnsafeRawPointer, _ count: Int) -> UInt64 {
        var h = first
        var k = 8
        while k &+ 8 <= count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h &>> 31
            k &+= 8
        }
        if k < count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)) &* 0xD6E8_FEB8_6659_FD93
            h ^= h &>> 29
        }
        return mix(h, count)
    }

    /// The front's bucket for a key with `hash`.
    @inline(__always)
    private func frontBucket(_ hash: UInt64) -> UnsafeMutableRawPointer {
        front + (Int(truncatingIfNeeded: hash >> 40) & (Self.frontSize - 1)) &* Self.bucketSize
    }

    /// Starts loading the buckets a lookup of a key with `hash` will read.
    @inline(__always)
    func prefetch(_ hash: UInt64) {
        cicu_prefetch(frontBucket(hash))
        cicu_prefetch(buckets + (Int(truncatingIfNeeded: hash) & mask) &* Self.bucketSize)
    }

    /// Finds `key`, whose ``hash(_:first:)`` is `hash` and ``firstWord(_:eightReadable:)`` `first`.
    @inline(__always)
    func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, first: UInt64) -> Slot {
        let cached = frontBucket(hash)
        if holds(cached, key, hash, first) { return Slot(bucket: cached, found: true) }
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let bucket = buckets + index &* Self.bucketSize
            if Self.byte(bucket, Self.keyLengthOffset) == 0 { return Slot(bucket: bucket, found: false) }
            if holds(bucket, key, hash, first) {
                cached.copyMemory(from: bucket, byteCount: Self.bucketSize)
                return Slot(bucket: cached, found: true)
            }
            index = (index + 1) & mask
        }
    }

    /// Whether the entry in `bucket` is a stopword.
    @inline(__always)
    func isStopword(_ bucket: UnsafeMutableRawPointer) -> Bool {
        Self.byte(bucket, Self.flagsOffset) & Self.stopwordFlag != 0
    }

    /// The output of the entry in `bucket`: its stored bytes when the output is a prefix of an
    /// inline key (the common case, no copy), else a copy in `scratch`, which has room for
    /// 2 × ``maxKeyLength`` bytes. Valid until the cache changes.
    @inline(__always)
    func output(_ bucket: UnsafeMutableRawPointer, scratch: UnsafeMutablePointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let prefix = Int(Self.byte(bucket, Self.prefixOffset))
        let tail = Int(Self.byte(bucket, Self.tailOffset))
        let flags = Self.byte(bucket, Self.flagsOffset)
        if tail == 0 && flags & Self.overflowFlag == 0 {
            return UnsafeBufferPointer(
                start: (bucket + Self.dataOffset).assumingMemoryBound(to: UInt8.self), count: prefix)
        }
        let keyLength = Int(Self.byte(bucket, Self.keyLengthOffset))
        withData(bucket) { stored in
            scratch.update(from: stored, count: prefix)
            (scratch + prefix).update(from: stored + keyLength, count: tail)
        }
        return UnsafeBufferPointer(start: scratch, count: prefix + tail)
    }

    /// Whether `key` with `output` can be stored: the key is at most ``maxKeyLength`` bytes and
    /// so is the output's tail after their shared prefix.
    static func canStore(_ key: UnsafeBufferPointer<UInt8>, output: UnsafeBufferPointer<UInt8>) -> Bool {
        key.count <= maxKeyLength && output.count <= key.count + maxKeyLength
    }

    /// Stores `key` with its `output` at the slot ``find(_:hash:)`` returned for it (absent).
    /// ``canStore(_:output:)`` must hold.
    mutating func insert(
        _ key: UnsafeBufferPointer<UInt8>, hash: UInt64, output: UnsafeBufferPointer<UInt8>, isStopword: Bool,
        at slot: Slot
    ) {
        var prefix = 0
        let shared = min(key.count, output.count)
        while prefix < shared && key[prefix] == output[prefix] { prefix += 1 }
        let tail = UnsafeBufferPointer(rebasing: output[prefix...])
        var bucket = slot.bucket
        if (count + 1) * 2 > mask + 1 {
            grow()
            bucket = find(key, hash: hash, first: Self.firstWord(key, eightReadable: false)).bucket
        }
        bucket.storeBytes(of: hash, as: UInt64.self)
        bucket.storeBytes(of: UInt8(key.count), toByteOffset: Self.keyLengthOffset, as: UInt8.self)
        bucket.storeBytes(of: UInt8(prefix), toByteOffset: Self.prefixOffset, as: UInt8.self)
        bucket.storeBytes(of: UInt8(tail.count), toByteOffset: Self.tailOffset, as: UInt8.self)
        var flags: UInt8 = isStopword ? Self.stopwordFlag : 0
        if key.count + tail.count <= Self.inlineCapacity {
            let data = (bucket + Self.dataOffset).assumingMemoryBound(to: UInt8.self)
            data.update(from: key.baseAddress!, count: key.count)
            if !tail.isEmpty { (data + key.count).update(from: tail.baseAddress!, count: tail.count) }
        } else {
            flags |= Self.overflowFlag
            bucket.storeBytes(of: UInt32(overflow.count), toByteOffset: Self.dataOffset, as: UInt32.self)
            overflow.append(contentsOf: key)
            overflow.append(contentsOf: tail)
        }
        bucket.storeBytes(of: flags, toByteOffset: Self.flagsOffset, as: UInt8.self)
        count += 1
    }

    /// Forgets every entry, keeping the allocated buckets.
    mutating func removeAll() {
        buckets.initializeMemory(as: UInt8.self, repeating: 0, count: (mask + 1) * Self.bucketSize)
        front.initializeMemory(as: UInt8.self, repeating: 0, count: Self.frontSize * Self.bucketSize)
        overflow.removeAll(keepingCapacity: true)
        count = 0
    }

    private mutating func grow() {
        let old = buckets
        let oldSize = mask + 1
        buckets = Self.allocate(oldSize * 2)
        mask = oldSize * 2 - 1
        for k in 0..<oldSize {
            let from = old + k * Self.bucketSize
            guard Self.byte(from, Self.keyLengthOffset) != 0 else { continue }
            var index = Int(truncatingIfNeeded: from.load(as: UInt64.self)) & mask
            while Self.byte(buckets + index * Self.bucketSize, Self.keyLengthOffset) != 0 { index = (index + 1) & mask }
            (buckets + index * Self.bucketSize).copyMemory(from: from, byteCount: Self.bucketSize)
        }
        old.deallocate()
    }
}

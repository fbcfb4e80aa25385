/// The 64-bit FNV-1a hash: small, stable across runs and machines, good enough for file
/// checksums, cache keys and splitting users or titles by id. One implementation for all of them,
/// so a key written by one part of the engine is the key another part computes.
public struct FNV1a: Sendable {
    /// The hash of everything added so far.
    @inlinable public var value: UInt64 { state }

    @usableFromInline var state: UInt64 = 0xcbf2_9ce4_8422_2325

    /// A hasher over nothing yet.
    @inlinable public init() {}

    /// Adds one byte.
    @inlinable public mutating func add(_ byte: UInt8) {
        state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    /// Adds bytes in order.
    @inlinable public mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { add(byte) }
    }

    /// The hash of `bytes`.
    @inlinable public static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hasher = FNV1a()
        hasher.add(bytes)
        return hasher.value
    }
}

/// Which of `count` shards a user belongs to (0-based): FNV-1a of the user id modulo `count`,
/// so every machine computes the same split and the shards together hold every user once.
public func shard(of user: String, count: Int) -> Int {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in user.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return Int(hash % UInt64(max(1, count)))
}

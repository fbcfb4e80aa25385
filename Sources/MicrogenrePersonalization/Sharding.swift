import MicrogenreCore

/// Which of `count` shards a user belongs to (0-based): FNV-1a of the user id modulo `count`,
/// so every machine computes the same split and the shards together hold every user once.
public func shard(of user: String, count: Int) -> Int {
    Int(FNV1a.hash(user.utf8) % UInt64(max(1, count)))
}

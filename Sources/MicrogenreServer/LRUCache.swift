import Synchronization

/// A least-recently-used cache, safe to share between requests, bounded both in entries and in
/// total cost (bytes, by the caller's measure): inserting past either bound evicts the entries
/// used longest ago. Lookups and inserts are O(1): the entries sit in a doubly linked list kept
/// in arrays, most recently used at the head.
public final class LRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var key: Key
        var value: Value
        var cost: Int
        var previous: Int
        var next: Int
    }

    private struct State {
        var slots: [Key: Int] = [:]
        var entries: [Entry?] = []
        var free: [Int] = []
        var head = -1
        var tail = -1
        var cost = 0
        var hits = 0
        var misses = 0
        var evictions = 0

        mutating func unlink(_ slot: Int) {
            let entry = entries[slot]!
            if entry.previous >= 0 { entries[entry.previous]!.next = entry.next } else { head = entry.next }
            if entry.next >= 0 { entries[entry.next]!.previous = entry.previous } else { tail = entry.previous }
        }

        mutating func pushFront(_ slot: Int) {
            entries[slot]!.previous = -1
            entries[slot]!.next = head
            if head >= 0 { entries[head]!.previous = slot }
            head = slot
            if tail < 0 { tail = slot }
        }

        mutating func remove(_ slot: Int) {
            unlink(slot)
            let entry = entries[slot]!
            slots[entry.key] = nil
            cost -= entry.cost
            entries[slot] = nil
            free.append(slot)
        }
    }

    private let state = Mutex(State())
    /// Entries at most.
    public let capacity: Int
    /// Total cost at most.
    public let maximumCost: Int

    /// A cache of at most `capacity` entries whose costs add up to at most `maximumCost`.
    public init(capacity: Int, maximumCost: Int = .max) {
        self.capacity = max(1, capacity)
        self.maximumCost = maximumCost
    }

    /// The value cached for `key`, now the most recently used; nil when none is.
    public func value(_ key: Key) -> Value? {
        state.withLock { state in
            guard let slot = state.slots[key] else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            if state.head != slot {
                state.unlink(slot)
                state.pushFront(slot)
            }
            return state.entries[slot]!.value
        }
    }

    /// Caches `value` for `key` (replacing any), then evicts the least recently used entries
    /// until both bounds hold. A value costing more than the whole budget is not kept.
    public func insert(_ value: Value, for key: Key, cost: Int = 1) {
        guard cost <= maximumCost else { return }
        state.withLock { state in
            if let slot = state.slots[key] { state.remove(slot) }
            let entry = Entry(key: key, value: value, cost: cost, previous: -1, next: -1)
            let slot: Int
            if let reused = state.free.popLast() {
                slot = reused
                state.entries[slot] = entry
            } else {
                slot = state.entries.count
                state.entries.append(entry)
            }
            state.slots[key] = slot
            state.cost += cost
            state.pushFront(slot)
            while state.slots.count > capacity || state.cost > maximumCost, state.tail >= 0 {
                state.remove(state.tail)
                state.evictions += 1
            }
        }
    }

    /// Forgets `key`.
    public func remove(_ key: Key) {
        state.withLock { state in
            if let slot = state.slots[key] { state.remove(slot) }
        }
    }

    /// Forgets every entry.
    public func removeAll() {
        state.withLock { state in
            let (hits, misses, evictions) = (state.hits, state.misses, state.evictions)
            state = State()
            (state.hits, state.misses, state.evictions) = (hits, misses, evictions)
        }
    }

    /// Entries, total cost, and the lookups that hit and missed and the entries evicted so far.
    public var statistics: (count: Int, cost: Int, hits: Int, misses: Int, evictions: Int) {
        state.withLock { ($0.slots.count, $0.cost, $0.hits, $0.misses, $0.evictions) }
    }
}

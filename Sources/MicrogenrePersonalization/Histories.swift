import MicrogenreCore
public import MicrogenreEvents

/// One user's signals, by document.
public struct UserHistory: Sendable {
    public var user: String
    /// Per document: the decayed signal in [-1, 1].
    public var signals: [Int: Double] = [:]
    /// Per document: the undecayed signal in [-1, 1].
    public var raw: [Int: Double] = [:]
    /// Documents the user finished (completed, played through, or rated).
    public var finished: Set<Int> = []
    /// Per document: the time of the latest event.
    public var lastSeen: [Int: Int64] = [:]
    /// Per document: the decay factor of the latest event.
    public var recency: [Int: Double] = [:]

    public init(user: String) { self.user = user }

    /// Documents with a positive undecayed signal of at least `threshold`, newest first.
    public func liked(_ threshold: Double) -> [Int] {
        raw.filter { $0.value >= threshold }.map(\.key).sorted {
            (lastSeen[$0] ?? 0, $0) > (lastSeen[$1] ?? 0, $1)
        }
    }
}

/// Every user's history, built from events against a catalog.
public struct Histories: Sendable {
    /// Users by id.
    public var users: [String: UserHistory] = [:]
    /// Events naming titles the catalog does not hold.
    public var unknownTitles = 0
    /// The time the decay counts from: the newest event.
    public var now: Int64 = 0

    /// Builds every user's history from `events`; decay counts from `now` (default: the newest event).
    public init(events: [ViewingEvent], catalog: CatalogFeatures, policy: SignalPolicy, now: Int64? = nil) {
        let now = now ?? events.map(\.timestamp).max() ?? 0
        self.now = now
        // Group the events by user first, then build each history in place: one dictionary
        // lookup per user rather than copying a history in and out per event.
        var byUser: [String: [Int]] = [:]
        for (index, event) in events.enumerated() { byUser[event.user, default: []].append(index) }
        users.reserveCapacity(byUser.count)
        for (user, indexes) in byUser {
            var history = UserHistory(user: user)
            var sums: [Int: (decayed: Double, raw: Double)] = [:]
            for index in indexes {
                let event = events[index]
                guard let doc = catalog.documents[event.title] else {
                    unknownTitles += 1
                    continue
                }
                let (weight, finished) = policy.weight(event, runtime: catalog.runtimes[doc])
                let decayed = weight * policy.decay(age: now - event.timestamp)
                if finished { history.finished.insert(doc) }
                history.lastSeen[doc] = max(history.lastSeen[doc] ?? 0, event.timestamp)
                let previous = sums[doc] ?? (0, 0)
                sums[doc] = (previous.decayed + decayed, previous.raw + weight)
            }
            guard !sums.isEmpty else { continue }
            for (doc, sum) in sums {
                history.signals[doc] = max(-1, min(1, sum.decayed))
                history.raw[doc] = max(-1, min(1, sum.raw))
                history.recency[doc] = policy.decay(age: now - history.lastSeen[doc]!)
            }
            users[user] = history
        }
    }
}

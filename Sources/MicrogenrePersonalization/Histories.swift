import MicrogenreCore
public import MicrogenreEvents

/// One user's signals, by document.
public struct UserHistory: Sendable {
    /// The user's id.
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

    /// An empty history for `user`.
    public init(user: String) { self.user = user }

    /// Documents with a positive undecayed signal of at least `threshold`, newest first.
    public func liked(_ threshold: Double) -> [Int] {
        likedUnordered(threshold).sorted { (lastSeen[$0] ?? 0, $0) > (lastSeen[$1] ?? 0, $1) }
    }

    /// Documents with a positive undecayed signal of at least `threshold`, in no order.
    public func likedUnordered(_ threshold: Double) -> [Int] {
        var result: [Int] = []
        for (doc, value) in raw where value >= threshold { result.append(doc) }
        return result
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
        // Group the events by user, then per user gather (document, event) pairs in an array,
        // sort them by document and fold each document's events: the dictionaries of a
        // history are written once per title, not once per event. Within a document the events
        // are folded in an order of their own (time, kind, value), not the order they came in,
        // so a history is the same bit for bit whichever way its events were read.
        var byUser: [String: [Int32]] = [:]
        for (index, event) in events.enumerated() { byUser[event.user, default: []].append(Int32(index)) }
        users.reserveCapacity(byUser.count)
        struct Pair {
            var doc: Int
            var timestamp: Int64
            var kind: Int
            var value: Double
            var event: Int32
        }
        var pairs: [Pair] = []
        for (user, indexes) in byUser {
            pairs.removeAll(keepingCapacity: true)
            for index in indexes {
                let event = events[Int(index)]
                if let doc = catalog.documents[event.title] {
                    pairs.append(
                        Pair(
                            doc: doc, timestamp: event.timestamp, kind: event.kind.rank, value: event.value,
                            event: index))
                } else {
                    unknownTitles += 1
                }
            }
            guard !pairs.isEmpty else { continue }
            pairs.sort {
                ($0.doc, $0.timestamp, $0.kind, $0.value, $0.event) < (
                    $1.doc, $1.timestamp, $1.kind, $1.value, $1.event
                )
            }
            var history = UserHistory(user: user)
            history.signals.reserveCapacity(pairs.count)
            history.raw.reserveCapacity(pairs.count)
            history.lastSeen.reserveCapacity(pairs.count)
            history.recency.reserveCapacity(pairs.count)
            var start = 0
            while start < pairs.count {
                let doc = pairs[start].doc
                var end = start
                var decayed = 0.0
                var raw = 0.0
                var last = Int64.min
                var finished = false
                while end < pairs.count && pairs[end].doc == doc {
                    let event = events[Int(pairs[end].event)]
                    let (weight, done) = policy.weight(event, runtime: catalog.runtimes[doc])
                    decayed += weight * policy.decay(age: SignalPolicy.age(from: event.timestamp, to: now))
                    raw += weight
                    last = max(last, event.timestamp)
                    finished = finished || done
                    end += 1
                }
                if finished { history.finished.insert(doc) }
                history.signals[doc] = max(-1, min(1, decayed))
                history.raw[doc] = max(-1, min(1, raw))
                history.lastSeen[doc] = last
                history.recency[doc] = policy.decay(age: SignalPolicy.age(from: last, to: now))
                start = end
            }
            users[user] = history
        }
    }
}

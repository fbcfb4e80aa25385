import MicrogenreCore
public import MicrogenreEvents

/// How events become a user's signal for a title. Each event gives a weight in [-1, 1]; a
/// title's signal is the sum of its events' weights, each decayed by its age, clamped to [-1, 1].
public struct SignalPolicy: Sendable, Hashable {
    /// `complete`.
    public var complete = 1.0
    /// `play` of at least ``watchedShare`` of the runtime: that share times this.
    public var play = 0.8
    /// `play` of less than ``sampledShare`` of the runtime: sampled and left.
    public var sampled = -0.2
    /// `abandon`.
    public var abandon = -0.5
    /// `thumb_up` and (negated) `thumb_down`.
    public var thumb = 1.0
    /// A rating r on 0 to 5 gives (r - ``neutralRating``) / 2.
    public var neutralRating = 3.0
    /// A play of this share of the runtime counts as finished.
    public var watchedShare = 0.9
    /// A play under this share of the runtime counts as sampled.
    public var sampledShare = 0.1
    /// The runtime assumed when the catalog gives none, in seconds.
    public var defaultRuntime = 6000
    /// A signal this old counts half; zero: no decay.
    public var halfLifeDays = 180.0
    /// A title counts as liked (for co-viewing and evaluation) with an undecayed signal of at least this.
    public var positive = 0.3
    /// In the co-viewing score, a liked title counts 1 (times its decay); a title watched but
    /// not liked counts this (a signal between 0 and ``positive``) ...
    public var coViewingNeutral = 0.0
    /// ... and a disliked title counts this times its (negative) signal.
    public var coViewingNegative = 0.0

    /// The weight of a title in the co-viewing score, from its undecayed signal and decay.
    public func coViewingWeight(raw: Double, decay: Double) -> Double {
        if raw >= positive { return decay }
        if raw >= 0 { return coViewingNeutral * decay }
        return coViewingNegative * raw * decay
    }

    public init() {}

    /// The undecayed weight of one event, and whether it shows the title was finished.
    public func weight(_ event: ViewingEvent, runtime: Int?) -> (weight: Double, finished: Bool) {
        switch event.kind {
        case .complete: return (complete, true)
        case .abandon: return (abandon, false)
        case .thumbUp: return (thumb, false)
        case .thumbDown: return (-thumb, false)
        case .rating: return (max(-1, min(1, (event.value - neutralRating) / 2)), true)
        case .play:
            let share = event.value / Double(max(1, runtime ?? defaultRuntime))
            if share < sampledShare { return (sampled, false) }
            return (play * min(1, share), share >= watchedShare)
        }
    }

    /// The factor an event `age` seconds old is multiplied by.
    public func decay(age: Int64) -> Double {
        guard halfLifeDays > 0 else { return 1 }
        return pow(0.5, Double(max(0, age)) / (halfLifeDays * 86_400))
    }
}

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

#if canImport(Glibc)
    import Glibc
#endif

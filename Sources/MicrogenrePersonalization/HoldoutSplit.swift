public import MicrogenreEvents

/// A per-user time split: each user's last positive titles are held out, and profiles are
/// built from what came before.
public struct HoldoutSplit: Sendable {
    /// The events profiles may use: each user's events before their first held-out title,
    /// without the held-out titles.
    public var training: [ViewingEvent] = []
    /// Per user: the held-out titles.
    public var heldOut: [String: Set<Int>] = [:]
    /// Users with too few positive titles to split.
    public var skippedUsers = 0

    /// Holds out, per user, the last `share` (0 to 1) of their positive titles by time, or the
    /// last `count` when `share` is nil. A user needs at least two positive titles.
    public init(
        events: [ViewingEvent], catalog: CatalogFeatures, policy: SignalPolicy, share: Double?, count: Int = 1
    ) {
        var byUser: [String: [ViewingEvent]] = [:]
        for event in events where catalog.documents[event.title] != nil {
            byUser[event.user, default: []].append(event)
        }
        for user in byUser.keys.sorted() {
            let userEvents = byUser[user]!.sorted {
                ($0.timestamp, $0.title.rawValue) < ($1.timestamp, $1.title.rawValue)
            }
            var firstPositive: [Int: Int64] = [:]
            for event in userEvents {
                let doc = catalog.documents[event.title]!
                let (weight, _) = policy.weight(event, runtime: catalog.runtimes[doc])
                if weight >= policy.positive && firstPositive[doc] == nil { firstPositive[doc] = event.timestamp }
            }
            let positives = firstPositive.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
            guard positives.count >= 2 else {
                skippedUsers += 1
                training += userEvents
                continue
            }
            let holdCount = share.map { max(1, Int((Double(positives.count) * $0).rounded(.up))) } ?? count
            let held = positives.suffix(min(holdCount, positives.count - 1))
            let cut = held.first!.value
            let heldSet = Set(held.map(\.key))
            heldOut[user] = heldSet
            for event in userEvents where event.timestamp <= cut && !heldSet.contains(catalog.documents[event.title]!) {
                training.append(event)
            }
        }
    }
}

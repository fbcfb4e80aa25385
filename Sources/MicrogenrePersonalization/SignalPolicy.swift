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

    /// The default policy (the values above).
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

    /// Seconds from `then` to `now`, saturating instead of overflowing (a stored timestamp can
    /// be anything a database holds).
    public static func age(from then: Int64, to now: Int64) -> Int64 {
        let (age, overflow) = now.subtractingReportingOverflow(then)
        guard overflow else { return age }
        return then > now ? .min : .max
    }

    /// The factor an event `age` seconds old is multiplied by.
    public func decay(age: Int64) -> Double {
        guard halfLifeDays > 0 else { return 1 }
        return pow(0.5, Double(max(0, age)) / (halfLifeDays * 86_400))
    }
}

#if canImport(Glibc)
    import Glibc
#endif

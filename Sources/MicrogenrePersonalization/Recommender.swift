/// How the three signals are blended into one score per title for a user.
public struct Blend: Sendable, Hashable {
    /// Co-viewing: the sum of the user's signals times each title's similarity to what they watched.
    public var collaborative = 1.0
    /// Content: the cosine of the user's facet profile and the title's facets.
    public var content = 0.35
    /// Popularity: log(1 + likers), scaled to [0, 1].
    public var popularity = 0.15
    /// The share of the co-viewing part that comes from similar users (the rest: similar titles).
    public var userBased = 0.5
    /// Co-viewing similarity: the random walk with this popularity discount, or the cosine (nil).
    public var randomWalkBeta: Double? = 0.3

    /// The default blend: 1.0 co-viewing, 0.35 content, 0.15 popularity.
    public init() {}

    /// A blend of these weights (the other settings at their defaults).
    public init(collaborative: Double, content: Double, popularity: Double) {
        self.collaborative = collaborative
        self.content = content
        self.popularity = popularity
    }
}

/// A user's scores for every title, each part scaled to at most 1, and their facet profile.
public struct UserScores: Sendable {
    /// The blended score per document; finished and deleted documents get -infinity.
    public var total: [Double]
    /// Co-viewing part per document, scaled so the best is 1.
    public var collaborative: [Double]
    /// Content part per document (a cosine).
    public var content: [Double]
    /// Popularity part per document.
    public var popularity: [Double]
    /// The user's facet profile (per tag position), scaled to unit length; empty without events.
    public var affinity: [Double]
    /// Documents the user finished.
    public var finished: Set<Int>
}

/// Scores every title for a user by blending co-viewing, content and popularity.
public struct Recommender: Sendable {
    /// The titles scored.
    public let catalog: CatalogFeatures
    /// Every user's co-viewing, for the collaborative part.
    public let coViewing: CoViewing
    /// The weights of the parts.
    public var blend: Blend
    /// log(1 + likers) / log(1 + most likers), per document.
    public let popularity: [Double]
    /// How events weigh in the co-viewing score.
    public var policy: SignalPolicy

    /// A recommender over `catalog` with a co-viewing model built already.
    public init(
        catalog: CatalogFeatures, coViewing: CoViewing, blend: Blend = Blend(), policy: SignalPolicy = SignalPolicy()
    ) {
        self.catalog = catalog
        self.policy = policy
        self.coViewing = coViewing
        self.blend = blend
        let most = log(1 + Double(coViewing.popularity.max() ?? 0))
        popularity = coViewing.popularity.map { most > 0 ? log(1 + Double($0)) / most : 0 }
    }

    /// Builds a recommender from every user's histories.
    public init(catalog: CatalogFeatures, histories: Histories, policy: SignalPolicy, blend: Blend = Blend()) {
        let liked = histories.users.keys.sorted().map { histories.users[$0]!.likedUnordered(policy.positive) }
        let measure: CoViewing.Measure = blend.randomWalkBeta.map { .randomWalk(beta: $0) } ?? .cosine
        self.init(
            catalog: catalog, coViewing: CoViewing(liked: liked, count: catalog.count, measure: measure), blend: blend,
            policy: policy)
    }

    /// The user's facet profile: the sum of their titles' facet vectors weighted by signal,
    /// scaled to unit length (empty when it is zero).
    public func affinity(_ history: UserHistory) -> [Double] {
        var profile = [Double](repeating: 0, count: catalog.tags.count)
        for (doc, signal) in history.signals {
            for entry in catalog.vectors[doc] { profile[entry.tag] += signal * entry.weight }
        }
        let norm = profile.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? profile.map { $0 / norm } : []
    }

    /// Scores every title for `history` (nil: a user without events).
    public func scores(_ history: UserHistory?) -> UserScores {
        let count = catalog.count
        var collaborative = [Double](repeating: 0, count: count)
        var content = [Double](repeating: 0, count: count)
        let affinity = history.map(affinity) ?? []
        if let history {
            for (doc, raw) in history.raw {
                let weight = policy.coViewingWeight(raw: raw, decay: history.recency[doc] ?? 1)
                guard weight != 0 else { continue }
                for neighbour in coViewing.neighbours[doc] {
                    collaborative[neighbour.doc] += weight * neighbour.similarity
                }
            }
            let best = collaborative.max() ?? 0
            if best > 0 { for doc in 0..<count { collaborative[doc] /= best } }
            if blend.userBased > 0 {
                var users = [Double](repeating: 0, count: count)
                coViewing.userNeighbourScores(history.likedUnordered(policy.positive), into: &users)
                let bestUser = users.max() ?? 0
                if bestUser > 0 {
                    for doc in 0..<count {
                        collaborative[doc] =
                            (1 - blend.userBased) * collaborative[doc] + blend.userBased * users[doc] / bestUser
                    }
                }
            }
            if !affinity.isEmpty {
                for doc in 0..<count where catalog.norms[doc] > 0 {
                    var sum = 0.0
                    for entry in catalog.vectors[doc] { sum += affinity[entry.tag] * entry.weight }
                    content[doc] = sum / catalog.norms[doc]
                }
            }
        }
        var total = [Double](repeating: 0, count: count)
        let finished = history?.finished ?? []
        for doc in 0..<count {
            if !catalog.live[doc] || catalog.canonical[doc] != doc || finished.contains(doc) {
                total[doc] = -.infinity
                continue
            }
            total[doc] =
                blend.collaborative * collaborative[doc] + blend.content * content[doc] + blend.popularity
                * popularity[doc]
        }
        return UserScores(
            total: total, collaborative: collaborative, content: content, popularity: popularity, affinity: affinity,
            finished: finished)
    }
}

#if canImport(Glibc)
    import Glibc
#endif

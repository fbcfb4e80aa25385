/// A search result after personal re-ranking.
public struct PersonalizedHit: Sendable {
    /// The document.
    public var doc: Int
    /// Query relevance, scaled so the best candidate is 1.
    public var relevance: Double
    /// The user's score for the title, scaled to [0, 1] over the candidates.
    public var personal: Double
    /// (1 - p) x relevance + p x personal.
    public var blended: Double
    /// What maximal marginal relevance took off for resembling a title ranked above.
    public var diversityPenalty: Double
    /// The parts of the personal score, unscaled: co-viewing, content, popularity.
    public var parts: (collaborative: Double, content: Double, popularity: Double)
}

/// Re-ranks a query's top candidates for one user: blends relevance with the user's score for
/// each title, drops titles the user finished, and diversifies by maximal marginal relevance
/// (each pick maximizes blended - ``diversity`` x its highest facet similarity to the picks above it).
public struct Reranker: Sendable {
    /// p: 0 keeps the query's order, 1 ranks the candidates by the user's score alone.
    public var personalization = 0.5
    /// The weight of the similarity penalty (0: no diversification).
    public var diversity = 0.2
    /// Keep titles the user finished.
    public var includeWatched = false

    /// The defaults: personalization 0.5, diversity 0.2, finished titles left out.
    public init() {}

    /// Re-ranks `candidates` (document, relevance) and returns the best `limit`.
    public func rerank(
        _ candidates: [(doc: Int, relevance: Double)], scores: UserScores, catalog: CatalogFeatures, limit: Int
    ) -> [PersonalizedHit] {
        let kept = candidates.filter { includeWatched || !scores.finished.contains($0.doc) }
        guard !kept.isEmpty else { return [] }
        let best = max(kept.map(\.relevance).max() ?? 1, 1e-12)
        let raw = kept.map { candidate -> Double in
            let doc = candidate.doc
            return scores.total[doc].isFinite
                ? scores.total[doc]
                : (scores.collaborative[doc] + scores.content[doc] + scores.popularity[doc])
        }
        let low = raw.min() ?? 0
        let high = raw.max() ?? 0
        var pool: [PersonalizedHit] = zip(kept, raw).map { candidate, value in
            let personal = high > low ? (value - low) / (high - low) : 0
            let relevance = candidate.relevance / best
            return PersonalizedHit(
                doc: candidate.doc, relevance: relevance, personal: personal,
                blended: (1 - personalization) * relevance + personalization * personal, diversityPenalty: 0,
                parts: (
                    scores.collaborative[candidate.doc], scores.content[candidate.doc],
                    scores.popularity[candidate.doc]
                ))
        }
        var result: [PersonalizedHit] = []
        while result.count < limit && !pool.isEmpty {
            var bestIndex = 0
            var bestValue = -Double.infinity
            for (index, hit) in pool.enumerated() {
                var penalty = 0.0
                if diversity > 0 {
                    for picked in result { penalty = max(penalty, catalog.similarity(hit.doc, picked.doc)) }
                }
                let value = hit.blended - diversity * penalty
                if value > bestValue || (value == bestValue && hit.doc < pool[bestIndex].doc) {
                    bestValue = value
                    bestIndex = index
                }
            }
            var hit = pool.remove(at: bestIndex)
            hit.diversityPenalty = hit.blended - bestValue
            result.append(hit)
        }
        return result
    }
}

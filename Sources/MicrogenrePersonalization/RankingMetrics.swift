/// Ranking quality measures over many users' lists.
public struct RankingMetrics: Sendable, Hashable {
    /// Mean over users of (relevant titles in the top K) / (relevant titles).
    public var recall = 0.0
    /// Mean over users of DCG@K / ideal DCG@K with binary relevance (log2 discount).
    public var ndcg = 0.0
    /// Distinct titles in anyone's top K, as a share of `catalogSize`.
    public var coverage = 0.0
    /// Mean over users of the mean pairwise (1 - facet cosine) in the top K.
    public var diversity = 0.0
    /// Users measured (those with at least one relevant title).
    public var users = 0
    /// Per user (in the order measured, users without relevant titles left out): recall@K.
    public var recalls: [Double] = []

    /// All zero.
    public init() {}

    /// Measures `lists` (per user, best first) against `truth` (per user, the relevant titles)
    /// at cutoff `k`; `similarity` gives the facet similarity of two titles for diversity.
    public static func measure(
        _ lists: [[Int]], truth: [Set<Int>], k: Int, catalogSize: Int, similarity: ((Int, Int) -> Double)? = nil
    ) -> RankingMetrics {
        var metrics = RankingMetrics()
        var seen = Set<Int>()
        var diversitySum = 0.0
        var diversityUsers = 0
        for (list, relevant) in zip(lists, truth) where !relevant.isEmpty {
            metrics.users += 1
            let top = Array(list.prefix(k))
            seen.formUnion(top)
            var hits = 0
            var dcg = 0.0
            for (rank, doc) in top.enumerated() where relevant.contains(doc) {
                hits += 1
                dcg += 1 / log2(Double(rank + 2))
            }
            var ideal = 0.0
            for rank in 0..<min(k, relevant.count) { ideal += 1 / log2(Double(rank + 2)) }
            metrics.recall += Double(hits) / Double(relevant.count)
            metrics.recalls.append(Double(hits) / Double(relevant.count))
            metrics.ndcg += ideal > 0 ? dcg / ideal : 0
            if let similarity, top.count >= 2 {
                var sum = 0.0
                var pairs = 0
                for i in 0..<top.count {
                    for j in (i + 1)..<top.count {
                        sum += 1 - similarity(top[i], top[j])
                        pairs += 1
                    }
                }
                diversitySum += sum / Double(pairs)
                diversityUsers += 1
            }
        }
        if metrics.users > 0 {
            metrics.recall /= Double(metrics.users)
            metrics.ndcg /= Double(metrics.users)
        }
        metrics.coverage = catalogSize > 0 ? Double(seen.count) / Double(catalogSize) : 0
        metrics.diversity = diversityUsers > 0 ? diversitySum / Double(diversityUsers) : 0
        return metrics
    }
}

/// The mean of `a[i] - b[i]` (two methods measured on the same users) and its 95% confidence
/// interval by a paired bootstrap over users: `resamples` resamples of the users with
/// replacement, from a fixed seed so the interval is the same on every run.
public func pairedBootstrap(_ a: [Double], _ b: [Double], resamples: Int = 2000, seed: UInt64 = 7) -> (
    mean: Double, low: Double, high: Double
) {
    let differences = zip(a, b).map { $0 - $1 }
    guard !differences.isEmpty else { return (0, 0, 0) }
    var state = seed
    func next() -> UInt64 {  // SplitMix64
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    let n = differences.count
    var means: [Double] = []
    means.reserveCapacity(resamples)
    for _ in 0..<resamples {
        var sum = 0.0
        for _ in 0..<n { sum += differences[Int(next() % UInt64(n))] }
        means.append(sum / Double(n))
    }
    means.sort()
    let mean = differences.reduce(0, +) / Double(n)
    return (mean, means[Int(Double(resamples) * 0.025)], means[min(resamples - 1, Int(Double(resamples) * 0.975))])
}

/// The item-kNN baseline: a title's score is the sum of its co-viewing similarities to the
/// titles the user liked.
public func itemKNNScores(_ liked: [Int], coViewing: CoViewing, count: Int) -> [Double] {
    var scores = [Double](repeating: 0, count: count)
    for doc in liked { for neighbour in coViewing.neighbours[doc] { scores[neighbour.doc] += neighbour.similarity } }
    return scores
}

/// The documents with the highest `scores`, leaving out `excluded` and those scored -infinity.
public func topDocuments(_ scores: [Double], excluding excluded: Set<Int>, limit: Int) -> [Int] {
    topScored(scores.indices.filter { !excluded.contains($0) }, scores, limit)
}

/// The `k` of `documents` with the highest `scores` (finite only), best first, ties to the
/// lower document: one pass keeping the best `k` in order, never sorting them all.
func topScored(_ documents: [Int], _ scores: [Double], _ k: Int) -> [Int] {
    var best: [Int] = []
    best.reserveCapacity(k + 1)
    for doc in documents where scores[doc] > -.infinity {
        if best.count == k {
            let last = best[k - 1]
            if (scores[doc], -doc) <= (scores[last], -last) { continue }
            best.removeLast()
        }
        var low = 0
        var high = best.count
        while low < high {
            let middle = (low + high) / 2
            if (scores[best[middle]], -best[middle]) > (scores[doc], -doc) { low = middle + 1 } else { high = middle }
        }
        best.insert(doc, at: low)
    }
    return best
}

#if canImport(Glibc)
    import Glibc
#endif

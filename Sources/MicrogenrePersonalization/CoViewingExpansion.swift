/// Search results expanded through co-viewing: the titles the same people love alongside the
/// query's best results rise, even where their text does not match the query as well. A viewer
/// who calls a film "atmospheric" has often seen the other atmospheric films its fans watch.
///
/// The query's results (a pool, best first) are re-ranked by reciprocal-rank fusion of two
/// lists: the query's own order, and an expansion list ordering the pool by how strongly the
/// top ``seeds`` results' co-viewing neighbourhoods hold each title (the sum over seeds of the
/// seed's reciprocal rank times its similarity to the title, scaled by the seed's strongest
/// similarity). `score = 1/(60 + rank) + weight/(60 + expansion rank)`. Only titles of the pool
/// move, so the query's filters and exclusions still hold.
public struct CoViewingExpansion: Sendable {
    /// The best results whose co-viewing neighbours count.
    public var seeds = 10
    /// How much the expansion list counts in the fusion; the query's order counts 1.
    public var weight = 0.5
    /// The reciprocal-rank constant.
    public var k = 60.0

    /// The defaults.
    public init() {}

    /// One re-ranked result: the document, its fused score, and its expansion score (0 when no
    /// seed's neighbourhood holds it).
    public struct Result: Sendable, Hashable {
        public var doc: Int
        public var score: Double
        public var expansion: Double
    }

    /// `pool` (documents, best first) re-ranked with `coViewing`'s neighbours.
    public func rerank(_ pool: [Int], coViewing: CoViewing) -> [Result] {
        var position: [Int: Int] = [:]
        for (rank, doc) in pool.enumerated() where position[doc] == nil { position[doc] = rank }
        var expansion = [Double](repeating: 0, count: pool.count)
        for (rank, seed) in pool.prefix(seeds).enumerated() {
            guard seed < coViewing.neighbours.count else { continue }
            let neighbours = coViewing.neighbours[seed]
            guard let strongest = neighbours.first?.similarity, strongest > 0 else { continue }
            let seedWeight = 1 / (k + Double(rank + 1))
            for neighbour in neighbours where neighbour.doc != seed {
                if let at = position[neighbour.doc] {
                    expansion[at] += seedWeight * neighbour.similarity / strongest
                }
            }
        }
        let expansionOrder = pool.indices.filter { expansion[$0] > 0 }.sorted {
            expansion[$0] != expansion[$1] ? expansion[$0] > expansion[$1] : $0 < $1
        }
        var expansionRank = [Int?](repeating: nil, count: pool.count)
        for (rank, at) in expansionOrder.enumerated() { expansionRank[at] = rank + 1 }
        var results: [Result] = []
        for (at, doc) in pool.enumerated() where position[doc] == at {
            var score = 1 / (k + Double(at + 1))
            if let rank = expansionRank[at] { score += weight / (k + Double(rank)) }
            results.append(Result(doc: doc, score: score, expansion: expansion[at]))
        }
        return results.sorted { $0.score != $1.score ? $0.score > $1.score : $0.doc < $1.doc }
    }
}

/// Item-item similarity from co-viewing: two titles are similar when the same users liked
/// both. The similarity is the cosine of their user vectors, c(i, j) / sqrt(n(i) n(j)), where
/// c counts the users who liked both and n the users who liked each; only each title's
/// ``neighbourCount`` most similar titles are kept.
public struct CoViewing: Sendable {
    /// Per document: the most similar documents, most similar first.
    public let neighbours: [[(doc: Int, similarity: Double)]]
    /// Per document: how many users liked it.
    public let popularity: [Int]

    /// Builds the similarities from each user's liked documents (document numbers below `count`).
    public init(liked: [[Int]], count: Int, neighbourCount: Int = 100) {
        var likers = [[Int32]](repeating: [], count: count)
        for (user, documents) in liked.enumerated() {
            for doc in Set(documents) { likers[doc].append(Int32(user)) }
        }
        let likedSets = liked.map { Array(Set($0)) }
        popularity = likers.map(\.count)
        var neighbours = [[(doc: Int, similarity: Double)]](repeating: [], count: count)
        var counts = [Int32](repeating: 0, count: count)
        var touched: [Int] = []
        for item in 0..<count where !likers[item].isEmpty {
            touched.removeAll(keepingCapacity: true)
            for user in likers[item] {
                for other in likedSets[Int(user)] where other != item {
                    if counts[other] == 0 { touched.append(other) }
                    counts[other] += 1
                }
            }
            let n = Double(likers[item].count)
            var scored: [(doc: Int, similarity: Double)] = []
            scored.reserveCapacity(touched.count)
            for other in touched {
                scored.append((other, Double(counts[other]) / (n * Double(likers[other].count)).squareRoot()))
                counts[other] = 0
            }
            if scored.count > neighbourCount {
                scored.sort { ($0.similarity, $1.doc) > ($1.similarity, $0.doc) }
                scored.removeLast(scored.count - neighbourCount)
            } else {
                scored.sort { ($0.similarity, $1.doc) > ($1.similarity, $0.doc) }
            }
            neighbours[item] = scored
        }
        self.neighbours = neighbours
    }
}

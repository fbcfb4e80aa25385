/// Item-item similarity from co-viewing: two titles are similar when the same users liked both.
/// Only each title's ``neighbourCount`` most similar titles are kept.
public struct CoViewing: Sendable {
    /// How co-likes become a similarity.
    public enum Measure: Sendable, Hashable {
        /// The cosine of the two titles' user vectors: c(i, j) / sqrt(n(i) n(j)), where c counts
        /// the users who liked both and n the users who liked each. The item-kNN baseline.
        case cosine
        /// A three-step random walk title -> user -> title, with each step spread evenly over
        /// the user's titles, and the target's popularity discounted by n(j)^beta:
        /// sum over users u who liked both of 1 / (n(i) |I(u)| n(j)^beta). Heavy users and
        /// blockbusters say less about any one pair (after Paudel et al.'s RP3beta).
        case randomWalk(beta: Double)
    }

    /// Per document: the most similar documents, most similar first.
    public let neighbours: [[(doc: Int, similarity: Double)]]
    /// Per document: how many users liked it.
    public let popularity: [Int]
    /// Per document: the users (positions in the `liked` lists) who liked it.
    public let likers: [[Int32]]
    /// Per user: the documents they liked.
    public let liked: [[Int]]

    /// Builds the similarities from each user's liked documents (document numbers below `count`).
    public init(liked: [[Int]], count: Int, measure: Measure = .cosine, neighbourCount: Int = 100) {
        var likers = [[Int32]](repeating: [], count: count)
        let likedSets = liked.map { Array(Set($0)) }
        for (user, documents) in likedSets.enumerated() {
            for doc in documents { likers[doc].append(Int32(user)) }
        }
        popularity = likers.map(\.count)
        self.likers = likers
        self.liked = likedSets
        var neighbours = [[(doc: Int, similarity: Double)]](repeating: [], count: count)
        var sums = [Double](repeating: 0, count: count)
        var touched: [Int] = []
        var discount = [Double](repeating: 1, count: count)
        if case .randomWalk(let beta) = measure {
            for doc in 0..<count where popularity[doc] > 0 { discount[doc] = pow(Double(popularity[doc]), -beta) }
        }
        for item in 0..<count where !likers[item].isEmpty {
            touched.removeAll(keepingCapacity: true)
            for user in likers[item] {
                let others = likedSets[Int(user)]
                let step: Double
                switch measure {
                case .cosine: step = 1
                case .randomWalk: step = 1 / Double(others.count)
                }
                for other in others where other != item {
                    if sums[other] == 0 { touched.append(other) }
                    sums[other] += step
                }
            }
            let n = Double(likers[item].count)
            var scored: [(doc: Int, similarity: Double)] = []
            scored.reserveCapacity(touched.count)
            for other in touched {
                let similarity: Double
                switch measure {
                case .cosine: similarity = sums[other] / (n * Double(likers[other].count)).squareRoot()
                case .randomWalk: similarity = sums[other] / n * discount[other]
                }
                scored.append((other, similarity))
                sums[other] = 0
            }
            neighbours[item] = Self.strongest(scored, neighbourCount)
        }
        self.neighbours = neighbours
    }

    /// The `k` most similar of `scored`, most similar first (ties: lower document first). A
    /// bounded min-heap keeps the work near linear when an item co-occurs with thousands.
    static func strongest(_ scored: [(doc: Int, similarity: Double)], _ k: Int) -> [(doc: Int, similarity: Double)] {
        func better(_ a: (doc: Int, similarity: Double), _ b: (doc: Int, similarity: Double)) -> Bool {
            a.similarity != b.similarity ? a.similarity > b.similarity : a.doc < b.doc
        }
        guard scored.count > k else { return scored.sorted(by: better) }
        var heap: [(doc: Int, similarity: Double)] = []  // heap[0] is the weakest kept
        heap.reserveCapacity(k)
        func siftDown(_ start: Int) {
            var i = start
            while true {
                let left = 2 * i + 1
                let right = left + 1
                var weakest = i
                if left < heap.count && better(heap[weakest], heap[left]) { weakest = left }
                if right < heap.count && better(heap[weakest], heap[right]) { weakest = right }
                if weakest == i { return }
                heap.swapAt(i, weakest)
                i = weakest
            }
        }
        for candidate in scored {
            if heap.count < k {
                heap.append(candidate)
                var i = heap.count - 1
                while i > 0 && better(heap[(i - 1) / 2], heap[i]) {
                    heap.swapAt(i, (i - 1) / 2)
                    i = (i - 1) / 2
                }
            } else if better(candidate, heap[0]) {
                heap[0] = candidate
                siftDown(0)
            }
        }
        return heap.sorted(by: better)
    }

    /// User-based co-viewing for a user who liked `documents`: the `count` users whose liked
    /// titles overlap theirs most (cosine), and per document the sum of those users'
    /// similarities over the ones who liked it.
    public func userNeighbourScores(_ documents: [Int], count: Int = 50, into scores: inout [Double]) {
        guard !documents.isEmpty else { return }
        var overlap: [Int32: Int] = [:]
        let mine = Set(documents)
        for doc in mine { for user in likers[doc] { overlap[user, default: 0] += 1 } }
        var similar: [(user: Int, similarity: Double)] = []
        for (user, common) in overlap {
            let theirs = liked[Int(user)].count
            // The user themselves, when they are among the likers, is left out.
            if theirs == mine.count && common == mine.count { continue }
            similar.append((Int(user), Double(common) / (Double(theirs) * Double(mine.count)).squareRoot()))
        }
        similar.sort { ($0.similarity, $1.user) > ($1.similarity, $0.user) }
        for (user, similarity) in similar.prefix(count) {
            for doc in liked[user] { scores[doc] += similarity }
        }
    }
}

extension CoViewing {
    /// A co-viewing model read back from ``encode()``.
    init(neighbours: [[(doc: Int, similarity: Double)]], likers: [[Int32]], liked: [[Int]]) {
        self.neighbours = neighbours
        self.likers = likers
        self.liked = liked
        popularity = likers.map(\.count)
    }

    /// The model as bytes, for a cache beside the events database. Format (little-endian):
    /// "MGCV", version UInt32 = 1, document count and user count (UInt32); per user, the liked
    /// count and documents (UInt32); per document, the neighbour count and each neighbour
    /// (UInt32 document, Float64 bit pattern). Likers and popularity follow from the liked lists.
    public func encode() -> [UInt8] {
        var writer = ByteWriter(magic: "MGCV", version: 1)
        writer.u32(neighbours.count)
        writer.u32(liked.count)
        for documents in liked {
            writer.u32(documents.count)
            for doc in documents { writer.u32(doc) }
        }
        for list in neighbours {
            writer.u32(list.count)
            for (doc, similarity) in list {
                writer.u32(doc)
                writer.u64(similarity.bitPattern)
            }
        }
        return writer.bytes
    }

    /// Decodes ``encode()``'s bytes for a catalog of `count` documents; nil when they are
    /// damaged or were made for another catalog size.
    public static func decode(_ bytes: [UInt8], count: Int) -> CoViewing? {
        guard var reader = ByteReader(bytes, magic: "MGCV", version: 1), reader.u32() == count,
            let users = reader.u32()
        else { return nil }
        var liked: [[Int]] = []
        var likers = [[Int32]](repeating: [], count: count)
        liked.reserveCapacity(users)
        for user in 0..<users {
            guard let n = reader.u32(), reader.has(4 * n) else { return nil }
            var documents: [Int] = []
            documents.reserveCapacity(n)
            for _ in 0..<n {
                guard let doc = reader.u32(), doc < count else { return nil }
                documents.append(doc)
                likers[doc].append(Int32(user))
            }
            liked.append(documents)
        }
        var neighbours: [[(doc: Int, similarity: Double)]] = []
        neighbours.reserveCapacity(count)
        for _ in 0..<count {
            guard let n = reader.u32(), reader.has(12 * n) else { return nil }
            var list: [(doc: Int, similarity: Double)] = []
            list.reserveCapacity(n)
            for _ in 0..<n {
                guard let doc = reader.u32(), doc < count, let bits = reader.u64() else { return nil }
                list.append((doc, Double(bitPattern: bits)))
            }
            neighbours.append(list)
        }
        guard reader.atEnd else { return nil }
        return CoViewing(neighbours: neighbours, likers: likers, liked: liked)
    }
}

#if canImport(Glibc)
    import Glibc
#endif

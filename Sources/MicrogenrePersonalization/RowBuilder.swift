import MicrogenreCore
import MicrogenreTagging
import MicrogenreTaxonomy

/// Builds a user's home page: micro-genre rows that match their tastes, "because you watched"
/// rows, each filled with titles ranked for the user, a title in at most ``maximumRowsPerTitle``
/// rows, diverse between rows, most tailored first.
public struct RowBuilder: Sendable {
    /// Rows on the page.
    public var rows = 40
    /// Most titles per row.
    public var perRow = 75
    /// A row with fewer titles than this is dropped.
    public var minimumTitles = 5
    /// The most rows one title appears in.
    public var maximumRowsPerTitle = 2
    /// Whether the page opens with a "Top Picks for You" row.
    public var topPicks = true
    /// The most "because you watched" rows.
    public var becauseYouWatched = 5
    /// Genres considered in full per user (the best by facet affinity and by popularity).
    public var candidateGenres = 400
    /// How strongly a candidate row is penalized for sharing facets or titles with rows
    /// already chosen (0: no diversity).
    public var diversity = 0.8
    /// How strongly a candidate row is favoured for bringing in a facet the user likes that no
    /// row chosen so far has (so the page covers the user's different interests).
    public var coverage = 0.2
    /// The undecayed signal at which a title counts as liked (sources of "because you watched").
    public var positive = 0.3

    /// Scores titles for the user.
    public let recommender: Recommender
    /// The catalog's micro-genres, the candidate rows.
    public let genres: [CatalogGenre]
    /// Per genre: the mean popularity of its members (for users without history).
    let genrePopularity: [Double]
    /// Genre positions, most popular first.
    let popularGenres: [Int]

    /// A builder over `genres`, scoring with `recommender`.
    public init(recommender: Recommender, genres: [CatalogGenre]) {
        self.recommender = recommender
        self.genres = genres
        let genrePopularity = genres.map { genre in
            let top = genre.members.map { recommender.popularity[$0] }.sorted(by: >).prefix(20)
            return top.isEmpty ? 0 : top.reduce(0, +) / Double(top.count)
        }
        self.genrePopularity = genrePopularity
        popularGenres = genres.indices.sorted { (genrePopularity[$0], $1) > (genrePopularity[$1], $0) }
    }

    /// A candidate row before filling.
    struct Candidate {
        var row: PageRow
        /// Ranked pool of documents for the row.
        var pool: [Int]
        /// The genre's tag positions, sorted.
        var tagSet: [Int]
        /// The first ten titles of the pool.
        var topTitles: [Int]
        var genre: Int?
    }

    /// How much two candidate rows repeat each other: the larger of their facets' Jaccard
    /// similarity and the share of their first titles they have in common.
    static func overlap(_ a: Candidate, _ b: Candidate) -> Double {
        var tags = 0.0
        if !a.tagSet.isEmpty && !b.tagSet.isEmpty {
            var common = 0
            for tag in a.tagSet where b.tagSet.contains(tag) { common += 1 }
            tags = Double(common) / Double(a.tagSet.count + b.tagSet.count - common)
        }
        var common = 0
        for doc in a.topTitles where b.topTitles.contains(doc) { common += 1 }
        let titles = Double(common) / Double(max(1, min(a.topTitles.count, b.topTitles.count)))
        return max(tags, titles)
    }

    /// The page for `history` (nil: a user without events). `titleName` names titles for
    /// "because you watched" headings.
    public func page(_ history: UserHistory?, titleName: (Int) -> String) -> [PageRow] {
        let scores = recommender.scores(history)
        return page(history, scores: scores, titleName: titleName)
    }

    /// The page for `history` when its `scores` were computed already.
    public func page(_ history: UserHistory?, scores: UserScores, titleName: (Int) -> String) -> [PageRow] {
        let total = scores.total
        var candidates: [Candidate] = []

        // Every row's quality is the mean score of its first ten titles, relative to the best
        // ten titles of the catalog (the top picks), so rows of every kind compare.
        let topPool = topScored(Array(0..<total.count), total, 2 * perRow + 10)
        let reference = max(
            1e-9, topPool.prefix(10).reduce(0) { $0 + total[$1] } / Double(max(1, min(10, topPool.count))))
        func quality(_ documents: some Collection<Int>) -> Double {
            documents.isEmpty ? 0 : documents.reduce(0) { $0 + total[$1] } / Double(documents.count) / reference
        }

        // The opening row: the best titles for the user, whatever their genre.
        // Its score only makes it the first pick; it is rescored once filled and always sorts first.
        if topPicks && topPool.count >= minimumTitles {
            let row = PageRow(
                kind: .topPicks, name: history == nil ? "Popular Right Now" : "Top Picks for You", facets: [],
                because: history.map { Array($0.liked(positive).prefix(3)) } ?? [], titles: [], score: 1e9)
            candidates.append(
                Candidate(row: row, pool: topPool, tagSet: [], topTitles: Array(topPool.prefix(10)), genre: nil))
        }

        // Micro-genre rows: the genres nearest the user's facet profile, plus the popular ones.
        var affinities = [Double](repeating: 0, count: genres.count)
        var affinityOrder: [Int] = []
        if !scores.affinity.isEmpty {
            for (index, genre) in genres.enumerated() {
                var sum = 0.0
                for tag in genre.tagPositions { sum += max(0, scores.affinity[tag]) }
                affinities[index] = sum / Double(genre.tagPositions.count).squareRoot()
            }
            affinityOrder = topScored(Array(genres.indices), affinities, candidateGenres)
        }
        var considered = Set(affinityOrder)
        considered.formUnion(popularGenres.prefix(candidateGenres / 4))
        let maxAffinity = affinityOrder.first.map { affinities[$0] } ?? 0
        // Only each candidate's first ten titles are ranked here; chosen rows get their full pool below.
        for index in considered.sorted() {
            let genre = genres[index]
            let top = topScored(genre.members, total, 10)
            guard top.count >= min(minimumTitles, 10) else { continue }
            let affinity = maxAffinity > 0 ? affinities[index] / maxAffinity : 0
            let row = PageRow(
                kind: .genre, name: genre.name, facets: [], because: [], titles: [],
                score: 0.5 * quality(top) + 0.5 * affinity)
            candidates.append(
                Candidate(row: row, pool: [], tagSet: genre.tagPositions.sorted(), topTitles: top, genre: index))
        }

        // "Because you watched" rows: the user's most recent liked titles and their co-viewed neighbours.
        if let history, becauseYouWatched > 0 {
            let sources = history.liked(positive).prefix(becauseYouWatched * 2)
            var made = 0
            for source in sources where made < becauseYouWatched {
                var neighbours = recommender.coViewing.neighbours[source].filter { total[$0.doc] > -.infinity }
                if neighbours.count < minimumTitles {
                    neighbours = contentNeighbours(of: source, total: total)
                }
                guard neighbours.count >= minimumTitles else { continue }
                let best = neighbours.map(\.similarity).max() ?? 1
                let pool = neighbours.map { ($0.doc, 0.5 * $0.similarity / max(best, 1e-9) + 0.5 * total[$0.doc]) }
                    .sorted { ($0.1, $1.0) > ($1.1, $0.0) }.map(\.0)
                let top = pool.prefix(10)
                let row = PageRow(
                    kind: .becauseYouWatched, name: "Because you watched \(titleName(source))", facets: [],
                    because: [source], titles: [],
                    score: 0.5 * quality(top) + 0.5 * max(0, history.signals[source] ?? 0) * pow(0.85, Double(made)))
                candidates.append(Candidate(row: row, pool: pool, tagSet: [], topTitles: Array(top), genre: nil))
                made += 1
            }
        }

        // Choose rows greedily: the best score after a penalty for overlapping the rows chosen.
        // Each remaining candidate keeps its largest overlap so far, updated against each new pick.
        var chosen: [Candidate] = []
        var covered = Set<Int>()
        let topAffinity = max(1e-9, scores.affinity.max() ?? 0)
        var remaining = candidates
        var overlaps = [Double](repeating: 0, count: remaining.count)
        while chosen.count < rows && !remaining.isEmpty {
            var bestIndex = -1
            var bestValue = -Double.infinity
            for (index, candidate) in remaining.enumerated() {
                var uncovered = 0.0
                for tag in candidate.tagSet where !covered.contains(tag) {
                    uncovered = max(uncovered, scores.affinity.isEmpty ? 0 : scores.affinity[tag])
                }
                let value =
                    candidate.row.score - diversity * overlaps[index] * max(0.05, abs(candidate.row.score))
                    + coverage * uncovered / topAffinity
                if value > bestValue {
                    bestValue = value
                    bestIndex = index
                }
            }
            let pick = remaining.remove(at: bestIndex)
            overlaps.remove(at: bestIndex)
            for (index, candidate) in remaining.enumerated() {
                overlaps[index] = max(overlaps[index], Self.overlap(candidate, pick))
            }
            covered.formUnion(pick.tagSet)
            chosen.append(pick)
        }

        // Fill in the order chosen (the best rows get first pick), then order by how tailored they are.
        var uses: [Int: Int] = [:]
        var page: [PageRow] = []
        for candidate in chosen {
            var row = candidate.row
            var pool = candidate.pool
            if let index = candidate.genre {
                let genre = genres[index]
                pool = topScored(genre.members, total, 2 * perRow + 10)
                row.facets = zip(genre.tags, genre.tagPositions).map { tag, position in
                    (tag: tag.rawValue, affinity: scores.affinity.isEmpty ? 0 : scores.affinity[position])
                }
            }
            for doc in pool where row.titles.count < perRow {
                if (uses[doc] ?? 0) >= maximumRowsPerTitle { continue }
                row.titles.append(doc)
            }
            guard row.titles.count >= minimumTitles else { continue }
            for doc in row.titles { uses[doc, default: 0] += 1 }
            if let history, let genre = candidate.genre {
                row.because = evidence(history, genres[genre].tagPositions)
            }
            let shown = row.titles.prefix(10)
            row.score = row.kind == .topPicks ? quality(shown) : 0.5 * row.score + 0.5 * quality(shown)
            page.append(row)
        }
        page.sort { ($0.kind == .topPicks ? 1 : 0, $0.score) > ($1.kind == .topPicks ? 1 : 0, $1.score) }
        return page
    }

    /// The user's liked titles that carry the most of `tags`, weighted by signal (at most three).
    func evidence(_ history: UserHistory, _ tags: [Int]) -> [Int] {
        let catalog = recommender.catalog
        var scored: [(doc: Int, value: Double)] = []
        for (doc, signal) in history.signals where signal > 0 {
            var sum = 0.0
            for entry in catalog.scores[doc] where tags.contains(entry.tag) { sum += entry.score }
            if sum > 0 { scored.append((doc, signal * sum)) }
        }
        return scored.sorted { ($0.value, $1.doc) > ($1.value, $0.doc) }.prefix(3).map(\.doc)
    }

    /// The titles most similar to `source` by facets, when co-viewing knows too little.
    func contentNeighbours(of source: Int, total: [Double]) -> [(doc: Int, similarity: Double)] {
        let catalog = recommender.catalog
        var scored: [(doc: Int, similarity: Double)] = []
        for doc in 0..<catalog.count where doc != source && total[doc] > -.infinity {
            let similarity = catalog.similarity(source, doc)
            if similarity > 0.3 { scored.append((doc, similarity)) }
        }
        scored.sort { ($0.similarity, $1.doc) > ($1.similarity, $0.doc) }
        return Array(scored.prefix(perRow * 2))
    }
}

#if canImport(Glibc)
    import Glibc
#endif

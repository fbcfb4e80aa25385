public import MicrogenreEvents

/// Offline evaluation of the page: profiles are built from each user's earlier events and the
/// page is measured on their later positive titles, next to a popularity baseline and an
/// item-kNN baseline computed on the same split.
public struct RowEvaluation: Sendable {
    /// The cutoffs K.
    public var cutoffs = [10, 100]
    /// How events become signals.
    public var policy = SignalPolicy()
    /// The blend measured.
    public var blend = Blend()
    /// Page shape for the page method.
    public var rows = 40
    /// Most titles per row.
    public var perRow = 75
    /// Share of each user's positive titles held out (nil: ``holdoutCount``).
    public var holdoutShare: Double? = 0.2
    /// Positive titles held out per user when ``holdoutShare`` is nil.
    public var holdoutCount = 1

    /// The defaults: K = 10 and 100, the last 20% held out, 40 rows of 75.
    public init() {}

    /// One method's figures per cutoff.
    public struct MethodResult: Sendable {
        /// The method's name as printed.
        public var name: String
        /// Per cutoff K.
        public var metrics: [Int: RankingMetrics]
    }

    /// Every method's figures and the split they were measured on.
    public struct Result: Sendable {
        /// In ``methodNames`` order.
        public var methods: [MethodResult] = []
        /// Users measured.
        public var users = 0
        /// Held-out titles over all users.
        public var heldOutTitles = 0
        /// Users with too few positive titles to split.
        public var skippedUsers = 0
        /// Events naming titles the catalog lacks.
        public var unknownTitleEvents = 0
        /// The split, for writing out.
        public var split: HoldoutSplit
        /// Every user's history from the split's training events.
        public var histories: Histories
    }

    /// The methods measured, in report order.
    public static let methodNames = ["popularity", "item-knn", "content", "microgenre-ranker", "microgenre-page"]

    /// Runs the evaluation of `events` against `catalog`, with `genres` for the page.
    public func run(
        events: [ViewingEvent], catalog: CatalogFeatures, genres: [CatalogGenre], progress: ((Int, Int) -> Void)? = nil
    ) -> Result {
        let split = HoldoutSplit(
            events: events, catalog: catalog, policy: policy, share: holdoutShare, count: holdoutCount)
        let histories = Histories(events: split.training, catalog: catalog, policy: policy)
        let recommender = Recommender(catalog: catalog, histories: histories, policy: policy, blend: blend)
        var contentOnly = recommender
        contentOnly.blend = Blend(collaborative: 0, content: 1, popularity: 0.01)
        var builder = RowBuilder(recommender: recommender, genres: genres)
        builder.rows = rows
        builder.perRow = perRow
        builder.positive = policy.positive
        let liked = histories.users.keys.sorted().map { histories.users[$0]!.liked(policy.positive) }
        let cosine = CoViewing(liked: liked, count: catalog.count, measure: .cosine)
        let depth = cutoffs.max() ?? 100
        let users = split.heldOut.keys.sorted()
        var lists = [[[Int]]](repeating: [], count: Self.methodNames.count)
        var truth: [Set<Int>] = []
        let popularityScores = recommender.popularity.enumerated().map { doc, value in
            catalog.live[doc] && catalog.canonical[doc] == doc ? value : -.infinity
        }
        for (done, user) in users.enumerated() {
            let history = histories.users[user]
            let seen = Set(history?.signals.keys.map { $0 } ?? [])
            truth.append(split.heldOut[user]!)
            lists[0].append(topDocuments(popularityScores, excluding: seen, limit: depth))
            let liked = history?.liked(policy.positive) ?? []
            var knn = itemKNNScores(liked, coViewing: cosine, count: catalog.count)
            for doc in knn.indices where !(catalog.live[doc] && catalog.canonical[doc] == doc) { knn[doc] = -.infinity }
            for doc in knn.indices where knn[doc] == 0 { knn[doc] = popularityScores[doc] * 1e-6 }
            lists[1].append(topDocuments(knn, excluding: seen, limit: depth))
            lists[2].append(topDocuments(contentOnly.scores(history).total, excluding: seen, limit: depth))
            let scores = recommender.scores(history)
            lists[3].append(topDocuments(scores.total, excluding: seen, limit: depth))
            var page: [Int] = []
            var onPage = Set<Int>()
            for row in builder.page(history, scores: scores, titleName: { _ in "" }) {
                for doc in row.titles where !seen.contains(doc) && onPage.insert(doc).inserted { page.append(doc) }
            }
            lists[4].append(page)
            progress?(done + 1, users.count)
        }
        var result = Result(split: split, histories: histories)
        result.users = users.count
        result.heldOutTitles = truth.reduce(0) { $0 + $1.count }
        result.skippedUsers = split.skippedUsers
        result.unknownTitleEvents = events.count - events.filter { catalog.documents[$0.title] != nil }.count
        let catalogSize = catalog.live.indices.filter { catalog.live[$0] && catalog.canonical[$0] == $0 }.count
        for (index, name) in Self.methodNames.enumerated() {
            var metrics: [Int: RankingMetrics] = [:]
            for k in cutoffs {
                metrics[k] = RankingMetrics.measure(
                    lists[index], truth: truth, k: k, catalogSize: catalogSize, similarity: catalog.similarity)
            }
            result.methods.append(MethodResult(name: name, metrics: metrics))
        }
        return result
    }
}

import MicrogenreCore
import MicrogenreEvents
import MicrogenreTaxonomy
import Testing

@testable import MicrogenrePersonalization

/// A small catalog: documents 0-9 are comedies (tag 0), 10-19 thrillers (tag 1); even
/// documents are also "workplace" (tag 2).
func smallCatalog() -> CatalogFeatures {
    let ids = (0..<20).map { TitleID("t\($0)") }
    let scores: [[(tag: Int, score: Double)]] = (0..<20).map { doc in
        var entries: [(tag: Int, score: Double)] = [(doc < 10 ? 0 : 1, 1.0)]
        if doc % 2 == 0 { entries.append((2, 0.8)) }
        return entries
    }
    return CatalogFeatures(
        ids: ids, tags: ["comedies", "thrillers", "workplace"], scores: scores,
        runtimes: Array(repeating: 6000, count: 20))
}

func event(_ user: String, _ doc: Int, _ day: Int64, _ kind: ViewingEvent.Kind, _ value: Double = 0) -> ViewingEvent {
    ViewingEvent(user: user, title: TitleID("t\(doc)"), timestamp: day * 86_400, kind: kind, value: value)
}

@Suite struct ProfileTests {
    @Test func signalsDecayWithAge() {
        let catalog = smallCatalog()
        var policy = SignalPolicy()
        policy.halfLifeDays = 30
        let events = [event("u", 0, 0, .complete), event("u", 1, 30, .complete), event("u", 2, 60, .complete)]
        let histories = Histories(events: events, catalog: catalog, policy: policy)
        let user = histories.users["u"]!
        #expect(abs(user.signals[2]! - 1) < 1e-9)
        #expect(abs(user.signals[1]! - 0.5) < 1e-9)
        #expect(abs(user.signals[0]! - 0.25) < 1e-9)
        #expect(user.raw[0] == 1 && user.finished == [0, 1, 2])
    }

    /// Timestamps at the ends of Int64 (a database can hold anything) decay without
    /// overflowing: the oldest counts for nothing, one in the future counts in full.
    @Test func extremeTimestampsDoNotOverflow() {
        let catalog = smallCatalog()
        let events = [
            ViewingEvent(user: "u", title: TitleID("t0"), timestamp: .min, kind: .complete, value: 0),
            ViewingEvent(user: "u", title: TitleID("t1"), timestamp: .max, kind: .complete, value: 0),
        ]
        let user = Histories(events: events, catalog: catalog, policy: SignalPolicy(), now: 0).users["u"]!
        #expect(user.signals[0] == 0 && user.signals[1] == 1)
        #expect(SignalPolicy.age(from: .min, to: .max) == .max && SignalPolicy.age(from: .max, to: .min) == .min)
    }

    @Test func eventKindsGiveSignedWeights() {
        let catalog = smallCatalog()
        var policy = SignalPolicy()
        policy.halfLifeDays = 0
        let events = [
            event("u", 0, 1, .play, 5700),  // 95% of 6000 s: finished
            event("u", 1, 1, .play, 300),  // 5%: sampled
            event("u", 2, 1, .abandon),
            event("u", 3, 1, .rating, 5), event("u", 4, 1, .rating, 1),
            event("u", 5, 1, .thumbUp), event("u", 6, 1, .thumbDown),
            event("u", 7, 1, .complete), event("u", 7, 2, .complete),  // clamped at 1
            event("u", 99, 1, .complete),  // unknown title
        ]
        let histories = Histories(events: events, catalog: catalog, policy: policy)
        let user = histories.users["u"]!
        #expect(abs(user.signals[0]! - 0.8 * 0.95) < 1e-9 && user.finished.contains(0))
        #expect(user.signals[1] == -0.2 && !user.finished.contains(1))
        #expect(user.signals[2] == -0.5)
        #expect(user.signals[3] == 1 && user.signals[4] == -1)
        #expect(user.signals[5] == 1 && user.signals[6] == -1)
        #expect(user.signals[7] == 1)
        #expect(histories.unknownTitles == 1)
        #expect(user.liked(0.3) == [7, 5, 3, 0])
    }

    @Test func profileFollowsWhatTheUserLikes() {
        let catalog = smallCatalog()
        let events = (0..<4).map { event("u", $0 * 2, 1, .complete) } + [event("u", 11, 1, .thumbDown)]
        let histories = Histories(events: events, catalog: catalog, policy: SignalPolicy())
        let recommender = Recommender(catalog: catalog, histories: histories, policy: SignalPolicy())
        let scores = recommender.scores(histories.users["u"])
        // Unseen workplace comedies beat plain comedies, which beat thrillers.
        #expect(scores.content[8] > scores.content[1])
        #expect(scores.content[1] > scores.content[13])
        #expect(scores.total[0] == -.infinity)
        let cold = recommender.scores(nil)
        #expect(cold.affinity.isEmpty && cold.total.allSatisfy { $0 >= 0 })
    }
}

@Suite struct CoViewingTests {
    @Test func cosineOfCoLikes() {
        // Users 0 and 1 liked 0 and 1; user 2 liked 1 and 2.
        let coViewing = CoViewing(liked: [[0, 1], [0, 1], [1, 2]], count: 4)
        let neighbours = Dictionary(uniqueKeysWithValues: coViewing.neighbours[1].map { ($0.doc, $0.similarity) })
        #expect(abs(neighbours[0]! - 2 / (3.0 * 2).squareRoot()) < 1e-9)
        #expect(abs(neighbours[2]! - 1 / (3.0 * 1).squareRoot()) < 1e-9)
        #expect(coViewing.neighbours[3].isEmpty && coViewing.popularity == [2, 3, 1, 0])
    }

    @Test func strongestNeighboursMatchAFullSort() {
        // Many ties (50 distinct values), from a fixed linear congruential sequence.
        var state: UInt64 = 12345
        let scored = (0..<500).map { doc -> (doc: Int, similarity: Double) in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (doc, Double(state >> 33 % 50) / 50)
        }
        let expected = scored.sorted { ($0.similarity, $1.doc) > ($1.similarity, $0.doc) }
        for k in [1, 7, 100, 499, 500, 600] {
            #expect(CoViewing.strongest(scored, k).map(\.doc) == expected.prefix(k).map(\.doc))
        }
    }

    @Test func encodedModelsReadBackTheSame() throws {
        let coViewing = CoViewing(
            liked: [[0, 1], [0, 1, 3], [2], [], [1, 3]], count: 5, measure: .randomWalk(beta: 0.3))
        let bytes = coViewing.encode()
        let decoded = try #require(CoViewing.decode(bytes, count: 5))
        #expect(decoded.liked == coViewing.liked && decoded.likers == coViewing.likers)
        #expect(decoded.popularity == coViewing.popularity)
        #expect(decoded.neighbours.map { $0.map(\.doc) } == coViewing.neighbours.map { $0.map(\.doc) })
        #expect(decoded.neighbours.map { $0.map(\.similarity) } == coViewing.neighbours.map { $0.map(\.similarity) })
        #expect(CoViewing.decode(bytes, count: 6) == nil)  // another catalog
        #expect(CoViewing.decode(Array(bytes.dropLast()), count: 5) == nil)
        #expect(CoViewing.decode(bytes + [0], count: 5) == nil)
    }

    @Test func similarUsersVoteForTheirTitles() {
        // Users 0-2 liked 0, 1 (and user 2 also 3); user 3 liked 2 only.
        let coViewing = CoViewing(liked: [[0, 1], [0, 1], [0, 1, 3], [2]], count: 5)
        var scores = [Double](repeating: 0, count: 5)
        coViewing.userNeighbourScores([0], into: &scores)
        // Everyone who liked 0 is similar: 1/sqrt(2), 1/sqrt(2), 1/sqrt(3); user 3 is not.
        #expect(abs(scores[1] - (2 / 2.0.squareRoot() + 1 / 3.0.squareRoot())) < 1e-9)
        #expect(abs(scores[3] - 1 / 3.0.squareRoot()) < 1e-9)
        #expect(scores[2] == 0 && scores[4] == 0)
    }
}

@Suite struct RowTests {
    func builder(events: [ViewingEvent]) -> (RowBuilder, Histories) {
        let catalog = smallCatalog()
        let histories = Histories(events: events, catalog: catalog, policy: SignalPolicy())
        let recommender = Recommender(catalog: catalog, histories: histories, policy: SignalPolicy())
        let genres = [
            CatalogGenre(name: "Comedies", tags: [TagID("comedies")], tagPositions: [0], members: Array(0..<10)),
            CatalogGenre(name: "Thrillers", tags: [TagID("thrillers")], tagPositions: [1], members: Array(10..<20)),
            CatalogGenre(
                name: "Workplace Comedies", tags: [TagID("workplace"), TagID("comedies")], tagPositions: [2, 0],
                members: [0, 2, 4, 6, 8]),
            CatalogGenre(
                name: "Workplace Thrillers", tags: [TagID("workplace"), TagID("thrillers")], tagPositions: [2, 1],
                members: [10, 12, 14, 16, 18]),
            CatalogGenre(
                name: "Workplace Movies", tags: [TagID("workplace")], tagPositions: [2],
                members: stride(from: 0, to: 20, by: 2).map { $0 }),
        ]
        var builder = RowBuilder(recommender: recommender, genres: genres)
        builder.minimumTitles = 2
        return (builder, histories)
    }

    /// Users who like workplace comedies and a few who co-watch thrillers.
    func events() -> [ViewingEvent] {
        var events: [ViewingEvent] = []
        for user in 0..<6 {
            for doc in [0, 2, 4] { events.append(event("v\(user)", doc, Int64(user), .complete)) }
            events.append(event("v\(user)", 6 + 2 * (user % 2), 9, .complete))
        }
        events += [event("me", 0, 1, .complete), event("me", 1, 2, .rating, 5), event("me", 15, 3, .abandon)]
        return events
    }

    @Test func aTitleAppearsInAtMostTwoRowsAndFinishedTitlesInNone() {
        let (builder, histories) = builder(events: events())
        let page = builder.page(histories.users["me"], titleName: { "t\($0)" })
        #expect(page.count >= 3)
        var uses: [Int: Int] = [:]
        for row in page {
            #expect(Set(row.titles).count == row.titles.count)
            for doc in row.titles { uses[doc, default: 0] += 1 }
            #expect(!row.titles.contains(0) && !row.titles.contains(1))
        }
        #expect(uses.values.allSatisfy { $0 <= 2 })
        // Top picks first, then the rest most tailored first.
        #expect(page[0].kind == .topPicks && page[0].name == "Top Picks for You")
        let rest = page.dropFirst()
        #expect(zip(rest, rest.dropFirst()).allSatisfy { $0.score >= $1.score })
        // In this tiny catalog the top picks and genre rows use up every title twice; without
        // top picks a "because you watched" row about the user's comedy appears.
        var withoutPicks = builder
        withoutPicks.topPicks = false
        let second = withoutPicks.page(histories.users["me"], titleName: { "t\($0)" })
        #expect(second.contains { $0.kind == .becauseYouWatched && $0.because == [0] })
        // Comedy rows are more tailored to this user than thriller rows.
        let comedies = page.firstIndex { $0.name == "Comedies" }!
        let thrillers = page.firstIndex { $0.name == "Thrillers" } ?? page.count
        #expect(comedies < thrillers)
        #expect(page[comedies].because.contains(1))
    }

    @Test func aUserWithoutEventsGetsPopularRows() {
        let (builder, _) = builder(events: events())
        let page = builder.page(nil, titleName: { "t\($0)" })
        #expect(page.count >= 3 && page[0].name == "Popular Right Now")
        #expect(page.dropFirst().allSatisfy { $0.kind == .genre })
        // The most watched titles (0, 2, 4) lead the first rows.
        #expect(Set(page[0].titles.prefix(3)) == [0, 2, 4])
        #expect(Set(page[1].titles.prefix(3)) == [0, 2, 4])
    }

    @Test func shardsCoverEveryUserOnce() {
        let users = (0..<1000).map { "user-\($0)" }
        for count in [1, 3, 8] {
            var seen: [String: Int] = [:]
            for index in 0..<count {
                for user in users where shard(ofUser: user, count: count) == index { seen[user, default: 0] += 1 }
            }
            #expect(seen.count == users.count && seen.values.allSatisfy { $0 == 1 })
        }
        #expect(shard(ofUser: "user-1", count: 8) == shard(ofUser: "user-1", count: 8))
    }
}

@Suite struct RerankerTests {
    @Test func blendFinishedTitlesAndDiversity() {
        let catalog = smallCatalog()
        let events = [event("u", 10, 1, .complete), event("u", 12, 2, .complete)]
        let histories = Histories(events: events, catalog: catalog, policy: SignalPolicy())
        let recommender = Recommender(catalog: catalog, histories: histories, policy: SignalPolicy())
        let scores = recommender.scores(histories.users["u"])
        let candidates: [(doc: Int, relevance: Double)] = [(1, 3), (10, 2.9), (14, 2), (3, 1.9)]
        var reranker = Reranker()
        reranker.personalization = 0
        reranker.diversity = 0
        #expect(reranker.rerank(candidates, scores: scores, catalog: catalog, limit: 4).map(\.doc) == [1, 14, 3])
        reranker.includeWatched = true
        #expect(reranker.rerank(candidates, scores: scores, catalog: catalog, limit: 4).map(\.doc) == [1, 10, 14, 3])
        reranker.includeWatched = false
        reranker.personalization = 1
        // The thriller the user's taste points to comes first.
        #expect(reranker.rerank(candidates, scores: scores, catalog: catalog, limit: 3).first?.doc == 14)
        // Two identical-looking comedies: diversity pushes the second below the thriller.
        reranker.personalization = 0
        reranker.diversity = 0.9
        let diverse = reranker.rerank([(1, 3), (3, 2.95), (14, 2.5)], scores: scores, catalog: catalog, limit: 3)
        #expect(diverse.map(\.doc) == [1, 14, 3])
        #expect(diverse[2].diversityPenalty > 0)
    }
}

@Suite struct EvaluationTests {
    @Test func metricsOnAHandCheckedExample() {
        // User A: relevant {2, 5}; list 1,2,3 -> one hit at rank 2.
        // User B: relevant {7}; list 7,8,9 -> a hit at rank 1.
        let metrics = RankingMetrics.measure(
            [[1, 2, 3, 4], [7, 8, 9]], truth: [[2, 5], [7]], k: 3, catalogSize: 10, similarity: { _, _ in 0.25 })
        #expect(metrics.users == 2)
        #expect(abs(metrics.recall - (0.5 + 1) / 2) < 1e-9)
        let ndcgA = (1 / log2(3.0)) / (1 + 1 / log2(3.0))
        #expect(abs(metrics.ndcg - (ndcgA + 1) / 2) < 1e-9)
        #expect(abs(metrics.coverage - 0.6) < 1e-9)
        #expect(abs(metrics.diversity - 0.75) < 1e-9)
        #expect(metrics.recalls == [0.5, 1])
    }

    @Test func pairedBootstrapBracketsTheMeanDifference() {
        let a = (0..<200).map { Double($0 % 10) / 10 + 0.05 }
        let b = (0..<200).map { Double($0 % 10) / 10 }
        let same = pairedBootstrap(a, b)
        #expect(abs(same.mean - 0.05) < 1e-9 && abs(same.low - 0.05) < 1e-9 && abs(same.high - 0.05) < 1e-9)
        let noisy = pairedBootstrap(a, b.reversed())
        #expect(noisy.low < noisy.mean && noisy.mean < noisy.high)
        #expect(noisy.low < 0.05 && noisy.high > 0.05)
        #expect(pairedBootstrap(a, b.reversed()) == noisy)  // the same on every run
    }

    @Test func holdoutKeepsEachUsersLastPositives() {
        let catalog = smallCatalog()
        let events = [
            event("a", 0, 1, .complete), event("a", 1, 2, .rating, 4), event("a", 2, 3, .abandon),
            event("a", 3, 4, .complete), event("a", 4, 5, .complete), event("a", 5, 6, .thumbUp),
            event("b", 6, 1, .complete),  // one positive: nothing to hold out
        ]
        let split = HoldoutSplit(events: events, catalog: catalog, policy: SignalPolicy(), share: 0.4)
        #expect(split.heldOut["a"] == [4, 5])
        #expect(split.heldOut["b"] == nil && split.skippedUsers == 1)
        #expect(split.training.filter { $0.user == "a" }.map(\.title.rawValue) == ["t0", "t1", "t2", "t3"])
        #expect(split.training.contains { $0.user == "b" })
    }
}

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct GenreCacheTests {
    @Test func roundTripAndDamage() {
        let catalog = smallCatalog()
        let genres = [
            CatalogGenre(name: "Comedies", tags: [TagID("comedies")], tagPositions: [0], members: Array(0..<10)),
            CatalogGenre(
                name: "Workplace Thrillers", tags: [TagID("workplace"), TagID("thrillers")], tagPositions: [2, 1],
                members: [10, 12]),
        ]
        let bytes = GenreCache.encode(genres)
        let decoded = GenreCache.decode(bytes, catalog: catalog)
        #expect(decoded?.map(\.name) == ["Comedies", "Workplace Thrillers"])
        #expect(decoded?[1].tagPositions == [2, 1] && decoded?[1].members == [10, 12])
        #expect(GenreCache.decode(Array(bytes.dropLast()), catalog: catalog) == nil)
        var damaged = bytes
        damaged[0] = 0x58
        #expect(GenreCache.decode(damaged, catalog: catalog) == nil)
        // A cache naming a tag the catalog lacks does not fit it.
        let other = CatalogFeatures(ids: [TitleID("a")], tags: ["dramas"], scores: [[]], runtimes: [nil])
        #expect(GenreCache.decode(bytes, catalog: other) == nil)
        #expect(GenreCache.key([[1], [2]]) != GenreCache.key([[1, 2]]))
    }
}

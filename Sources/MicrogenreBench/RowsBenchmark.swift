import MicrogenreCore
import MicrogenreEvents
import MicrogenreFeeds
import MicrogenreIndex
import MicrogenrePersonalization
import MicrogenreQuery
import MicrogenreTagging
import MicrogenreTaxonomy

#if canImport(Glibc)
    import Glibc
#endif

/// Personalization on the Corpus with the bundled synthetic history: event import throughput,
/// model set-up, per-user page latency and batch throughput next to a popularity ranking of the
/// same catalog, and personalized search next to plain search of the same queries.
struct RowsBenchmark {
    var indexPath: String
    var eventsPath: String

    init(arguments: [String]) throws {
        indexPath = option("--index", in: arguments) ?? ".microgenre/index"
        eventsPath = option("--events", in: arguments) ?? "Corpus/events.csv"
    }

    func run() throws {
        pinToOneCore()
        let directory = IndexDirectory(path: indexPath)
        guard let index = try? directory.open() else {
            print("no index at \(indexPath): run scripts/demo.sh first, or pass --index DIR")
            exit(1)
        }
        let taxonomy = try Taxonomy.load(directory: "Taxonomy")
        let grammar = try GenreGrammar(taxonomy: taxonomy)

        // Import: parse the CSV and store it in a fresh SQLite database, one transaction.
        let bytes = try FileSystem.read(eventsPath)
        let parseStart = now()
        let (events, errors) = EventParser().parse(bytes, file: eventsPath)
        let parseSeconds = now() - parseStart
        let database = "/tmp/microgenre-bench-\(getpid()).sqlite"
        defer { unlink(database) }
        let storeStart = now()
        let store = try SQLiteEventStore(path: database)
        try store.add(events, source: eventsPath)
        let storeSeconds = now() - storeStart
        let readStart = now()
        let stored = try store.events()
        let readSeconds = now() - readStart

        // Set-up: features, histories, co-viewing, micro-genres.
        let featuresStart = now()
        let catalog = CatalogFeatures(index: index)
        let featuresSeconds = now() - featuresStart
        let modelStart = now()
        let policy = SignalPolicy()
        let histories = Histories(events: stored, catalog: catalog, policy: policy)
        let recommender = Recommender(catalog: catalog, histories: histories, policy: policy)
        let modelSeconds = now() - modelStart
        let coViewingBytes = recommender.coViewing.encode()
        let decodeStart = now()
        _ = CoViewing.decode(coViewingBytes, count: catalog.count)
        let decodeSeconds = now() - decodeStart
        let mineStart = now()
        let genres = CatalogGenre.mine(catalog, grammar: grammar, minimumTitles: 20)
        let mineSeconds = now() - mineStart
        let encoded = GenreCache.encode(genres)
        let cacheStart = now()
        _ = GenreCache.decode(encoded, catalog: catalog)
        let cacheSeconds = now() - cacheStart

        var builder = RowBuilder(recommender: recommender, genres: genres)
        builder.positive = policy.positive
        let users = histories.users.keys.sorted()
        var pageLatencies: [Double] = []
        var popularityLatencies: [Double] = []
        var rowsBuilt = 0
        for pass in 0..<2 {  // the first pass warms up; the second is measured
            pageLatencies = []
            popularityLatencies = []
            for user in users {
                let start = now()
                let page = builder.page(histories.users[user], titleName: { _ in "" })
                let middle = now()
                // The baseline: one popularity-ranked list of the same length, unseen titles only.
                let seen = Set(histories.users[user]!.signals.keys)
                _ = topDocuments(recommender.popularity, excluding: seen, limit: builder.rows * builder.perRow)
                let end = now()
                if pass == 1 {
                    pageLatencies.append((middle - start) * 1000)
                    popularityLatencies.append((end - middle) * 1000)
                    rowsBuilt += page.count
                }
            }
        }
        let coldStart = now()
        let coldPage = builder.page(nil, titleName: { _ in "" })
        let coldMilliseconds = (now() - coldStart) * 1000

        // Personalized search against plain search: the same facet queries, the same users.
        let parser = try QueryParser(taxonomy: taxonomy)
        let searcher = Searcher(index: index)
        let queries = [
            "dark witty female-led workplace comedy", "heist thrillers from the 1990s", "romantic comedies",
            "scary movies", "feel-good sports dramas", "sci-fi thrillers", "westerns", "british period pieces",
        ]
        var plainLatencies: [Double] = []
        var personalLatencies: [Double] = []
        var reranker = Reranker()
        reranker.personalization = 0.5
        for (k, text) in queries.enumerated() {
            let parsed = try parser.parse(text)
            for user in users.enumerated().filter({ $0.offset % 10 == k % 10 }).map(\.element) {
                let plainStart = now()
                _ = searcher.search(parsed, limit: 10)
                let plainEnd = now()
                let hits = searcher.search(parsed, limit: 200)
                let pool = hits.compactMap { hit in catalog.documents[hit.id].map { (doc: $0, relevance: hit.score) } }
                let scores = recommender.scores(histories.users[user])
                _ = reranker.rerank(pool, scores: scores, catalog: catalog, limit: 10)
                let personalEnd = now()
                plainLatencies.append((plainEnd - plainStart) * 1000)
                personalLatencies.append((personalEnd - plainEnd) * 1000)
            }
        }

        let pageTotal = pageLatencies.reduce(0, +)
        print(
            "Rows benchmark: \(catalog.count) titles, \(stored.count) events from \(users.count) users, \(genres.count) micro-genres, one core"
        )
        print("")
        print(
            "events parse     \(fixed(Double(events.count) / parseSeconds / 1000, 0))k events/s (\(errors.count) bad rows)"
        )
        print(
            "events store     \(fixed(Double(events.count) / storeSeconds / 1000, 0))k events/s into SQLite (one transaction); read back \(fixed(Double(stored.count) / readSeconds / 1000, 0))k events/s"
        )
        print("features         \(fixed(featuresSeconds * 1000, 1)) ms (facet vectors of every title from the index)")
        print("profiles         \(fixed(modelSeconds * 1000, 1)) ms (histories and co-viewing of every user)")
        print(
            "co-viewing cache \(fixed(Double(coViewingBytes.count) / 1e6, 2)) MB read back in \(fixed(decodeSeconds * 1000, 1)) ms (\(fixed(modelSeconds / decodeSeconds, 1))x faster than computing profiles)"
        )
        print(
            "micro-genres     mined in \(fixed(mineSeconds, 2)) s; cached copy (\(fixed(Double(encoded.count) / 1e6, 1)) MB) read in \(fixed(cacheSeconds * 1000, 1)) ms (\(fixed(mineSeconds / cacheSeconds, 0))x faster)"
        )
        print("")
        print("per user".padding(24) + padded("p50 ms", 9) + padded("p95 ms", 9) + padded("p99 ms", 9))
        print("page (\(builder.rows) x \(builder.perRow))".padding(24) + percentiles(pageLatencies))
        print("popularity list (baseline)".padding(24) + percentiles(popularityLatencies))
        print("plain search, top 10".padding(24) + percentiles(plainLatencies))
        print("personal search, 200->10".padding(24) + percentiles(personalLatencies))
        print("")
        print(
            "batch            \(fixed(Double(users.count) / (pageTotal / 1000), 0)) users/s on one core (\(fixed(Double(rowsBuilt) / Double(users.count), 1)) rows per page); cold user \(fixed(coldMilliseconds, 2)) ms for \(coldPage.count) rows"
        )
        print(
            "ratios           page / popularity list p50 \(fixed(percentile(pageLatencies, 0.5) / percentile(popularityLatencies, 0.5), 2)); personal / plain search p50 \(fixed(percentile(personalLatencies, 0.5) / percentile(plainLatencies, 0.5), 2))"
        )
    }
}

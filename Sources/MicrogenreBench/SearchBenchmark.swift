import MicrogenreCore
import MicrogenreFeeds
import MicrogenreIndex
import MicrogenreQuery
import MicrogenreTagging
import MicrogenreTaxonomy

#if canImport(Glibc)
    import Glibc
#endif

/// Index build time and size against the raw text, open time, and query latency percentiles
/// over facet, title, person and mixed queries made from the Corpus. Writes the plain-text
/// queries and our figures to `.build/bench/` for `scripts/bench-tantivy.py`, which runs the
/// same documents and queries in Tantivy.
struct SearchBenchmark {
    var feed: String
    var perKind = 60

    init(arguments: [String]) throws {
        feed = positional(arguments).first ?? "Corpus/films.xml.gz"
        perKind = Int(option("--per-kind", in: arguments) ?? "60") ?? 60
    }

    func run() throws {
        pinToOneCore()
        let reader = try FeedReader(path: feed)
        var catalog = CatalogBuilder()
        while let record = try reader.next() { _ = catalog.add(record) }
        let records = catalog.records
        let taxonomy = try Taxonomy.load(directory: "Taxonomy")
        let model =
            fileSize(".microgenre/tag-model.mgtm") != nil ? try TagModel.read(from: ".microgenre/tag-model.mgtm") : nil
        let tagger = try Tagger(taxonomy: taxonomy, model: model)

        let buildStart = now()
        var writer = try SegmentWriter()
        var rawBytes = 0
        for record in records {
            writer.add(IndexDocument(record: record, facets: tagger.tag(record).map { ($0.tag, $0.score) }))
            rawBytes += IndexDocument(record: record, facets: []).rawTextBytes
        }
        let bytes = writer.finish()
        let directory = IndexDirectory(path: ".build/bench/index")
        try directory.publish(bytes)
        let buildSeconds = now() - buildStart

        let openStart = now()
        _ = try directory.open()
        let openMilliseconds = (now() - openStart) * 1000

        // An upsert of one changed title (a new segment and a deletion), then a merge of both
        // segments into one (read every record back, re-tag, write).
        let scores = { (record: TitleRecord, _: TitleVector?) in
            tagger.tag(record).map { (tag: $0.tag, score: $0.score) }
        }
        var changed = records[0]
        changed.title += " (restored)"
        let upsertStart = now()
        _ = try directory.apply(IndexUpdate(records: [changed]), facets: scores)
        let upsertSeconds = now() - upsertStart
        let mergeStart = now()
        _ = try directory.apply(IndexUpdate(records: [], merge: true), facets: scores)
        let mergeSeconds = now() - mergeStart
        let segment = try directory.open()
        let parser = try QueryParser(taxonomy: taxonomy)
        let searcher = Searcher(index: segment)

        let queries = makeQueries(records, taxonomy: taxonomy)
        var latencies: [String: [Double]] = [:]
        var slowest: [(Double, String)] = []
        for _ in 0..<2 {  // the first pass warms the page cache; the second is measured
            latencies = [:]
            slowest = []
            for (kind, text) in queries {
                let start = now()
                let parsed = try parser.parse(text)
                _ = searcher.search(parsed, limit: 10)
                let milliseconds = (now() - start) * 1000
                latencies[kind, default: []].append(milliseconds)
                slowest.append((milliseconds, text))
            }
        }
        print("Search benchmark: \(records.count) titles, \(queries.count) queries, one core")
        print("")
        print(
            "index build      \(fixed(buildSeconds, 2)) s (ingested records -> tagged -> segment; \(model == nil ? "rules only" : "rules + model"))"
        )
        print(
            "index size       \(fixed(Double(bytes.count) / 1e6, 2)) MB for \(fixed(Double(rawBytes) / 1e6, 2)) MB of raw text (\(fixed(Double(bytes.count) / Double(rawBytes), 2))x)"
        )
        print("index open       \(fixed(openMilliseconds, 2)) ms (map and verify every checksum)")
        print(
            "upsert 1 title   \(fixed(upsertSeconds * 1000, 1)) ms (a one-title segment and a deletion; \(fixed(upsertSeconds / buildSeconds, 4)) of a build)"
        )
        print(
            "merge            \(fixed(mergeSeconds, 2)) s (every record read back, re-tagged, written; \(fixed(mergeSeconds / buildSeconds, 2)) of a build)"
        )
        print("")
        print("queries".padding(14) + padded("n", 5) + padded("p50 ms", 9) + padded("p95 ms", 9) + padded("p99 ms", 9))
        var all: [Double] = []
        for kind in ["facet", "title", "person", "mixed"] {
            let values = latencies[kind] ?? []
            all += values
            print(kind.padding(14) + padded(String(values.count), 5) + percentiles(values))
        }
        print("all".padding(14) + padded(String(all.count), 5) + percentiles(all))
        print(
            "slowest: "
                + slowest.sorted { $0.0 > $1.0 }.prefix(3).map { "\"\($0.1)\" \(fixed($0.0, 1)) ms" }.joined(
                    separator: ", "))
        let plain = (latencies["title"] ?? []) + (latencies["person"] ?? [])
        let plainText = queries.filter { $0.kind == "title" || $0.kind == "person" }.map(\.text)
        var out = plainText.joined(separator: "\n") + "\n"
        _ = try? FileSystem.createDirectory(".build/bench")
        try FileSystem.write(Array(out.utf8), to: ".build/bench/queries-plain.txt")
        out = "{\"build_seconds\": \(buildSeconds), \"index_bytes\": \(bytes.count), \"raw_bytes\": \(rawBytes), "
        out +=
            "\"plain_p50_ms\": \(percentile(plain, 0.5)), \"plain_p95_ms\": \(percentile(plain, 0.95)), \"plain_p99_ms\": \(percentile(plain, 0.99))}\n"
        try FileSystem.write(Array(out.utf8), to: ".build/bench/microgenre-search.json")
    }

    /// Facet phrases (tone + genre), title lookups, person lookups, and person + genre.
    func makeQueries(_ records: [TitleRecord], taxonomy: Taxonomy) -> [(kind: String, text: String)] {
        var queries: [(kind: String, text: String)] = []
        let tones = taxonomy.tags(inFacet: "tone").compactMap(\.form)
        let genres = taxonomy.tags(inFacet: "genre").compactMap(\.noun)
        let subjects = taxonomy.tags(inFacet: "subject").compactMap(\.form).filter { !$0.hasPrefix("about") }
        for k in 0..<perKind {
            let phrase =
                "\(tones[k % tones.count]) \(subjects[(k * 7) % subjects.count]) \(genres[(k * 3) % genres.count])"
            queries.append(("facet", phrase.lowercased()))
        }
        let step = max(1, records.count / perKind)
        for k in 0..<perKind { queries.append(("title", records[(k * step + 17) % records.count].title)) }
        let withPeople = records.filter { !$0.people.isEmpty }
        let peopleStep = max(1, withPeople.count / perKind)
        for k in 0..<perKind {
            let record = withPeople[(k * peopleStep + 5) % withPeople.count]
            queries.append(("person", record.people[k % record.people.count].name))
        }
        for k in 0..<perKind {
            let record = withPeople[(k * peopleStep + 11) % withPeople.count]
            queries.append(("mixed", "\(record.people[0].name) \(genres[k % genres.count].lowercased())"))
        }
        return queries
    }
}

extension IndexDocument {
    /// The UTF-8 bytes of the text the index holds: every field value.
    var rawTextBytes: Int { fieldTextBytes }
}

import MicrogenreCore
import MicrogenreQuery
import MicrogenreTagging
import MicrogenreTaxonomy
import MicrogenreTestSupport
import MicrogenreText
import Testing

@testable import MicrogenreIndex

#if canImport(Glibc)
    import Glibc
#endif

let taxonomy: Taxonomy = {
    var directory = #filePath
    for _ in 0..<3 { directory = String(directory[..<directory.lastIndex(of: "/")!]) }
    return try! Taxonomy.load(directory: directory + "/Taxonomy")
}()

func temporaryDirectory() -> String {
    Scratch.directory("index")
}

/// A small catalog with known answers.
func catalog() -> [TitleRecord] {
    func film(
        _ id: String, _ title: String, _ year: Int, _ synopsis: String, people: [String] = [], rating: String? = nil
    )
        -> TitleRecord
    {
        TitleRecord(
            id: TitleID(id), kind: .movie, title: title, year: year,
            synopses: [Synopsis(length: .short, language: "en", text: synopsis)],
            people: people.map { Credit(name: $0, role: .cast) },
            rating: rating.map { MaturityRating(system: "MPAA", value: $0) })
    }
    return [
        film(
            "office", "Paper Trail", 1999,
            "A dark, witty workplace comedy film about a woman who runs a paper company office.",
            people: ["Jane Doe"], rating: "R"),
        film(
            "heist", "Vault", 1995, "A suspenseful heist thriller film about a crew robbing a bank vault.", rating: "R"),
        film("western", "Dust", 1958, "A western film: a sheriff and an outlaw meet on the frontier.", rating: "PG"),
        film(
            "family", "Pup", 2004, "A heartwarming family comedy film about a boy and his talking dog.",
            people: ["Tom Example"], rating: "G"),
        film("lord", "The Lord of the Rings", 2001, "An epic fantasy adventure film about a ring.", rating: "PG-13"),
        film("horror", "Night House", 1981, "A horror film about a haunted house.", rating: "R"),
    ]
}

func buildIndex() throws -> (IndexReader, String) {
    let tagger = try Tagger(taxonomy: taxonomy)
    var writer = try SegmentWriter()
    for record in catalog() {
        writer.add(IndexDocument(record: record, facets: tagger.tag(record).map { ($0.tag, $0.score) }))
    }
    let directory = IndexDirectory(path: temporaryDirectory() + "/index")
    try directory.publish(writer.finish())
    return (try directory.open(), directory.path)
}

@Suite struct IndexTests {
    func search(_ query: String, in index: IndexReader) throws -> [String] {
        let parsed = try QueryParser(taxonomy: taxonomy).parse(query)
        return Searcher(index: index).search(parsed, limit: 10).map(\.id.rawValue)
    }

    /// Search scenarios as data: a query and the titles expected first (in order, unless the
    /// scenario says the order among them is free).
    @Test(arguments: [
        ("dark witty female-led workplace comedy", ["office"], true),
        ("heist thrillers", ["heist"], true),
        ("westerns", ["western"], true),
        ("Tom Example", ["family"], true),
        ("\"lord of the rings\"", ["lord"], true),
        ("comedies -workplace", ["family"], true),
        ("films year:1990..1999", ["office", "heist"], false),
        ("horror kind:series", [], true),
        ("films rating:<=PG", ["western", "family"], false),
    ])
    func scenarios(query: String, expected: [String], ordered: Bool) throws {
        let (segment, _) = try buildIndex()
        let found = try search(query, in: segment)
        let first = Array(found.prefix(expected.count))
        if ordered {
            #expect(first == expected, "\(query) -> \(found)")
        } else {
            #expect(Set(first) == Set(expected), "\(query) -> \(found)")
        }
        if expected.isEmpty { #expect(found.isEmpty) }
    }

    @Test func storedFieldsAndValues() throws {
        let (segment, _) = try buildIndex()
        #expect(segment.count == 6)
        #expect(segment.titleID(0) == TitleID("office"))
        #expect(segment.storedJSON(4).contains("\"title\":\"The Lord of the Rings\""))
        #expect(segment.year(2) == 1958 && segment.kind(2) == .movie)
    }

    @Test(arguments: ["flip", "truncate", "magic", "version", "empty"])
    func damagedSegmentsAreRefused(damage: String) throws {
        let (_, path) = try buildIndex()
        let directory = IndexDirectory(path: path)
        let file = "\(path)/\(try #require(try directory.entries().first).segment)"
        var bytes = try FileSystem.read(file)
        switch damage {
        case "flip": bytes[bytes.count / 2] ^= 0x5A
        case "truncate": bytes.removeLast(bytes.count / 3)
        case "magic": bytes[1] = 0
        case "version": bytes[4] = 7
        default: bytes = []
        }
        try FileSystem.write(bytes, to: file)
        #expect {
            _ = try directory.open()
        } throws: { error in
            guard let error = error as? IndexError else { return false }
            return error.path == file && (damage != "version" || error.message.contains("version 7"))
        }
    }

    /// An index written by format version 1, committed, opens and answers with today's reader.
    @Test func committedVersionOneIndexOpens() throws {
        var directory = #filePath
        directory = String(directory[..<directory.lastIndex(of: "/")!])
        let index = try IndexDirectory(path: directory + "/Fixtures/index-v1").open()
        #expect(index.count == 2)
        #expect(index.segments[0].analyzerVersion == 1)
        #expect(index.titleID(1) == TitleID("veep-s5e4"))
        let parsed = try QueryParser(taxonomy: taxonomy).parse("selina thanksgiving")
        #expect(Searcher(index: index).search(parsed, limit: 5).first?.id == TitleID("veep-s5e4"))
    }

    /// Indexes written by format version 3 (no embeddings) and 4 (with the tiny test model's
    /// embeddings), committed, open and answer with today's reader.
    @Test func committedVersionThreeAndFourIndexesOpen() throws {
        var directory = #filePath
        directory = String(directory[..<directory.lastIndex(of: "/")!])
        let parsed = try QueryParser(taxonomy: taxonomy).parse("selina thanksgiving")
        let three = try IndexDirectory(path: directory + "/Fixtures/index-v3").open()
        #expect(three.segments[0].formatVersion == 3 && three.embeddingIdentities.isEmpty)
        #expect(Searcher(index: three).search(parsed, limit: 5).first?.id == TitleID("veep-s5e4"))

        let four = try IndexDirectory(path: directory + "/Fixtures/index-v4").open()
        #expect(four.segments[0].formatVersion == 4 && four.segments[0].embeddingDimension == 32)
        let identity = try #require(four.embeddingIdentities.first)
        #expect(identity.hasPrefix("tiny-model "))
        let stored = try #require(four.segments[0].vector(1))
        let similarities = four.similarities(to: stored.floats, identity: identity)
        #expect(
            abs(similarities[1] - stored.floats.reduce(0) { $0 + $1 * $1 }) < 1e-4, "the query is quantized to 16 bits")
        let semantic = SemanticQuery(vector: stored.floats, identity: identity)
        let hits = Searcher(index: four).search(parsed, limit: 5, mode: .hybrid, semantic: semantic)
        #expect(hits.first?.id == TitleID("veep-s5e4") && hits.first?.semanticRank == 1)
    }

    /// Version 2 segments keep every record in full, so an upsert can index them again.
    @Test func recordsRoundTrip() throws {
        let (index, _) = try buildIndex()
        #expect(index.segments[0].formatVersion == SegmentFormat.version)
        let records = try index.liveRecords().map { record in
            var record = record
            record.source = nil
            return record
        }
        #expect(records == catalog())
    }

    @Test func versionOneIndexHasNoRecordsToUpsert() throws {
        var directory = #filePath
        directory = String(directory[..<directory.lastIndex(of: "/")!])
        let index = try IndexDirectory(path: directory + "/Fixtures/index-v1").open()
        #expect {
            _ = try index.liveRecords()
        } throws: { error in
            (error as? IndexError)?.message.contains("--replace") == true
        }
    }

    @Test func missingIndexIsAClearError() {
        #expect {
            _ = try IndexDirectory(path: "/nonexistent/index").open()
        } throws: { error in
            (error as? IndexError)?.message.contains("no index here") == true
        }
    }

    @Test func aSecondWriterIsRefused() throws {
        let (_, path) = try buildIndex()
        let holder = open("\(path)/write.lock", O_RDWR)
        #expect(holder >= 0)
        defer { close(holder) }
        #expect(flock(holder, LOCK_EX | LOCK_NB) == 0)
        var writer = try SegmentWriter()
        writer.add(IndexDocument(record: catalog()[0], facets: []))
        #expect {
            try IndexDirectory(path: path).publish(writer.finish())
        } throws: { error in
            (error as? IndexError)?.message.contains("another writer holds the index") == true
        }
        #expect(try IndexDirectory(path: path).open().count == 6)
    }

    @Test func republishingReplacesTheSegment() throws {
        let (_, path) = try buildIndex()
        let directory = IndexDirectory(path: path)
        let first = "\(path)/\(try #require(try directory.entries().first).segment)"
        var writer = try SegmentWriter()
        writer.add(IndexDocument(record: catalog()[0], facets: []))
        try directory.publish(writer.finish())
        let second = "\(path)/\(try #require(try directory.entries().first).segment)"
        #expect(first != second)
        #expect(!FileSystem.exists(first))
        #expect(try directory.open().count == 1)
    }
}

/// Upserts, deletions and merges through ``IndexDirectory/apply(_:facets:progress:)``.
@Suite struct IndexUpdateTests {
    let tagger = try! Tagger(taxonomy: taxonomy)

    func scores(_ record: TitleRecord, _ vector: TitleVector? = nil) -> [(tag: TagID, score: Double)] {
        tagger.tag(record).map { ($0.tag, $0.score) }
    }

    func search(_ query: String, in directory: IndexDirectory) throws -> [SearchHit] {
        let parsed = try QueryParser(taxonomy: taxonomy).parse(query)
        return Searcher(index: try directory.open()).search(parsed, limit: 10)
    }

    /// Titles spread over segments score exactly as in one segment: the statistics are global.
    @Test func segmentsSearchLikeOne() throws {
        let one = IndexDirectory(path: temporaryDirectory() + "/one")
        _ = try one.apply(IndexUpdate(records: catalog()), facets: scores)
        let split = IndexDirectory(path: temporaryDirectory() + "/split")
        for part in [catalog()[0..<2], catalog()[2..<3], catalog()[3...]] {
            _ = try split.apply(IndexUpdate(records: Array(part)), facets: scores)
        }
        #expect(try split.entries().count == 3)
        for query in [
            "dark witty workplace comedy", "film about a ring", "comedies -workplace", "films year:1990..1999",
        ] {
            let a = try search(query, in: one).map { "\($0.id) \(($0.score * 1e6).rounded())" }
            let b = try search(query, in: split).map { "\($0.id) \(($0.score * 1e6).rounded())" }
            #expect(a == b, "\(query)")
        }
    }

    @Test func upsertReplacesAndDeleteRemoves() throws {
        let directory = IndexDirectory(path: temporaryDirectory() + "/index")
        _ = try directory.apply(IndexUpdate(records: catalog()), facets: scores)
        var changed = catalog()[2]
        changed.title = "Zanzibar Sunrise"
        changed.synopses = [Synopsis(length: .short, language: "en", text: "A musical about a lighthouse.")]
        let upsert = try directory.apply(IndexUpdate(records: [changed]), facets: scores)
        #expect(upsert.replaced == 1 && upsert.added == 0 && upsert.titles == 6 && upsert.segments == 2)
        #expect(try search("zanzibar", in: directory).map(\.id) == [TitleID("western")])
        #expect(try search("sheriff outlaw", in: directory).isEmpty)
        #expect(try directory.entries()[0].deletions != nil)

        let deletion = try directory.apply(
            IndexUpdate(records: [], deletions: [TitleID("heist"), TitleID("nope")]), facets: scores)
        #expect(deletion.deleted == 1 && deletion.missing == [TitleID("nope")] && deletion.titles == 5)
        #expect(try search("heist", in: directory).isEmpty)
        #expect(try directory.open().liveCount == 5)

        let merged = try directory.apply(IndexUpdate(records: [], merge: true), facets: scores)
        #expect(merged.merged && merged.segments == 1 && merged.titles == 5)
        let reader = try directory.open()
        #expect(reader.count == 5 && reader.liveCount == 5)
        #expect(try search("zanzibar", in: directory).map(\.id) == [TitleID("western")])
        #expect(try FileSystem.list(directory.path).filter { $0.hasPrefix("deletes-") }.isEmpty)
    }

    /// A segment an older analyzer made is reported, and the next update analyzes it again.
    @Test func segmentsFromAnOlderAnalyzerAreAnalyzedAgain() throws {
        let tagger = try Tagger(taxonomy: taxonomy)
        var writer = try SegmentWriter()
        writer.analyzerVersion = Analyzer.version - 1
        for record in catalog() {
            writer.add(IndexDocument(record: record, facets: tagger.tag(record).map { ($0.tag, $0.score) }))
        }
        let directory = IndexDirectory(path: temporaryDirectory() + "/index")
        try directory.publish(writer.finish())
        let old = try directory.open()
        #expect(old.segments[0].analyzerVersion == Analyzer.version - 1)
        #expect(old.segmentsFromOtherAnalyzers.count == 1)

        var changed = catalog()[2]
        changed.title = "Zanzibar Sunrise"
        let summary = try directory.apply(IndexUpdate(records: [changed]), facets: scores)
        #expect(summary.merged && summary.reanalyzed && summary.segments == 1 && summary.titles == 6)
        let reader = try directory.open()
        #expect(reader.segmentsFromOtherAnalyzers.isEmpty)
        #expect(reader.segments[0].analyzerVersion == Analyzer.version)
        #expect(try search("zanzibar", in: directory).map(\.id) == [TitleID("western")])

        // An index every segment of which this analyzer made is not merged by an upsert.
        let again = try directory.apply(IndexUpdate(records: [catalog()[0]]), facets: scores)
        #expect(!again.merged && !again.reanalyzed && again.segments == 2)
    }

    @Test func tooManySegmentsMerge() throws {
        let directory = IndexDirectory(path: temporaryDirectory() + "/index")
        var last = IndexUpdateSummary()
        for record in catalog() {
            var update = IndexUpdate(records: [record])
            update.maximumSegments = 3
            last = try directory.apply(update, facets: scores)
            #expect(last.segments <= 3)
        }
        #expect(last.titles == 6)
        #expect(try directory.open().liveCount == 6)
    }

    /// While a writer upserts and merges, every reader opens a complete snapshot.
    @Test func readersSeeCompleteSnapshotsWhileAWriterWorks() async throws {
        let directory = IndexDirectory(path: temporaryDirectory() + "/index")
        _ = try directory.apply(IndexUpdate(records: catalog()), facets: { _, _ in [] })
        let writer = Task.detached {
            for k in 0..<200 {
                var record = catalog()[k % 6]
                record.title += " \(k)"
                _ = try directory.apply(IndexUpdate(records: [record]), facets: { _, _ in [] })
            }
        }
        var opened = 0
        while opened < 5000 {
            let reader = try directory.open()
            #expect(reader.liveCount == 6)
            opened += 1
            if opened % 50 == 0 { await Task.yield() }
        }
        try await writer.value
        #expect(try directory.open().liveCount == 6)
    }

    @Test(arguments: ["flip", "truncate", "magic"])
    func damagedDeletionFilesAreRefused(damage: String) throws {
        let directory = IndexDirectory(path: temporaryDirectory() + "/index")
        _ = try directory.apply(IndexUpdate(records: catalog()), facets: scores)
        _ = try directory.apply(IndexUpdate(records: [], deletions: [TitleID("heist")]), facets: scores)
        let name = try #require(try directory.entries().first?.deletions)
        let file = "\(directory.path)/\(name)"
        var bytes = try FileSystem.read(file)
        switch damage {
        case "flip": bytes[12] ^= 0x01
        case "truncate": bytes.removeLast(3)
        default: bytes[0] = 0
        }
        try FileSystem.write(bytes, to: file)
        #expect {
            _ = try directory.open()
        } throws: { error in
            (error as? IndexError)?.path == file
        }
    }
}

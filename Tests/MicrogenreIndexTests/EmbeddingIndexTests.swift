import MicrogenreCore
import MicrogenreQuery
import MicrogenreTagging
import MicrogenreTaxonomy
import Testing

@testable import MicrogenreIndex

/// A stand-in for the sentence-embedding model: each word of the text adds one to a dimension
/// chosen by its hash, then the vector is normalized. Texts sharing words are similar.
struct WordHashEmbedder {
    var dimension = 32
    var identity = "word-hash 1"

    func vector(_ text: String) -> [Float] {
        var v = [Float](repeating: 0, count: dimension)
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter }) {
            v[Int(FNV1a.hash(word.utf8) % UInt64(dimension))] += 1
        }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }

    /// The embedding step of an index update; lists the records it embeds in `calls`.
    func step(counting calls: Calls? = nil) -> TitleEmbedding {
        TitleEmbedding(identity: identity) { records in
            calls?.ids += records.map(\.id)
            return records.map { vector(EmbeddingText.text(for: $0)) }
        }
    }
}

/// The titles an embedding step was asked for.
final class Calls {
    var ids: [TitleID] = []
}

@Suite struct EmbeddingIndexTests {
    let tagger = try! Tagger(taxonomy: taxonomy)
    let embedder = WordHashEmbedder()

    func scores(_ record: TitleRecord, _ vector: TitleVector? = nil) -> [(tag: TagID, score: Double)] {
        tagger.tag(record).map { ($0.tag, $0.score) }
    }

    func search(_ query: String, _ mode: SearchMode, in directory: IndexDirectory, limit: Int = 10) throws
        -> [SearchHit]
    {
        let parsed = try QueryParser(taxonomy: taxonomy).parse(query)
        let semantic = SemanticQuery(vector: embedder.vector(parsed.semanticText), identity: embedder.identity)
        return Searcher(index: try directory.open()).search(
            parsed, limit: limit, mode: mode, semantic: semantic)
    }

    func indexed(_ records: [TitleRecord] = catalog()) throws -> IndexDirectory {
        let directory = IndexDirectory(path: temporaryDirectory() + "/index")
        var update = IndexUpdate(records: records)
        update.embedding = embedder.step()
        _ = try directory.apply(update, facets: scores)
        return directory
    }

    @Test(arguments: [[Float](), [0, 0, 0], [0.5, -0.25, 0.125, 1e-9], [1, -1, 0.3, 0.99, -0.01]])
    func quantizationKeepsEachComponentWithinHalfAStep(_ vector: [Float]) {
        let quantized = QuantizedVector(vector)
        #expect(quantized.values.count == vector.count)
        #expect(quantized.isPresent == vector.contains { $0 != 0 })
        for (a, b) in zip(quantized.floats, vector) { #expect(abs(a - b) <= quantized.scale / 2 + 1e-7) }
        if let largest = vector.map(abs).max(), largest > 0 {
            #expect(quantized.values.map { abs(Int($0)) }.max() == 127)
        }
    }

    @Test func segmentsKeepVectorsAndTheModelIdentity() throws {
        let directory = try indexed()
        let reader = try directory.open()
        #expect(reader.embeddingIdentities == [embedder.identity])
        #expect(reader.segments[0].embeddingDimension == embedder.dimension)
        #expect(reader.documentsWithoutVectors(from: embedder.identity) == 0)
        #expect(reader.documentsWithoutVectors(from: "another model") == catalog().count)
        let query = embedder.vector("a haunted house horror film")
        let similarities = reader.similarities(to: query, identity: embedder.identity)
        for doc in 0..<reader.count {
            let record = catalog().first { $0.id == reader.titleID(doc) }!
            let exact = zip(query, embedder.vector(EmbeddingText.text(for: record))).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(similarities[doc] - exact) < 0.02, "\(record.id)")
        }
        // Another model's query compares with nothing.
        #expect(reader.similarities(to: query, identity: "another model").allSatisfy { $0 == -.infinity })
    }

    @Test func upsertsEmbedOnlyTheirTitlesAndMergesCopyVectors() throws {
        let directory = try indexed()
        let before = try directory.open()
        let vectors = Dictionary(
            uniqueKeysWithValues: (0..<before.count).map { (before.titleID($0), before.segments[0].vector($0)!) })

        let calls = Calls()
        var changed = catalog()[2]
        changed.synopses = [Synopsis(length: .short, language: "en", text: "A musical about a lighthouse keeper.")]
        var upsert = IndexUpdate(records: [changed])
        upsert.embedding = embedder.step(counting: calls)
        let summary = try directory.apply(upsert, facets: scores)
        #expect(calls.ids == [changed.id])
        #expect(summary.embedded == 1 && !summary.merged && summary.segments == 2)

        var merge = IndexUpdate(records: [], merge: true)
        merge.embedding = embedder.step(counting: calls)
        let merged = try directory.apply(merge, facets: scores)
        #expect(calls.ids == [changed.id], "a merge embeds nothing")
        #expect(merged.merged && merged.embedded == 0 && merged.vectorsCopied == catalog().count)
        let after = try directory.open()
        #expect(after.segments.count == 1 && after.embeddingIdentities == [embedder.identity])
        for doc in 0..<after.count {
            let id = after.titleID(doc)
            let vector = after.segments[0].vector(doc)
            if id == changed.id {
                #expect(vector == QuantizedVector(embedder.vector(EmbeddingText.text(for: changed))))
            } else {
                #expect(vector == vectors[id], "\(id) keeps its bytes")
            }
        }
        #expect(try search("lighthouse keeper", .semantic, in: directory).first?.id == changed.id)
    }

    @Test func anotherModelIsEmbeddedAgainOnTheNextRun() throws {
        let directory = try indexed()
        let other = WordHashEmbedder(dimension: 24, identity: "word-hash 2")
        let calls = Calls()
        var update = IndexUpdate(records: [catalog()[0]])
        update.embedding = other.step(counting: calls)
        let summary = try directory.apply(update, facets: scores)
        #expect(summary.merged && summary.reembedded && summary.embedded == catalog().count)
        #expect(Set(calls.ids) == Set(catalog().map(\.id)))
        let reader = try directory.open()
        #expect(reader.embeddingIdentities == ["word-hash 2"] && reader.segments[0].embeddingDimension == 24)
    }

    @Test func withoutAModelUpdatesWorkAndMergesKeepTheVectors() throws {
        let directory = try indexed()
        var changed = catalog()[1]
        changed.title = "Vault Two"
        let upsert = try directory.apply(IndexUpdate(records: [changed]), facets: scores)
        #expect(upsert.embedded == 0 && upsert.segments == 2)
        var reader = try directory.open()
        #expect(reader.embeddingIdentities == [embedder.identity])
        #expect(reader.documentsWithoutVectors(from: embedder.identity) == 1)
        // A merge without the model copies the vectors it has; the new title still has none.
        let merged = try directory.apply(IndexUpdate(records: [], merge: true), facets: scores)
        #expect(merged.merged && merged.vectorsCopied == catalog().count - 1)
        reader = try directory.open()
        #expect(reader.documentsWithoutVectors(from: embedder.identity) == 1)
        #expect(try search("vault two", .lexical, in: directory).first?.id == changed.id)
    }

    @Test func semanticSearchRanksByMeaningAndHybridFusesBothLists() throws {
        let directory = try indexed()
        let semantic = try search("a ring epic", .semantic, in: directory)
        #expect(semantic.first?.id == TitleID("lord"))
        #expect(semantic.map(\.semantic!) == semantic.map(\.semantic!).sorted(by: >))
        #expect(semantic.allSatisfy { $0.mode == .semantic })

        let hybrid = try search("haunted house horror", .hybrid, in: directory)
        let top = try #require(hybrid.first)
        #expect(top.id == TitleID("horror") && top.lexicalRank == 1 && top.semanticRank == 1)
        #expect(abs(top.score - (1 / 61.0 + 0.5 / 61.0)) < 1e-9)
        #expect(hybrid.map(\.score) == hybrid.map(\.score).sorted(by: >))
        // A title only the semantic list holds still comes, below those both lists hold.
        #expect(hybrid.contains { $0.lexicalRank == nil && $0.semanticRank != nil })
    }

    @Test(arguments: [
        ("a film about a ring -fantasy", "lord"), ("a film about a ring year:1990..1999", "lord"),
        ("a film \"talking dog\"", "family"),
    ])
    func filtersExclusionsAndPhrasesApplyToSemanticCandidates(_ query: String, _ left: String) throws {
        let directory = try indexed()
        for mode in [SearchMode.semantic, .hybrid] {
            let ids = try search(query, mode, in: directory).map(\.id.rawValue)
            if query.contains("\"") {
                #expect(ids == [left], "\(mode): only the phrase's title")
            } else {
                #expect(!ids.contains(left), "\(mode): \(ids)")
                #expect(!ids.isEmpty)
            }
        }
    }

    /// An era the query names limits the semantic list as a filter would: embeddings know no year.
    @Test func anEraInTheQueryLimitsTheSemanticList() throws {
        let directory = try indexed()
        let query = "a film about a ring from the 1990s"
        #expect(try QueryParser(taxonomy: taxonomy).parse(query).facets.contains { $0.facet == "era" })
        let semantic = try search(query, .semantic, in: directory).map(\.id.rawValue)
        #expect(Set(semantic) == ["office", "heist"], "the 1990s titles only")
        let hybrid = try search(query, .hybrid, in: directory)
        #expect(hybrid.allSatisfy { $0.semanticRank == nil || ["office", "heist"].contains($0.id.rawValue) })
        #expect(hybrid.contains { $0.id == TitleID("lord") }, "the lexical list still holds the ring film")
    }

    @Test func withoutVectorsOfTheQuerysModelEveryModeIsLexical() throws {
        let directory = IndexDirectory(path: temporaryDirectory() + "/index")
        _ = try directory.apply(IndexUpdate(records: catalog()), facets: scores)
        let lexical = try search("haunted house", .lexical, in: directory)
        for mode in [SearchMode.semantic, .hybrid] {
            let hits = try search("haunted house", mode, in: directory)
            #expect(hits.map(\.id) == lexical.map(\.id) && hits.allSatisfy { $0.mode == .lexical })
        }
    }

    @Test(arguments: [
        ("dark comedies -musical year:1990..1999", "dark comedies"),
        ("\"haunted house\" -\"found footage\" kind:movie", "haunted house"),
        ("  witty   workplace  ", "witty workplace"), ("year:1990", ""),
    ])
    func theQuerysEmbeddingLeavesOutFiltersAndExclusions(_ query: String, _ expected: String) throws {
        #expect(try QueryParser(taxonomy: taxonomy).parse(query).semanticText == expected)
    }

    @Test func theEmbeddedTextNamesFormatCountriesAndGenresBeforeTheSynopsis() {
        let record = TitleRecord(
            id: TitleID("x"), kind: .series, title: "Spirited", year: 2001,
            synopses: [
                Synopsis(length: .short, language: "en", text: "Short."),
                Synopsis(length: .long, language: "en", text: "A girl wanders into a world of spirits."),
            ], genres: ["Anime", "Fantasy", "anime"], countries: ["JP", "ZZ"])
        #expect(
            EmbeddingText.text(for: record)
                == "TV series, Japan, ZZ; Anime, Fantasy. A girl wanders into a world of spirits.")
        var bare = record
        bare.synopses = []
        #expect(EmbeddingText.text(for: bare) == "Spirited (TV series, Japan, ZZ; Anime, Fantasy)")
    }

    /// A title's name is for lexical search to match: the embedding reads "the film" instead.
    @Test(arguments: [
        (
            "The Family", "The Family is a 2013 comedy. In The Family, a family hides.",
            "Film. The film is a 2013 comedy. In the film, a family hides."
        ),
        (
            "Up", "Up is a 2009 film. Carl grew up; Upton and UP stay.",
            "Film. The film is a 2009 film. Carl grew up; Upton and UP stay."
        ),
        ("X", "X is short. X stays.", "Film. X is short. X stays."),
    ])
    func theTitlesNameIsNotEmbedded(_ title: String, _ synopsis: String, _ expected: String) {
        let record = TitleRecord(
            id: TitleID("x"), kind: .movie, title: title,
            synopses: [Synopsis(length: .medium, language: "en", text: synopsis)])
        #expect(EmbeddingText.text(for: record) == expected)
    }
}

public import MicrogenreCore
public import MicrogenreEmbedding
public import MicrogenreEvents
public import MicrogenreIndex
public import MicrogenrePersonalization
public import MicrogenreQuery
public import MicrogenreTagging
public import MicrogenreTaxonomy
import Synchronization

/// What the server answers from: the index snapshot, the taxonomy, the tag model and the
/// sentence-embedding model, loaded once and shared by every request. The calls are the ones the
/// commands make, so a route answers as its command prints.
public final class Engine: Sendable {
    /// The taxonomy queries and tags are read with.
    public let taxonomy: Taxonomy
    /// The tag model, if any (a title's tags are computed with it).
    public let model: TagModel?
    /// The sentence-embedding model for hybrid and semantic search, if installed.
    public let embedder: SentenceEmbedder?
    /// The index directory.
    public let directory: IndexDirectory
    /// The open index snapshot, and its titles' document numbers (built once per snapshot).
    private let snapshot: Mutex<(reader: IndexReader, documents: [TitleID: Int])>
    /// The `CURRENT` file the snapshot was opened from, and how many snapshots were opened.
    private let published: Mutex<(current: [UInt8], generation: Int)>
    /// Each segment's uncompressed records, by segment path, read on first need.
    private let recordBytes = Mutex<[String: [UInt8]]>([:])
    /// The viewing-events database, when the server has one.
    public let eventsPath: String?
    /// The taxonomy directory (part of the mined micro-genres' cache key).
    public let taxonomyDirectory: String
    /// Micro-genres for rows need at least this many titles (as `rows --min-titles`).
    public let minimumGenreTitles = 20
    private let personal = Mutex<Personal?>(nil)

    /// Viewing events stored, as of the last look (0 without an events database).
    public var eventCount: Int { personal.withLock { $0?.events ?? 0 } }

    /// Everything rows and personal search need, for one index snapshot and one state of the events.
    struct Personal: Sendable {
        var model: PersonalModel
        var genres: [CatalogGenre]
        var events: Int
        var lastID: Int64
    }

    /// Opens the index at `directory`; throws when it cannot be read.
    public init(
        directory: IndexDirectory, taxonomy: Taxonomy, model: TagModel?, embedder: SentenceEmbedder?,
        eventsPath: String? = nil, taxonomyDirectory: String = ""
    ) throws {
        self.directory = directory
        self.eventsPath = eventsPath
        self.taxonomyDirectory = taxonomyDirectory
        self.taxonomy = taxonomy
        self.model = model
        self.embedder = embedder
        let current = (try? FileSystem.read(directory.path + "/CURRENT")) ?? []
        let reader = try directory.open()
        snapshot = Mutex((reader, reader.liveDocuments()))
        published = Mutex((current, 1))
        try reloadPersonal(force: true)
    }

    /// Loads every user's history and the catalog's micro-genres again when the events or the
    /// snapshot changed (or `force`); nothing without an events database.
    private func reloadPersonal(force: Bool) throws {
        guard let eventsPath, FileSystem.exists(eventsPath) else { return }
        let store = try EventStore(path: eventsPath)
        let fingerprint = try store.fingerprint()
        if !force, let current = personal.withLock({ $0 }),
            current.events == fingerprint.events && current.lastID == fingerprint.lastID
        {
            return
        }
        let index = self.index
        let model = try PersonalModel.load(
            index: index, at: directory, store: store, policy: SignalPolicy(), blend: Blend())
        let genres = MinedGenres.load(
            catalog: model.catalog, grammar: try GenreGrammar(taxonomy: taxonomy),
            minimumTitles: minimumGenreTitles, indexDirectory: directory.path, taxonomyDirectory: taxonomyDirectory)
        personal.withLock {
            $0 = Personal(model: model, genres: genres, events: fingerprint.events, lastID: fingerprint.lastID)
        }
    }

    /// Searches as `microgenre search --user --json` does: the query's best `candidates`,
    /// re-ranked for `user` (by popularity for a user without events); nil without an events
    /// database.
    public func personalSearch(
        _ parsed: ParsedQuery, user: String, limit: Int, mode: SearchMode? = nil, personalization: Double = 0.5,
        diversity: Double = 0.2, candidates: Int = 200
    ) -> [(hit: SearchHit, result: PersonalizedHit)]? {
        guard let personal = personal.withLock({ $0 }) else { return nil }
        let (hits, _) = search(parsed, limit: max(candidates, limit), mode: mode)
        var hitByDoc: [Int: SearchHit] = [:]
        var pool: [(doc: Int, relevance: Double)] = []
        for hit in hits {
            guard let doc = personal.model.catalog.documents[hit.id] else { continue }
            hitByDoc[doc] = hit
            pool.append((doc, hit.score))
        }
        var reranker = Reranker()
        reranker.personalization = personalization
        reranker.diversity = diversity
        let scores = personal.model.recommender.scores(personal.model.histories.users[user])
        return reranker.rerank(pool, scores: scores, catalog: personal.model.catalog, limit: limit).map {
            (hitByDoc[$0.doc]!, $0)
        }
    }

    /// The catalog's micro-genres with at least `minimumTitles` titles, mined from the index's
    /// facets as `rows` mines them (cached beside the index), most titles first.
    public func genres(minimumTitles: Int) throws -> (genres: [CatalogGenre], catalog: CatalogFeatures) {
        let index = self.index
        let catalog = CatalogFeatures(index: index)
        let genres = MinedGenres.load(
            catalog: catalog, grammar: try GenreGrammar(taxonomy: taxonomy), minimumTitles: minimumTitles,
            indexDirectory: directory.path, taxonomyDirectory: taxonomyDirectory)
        return (
            genres.sorted {
                $0.members.count != $1.members.count ? $0.members.count > $1.members.count : $0.name < $1.name
            },
            catalog
        )
    }

    /// What a posted batch of events did: the store's summary, the rows rejected (with their
    /// line and column) and the rows read.
    public struct EventImport: Sendable {
        public var summary: EventStore.ImportSummary
        public var errors: [EventError]
        public var rows: Int
    }

    /// Imports a body of events (CSV or JSON Lines, gzip allowed) as `microgenre events import`
    /// does: in one transaction, idempotent, bad rows reported and skipped; nothing is stored when
    /// no row is valid. The next request answers from them.
    public func importEvents(_ body: [UInt8], format: EventParser.Format?) throws -> EventImport {
        guard let eventsPath else { throw FileSystem.Failure(path: "", reason: "no events database") }
        let temporary = directory.path + "/.events-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).body"
        try FileSystem.write(body, to: temporary)
        defer { unlink(temporary) }
        let store = try EventStore(path: eventsPath)
        var errors: [EventError] = []
        var rows = 0
        var valid = 0
        struct NoValidRow: Error {}
        do {
            let summary = try store.add(source: "POST /v1/events") { insert in
                try EventParser().read(path: temporary, format: format) { result in
                    rows += 1
                    switch result {
                    case .failure(let error): errors.append(error)
                    case .success(let event):
                        valid += 1
                        try insert(event)
                    }
                }
                if valid == 0 { throw NoValidRow() }
                return errors.count
            }
            try reloadPersonal(force: false)
            return EventImport(summary: summary, errors: errors, rows: rows)
        } catch is NoValidRow {
            return EventImport(summary: EventStore.ImportSummary(), errors: errors, rows: rows)
        }
    }

    /// A user's page of rows, as `microgenre rows --user --json` builds it (a user without events
    /// gets the popular, diverse page); nil without an events database.
    public func page(user: String, rows: Int, perRow: Int) -> [UInt8]? {
        guard let personal = personal.withLock({ $0 }) else { return nil }
        var builder = RowBuilder(recommender: personal.model.recommender, genres: personal.genres)
        builder.rows = rows
        builder.perRow = perRow
        builder.positive = personal.model.policy.positive
        let page = builder.page(personal.model.histories.users[user], titleName: personal.model.name)
        return APIJSON.page(user: user, page: page, catalog: personal.model.catalog)
    }

    /// How many snapshots of the index the engine has opened (1 at start).
    public var generation: Int { published.withLock { $0.generation } }

    /// Opens the index again when `microgenre index` has published a new snapshot since the last
    /// look (its `CURRENT` file changed), and answers from it from then on. A request already
    /// running keeps the snapshot it started with: its segments stay mapped, even where the
    /// writer removed their files, until the last reader lets go. Returns whether it reloaded.
    @discardableResult
    public func reloadIfChanged() throws -> Bool {
        let current = try FileSystem.read(directory.path + "/CURRENT")
        guard current != published.withLock({ $0.current }) else {
            try reloadPersonal(force: false)
            return false
        }
        let reader = try directory.open()
        let documents = reader.liveDocuments()
        snapshot.withLock { $0 = (reader, documents) }
        recordBytes.withLock { $0 = [:] }
        published.withLock { $0 = (current, $0.generation + 1) }
        try reloadPersonal(force: true)
        return true
    }

    /// The current index snapshot.
    public var index: IndexReader { snapshot.withLock { $0.reader } }

    /// Parses a query the way `microgenre query --index` and `search` do: the index's credited
    /// people keep their names whole.
    /// A malformed query throws ``QueryError``.
    public func parse(_ query: String) throws -> ParsedQuery {
        try QueryParser(taxonomy: taxonomy, people: index).parse(query)
    }

    /// The mode a search runs in when none is asked for: hybrid when the index holds vectors of
    /// the installed model, as `microgenre search` chooses.
    public func defaultMode(_ index: IndexReader) -> SearchMode {
        guard let embedder, index.embeddingIdentities.contains(embedder.identity) else { return .lexical }
        return .hybrid
    }

    /// Searches as `microgenre search --json` does: the results `offset ..< offset + limit`.
    public func search(
        _ parsed: ParsedQuery, limit: Int, offset: Int = 0, explain: Bool = false, mode: SearchMode? = nil,
        semanticWeight: Double = 0.5
    ) -> (hits: [SearchHit], mode: SearchMode) {
        let index = self.index
        var mode = mode ?? defaultMode(index)
        if mode != .lexical && defaultMode(index) == .lexical { mode = .lexical }
        var semantic: SemanticQuery?
        if mode != .lexical, let embedder, !parsed.semanticText.isEmpty {
            semantic = SemanticQuery(vector: embedder.embed(parsed.semanticText), identity: embedder.identity)
        }
        var searcher = Searcher(index: index)
        searcher.semanticWeight = semanticWeight
        let hits = searcher.search(parsed, limit: offset + limit, explain: explain, mode: mode, semantic: semantic)
        return (Array(hits.dropFirst(offset)), mode)
    }

    /// The title `id`'s full record and its tags, scores and evidence, tagged as `microgenre tag`
    /// does (with its vector from the index); nil when the index does not hold it.
    public func title(_ id: TitleID) throws -> (record: TitleRecord, tags: [TagScore])? {
        let (index, documents) = snapshot.withLock { $0 }
        guard let doc = documents[id] else { return nil }
        let (segment, local) = index.locate(doc)
        let raw = try recordBytes.withLock { cache in
            if let bytes = cache[segment.path] { return bytes }
            let bytes = try segment.recordBytes()
            cache[segment.path] = bytes
            return bytes
        }
        let record = try segment.record(local, in: raw)
        let tagger = try Tagger(taxonomy: taxonomy, model: model)
        var vector: TitleVector?
        if let identity = tagger.embeddingIdentity, segment.embeddingIdentity == identity,
            let stored = segment.vector(local)
        {
            vector = TitleVector(identity: identity, values: stored.floats)
        }
        return (record, tagger.tag(record, vector: vector))
    }
}

#if canImport(Glibc)
    import Glibc
#endif

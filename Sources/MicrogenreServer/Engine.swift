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
    /// The open index snapshot, its titles' document numbers and its query parsers (built once
    /// per snapshot).
    private let snapshot: Mutex<Snapshot>
    /// The `CURRENT` file the snapshot was opened from, and how many snapshots were opened.
    private let published: Mutex<(current: [UInt8], generation: Int)>
    /// Each segment's uncompressed records, by segment path, read on first need.
    private let recordBytes = Mutex<[String: [UInt8]]>([:])
    /// The viewing-events database (an SQLite file or a `postgres://` URL), when the server has one.
    public let eventsPath: String?
    /// The open events store (see ``openStore(create:)``).
    private let store = Mutex<(any EventStore)?>(nil)
    /// The taxonomy directory (part of the mined micro-genres' cache key).
    public let taxonomyDirectory: String
    /// Micro-genres for rows need at least this many titles (as `rows --min-titles`).
    public let minimumGenreTitles: Int
    /// The catalog's micro-genres mined from one snapshot, most titles first, with its catalog.
    private let minedGenres = Mutex<(generation: Int, genres: [CatalogGenre], catalog: CatalogFeatures)?>(nil)
    private let personal = Mutex<Personal?>(nil)
    /// Query vectors by the text embedded (the model's forward pass is most of a hybrid search).
    let queryVectors = LRUCache<String, [Float]>(capacity: 4_096)
    /// Response bodies by route and parameters, snapshot and (for a user's) that user's state:
    /// an entry stops matching when either changes, and the least recently used go first.
    public let responses: LRUCache<String, [UInt8]>
    /// Users' scores (the recommender's work per user, 6 arrays over the catalog), by user and
    /// state.
    let profiles = LRUCache<String, UserScores>(capacity: 32)
    /// Whether answers, query vectors and users' scores are cached (off only to measure the
    /// work itself).
    public let caching: Bool

    /// One index snapshot and what is built once for it.
    struct Snapshot: Sendable {
        var reader: IndexReader
        var documents: [TitleID: Int]
        var parsers: ParserPool
        var generation: Int
    }

    /// Query parsers over one snapshot, lent to one request at a time (a parser's analyzer is
    /// not shared between threads).
    final class ParserPool: Sendable {
        let taxonomy: Taxonomy
        let index: IndexReader
        private let idle = Mutex<[Lent]>([])

        /// A parser in the pool: one request holds it at a time, which is what makes it safe to
        /// pass between threads.
        final class Lent: @unchecked Sendable {
            let parser: QueryParser
            init(_ parser: QueryParser) { self.parser = parser }
        }

        init(taxonomy: Taxonomy, index: IndexReader) {
            self.taxonomy = taxonomy
            self.index = index
        }

        func parse(_ query: String) throws -> ParsedQuery {
            let lent = try idle.withLock { $0.popLast() } ?? Lent(QueryParser(taxonomy: taxonomy, people: index))
            defer { idle.withLock { if $0.count < 16 { $0.append(lent) } } }
            return try lent.parser.parse(query)
        }
    }

    /// Viewing events stored, as of the last look (0 without an events database).
    public var eventCount: Int { personal.withLock { $0?.seenEvents ?? 0 } }

    /// Everything rows and personal search need, for one index snapshot and one state of the events.
    struct Personal: Sendable {
        var model: PersonalModel
        var genres: [CatalogGenre]
        /// The row builder over them (its genres' popularity is computed once per build).
        var builder: RowBuilder
        /// The store's state the model was built from.
        var events: Int
        var lastID: Int64
        /// The store's state including the events this server stored since (its users'
        /// histories are up to date; the co-viewing model is not).
        var seenEvents: Int
        var seenLastID: Int64
        /// When the model was built (seconds of the monotonic clock), and how many builds so far.
        var built: Double
        var build: Int
        /// Users whose histories changed since the build, with how many times.
        var versions: [String: Int]
        /// The first ``Engine/viewerCount`` users with a history, sorted (the pages' viewer
        /// picker), kept so that a page does not sort every user.
        var viewers: [String]

        /// What a user's cached answers depend on: the build and the user's own changes.
        func state(_ user: String) -> String { "\(build).\(versions[user] ?? 0)" }
    }

    /// A model built from every event is rebuilt after events arrive through the API at most this
    /// often, in seconds (the posting users' histories are current at once).
    public let rebuildInterval: Double

    /// Opens the index at `directory`; throws when it cannot be read.
    public init(
        directory: IndexDirectory, taxonomy: Taxonomy, model: TagModel?, embedder: SentenceEmbedder?,
        eventsPath: String? = nil, taxonomyDirectory: String = "", rebuildInterval: Double = 30,
        cacheBytes: Int = 64 << 20, minimumGenreTitles: Int = 20
    ) throws {
        self.minimumGenreTitles = minimumGenreTitles
        caching = cacheBytes > 0
        responses = LRUCache(capacity: 20_000, maximumCost: cacheBytes)
        self.directory = directory
        self.rebuildInterval = rebuildInterval
        self.eventsPath = eventsPath
        self.taxonomyDirectory = taxonomyDirectory
        self.taxonomy = taxonomy
        self.model = model
        self.embedder = embedder
        let current = (try? FileSystem.read(directory.path + "/CURRENT")) ?? []
        let reader = try directory.open()
        snapshot = Mutex(
            Snapshot(
                reader: reader, documents: reader.liveDocuments(),
                parsers: ParserPool(taxonomy: taxonomy, index: reader), generation: 1))
        published = Mutex((current, 1))
        try reloadPersonal(force: true)
    }

    /// The events store, opened on first use: nil without one (no location, or an SQLite file
    /// that does not exist yet and is not to be created).
    private func openStore(create: Bool) throws -> (any EventStore)? {
        guard let eventsPath else { return nil }
        if let store = store.withLock({ $0 }) { return store }
        if !PostgresURL.isPostgres(eventsPath) && !create && !FileSystem.exists(eventsPath) { return nil }
        let opened = try openEventStore(eventsPath)
        store.withLock { $0 = $0 ?? opened }
        return store.withLock { $0 }
    }

    /// Loads every user's history and the catalog's micro-genres again when the events or the
    /// snapshot changed (or `force`); nothing without an events database.
    private func reloadPersonal(force: Bool) throws {
        guard let store = try openStore(create: false) else { return }
        let fingerprint = try store.fingerprint()
        if !force, let current = personal.withLock({ $0 }) {
            if current.events == fingerprint.events && current.lastID == fingerprint.lastID { return }
            // Only this server's own posts since the build: their users are current already;
            // the rest of the model catches up every `rebuildInterval` seconds.
            if current.seenEvents == fingerprint.events && current.seenLastID == fingerprint.lastID
                && Self.clock() - current.built < rebuildInterval
            {
                return
            }
        }
        let index = self.index
        let model = try PersonalModel.load(
            index: index, at: directory, store: store, policy: SignalPolicy(), blend: Blend())
        let genres = MinedGenres.load(
            catalog: model.catalog, grammar: try GenreGrammar(taxonomy: taxonomy),
            minimumTitles: minimumGenreTitles, indexDirectory: directory.path, taxonomyDirectory: taxonomyDirectory)
        var builder = RowBuilder(recommender: model.recommender, genres: genres)
        builder.positive = model.policy.positive
        personal.withLock {
            $0 = Personal(
                model: model, genres: genres, builder: builder, events: fingerprint.events, lastID: fingerprint.lastID,
                seenEvents: fingerprint.events, seenLastID: fingerprint.lastID, built: Self.clock(),
                build: ($0?.build ?? 0) + 1, versions: [:],
                viewers: Array(model.histories.users.keys.sorted().prefix(Self.viewerCount)))
        }
    }

    /// Reads `users`' events again and makes their histories current (after this server stored
    /// events of theirs): their cached answers stop matching; everyone else's stay.
    private func refresh(users: Set<String>, store: any EventStore) throws {
        guard let snapshot = personal.withLock({ $0 }) else { return }
        let fingerprint = try store.fingerprint()
        var histories: [String: UserHistory?] = [:]
        for user in users {
            let events = try store.events(user: user)
            histories[user] =
                Histories(
                    events: events, catalog: snapshot.model.catalog, policy: snapshot.model.policy,
                    now: fingerprint.newest
                ).users[user]
        }
        personal.withLock { current in
            guard var updated = current, updated.build == snapshot.build else { return }
            current = nil
            for (user, history) in histories {
                updated.model.histories.users[user] = history
                updated.versions[user, default: 0] += 1
            }
            let added = histories.compactMap { $0.value == nil ? nil : $0.key }
            updated.viewers = Array(Set(updated.viewers + added).sorted().prefix(Self.viewerCount))
            updated.seenEvents = fingerprint.events
            updated.seenLastID = fingerprint.lastID
            current = updated
        }
    }

    /// Seconds on the monotonic clock.
    static func clock() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// What a user's cached answers depend on (the model build and the user's own changes),
    /// or nil without an events database.
    public func userState(_ user: String) -> String? {
        personal.withLock { $0?.state(user) }
    }

    /// The user's scores, from the profile cache when they are current.
    private func scores(_ personal: Personal, user: String) -> UserScores {
        let key = user + "\u{0}" + personal.state(user)
        if caching, let cached = profiles.value(key) { return cached }
        let scores = personal.model.recommender.scores(personal.model.histories.users[user])
        if caching { profiles.insert(scores, for: key) }
        return scores
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
        let scores = scores(personal, user: user)
        return reranker.rerank(pool, scores: scores, catalog: personal.model.catalog, limit: limit).map {
            (hitByDoc[$0.doc]!, $0)
        }
    }

    /// The catalog's micro-genres with at least `minimumTitles` titles (no fewer than
    /// ``minimumGenreTitles``), most titles first: those rows choose from, mined from the index's
    /// facets once per snapshot (and cached beside the index, as `rows` caches them).
    public func genres(minimumTitles: Int) throws -> (genres: [CatalogGenre], catalog: CatalogFeatures) {
        let snapshot = self.snapshot.withLock { $0 }
        let mined: (genres: [CatalogGenre], catalog: CatalogFeatures)
        if let cached = minedGenres.withLock({ $0 }), cached.generation == snapshot.generation {
            mined = (cached.genres, cached.catalog)
        } else {
            let catalog = CatalogFeatures(index: snapshot.reader)
            let genres = MinedGenres.load(
                catalog: catalog, grammar: try GenreGrammar(taxonomy: taxonomy), minimumTitles: minimumGenreTitles,
                indexDirectory: directory.path, taxonomyDirectory: taxonomyDirectory
            ).sorted {
                $0.members.count != $1.members.count ? $0.members.count > $1.members.count : $0.name < $1.name
            }
            minedGenres.withLock { $0 = (snapshot.generation, genres, catalog) }
            mined = (genres, catalog)
        }
        return (mined.genres.filter { $0.members.count >= minimumTitles }, mined.catalog)
    }

    /// What a posted batch of events did: the store's summary, the rows rejected (with their
    /// line and column) and the rows read.
    public struct EventImport: Sendable {
        public var summary: EventImportSummary
        public var errors: [EventError]
        public var rows: Int
    }

    /// Imports a body of events (CSV or JSON Lines, gzip allowed) as `microgenre events import`
    /// does: in one transaction, idempotent, bad rows reported and skipped; nothing is stored when
    /// no row is valid. The next request answers from them.
    public func importEvents(_ body: [UInt8], format: EventParser.Format?) throws -> EventImport {
        guard eventsPath != nil else { throw FileSystem.Failure(path: "", reason: "no events database") }
        let temporary = directory.path + "/.events-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).body"
        try FileSystem.write(body, to: temporary)
        defer { unlink(temporary) }
        guard let store = try openStore(create: true) else {
            throw FileSystem.Failure(path: "", reason: "no events database")
        }
        var errors: [EventError] = []
        var rows = 0
        var valid = 0
        var users = Set<String>()
        struct NoValidRow: Error {}
        do {
            let summary = try store.add(source: "POST /v1/events") { insert in
                try EventParser().read(path: temporary, format: format) { result in
                    rows += 1
                    switch result {
                    case .failure(let error): errors.append(error)
                    case .success(let event):
                        valid += 1
                        users.insert(event.user)
                        try insert(event)
                    }
                }
                if valid == 0 { throw NoValidRow() }
                return errors.count
            }
            if personal.withLock({ $0 }) == nil {
                try reloadPersonal(force: true)
            } else if summary.inserted > 0 {
                try refresh(users: users, store: store)
            }
            return EventImport(summary: summary, errors: errors, rows: rows)
        } catch is NoValidRow {
            return EventImport(summary: EventImportSummary(), errors: errors, rows: rows)
        }
    }

    /// A user's page of rows, as `microgenre rows --user --json` builds it (a user without events
    /// gets the popular, diverse page); nil without an events database.
    public func page(user: String, rows: Int, perRow: Int) -> [UInt8]? {
        guard let (page, catalog) = pageRows(user: user, rows: rows, perRow: perRow) else { return nil }
        return APIJSON.page(user: user, page: page, catalog: catalog)
    }

    /// A user's rows and the catalog their document numbers refer to; nil without an events
    /// database.
    public func pageRows(user: String, rows: Int, perRow: Int) -> (rows: [PageRow], catalog: CatalogFeatures)? {
        guard let personal = personal.withLock({ $0 }) else { return nil }
        var builder = personal.builder
        builder.rows = rows
        builder.perRow = perRow
        let history = personal.model.histories.users[user]
        let page = builder.page(history, scores: scores(personal, user: user), titleName: personal.model.name)
        return (page, personal.model.catalog)
    }

    /// Users with a history, sorted (at most `limit`, and at most ``viewerCount``).
    public func users(limit: Int) -> [String] {
        personal.withLock { Array(($0?.viewers ?? []).prefix(limit)) }
    }

    /// Users the viewer picker offers at most.
    public static let viewerCount = 500

    /// Whether `user` has a history.
    public func hasHistory(_ user: String) -> Bool {
        personal.withLock { $0?.model.histories.users[user] != nil }
    }

    /// The titles a user's history names most strongly, by display name (at most `limit`).
    public func liked(_ user: String, limit: Int) -> [String] {
        guard let personal = personal.withLock({ $0 }), let history = personal.model.histories.users[user] else {
            return []
        }
        return history.liked(personal.model.policy.positive).prefix(limit).map { personal.model.name($0) }
    }

    /// The title `id`'s full record from the current snapshot, and its document's stored facet
    /// scores (best first); nil when the index does not hold it.
    public func card(_ id: TitleID) throws -> (record: TitleRecord, facets: [(tag: String, score: Double)])? {
        let snapshot = self.snapshot.withLock { $0 }
        guard let doc = snapshot.documents[id] else { return nil }
        let (segment, local) = snapshot.reader.locate(doc)
        let record = try segment.record(local, in: try records(segment))
        let table = facetTable.withLock {
            table -> (generation: Int, tags: [String], documents: [[(tag: Int, score: Double)]]) in
            if let table, table.generation == snapshot.generation { return table }
            let (tags, documents) = snapshot.reader.documentFacets()
            table = (snapshot.generation, tags, documents)
            return table!
        }
        let facets = table.documents[doc].sorted { $0.score > $1.score }.map { (table.tags[$0.tag], $0.score) }
        return (record, facets)
    }

    /// Every title's stored facet scores, for one snapshot (read on first need).
    private let facetTable = Mutex<(generation: Int, tags: [String], documents: [[(tag: Int, score: Double)]])?>(nil)

    /// A segment's uncompressed records, read once per segment.
    private func records(_ segment: Segment) throws -> [UInt8] {
        try recordBytes.withLock { cache in
            if let bytes = cache[segment.path] { return bytes }
            let bytes = try segment.recordBytes()
            cache[segment.path] = bytes
            return bytes
        }
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
        let generation = published.withLock { $0.generation } + 1
        let parsers = ParserPool(taxonomy: taxonomy, index: reader)
        snapshot.withLock {
            $0 = Snapshot(reader: reader, documents: documents, parsers: parsers, generation: generation)
        }
        recordBytes.withLock { $0 = [:] }
        published.withLock { $0 = (current, generation) }
        responses.removeAll()
        profiles.removeAll()
        try reloadPersonal(force: true)
        return true
    }

    /// The current index snapshot.
    public var index: IndexReader { snapshot.withLock { $0.reader } }

    /// The current snapshot's generation (part of every cached answer's key).
    public var snapshotGeneration: Int { snapshot.withLock { $0.generation } }

    /// Parses a query the way `microgenre query --index` and `search` do: the index's credited
    /// people keep their names whole.
    /// A malformed query throws ``QueryError``.
    public func parse(_ query: String) throws -> ParsedQuery {
        try snapshot.withLock { $0.parsers }.parse(query)
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
            let vector: [Float]
            if caching, let cached = queryVectors.value(parsed.semanticText) {
                vector = cached
            } else {
                vector = embedder.embed(parsed.semanticText)
                if caching { queryVectors.insert(vector, for: parsed.semanticText) }
            }
            semantic = SemanticQuery(vector: vector, identity: embedder.identity)
        }
        var searcher = Searcher(index: index)
        searcher.semanticWeight = semanticWeight
        let hits = searcher.search(parsed, limit: offset + limit, explain: explain, mode: mode, semantic: semantic)
        return (Array(hits.dropFirst(offset)), mode)
    }

    /// The title `id`'s full record and its tags, scores and evidence, tagged as `microgenre tag`
    /// does (with its vector from the index); nil when the index does not hold it.
    public func title(_ id: TitleID) throws -> (record: TitleRecord, tags: [TagScore])? {
        let (index, documents) = snapshot.withLock { ($0.reader, $0.documents) }
        guard let doc = documents[id] else { return nil }
        let (segment, local) = index.locate(doc)
        let record = try segment.record(local, in: try records(segment))
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

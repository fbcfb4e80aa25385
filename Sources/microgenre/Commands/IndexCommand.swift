import ArgumentParser
import MicrogenreCore
import MicrogenreEmbedding
import MicrogenreIndex
import MicrogenrePersonalization
import MicrogenreQuery
import MicrogenreServer
import MicrogenreTagging
import MicrogenreText

/// Where the index lives, shared by `index` and `search`.
struct IndexLocation: ParsableArguments {
    @Option(
        name: .customLong("index"), help: "The index directory (default: .microgenre/index, or in $MICROGENRE_HOME).")
    var path: String?

    var directory: IndexDirectory { IndexDirectory(path: path ?? DataDirectory.path + "/index") }

    /// Opens the index, or prints why it cannot be read and exits with status 1.
    func openOrExit() throws -> IndexReader {
        do {
            let reader = try directory.open()
            if let stale = reader.segmentsFromOtherAnalyzers.first {
                Output.error(
                    "warning: \(stale.path): made by analyzer version \(stale.analyzerVersion), this build analyzes with version \(Analyzer.version): some words may not be found until `microgenre index --merge` analyzes the titles again"
                )
            }
            return reader
        } catch {
            Output.failure(error)
            throw ExitCode(1)
        }
    }
}

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Add, replace or delete titles in the search index: ingest, analyze, tag, index.",
        discussion: """
            By default the feeds' titles are upserted: a title whose id is already indexed is \
            replaced, a new one is added, every other indexed title stays. --delete ID removes \
            titles; --replace makes the index hold exactly the given feeds' titles. Each run \
            writes its titles as one new immutable segment and marks the titles they replace \
            in the older segments' deletion files; when there are more than 8 segments or over \
            30% of the documents are deleted, or an older analyzer made some of them (or with \
            --merge), every live title is merged into one segment. The index switches to the \
            new files atomically: a reader, or a writer killed midway, never sees a \
            half-written index. A second writer is refused while one runs.
            """
    )

    @Argument(help: "Feed files (.xml or .xml.gz).")
    var feeds: [String] = []

    @Option(name: .customLong("delete"), help: "Remove the title with this id (repeatable).")
    var deletions: [String] = []

    @Flag(help: "Index exactly the given feeds' titles, dropping every other indexed title.")
    var replace = false

    @Flag(help: "Merge every segment into one (re-tagging every title).")
    var merge = false

    @OptionGroup var input: FeedInputOptions

    @OptionGroup var tagging: TaggingOptions

    @OptionGroup var location: IndexLocation

    @OptionGroup var embeddingOptions: EmbeddingOptions

    @Option(help: "Tokens of each title's text the model reads, at most ([CLS] and [SEP] included).")
    var embeddingMaxTokens = 128

    @Flag(
        help: ArgumentHelp(
            "Add evidence from viewing to the titles written: their co-viewing neighbours' tags of feeling and theme.",
            discussion:
                "Needs an index to read the neighbours from and an events store (--events); `index --merge --coviewing` tags every title again with it."
        ))
    var coviewing = false

    @OptionGroup var events: EventsLocation

    func validate() throws {
        guard (3...512).contains(embeddingMaxTokens) else {
            throw ValidationError("--embedding-max-tokens must be 3 to 512")
        }
        if replace && feeds.isEmpty { throw ValidationError("--replace needs the feed files to index") }
        if feeds.isEmpty && deletions.isEmpty && !merge {
            throw ValidationError("give feed files to index, --delete ID, or --merge")
        }
    }

    func run() throws {
        let start = Output.now()
        let tagger = try tagging.makeTagger()
        let loaded = try input.load(feeds)
        if loaded.failedFeeds > 0 {
            Output.error("error: not indexing: \(loaded.failedFeeds) feed(s) could not be read to the end")
            throw ExitCode(1)
        }
        var update = IndexUpdate(
            records: loaded.catalog.records, deletions: Set(deletions.map(TitleID.init)), replace: replace, merge: merge
        )
        let embedder = try embeddingOptions.load(maximumTokens: embeddingMaxTokens, defaultPrecision: .bfloat16)
        var embedSeconds = 0.0
        var embedTokens = 0
        if let embedder {
            update.embedding = TitleEmbedding(identity: embedder.identity) { records in
                let started = Output.now()
                let bar = SharedProgress("embedding")
                let embeddings = embedder.embed(records.map(EmbeddingText.text(for:))) { done, total in
                    bar.update(done: done, total: total)
                }
                bar.finish()
                embedSeconds = Output.now() - started
                embedTokens = embeddings.tokens
                return (0..<embeddings.count).map { Array(embeddings[$0]) }
            }
        }
        if let heads = tagger.embeddingIdentity, let embedder, heads != embedder.identity {
            Output.error(
                "warning: the tag model's embedding heads read vectors of \(heads), not of \(embedder.identity): no evidence from meaning until `microgenre model train` trains the model again"
            )
        }
        var neighbours: CoViewingEvidence?
        if coviewing {
            neighbours = try CoViewingEvidence.load(
                index: location.openOrExit(), at: location.directory, events: events, tagger: tagger)
        }
        var progress = Progress("indexing")
        let summary: IndexUpdateSummary
        do {
            summary = try location.directory.apply(
                update,
                facets: { record, vector in
                    let own = tagger.tag(record, vector: vector)
                    return (neighbours?.smooth(record.id, own) ?? own).map { (tag: $0.tag, score: $0.score) }
                },
                progress: { done, total in progress.update(done: done, total: total, detail: "\(done.grouped) titles") }
            )
        } catch {
            progress.finish()
            Output.error("\(error)")
            throw ExitCode(1)
        }
        progress.finish()
        for id in summary.missing { Output.error("warning: --delete \(id): no such title in the index") }
        if summary.reembedded {
            Output.error(
                "note: titles embedded by another model (or by none) were embedded again with \(embedder!.identity)")
        }
        if summary.embedded > 0 {
            Output.error(
                "Embedded \(summary.embedded.grouped) titles (\(embedTokens.grouped) tokens) in \(String(format2: embedSeconds)) s: "
                    + "\(Int(Double(summary.embedded) / max(embedSeconds, 1e-9)).grouped) titles/s, "
                    + "\(Int(Double(embedTokens) / max(embedSeconds, 1e-9)).grouped) tokens/s"
                    + (summary.vectorsCopied > 0 ? "; \(summary.vectorsCopied.grouped) vectors kept" : ""))
        }
        Output.line(
            "Indexed \(summary.added.grouped) new, \(summary.replaced.grouped) replaced, \(summary.deleted.grouped) deleted "
                + "in \(String(format2: Output.now() - start)) s"
                + (summary.merged ? "; merged every segment into one" : "")
                + (summary.reanalyzed ? " (analyzed again: it was made by an older analyzer)" : "")
                + (summary.written > 0
                    ? " (wrote \(summary.written.grouped) titles, \(String(format2: Double(summary.segmentBytes) / 1e6)) MB)"
                    : "")
                + ": \(location.directory.path) holds \(summary.titles.grouped) titles in \(summary.segments) segment"
                + (summary.segments == 1 ? "" : "s")
        )
    }
}

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the index: facets from the taxonomy, text by BM25F, filters.",
        discussion: """
            The query is understood as `microgenre query` shows: facets, text terms, quoted \
            phrases, -exclusions, filters (year:1990..1999, kind:series, rating:<=PG-13, \
            runtime:<90). A title's score is the sum of its scores for the requested facets plus \
            its normalized BM25F text score, so every facet counts and a title missing one ranks \
            lower rather than dropping out.
            """
    )

    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp(
            "The query (one argument or several words).",
            discussion: "A word that starts with '-' is an exclusion, first or not."))
    var words: [String] = []

    var query: String { words.joined(separator: " ") }

    @OptionGroup var location: IndexLocation

    @OptionGroup var taxonomyOptions: TaxonomyOptions

    @Option(help: "Results to show.")
    var limit = 10

    @Flag(help: "Show the parse and each result's score by facet and field.")
    var explain = false

    @Flag(help: "Print the results as JSON Lines.")
    var json = false

    @Option(help: "Re-rank the results for this user (see microgenre events import).")
    var user: String?

    @Option(help: "With --user: 0 keeps the query's order, 1 ranks the candidates by the user's taste alone.")
    var personalization = 0.5

    @Option(help: "With --user: how strongly results resembling a higher one are pushed down (MMR; 0: off).")
    var diversity = 0.2

    @Option(help: "With --user: how many of the query's best results are re-ranked.")
    var candidates = 200

    @Flag(help: "With --user: keep titles the user already finished.")
    var includeWatched = false

    @OptionGroup var events: EventsLocation

    @OptionGroup var blendOptions: BlendOptions

    @Option(
        help: ArgumentHelp(
            "lexical (facets and words), semantic (meaning: the embeddings) or hybrid (both, fused).",
            discussion: "Default: hybrid when the index holds embeddings of the installed model, else lexical."))
    var mode: SearchMode?

    @OptionGroup var embeddingOptions: EmbeddingOptions

    @Option(help: "Hybrid search: how much the semantic list counts in the fusion; the lexical list counts 1.")
    var semanticWeight = 0.5

    @Option(
        help: ArgumentHelp(
            "Expand the results through co-viewing: the co-viewing neighbours of the best N results rise (0: off).",
            discussion:
                "Re-ranks the query's best 1000 results by fusing their order with how strongly the top N results' co-viewing neighbourhoods (from the events store, --events) hold each one: 1/(60 + rank) + w/(60 + expansion rank), w = --expansion-weight."
        ))
    var coviewingExpansion = 0

    @Option(help: "With --coviewing-expansion: how much the expansion list counts; the query's order counts 1.")
    var expansionWeight = 0.5

    func validate() throws {
        guard !query.trimmingSpaces.isEmpty else { throw ValidationError("Missing expected argument '<query>'") }
        guard semanticWeight >= 0, semanticWeight.isFinite else {
            throw ValidationError("--semantic-weight must be 0 or more")
        }
        guard (0...1).contains(personalization) else { throw ValidationError("--personalization must be 0 to 1") }
        guard diversity >= 0 else { throw ValidationError("--diversity must be at least 0") }
        guard limit >= 1, candidates >= 1 else { throw ValidationError("--limit and --candidates must be at least 1") }
        guard coviewingExpansion >= 0, expansionWeight >= 0, expansionWeight.isFinite else {
            throw ValidationError("--coviewing-expansion and --expansion-weight must be 0 or more")
        }
        if coviewingExpansion > 0 && user != nil {
            throw ValidationError(
                "--coviewing-expansion and --user cannot be used together (--user re-ranks by co-viewing already)")
        }
    }

    /// The mode to search in, the model to embed the query with, and why semantic search is
    /// off when it is.
    func semanticSetup(_ index: IndexReader) throws -> (mode: SearchMode, embedder: SentenceEmbedder?) {
        let identities = index.embeddingIdentities
        if mode == .lexical || (mode == nil && identities.isEmpty) { return (.lexical, nil) }
        guard let embedder = try embeddingOptions.load(required: mode != nil) else {
            if mode != nil {
                Output.error("warning: --no-embeddings: searching lexically")
            } else if !embeddingOptions.disabled {
                Output.error(
                    "note: the index holds embeddings but no model is installed: searching lexically (scripts/setup-model.sh installs it)"
                )
            }
            return (.lexical, nil)
        }
        guard identities.contains(embedder.identity) else {
            if mode != nil || !identities.isEmpty {
                Output.error(
                    identities.isEmpty
                        ? "warning: the index holds no embeddings: searching lexically (`microgenre index` embeds the titles when the model is installed)"
                        : "warning: the index was embedded by another model (\(identities.sorted().joined(separator: ", "))), not \(embedder.identity): searching lexically until `microgenre index` embeds the titles again"
                )
            }
            return (.lexical, nil)
        }
        let missing = index.documentsWithoutVectors(from: embedder.identity)
        if missing > 0 {
            Output.error(
                "warning: \(missing.grouped) titles have no embedding of this model: semantic search does not see them until `microgenre index --merge`"
            )
        }
        return (mode ?? .hybrid, embedder)
    }

    func run() throws {
        let index = try location.openOrExit()
        // The catalog's credited people keep their names whole ("stephen king" is no royalty).
        let parsed = try taxonomyOptions.parseQuery(query, people: index)
        if !parsed.isSearchable {
            Output.error(
                "note: '\(query)' has nothing to search for: stopwords, punctuation and exclusions alone match no title"
            )
        }
        let (mode, embedder) = try semanticSetup(index)
        if let user {
            try runPersonalized(parsed, index: index, user: user, mode: mode, embedder: embedder)
            return
        }
        var start = Output.now()
        let semantic = embedder.flatMap { semanticQuery(parsed, $0) }
        var hits: [SearchHit]
        var expansionNote = ""
        if coviewingExpansion > 0 {
            let model = try PersonalModel.load(
                index: index, at: location.directory, store: try events.open(create: false),
                policy: blendOptions.policy, blend: blendOptions.blend)
            start = Output.now()
            let pool = searcher(index).search(
                parsed, limit: max(limit, 1000), explain: explain, mode: mode, semantic: semantic)
            var expansion = CoViewingExpansion()
            expansion.seeds = coviewingExpansion
            expansion.weight = expansionWeight
            var hitByDoc: [Int: SearchHit] = [:]
            var docs: [Int] = []
            for hit in pool {
                guard let doc = model.catalog.documents[hit.id] else { continue }
                hitByDoc[doc] = hit
                docs.append(doc)
            }
            hits = expansion.rerank(docs, coViewing: model.recommender.coViewing).prefix(limit).map { result in
                var hit = hitByDoc[result.doc]!
                hit.score = result.score
                return hit
            }
            expansionNote = ", expanded through the co-viewing of the best \(coviewingExpansion)"
        } else {
            hits = searcher(index).search(parsed, limit: limit, explain: explain, mode: mode, semantic: semantic)
        }
        let milliseconds = (Output.now() - start) * 1000
        if json {
            for hit in hits { Output.line(bytes: APIJSON.hit(hit)) }
            return
        }
        if explain { printParse(parsed, mode: mode, semantic: semantic) }
        for (rank, hit) in hits.enumerated() {
            printHit(rank: rank, hit: hit, score: hit.score)
        }
        if hits.isEmpty { Output.line("no results") }
        Output.error("\(hits.count) results in \(String(format2: milliseconds)) ms (\(mode)\(expansionNote))")
    }

    /// A searcher over `index` with the options' fusion weight.
    func searcher(_ index: IndexReader) -> Searcher {
        var searcher = Searcher(index: index)
        searcher.semanticWeight = semanticWeight
        return searcher
    }

    /// The query's embedding, or nil when it has no words to embed (filters alone).
    func semanticQuery(_ parsed: ParsedQuery, _ embedder: SentenceEmbedder) -> SemanticQuery? {
        let text = parsed.semanticText
        guard !text.isEmpty else { return nil }
        return SemanticQuery(vector: embedder.embed(text), identity: embedder.identity)
    }

    /// The semantic parts of a hit, for --json: the mode, the cosine similarity, and in hybrid
    /// search the title's rank in each fused list.
    func writeSemantic(_ hit: SearchHit, to writer: inout JSONWriter) { APIJSON.semantic(hit, to: &writer) }

    func printParse(_ parsed: ParsedQuery, mode: SearchMode = .lexical, semantic: SemanticQuery? = nil) {
        Output.line("query: \(query)")
        switch mode {
        case .lexical: Output.line("  mode   lexical")
        case .semantic: Output.line("  mode   semantic: cosine similarity to \"\(parsed.semanticText)\"")
        case .hybrid:
            let searcher = searcher(IndexReader(segments: []))
            Output.line(
                "  mode   hybrid: 1/(\(Int(searcher.fusionK)) + lexical rank) + \(String(format2: searcher.semanticWeight))/(\(Int(searcher.fusionK)) + semantic rank), "
                    + "the best \(searcher.fusionDepth) of each list; semantic: \"\(parsed.semanticText)\"")
        }
        for facet in parsed.facets { Output.line("  facet  \(facet.tag) (\"\(facet.text)\")") }
        for term in parsed.terms { Output.line("  term   \(term.term) (\"\(term.text)\")") }
        for phrase in parsed.phrases { Output.line("  phrase \(phrase.terms.joined(separator: " "))") }
        for facet in parsed.excludedFacets { Output.line("  not    facet \(facet.tag)") }
        for term in parsed.excludedTerms { Output.line("  not    term \(term.term)") }
        for filter in parsed.filters { Output.line("  filter \(filter.text)") }
    }

    func printHit(rank: Int, hit: SearchHit, score: Double) {
        let display = StoredTitle(json: hit.stored)
        Output.line(
            "\(String(rank + 1).leftPadded(3)). \(hit.mode == .hybrid && user == nil ? String(format4: score) : String(format2: score))  \(display.title)"
                + (display.year.map { " (\($0))" } ?? "") + "  [\(hit.id)]")
        if explain {
            let facets = hit.facets.map { "\($0.tag) \(String(format2: $0.score))" }.joined(separator: ", ")
            let fields = hit.fields.map { "\($0.field) \(String(format2: $0.score))" }.joined(separator: ", ")
            Output.line(
                "       facets: " + (facets.isEmpty ? "-" : facets) + "; text \(String(format2: hit.text))"
                    + (fields.isEmpty ? "" : " (\(fields))"))
            if hit.mode != .lexical {
                let similarity = hit.semantic.flatMap { $0 > -1e30 ? String(format3: $0) : nil } ?? "-"
                let ranks =
                    hit.mode == .hybrid
                    ? "; lexical rank \(hit.lexicalRank.map(String.init) ?? "-"), semantic rank \(hit.semanticRank.map(String.init) ?? "-")"
                    : ""
                Output.line("       semantic: similarity \(similarity)\(ranks)")
            }
        }
    }

    /// Searches for the best --candidates, then re-ranks them for the user.
    func runPersonalized(
        _ parsed: ParsedQuery, index: IndexReader, user: String, mode: SearchMode, embedder: SentenceEmbedder?
    ) throws {
        let store = try events.open(create: false)
        let loadStart = Output.now()
        let model = try PersonalModel.load(
            index: index, at: location.directory, store: store, policy: blendOptions.policy, blend: blendOptions.blend,
            users: .one(user))
        let loadSeconds = Output.now() - loadStart
        let history = model.histories.users[user]
        if history == nil { Output.error("note: user \(user) has no events: re-ranking by popularity") }
        let start = Output.now()
        let hits = searcher(index).search(
            parsed, limit: max(candidates, limit), explain: explain, mode: mode,
            semantic: embedder.flatMap { semanticQuery(parsed, $0) })
        var hitByDoc: [Int: SearchHit] = [:]
        var pool: [(doc: Int, relevance: Double)] = []
        for hit in hits {
            guard let doc = model.catalog.documents[hit.id] else { continue }
            hitByDoc[doc] = hit
            pool.append((doc, hit.score))
        }
        var reranker = Reranker()
        reranker.personalization = personalization
        reranker.diversity = diversity
        reranker.includeWatched = includeWatched
        let scores = model.recommender.scores(history)
        let ranked = reranker.rerank(pool, scores: scores, catalog: model.catalog, limit: limit)
        let milliseconds = (Output.now() - start) * 1000
        if json {
            for result in ranked { Output.line(bytes: APIJSON.personalHit(hitByDoc[result.doc]!, result)) }
            return
        }
        if explain {
            printParse(parsed, mode: mode)
            Output.line(
                "personalized for \(user): score = \(String(format2: 1 - personalization)) x relevance + "
                    + "\(String(format2: personalization)) x personal - diversity penalty; "
                    + "\(history?.signals.count ?? 0) titles in the history, \(scores.finished.count) finished"
                    + (includeWatched ? "" : " (left out)"))
        }
        for (rank, result) in ranked.enumerated() {
            let hit = hitByDoc[result.doc]!
            printHit(rank: rank, hit: hit, score: result.blended - result.diversityPenalty)
            if explain {
                Output.line(
                    "       personal: relevance \(String(format2: result.relevance)), user \(String(format2: result.personal)) "
                        + "(co-viewing \(String(format2: result.parts.collaborative)), content \(String(format2: result.parts.content)), "
                        + "popularity \(String(format2: result.parts.popularity))), diversity -\(String(format2: result.diversityPenalty))"
                )
            }
        }
        if ranked.isEmpty { Output.line("no results") }
        Output.error(
            "\(ranked.count) results for \(user) in \(String(format2: milliseconds)) ms "
                + "(\(pool.count) candidates re-ranked; profiles loaded in \(String(format2: loadSeconds)) s)")
    }
}

/// The display fields a segment stores for each title (`{"id":..,"title":..,"year":..}`).

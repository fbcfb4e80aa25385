public import MicrogenreCore
public import MicrogenreQuery
import MicrogenreText

/// One search result, with its score taken apart for `--explain`.
public struct SearchHit: Sendable {
    /// The title.
    public var id: TitleID
    /// Display fields as stored (JSON).
    public var stored: String
    /// The final score: the facet part plus the text part.
    public var score: Double
    /// Each requested facet's score for this title (0 when it lacks the facet).
    public var facets: [(tag: String, score: Double)]
    /// The text part: normalized BM25F, times ``Searcher/textWeight``.
    public var text: Double
    /// Each field's BM25F contribution before normalization (only when the search explains).
    public var fields: [(field: IndexField, score: Double)]
    /// The cosine similarity of the title's embedding to the query's (semantic and hybrid
    /// searches), or nil.
    public var semantic: Double?
    /// Hybrid search: the title's rank (from 1) in the lexical list and in the semantic list,
    /// nil when it is not in that list.
    public var lexicalRank: Int?
    public var semanticRank: Int?
    /// How the title was ranked.
    public var mode: SearchMode = .lexical
}

/// How a search ranks titles.
public enum SearchMode: String, Sendable, CaseIterable {
    /// By the query's facets and words (BM25F): the titles the taxonomy and the text name.
    case lexical
    /// By the cosine similarity of the title's embedding to the query's: what the text means.
    case semantic
    /// Both lists fused by reciprocal rank.
    case hybrid
}

/// A query's embedding, and the identity of the model that made it: only vectors of the same
/// model are compared with it.
public struct SemanticQuery: Sendable {
    /// The query's unit vector.
    public var vector: [Float]
    /// The model's identity (`SentenceEmbedder.identity`).
    public var identity: String

    /// A query embedding.
    public init(vector: [Float], identity: String) {
        self.vector = vector
        self.identity = identity
    }
}

/// Ranks the titles of an index snapshot for a parsed query.
///
/// `score = sum over requested facets of the title's facet score (0 to 1 each)
///        + textWeight * BM25F(title) / max BM25F over the candidates`, where the text is every
/// query word (those that named facets too); see ``textWeight``.
/// Every requested facet counts, so a title missing one ranks lower but stays in. Text relevance
/// is BM25F (Robertson and Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond",
/// 2009): per term, `idf * tf' / (k1 + tf')` with `tf' = sum over fields of
/// weight_f * tf_f / (1 - b_f + b_f * length_f / averageLength_f)` and
/// `idf = ln(1 + (N - df + 0.5) / (df + 0.5))`. Quoted phrases are required: a title must hold each
/// in order in one field; their words count in BM25F too. Filters and exclusions remove titles.
public struct Searcher {
    /// BM25F's term-frequency saturation.
    public var k1 = 1.2
    /// How much the text part weighs against one facet. By default (nil): when the query has
    /// words that named no facet, as much as all its facets together, so a title named by the
    /// query ("Police Academy 3") outranks titles that merely share its facets; when every word
    /// named a facet, 0.5, a tie-breaker among titles that carry them.
    public var textWeight: Double?
    /// In indexes of a thousand titles or more, text terms found in more than this share of
    /// titles in some field are skipped: their inverse document frequency is near zero and their
    /// postings are the longest.
    public var maximumDocumentShare = 0.3
    /// Facet scores below this do not make a title a candidate.
    public var candidateFacetScore = 0.2
    /// Hybrid search: how much the semantic list counts against the lexical one in the fusion.
    public var semanticWeight = 0.5
    /// Hybrid search: reciprocal-rank fusion's constant `k` (60 in Cormack et al.).
    public var fusionK = 60.0
    /// Hybrid search: how many titles of each list are fused.
    public var fusionDepth = 1000
    /// Facets the tagger reads from metadata, which a title's embedding does not hold (the text
    /// rarely states a year or a format): when a query names one ("heist thrillers from the
    /// 1990s"), the semantic list keeps only titles that carry it (at 0.5 or more), as a filter
    /// would. The lexical list counts them as every facet.
    public var metadataFacets: Set<String> = ["era", "format"]

    let reader: IndexReader
    let scratch: Scratch

    /// Per-title accumulators, allocated once per searcher and cleared entry by entry after each
    /// query, so a query costs what its postings cost rather than zeroing arrays the size of
    /// the index. A searcher is therefore for one thread at a time: make one per thread.
    final class Scratch {
        var facetSum: [Double]
        var isCandidate: [Bool]
        var text: [Double]
        var weighted: [Double]

        init(count: Int) {
            facetSum = [Double](repeating: 0, count: count)
            isCandidate = [Bool](repeating: false, count: count)
            text = [Double](repeating: 0, count: count)
            weighted = [Double](repeating: 0, count: count)
        }
    }

    /// Creates a searcher over a snapshot of an index.
    public init(index: IndexReader) {
        reader = index
        scratch = Scratch(count: index.count)
    }

    /// Creates a searcher over one reader.
    public init(segment: Segment) { self.init(index: IndexReader(segments: [segment])) }

    /// The best `limit` titles for `query`, best first, by the query's words and facets
    /// (``SearchMode/lexical``).
    public func search(_ query: ParsedQuery, limit: Int, explain: Bool = false) -> [SearchHit] {
        search(query, limit: limit, explain: explain, mode: .lexical, semantic: nil)
    }

    /// The best `limit` titles for `query`, best first, ranked as `mode` says. `semantic` is the
    /// query's embedding (from the model that embedded the index); without it, or when the
    /// index holds no vectors of that model, every mode ranks lexically. Filters, exclusions and
    /// quoted phrases apply to every candidate, whichever list it comes from.
    ///
    /// Hybrid ranking is reciprocal-rank fusion (Cormack, Clarke and Buettcher, "Reciprocal Rank
    /// Fusion outperforms Condorcet and individual Rank Learning Methods", SIGIR 2009):
    /// `score = 1 / (k + lexical rank) + semanticWeight / (k + semantic rank)`, ranks from 1, a
    /// list a title is missing from adding nothing; each list is cut at ``fusionDepth``.
    public func search(
        _ query: ParsedQuery, limit: Int, explain: Bool = false, mode: SearchMode, semantic: SemanticQuery?
    ) -> [SearchHit] {
        // Stopwords, punctuation or exclusions alone: nothing to rank titles by.
        guard query.isSearchable else { return [] }
        let similarities = semantic.flatMap { semantic -> [Float]? in
            guard mode != .lexical, reader.embeddingIdentities.contains(semantic.identity) else { return nil }
            return reader.similarities(to: semantic.vector, identity: semantic.identity)
        }
        let mode = similarities == nil ? .lexical : mode
        let depth = mode == .hybrid ? max(limit, fusionDepth) : limit
        var lexical = lexicalRanking(query, depth: mode == .semantic ? 0 : depth)
        defer { lexical.release() }
        var semanticRanked: [(doc: Int, score: Double)] = []
        if let similarities {
            var best = TopList(limit: depth)
            for doc in 0..<similarities.count
            where similarities[doc] > -.infinity && lexical.admits(doc) && lexical.hasMetadataFacets(doc) {
                best.offer(doc, Double(similarities[doc]))
            }
            semanticRanked = best.items
        }
        let ranked: [(doc: Int, score: Double)]
        var lexicalRanks: [Int: Int] = [:]
        var semanticRanks: [Int: Int] = [:]
        switch mode {
        case .lexical:
            ranked = lexical.ranked
        case .semantic:
            ranked = Array(semanticRanked.prefix(limit))
        case .hybrid:
            for (rank, hit) in lexical.ranked.enumerated() { lexicalRanks[hit.doc] = rank + 1 }
            for (rank, hit) in semanticRanked.enumerated() { semanticRanks[hit.doc] = rank + 1 }
            var fused = TopList(limit: limit)
            for doc in Set(lexicalRanks.keys).union(semanticRanks.keys) {
                var score = 0.0
                if let rank = lexicalRanks[doc] { score += 1 / (fusionK + Double(rank)) }
                if let rank = semanticRanks[doc] { score += semanticWeight / (fusionK + Double(rank)) }
                fused.offer(doc, score)
            }
            ranked = fused.items
        }
        return ranked.map { hit in
            var result = lexical.hit(hit.doc, score: hit.score, explain: explain)
            if let similarities {
                result.semantic = Double(similarities[hit.doc])
                result.lexicalRank = lexicalRanks[hit.doc]
                result.semanticRank = semanticRanks[hit.doc]
            }
            result.mode = mode
            return result
        }
    }

    /// The best `limit` of the offered documents, best first (ties: the lower document first):
    /// a binary heap whose root is the worst kept, so an offer costs `log limit` and no sort of
    /// every candidate is made.
    struct TopList {
        let limit: Int
        private var heap: [(doc: Int, score: Double)] = []

        init(limit: Int) { self.limit = limit }

        /// Whether `a` ranks above `b`.
        private static func better(_ a: (doc: Int, score: Double), _ b: (doc: Int, score: Double)) -> Bool {
            a.score != b.score ? a.score > b.score : a.doc < b.doc
        }

        mutating func offer(_ doc: Int, _ score: Double) {
            let item = (doc: doc, score: score)
            guard limit > 0 else { return }
            if heap.count < limit {
                heap.append(item)
                var child = heap.count - 1
                while child > 0 {
                    let parent = (child - 1) / 2
                    guard Self.better(heap[parent], heap[child]) else { break }
                    heap.swapAt(parent, child)
                    child = parent
                }
                return
            }
            guard Self.better(item, heap[0]) else { return }
            heap[0] = item
            var parent = 0
            while true {
                var worst = parent
                for child in [2 * parent + 1, 2 * parent + 2] where child < heap.count {
                    if Self.better(heap[worst], heap[child]) { worst = child }
                }
                if worst == parent { break }
                heap.swapAt(parent, worst)
                parent = worst
            }
        }

        /// The kept documents, best first.
        var items: [(doc: Int, score: Double)] { heap.sorted(by: Self.better) }
    }

    /// What the lexical part of a search found: its ranking, and what building hits and
    /// checking other candidates need. Holds the searcher's scratch arrays until ``release()``.
    struct LexicalRanking {
        let searcher: Searcher
        let query: ParsedQuery
        var facetSum: [Double]
        var isCandidate: [Bool]
        var text: [Double]
        var weighted: [Double]
        var facetLists: [[(doc: Int, score: Double)]] = []
        var candidates: [Int] = []
        var textTerms: [String] = []
        var required: Set<Int>?
        var excluded = Set<Int>()
        var maximumText = 0.0
        var textWeight = 0.0
        var ranked: [(doc: Int, score: Double)] = []

        /// Per facet of ``Searcher/metadataFacets`` the query names, the titles that carry it.
        var metadataFacetDocuments: [Set<Int>] = []

        /// Whether `doc` carries every facet of ``Searcher/metadataFacets`` the query names (an
        /// era, a format): the semantic list's condition, since an embedding knows no year.
        func hasMetadataFacets(_ doc: Int) -> Bool { metadataFacetDocuments.allSatisfy { $0.contains(doc) } }

        /// Whether `doc` passes the query's quoted phrases, exclusions and filters.
        func admits(_ doc: Int) -> Bool {
            (required.map { $0.contains(doc) } ?? true) && !excluded.contains(doc)
                && searcher.passes(query.filters, doc)
        }

        /// The hit for `doc`, with its lexical parts.
        func hit(_ doc: Int, score: Double, explain: Bool) -> SearchHit {
            let reader = searcher.reader
            return SearchHit(
                id: reader.titleID(doc), stored: reader.storedJSON(doc), score: score,
                facets: zip(query.facets, facetLists).map { facet, list in
                    (facet.tag.rawValue, Searcher.score(of: doc, in: list))
                },
                text: maximumText > 0 ? textWeight * max(0, text[doc]) / maximumText : 0,
                fields: explain ? searcher.fieldContributions(doc, textTerms) : [])
        }

        /// Gives the scratch arrays back, cleared.
        mutating func release() {
            for list in facetLists { for (doc, _) in list { facetSum[doc] = 0 } }
            for doc in candidates {
                isCandidate[doc] = false
                text[doc] = 0
            }
            (
                searcher.scratch.facetSum, searcher.scratch.isCandidate, searcher.scratch.text,
                searcher.scratch.weighted
            ) =
                (facetSum, isCandidate, text, weighted)
        }
    }

    /// Ranks the titles by facets and BM25F, keeping the best `depth`.
    private func lexicalRanking(_ query: ParsedQuery, depth: Int) -> LexicalRanking {
        let n = reader.count
        // Take the scratch arrays (uniquely referenced, so no copy); `release` gives them back.
        var state = LexicalRanking(
            searcher: self, query: query, facetSum: scratch.facetSum, isCandidate: scratch.isCandidate,
            text: scratch.text, weighted: scratch.weighted)
        (scratch.facetSum, scratch.isCandidate, scratch.text, scratch.weighted) = ([], [], [], [])
        func admit(_ doc: Int) {
            if !state.isCandidate[doc] {
                state.isCandidate[doc] = true
                state.candidates.append(doc)
            }
        }
        for facet in query.facets {
            let list = reader.facetPostings(facet.tag.rawValue)
            for (doc, score) in list {
                state.facetSum[doc] += score
                if score >= candidateFacetScore { admit(doc) }
            }
            state.facetLists.append(list)
            if metadataFacets.contains(facet.facet) {
                state.metadataFacetDocuments.append(Set(list.filter { $0.score >= 0.5 }.map(\.doc)))
            }
        }
        state.textTerms = query.terms.map(\.term) + query.facetTerms.map(\.term) + query.phrases.flatMap(\.terms)
        var touched: [Int] = []
        for term in state.textTerms {
            // A word in most titles ("film") ranks nothing and costs the most: skip it.
            let slots = reader.termSlots(term)
            var commonest = 0
            for field in IndexField.allCases { commonest = max(commonest, reader.documentFrequency(slots, field)) }
            if n >= 1_000 && Double(commonest) > maximumDocumentShare * Double(n) { continue }
            touched.removeAll(keepingCapacity: true)
            for field in IndexField.allCases {
                let average = reader.averageLengths[Int(field.rawValue)]
                reader.forEachPosting(slots, field) { doc, frequency, length in
                    if state.weighted[doc] == 0 { touched.append(doc) }
                    let length = Double(length)
                    state.weighted[doc] +=
                        field.weight * Double(frequency) / (1 - field.b + field.b * length / average)
                }
            }
            let df = Double(touched.count)
            let idf = log(1 + (Double(reader.liveCount) - df + 0.5) / (df + 0.5))
            for doc in touched {
                state.text[doc] += idf * state.weighted[doc] / (k1 + state.weighted[doc])
                state.weighted[doc] = 0
                admit(doc)
            }
        }
        // Quoted phrases are required: a title must hold each of them.
        for phrase in query.phrases {
            let matching = phraseDocuments(phrase)
            state.required = state.required.map { $0.intersection(matching) } ?? matching
        }
        if query.facets.isEmpty && state.textTerms.isEmpty {
            for doc in 0..<n where reader.isLive(doc) { admit(doc) }
        }
        for facet in query.excludedFacets {
            for (doc, score) in reader.facetPostings(facet.tag.rawValue) where score >= 0.5 {
                state.excluded.insert(doc)
            }
        }
        for term in query.excludedTerms.map(\.term) {
            let slots = reader.termSlots(term)
            for field in IndexField.allCases {
                reader.forEachPosting(slots, field) { doc, _, _ in state.excluded.insert(doc) }
            }
        }
        for phrase in query.excludedPhrases { state.excluded.formUnion(phraseDocuments(phrase)) }
        guard depth > 0 else { return state }
        let kept = state.candidates.filter { state.admits($0) }
        state.maximumText = kept.map { state.text[$0] }.max() ?? 0
        let freeText = !query.terms.isEmpty || !query.phrases.isEmpty
        state.textWeight = self.textWeight ?? (freeText ? Double(max(1, query.facets.count)) : 0.5)
        var best = TopList(limit: depth)
        for doc in kept {
            var score = state.facetSum[doc]
            if state.maximumText > 0 { score += state.textWeight * max(0, state.text[doc]) / state.maximumText }
            best.offer(doc, score)
        }
        state.ranked = best.items
        return state
    }

    /// A document's score in a facet's postings (sorted by document), 0 when absent.
    static func score(of doc: Int, in list: [(doc: Int, score: Double)]) -> Double {
        var low = 0
        var high = list.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if list[middle].doc == doc { return list[middle].score }
            if list[middle].doc < doc { low = middle + 1 } else { high = middle - 1 }
        }
        return 0
    }

    /// Each field's share of a document's BM25F score, for `--explain`.
    func fieldContributions(_ doc: Int, _ terms: [String]) -> [(field: IndexField, score: Double)] {
        var totals = [Double](repeating: 0, count: IndexField.allCases.count)
        for term in terms {
            var perField = [Double](repeating: 0, count: IndexField.allCases.count)
            var seen = [Bool](repeating: false, count: reader.count)
            var documents = 0
            let slots = reader.termSlots(term)
            for field in IndexField.allCases {
                let average = reader.averageLengths[Int(field.rawValue)]
                reader.forEachPosting(slots, field) { posting, frequency, length in
                    if !seen[posting] {
                        seen[posting] = true
                        documents += 1
                    }
                    guard posting == doc else { return }
                    let length = Double(length)
                    perField[Int(field.rawValue)] +=
                        field.weight * Double(frequency) / (1 - field.b + field.b * length / average)
                }
            }
            let total = perField.reduce(0, +)
            guard total > 0 else { continue }
            let idf = log(1 + (Double(reader.liveCount) - Double(documents) + 0.5) / (Double(documents) + 0.5))
            let score = idf * total / (k1 + total)
            for k in perField.indices { totals[k] += score * perField[k] / total }
        }
        return totals.enumerated().filter { $0.element != 0 }.map { (IndexField.allCases[$0.offset], $0.element) }
    }

    /// Documents holding the phrase's terms at its relative positions in one field.
    private func phraseDocuments(_ phrase: ParsedQuery.PhraseClause) -> Set<Int> {
        let terms = phrase.terms
        guard let first = terms.first else { return [] }
        var result = Set<Int>()
        for field in IndexField.allCases {
            let lists = terms.map {
                Dictionary(
                    reader.postings(field, $0).map { ($0.doc, Set($0.positions)) }, uniquingKeysWith: { a, _ in a })
            }
            for posting in reader.postings(field, first) {
                for start in posting.positions {
                    var matched = true
                    for (k, list) in lists.enumerated().dropFirst() {
                        let offset = k < phrase.offsets.count ? phrase.offsets[k] : k
                        guard list[posting.doc]?.contains(start + UInt32(offset)) == true else {
                            matched = false
                            break
                        }
                    }
                    if matched {
                        result.insert(posting.doc)
                        break
                    }
                }
            }
        }
        return result
    }

    func passes(_ filters: [ParsedQuery.FilterClause], _ doc: Int) -> Bool {
        for clause in filters {
            switch clause.filter {
            case .year(let range):
                guard let year = reader.year(doc), range.contains(year) else { return false }
            case .kind(let kind):
                guard reader.kind(doc) == kind else { return false }
            case .rating(let system, let ranks):
                guard let rating = reader.rating(doc), RatingSystem.known[rating.system].name == system,
                    ranks.contains(rating.rank)
                else { return false }
            case .runtime(let range):
                guard let runtime = reader.runtime(doc), range.contains(runtime) else { return false }
            }
        }
        return true
    }
}

#if canImport(Glibc)
    import Glibc
#endif

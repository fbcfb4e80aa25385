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

    private let reader: IndexReader
    private let scratch: Scratch

    /// Per-title accumulators, allocated once per searcher and cleared entry by entry after each
    /// query, so a query costs what its postings cost rather than zeroing arrays the size of
    /// the index. A searcher is therefore for one thread at a time: make one per thread.
    private final class Scratch {
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

    /// The best `limit` titles for `query`, best first.
    public func search(_ query: ParsedQuery, limit: Int, explain: Bool = false) -> [SearchHit] {
        let n = reader.count
        // Take the scratch arrays (uniquely referenced, so no copy) and give them back clean.
        var facetSum = scratch.facetSum
        var isCandidate = scratch.isCandidate
        var text = scratch.text
        var weighted = scratch.weighted
        (scratch.facetSum, scratch.isCandidate, scratch.text, scratch.weighted) = ([], [], [], [])
        var facetLists: [[(doc: Int, score: Double)]] = []
        var candidates: [Int] = []
        defer {
            for list in facetLists { for (doc, _) in list { facetSum[doc] = 0 } }
            for doc in candidates {
                isCandidate[doc] = false
                text[doc] = 0
            }
            (scratch.facetSum, scratch.isCandidate, scratch.text, scratch.weighted) = (
                facetSum, isCandidate, text, weighted
            )
        }
        func admit(_ doc: Int) {
            if !isCandidate[doc] {
                isCandidate[doc] = true
                candidates.append(doc)
            }
        }
        for facet in query.facets {
            let list = reader.facetPostings(facet.tag.rawValue)
            for (doc, score) in list {
                facetSum[doc] += score
                if score >= candidateFacetScore { admit(doc) }
            }
            facetLists.append(list)
        }
        let textTerms = query.terms.map(\.term) + query.facetTerms.map(\.term) + query.phrases.flatMap(\.terms)
        var touched: [Int] = []
        for term in textTerms {
            // A word in most titles ("film") ranks nothing and costs the most: skip it.
            let slots = reader.termSlots(term)
            var commonest = 0
            for field in IndexField.allCases { commonest = max(commonest, reader.documentFrequency(slots, field)) }
            if n >= 1_000 && Double(commonest) > maximumDocumentShare * Double(n) { continue }
            touched.removeAll(keepingCapacity: true)
            for field in IndexField.allCases {
                let average = reader.averageLengths[Int(field.rawValue)]
                reader.forEachPosting(slots, field) { doc, frequency, length in
                    if weighted[doc] == 0 { touched.append(doc) }
                    let length = Double(length)
                    weighted[doc] += field.weight * Double(frequency) / (1 - field.b + field.b * length / average)
                }
            }
            let df = Double(touched.count)
            let idf = log(1 + (Double(reader.liveCount) - df + 0.5) / (df + 0.5))
            for doc in touched {
                text[doc] += idf * weighted[doc] / (k1 + weighted[doc])
                weighted[doc] = 0
                admit(doc)
            }
        }
        // Quoted phrases are required: a title must hold each of them.
        var required: Set<Int>?
        for phrase in query.phrases {
            let matching = phraseDocuments(phrase)
            required = required.map { $0.intersection(matching) } ?? matching
        }
        if query.facets.isEmpty && textTerms.isEmpty { candidates = (0..<n).filter { reader.isLive($0) } }
        var excluded = Set<Int>()
        for facet in query.excludedFacets {
            for (doc, score) in reader.facetPostings(facet.tag.rawValue) where score >= 0.5 { excluded.insert(doc) }
        }
        for term in query.excludedTerms.map(\.term) {
            let slots = reader.termSlots(term)
            for field in IndexField.allCases {
                reader.forEachPosting(slots, field) { doc, _, _ in excluded.insert(doc) }
            }
        }
        for phrase in query.excludedPhrases { excluded.formUnion(phraseDocuments(phrase)) }
        let kept = candidates.filter { doc in
            required.map { $0.contains(doc) } ?? true && !excluded.contains(doc) && passes(query.filters, doc)
        }
        let maximumText = kept.map { text[$0] }.max() ?? 0
        let freeText = !query.terms.isEmpty || !query.phrases.isEmpty
        let textWeight = self.textWeight ?? (freeText ? Double(max(1, query.facets.count)) : 0.5)
        // The best `limit`, kept in order while scanning: no sort of every candidate.
        var hits: [(doc: Int, score: Double)] = []
        func better(_ a: (doc: Int, score: Double), _ b: (doc: Int, score: Double)) -> Bool {
            a.score != b.score ? a.score > b.score : a.doc < b.doc
        }
        for doc in kept {
            var score = facetSum[doc]
            if maximumText > 0 { score += textWeight * max(0, text[doc]) / maximumText }
            let hit = (doc: doc, score: score)
            guard hits.count < limit || better(hit, hits[hits.count - 1]) else { continue }
            var index = hits.count
            while index > 0 && better(hit, hits[index - 1]) { index -= 1 }
            hits.insert(hit, at: index)
            if hits.count > limit { hits.removeLast() }
        }
        return hits.map { hit in
            SearchHit(
                id: reader.titleID(hit.doc), stored: reader.storedJSON(hit.doc), score: hit.score,
                facets: zip(query.facets, facetLists).map { facet, list in
                    (facet.tag.rawValue, Self.score(of: hit.doc, in: list))
                },
                text: maximumText > 0 ? textWeight * max(0, text[hit.doc]) / maximumText : 0,
                fields: explain ? fieldContributions(hit.doc, textTerms) : [])
        }
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
    private func fieldContributions(_ doc: Int, _ terms: [String]) -> [(field: IndexField, score: Double)] {
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

    private func passes(_ filters: [ParsedQuery.FilterClause], _ doc: Int) -> Bool {
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

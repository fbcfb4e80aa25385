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
    /// Each field's BM25F contribution before normalization.
    public var fields: [(field: IndexField, score: Double)]
}

/// Ranks a segment's titles for a parsed query.
///
/// `score = sum over requested facets of the title's facet score (0 to 1 each)
///        + textWeight * BM25F(title) / max BM25F over the candidates`.
/// Every requested facet counts, so a title missing one ranks lower but stays in. Text relevance
/// is BM25F (Robertson and Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond",
/// 2009): per term, `idf * tf' / (k1 + tf')` with `tf' = sum over fields of
/// weight_f * tf_f / (1 - b_f + b_f * length_f / averageLength_f)` and
/// `idf = ln(1 + (N - df + 0.5) / (df + 0.5))`. Quoted phrases are required: a title must hold each
/// in order in one field; their words count in BM25F too. Filters and exclusions remove titles.
public struct Searcher {
    /// BM25F's term-frequency saturation.
    public var k1 = 1.2
    /// How much the text part weighs against one facet.
    public var textWeight = 1.0
    /// Facet scores below this do not make a title a candidate.
    public var candidateFacetScore = 0.2

    private let segment: Segment

    /// Creates a searcher over `segment`.
    public init(segment: Segment) { self.segment = segment }

    /// The best `limit` titles for `query`, best first.
    public func search(_ query: ParsedQuery, limit: Int) -> [SearchHit] {
        let n = segment.count
        var facetScores: [[Double]] = []
        var candidates = Set<Int>()
        for facet in query.facets {
            var scores = [Double](repeating: 0, count: n)
            for (doc, score) in segment.facetPostings(facet.tag.rawValue) {
                scores[doc] = score
                if score >= candidateFacetScore { candidates.insert(doc) }
            }
            facetScores.append(scores)
        }
        var text = [Double](repeating: 0, count: n)
        var perField: [Int: [Double]] = [:]
        for term in query.terms.map(\.term) + query.phrases.flatMap(\.terms) {
            for (doc, contributions) in bm25f(term) {
                candidates.insert(doc)
                var fields = perField[doc] ?? [Double](repeating: 0, count: IndexField.allCases.count)
                for (k, value) in contributions.enumerated() { fields[k] += value }
                perField[doc] = fields
                text[doc] += contributions.reduce(0, +)
            }
        }
        // Quoted phrases are required: a title must hold each of them.
        for phrase in query.phrases { candidates.formIntersection(phraseDocuments(phrase)) }
        if query.facets.isEmpty && query.terms.isEmpty && query.phrases.isEmpty { candidates = Set(0..<n) }
        var excluded = Set<Int>()
        for facet in query.excludedFacets {
            for (doc, score) in segment.facetPostings(facet.tag.rawValue) where score >= 0.5 { excluded.insert(doc) }
        }
        for term in query.excludedTerms.map(\.term) {
            for field in IndexField.allCases {
                for posting in segment.postings(field, term) { excluded.insert(posting.doc) }
            }
        }
        for phrase in query.excludedPhrases { excluded.formUnion(phraseDocuments(phrase)) }
        let maximumText = candidates.map { text[$0] }.max() ?? 0
        var hits: [(doc: Int, score: Double)] = []
        for doc in candidates where !excluded.contains(doc) && passes(query.filters, doc) {
            var score = facetScores.reduce(0) { $0 + $1[doc] }
            if maximumText > 0 { score += textWeight * max(0, text[doc]) / maximumText }
            hits.append((doc, score))
        }
        hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.doc < $1.doc }
        return hits.prefix(limit).map { hit in
            SearchHit(
                id: segment.titleID(hit.doc), stored: segment.storedJSON(hit.doc), score: hit.score,
                facets: zip(query.facets, facetScores).map { ($0.tag.rawValue, $1[hit.doc]) },
                text: maximumText > 0 ? textWeight * max(0, text[hit.doc]) / maximumText : 0,
                fields: (perField[hit.doc] ?? []).enumerated().filter { $0.element != 0 }
                    .map { (IndexField.allCases[$0.offset], $0.element) })
        }
    }

    /// BM25F per document for one term, by field.
    private func bm25f(_ term: String) -> [Int: [Double]] {
        var weighted: [Int: [Double]] = [:]
        var documents = Set<Int>()
        for field in IndexField.allCases {
            let average = segment.averageLengths[Int(field.rawValue)]
            for posting in segment.postings(field, term) {
                documents.insert(posting.doc)
                let length = Double(segment.fieldLength(field, posting.doc))
                let normalized = Double(posting.positions.count) / (1 - field.b + field.b * length / average)
                var fields = weighted[posting.doc] ?? [Double](repeating: 0, count: IndexField.allCases.count)
                fields[Int(field.rawValue)] += field.weight * normalized
                weighted[posting.doc] = fields
            }
        }
        let n = Double(segment.count)
        let df = Double(documents.count)
        let idf = log(1 + (n - df + 0.5) / (df + 0.5))
        return weighted.mapValues { fields in
            let total = fields.reduce(0, +)
            let score = idf * total / (k1 + total)
            return fields.map { total > 0 ? score * $0 / total : 0 }
        }
    }

    /// Documents holding the phrase's terms at its relative positions in one field.
    private func phraseDocuments(_ phrase: ParsedQuery.PhraseClause) -> Set<Int> {
        let terms = phrase.terms
        guard let first = terms.first else { return [] }
        var result = Set<Int>()
        for field in IndexField.allCases {
            let lists = terms.map {
                Dictionary(
                    segment.postings(field, $0).map { ($0.doc, Set($0.positions)) }, uniquingKeysWith: { a, _ in a })
            }
            for posting in segment.postings(field, first) {
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
                guard let year = segment.year(doc), range.contains(year) else { return false }
            case .kind(let kind):
                guard segment.kind(doc) == kind else { return false }
            case .rating(let system, let ranks):
                guard let rating = segment.rating(doc), RatingSystem.known[rating.system].name == system,
                    ranks.contains(rating.rank)
                else { return false }
            case .runtime(let range):
                guard let runtime = segment.runtime(doc), range.contains(runtime) else { return false }
            }
        }
        return true
    }
}

#if canImport(Glibc)
    import Glibc
#endif

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
    /// Facet scores below this do not make a title a candidate.
    public var candidateFacetScore = 0.2

    private let segment: Segment

    /// Creates a searcher over `segment`.
    public init(segment: Segment) { self.segment = segment }

    /// The best `limit` titles for `query`, best first.
    public func search(_ query: ParsedQuery, limit: Int) -> [SearchHit] {
        let n = segment.count
        var facetScores: [[Double]] = []
        var isCandidate = [Bool](repeating: false, count: n)
        var candidates: [Int] = []
        func admit(_ doc: Int) {
            if !isCandidate[doc] {
                isCandidate[doc] = true
                candidates.append(doc)
            }
        }
        for facet in query.facets {
            var scores = [Double](repeating: 0, count: n)
            for (doc, score) in segment.facetPostings(facet.tag.rawValue) {
                scores[doc] = score
                if score >= candidateFacetScore { admit(doc) }
            }
            facetScores.append(scores)
        }
        let textTerms = query.terms.map(\.term) + query.facetTerms.map(\.term) + query.phrases.flatMap(\.terms)
        var text = [Double](repeating: 0, count: n)
        var weighted = [Double](repeating: 0, count: n)
        var touched: [Int] = []
        for term in textTerms {
            touched.removeAll(keepingCapacity: true)
            for field in IndexField.allCases {
                let average = segment.averageLengths[Int(field.rawValue)]
                segment.forEachPosting(field, term) { doc, frequency in
                    if weighted[doc] == 0 { touched.append(doc) }
                    let length = Double(segment.fieldLength(field, doc))
                    weighted[doc] += field.weight * Double(frequency) / (1 - field.b + field.b * length / average)
                }
            }
            let df = Double(touched.count)
            let idf = log(1 + (Double(n) - df + 0.5) / (df + 0.5))
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
        if query.facets.isEmpty && textTerms.isEmpty { candidates = Array(0..<n) }
        var excluded = Set<Int>()
        for facet in query.excludedFacets {
            for (doc, score) in segment.facetPostings(facet.tag.rawValue) where score >= 0.5 { excluded.insert(doc) }
        }
        for term in query.excludedTerms.map(\.term) {
            for field in IndexField.allCases { segment.forEachPosting(field, term) { doc, _ in excluded.insert(doc) } }
        }
        for phrase in query.excludedPhrases { excluded.formUnion(phraseDocuments(phrase)) }
        let kept = candidates.filter { doc in
            required.map { $0.contains(doc) } ?? true && !excluded.contains(doc) && passes(query.filters, doc)
        }
        let maximumText = kept.map { text[$0] }.max() ?? 0
        let freeText = !query.terms.isEmpty || !query.phrases.isEmpty
        let textWeight = self.textWeight ?? (freeText ? Double(max(1, query.facets.count)) : 0.5)
        var hits: [(doc: Int, score: Double)] = kept.map { doc in
            var score = facetScores.reduce(0) { $0 + $1[doc] }
            if maximumText > 0 { score += textWeight * max(0, text[doc]) / maximumText }
            return (doc, score)
        }
        hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.doc < $1.doc }
        return hits.prefix(limit).map { hit in
            SearchHit(
                id: segment.titleID(hit.doc), stored: segment.storedJSON(hit.doc), score: hit.score,
                facets: zip(query.facets, facetScores).map { ($0.tag.rawValue, $1[hit.doc]) },
                text: maximumText > 0 ? textWeight * max(0, text[hit.doc]) / maximumText : 0,
                fields: fieldContributions(hit.doc, textTerms))
        }
    }

    /// Each field's share of a document's BM25F score, for `--explain`.
    private func fieldContributions(_ doc: Int, _ terms: [String]) -> [(field: IndexField, score: Double)] {
        var totals = [Double](repeating: 0, count: IndexField.allCases.count)
        for term in terms {
            var perField = [Double](repeating: 0, count: IndexField.allCases.count)
            var df = Set<Int>()
            for field in IndexField.allCases {
                let average = segment.averageLengths[Int(field.rawValue)]
                segment.forEachPosting(field, term) { posting, frequency in
                    df.insert(posting)
                    guard posting == doc else { return }
                    let length = Double(segment.fieldLength(field, doc))
                    perField[Int(field.rawValue)] +=
                        field.weight * Double(frequency) / (1 - field.b + field.b * length / average)
                }
            }
            let total = perField.reduce(0, +)
            guard total > 0 else { continue }
            let idf = log(1 + (Double(segment.count) - Double(df.count) + 0.5) / (Double(df.count) + 0.5))
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

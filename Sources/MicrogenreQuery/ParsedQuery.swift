public import MicrogenreCore
public import MicrogenreTaxonomy

/// A search query understood: facets from the taxonomy, text terms and phrases, exclusions and
/// filters, each with the range of the query it came from (character offsets).
public struct ParsedQuery: Sendable, Hashable {
    /// A facet the query asks for.
    public struct FacetClause: Sendable, Hashable {
        /// The tag.
        public var tag: TagID
        /// The words that named it.
        public var text: String
        /// Where they are in the query.
        public var range: Range<Int>
        /// The tag's facet in the taxonomy ("era", "genre", ...).
        public var facet: String = ""
    }

    /// A word matched against title, people and synopsis.
    public struct TermClause: Sendable, Hashable {
        /// The analyzed term.
        public var term: String
        /// The word as typed.
        public var text: String
        /// Where it is in the query.
        public var range: Range<Int>
    }

    /// A quoted phrase: its analyzed terms must appear in order.
    public struct PhraseClause: Sendable, Hashable {
        /// The analyzed terms, in order.
        public var terms: [String]
        /// Each term's position relative to the first (stopwords leave gaps: "lord of the rings"
        /// is lord at 0, ring at 3).
        public var offsets: [Int] = []
        /// The phrase as typed, without quotes.
        public var text: String
        /// Where it is in the query, quotes included.
        public var range: Range<Int>
    }

    /// A restriction on per-title values.
    public enum Filter: Sendable, Hashable {
        /// Release year within the range.
        case year(ClosedRange<Int>)
        /// One of these kinds.
        case kind(TitleKind)
        /// A rating in `system` whose rank is within `ranks` (`rating:<=PG-13`).
        case rating(system: String, ranks: ClosedRange<Int>)
        /// Runtime in minutes within the range.
        case runtime(ClosedRange<Int>)
    }

    /// A filter with the range it came from.
    public struct FilterClause: Sendable, Hashable {
        /// The filter.
        public var filter: Filter
        /// The filter as typed.
        public var text: String
        /// Where it is in the query.
        public var range: Range<Int>
    }

    /// The query as typed.
    public var text: String
    /// Facets to rank by (every one counts; titles missing one rank lower, not out).
    public var facets: [FacetClause] = []
    /// Free text terms.
    public var terms: [TermClause] = []
    /// The words that named facets, as text terms too: a title named "Police Academy" should
    /// match its own name even though "police" names a facet.
    public var facetTerms: [TermClause] = []
    /// Quoted phrases.
    public var phrases: [PhraseClause] = []
    /// People's names among the words (``PersonNames``): their words are in ``terms`` too, and
    /// named no facet.
    public var names: [PhraseClause] = []
    /// Facets titles must not have (`-horror`).
    public var excludedFacets: [FacetClause] = []
    /// Terms titles must not contain.
    public var excludedTerms: [TermClause] = []
    /// Quoted phrases titles must not contain.
    public var excludedPhrases: [PhraseClause] = []
    /// Filters every result must pass.
    public var filters: [FilterClause] = []

    /// Whether the query asks for nothing at all.
    public var isEmpty: Bool { facets.isEmpty && terms.isEmpty && phrases.isEmpty && filters.isEmpty }

    /// Whether the query names anything a title can match: a facet, a word, a phrase, a name or
    /// a filter. Stopwords, punctuation and exclusions alone match nothing.
    public var isSearchable: Bool {
        !facets.isEmpty || !terms.isEmpty || !phrases.isEmpty || !names.isEmpty || !filters.isEmpty
    }
}

/// A query that cannot be understood, with the range of the query at fault.
public struct QueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// The offending characters (offsets into the query).
    public var range: Range<Int>
    /// The query.
    public var query: String

    /// The message, the query, and a caret line under the fault:
    ///
    ///     error: unknown filter 'colour' (known: year, kind, rating, runtime)
    ///       colour:red dark comedy
    ///       ^^^^^^
    public var description: String {
        let width = max(1, range.count)
        return "error: \(message) (at column \(range.lowerBound + 1))\n  \(query)\n  "
            + String(repeating: " ", count: range.lowerBound) + String(repeating: "^", count: width)
    }
}

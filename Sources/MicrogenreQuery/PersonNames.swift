import MicrogenreText

/// Tells the query parser which runs of query words are a person's name, so that their words
/// stay text terms rather than naming facets ("stephen king" is a writer, not royalty).
///
/// Queries are typed in lowercase, so capitalization cannot say it; a catalog's credited people
/// can (an index's `people` field, see `IndexReader`). The parser knows the taxonomy's `people`
/// by itself.
public protocol PersonNames {
    /// Whether `terms`, two or more analyzed words of the query in order (as ``QueryParser``'s
    /// analyzer makes them: lowercase, stemmed), are a person's name or the whole of one.
    func isPerson(_ terms: ArraySlice<String>) -> Bool
}

/// A fixed list of people's names, compared on analyzed terms.
public struct NameList: PersonNames, Sendable, Hashable {
    /// Each name's analyzed terms.
    public private(set) var names: Set<[String]> = []

    /// The names in `names`, as written ("Charles Dickens").
    public init(_ names: [String]) throws { self.init(names, analyzer: try Analyzer()) }

    /// The names in `names`, analyzed by `analyzer`.
    init(_ names: [String], analyzer: Analyzer) {
        for name in names {
            let terms = analyzer.analyze(name).filter { $0.type != .compound }.map(\.term)
            if terms.count >= 2 { self.names.insert(terms) }
        }
    }

    public func isPerson(_ terms: ArraySlice<String>) -> Bool { names.contains(Array(terms)) }
}

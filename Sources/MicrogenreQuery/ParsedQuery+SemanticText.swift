extension ParsedQuery {
    /// The words a query's embedding is made from: the text as typed, without its filters
    /// (`year:1990..1999`), its exclusions (`-musical`, `-"a phrase"`) and quotation marks, so
    /// that "dark comedies -musical year:1990..1999" is embedded as "dark comedies".
    public var semanticText: String {
        var characters = Array(text)
        let removed =
            filters.map(\.range) + excludedFacets.map(\.range) + excludedTerms.map(\.range)
            + excludedPhrases.map(\.range)
        for range in removed {
            // An exclusion's range may leave out its '-' and quotes; take the whole word.
            var lower = min(range.lowerBound, characters.count)
            var upper = min(range.upperBound, characters.count)
            while lower > 0 && !characters[lower - 1].isWhitespace { lower -= 1 }
            while upper < characters.count && !characters[upper].isWhitespace { upper += 1 }
            for k in lower..<upper { characters[k] = " " }
        }
        return String(characters).replacingQuotes().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

extension String {
    fileprivate func replacingQuotes() -> String { String(map { $0 == "\"" ? " " : $0 }) }
}

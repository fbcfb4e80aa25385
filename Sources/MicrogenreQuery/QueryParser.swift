import MicrogenreCore
public import MicrogenreTaxonomy
import MicrogenreText

/// Turns query text into a ``ParsedQuery``.
///
/// Syntax:
/// - words: the taxonomy's phrases become facets, longest first, through synonyms, plurals and
///   hyphen variants ("female-led workplace comedy" -> strong-female-lead, workplace,
///   comedies); the other words are text terms;
/// - a person's name (two to four words ``PersonNames`` recognizes, or a person of the
///   taxonomy's `people`) stays text, its words names rather than facets: "stephen king" is a
///   writer, not royalty;
/// - `"a quoted phrase"` is a phrase, matched as written, never a facet;
/// - `-word`, `-"a phrase"`: exclude the facet the words name, else the words;
/// - filters (a name of letters, a colon, a value) `year:1990..1999` (also `year:1995`, `year:>=2000`, `year:..1980`), `kind:series`,
///   `rating:<=PG-13` (`<`, `<=`, `>`, `>=`, `=`; the system comes from the value),
///   `runtime:<90` (minutes, ranges as for years).
///
/// Malformed syntax throws a ``QueryError`` with the range at fault.
public struct QueryParser {
    private let taxonomy: Taxonomy
    private let analyzer: Analyzer
    private let people: (any PersonNames)?
    /// The taxonomy's people, by their analyzed terms, with the tags they name.
    private let taxonomyPeople: [[String]: [TagID]]

    /// The longest run of words looked up as a person's name.
    static let longestName = 4

    /// Words of the micro-genre grammar that join facets and mean nothing alone ("movies about
    /// revenge", "comedies featuring ..."), as analyzed terms.
    static let glueWords: Set<String> = ["about", "featur", "with"]

    /// Whether `word` is written as a filter: letters before the colon, and either a known filter
    /// name or a value after it ("Police Academy 3: Back", "Batman: Year One" stay text).
    static func isFilter(_ word: String, colon: String.Index) -> Bool {
        let name = word[..<colon]
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return filterNames.contains(name.lowercased()) || word.index(after: colon) < word.endIndex
    }

    /// Filters the parser knows.
    public static let filterNames = ["year", "kind", "rating", "runtime"]

    /// Creates a parser over `taxonomy`; `people` recognizes people's names among the query's
    /// words (the taxonomy's `people` are recognized either way).
    public init(taxonomy: Taxonomy, people: (any PersonNames)? = nil) throws {
        self.taxonomy = taxonomy
        analyzer = try Analyzer()
        self.people = people
        var taxonomyPeople: [[String]: [TagID]] = [:]
        for tag in taxonomy.tags {
            for person in tag.people {
                let terms = analyzer.analyze(person).filter { $0.type != .compound }.map(\.term)
                if terms.count >= 2 { taxonomyPeople[terms, default: []].append(tag.id) }
            }
        }
        self.taxonomyPeople = taxonomyPeople
    }

    /// Whether `terms` are a person's name.
    private func isPerson(_ terms: ArraySlice<String>) -> Bool {
        taxonomyPeople[Array(terms)] != nil || people?.isPerson(terms) == true
    }

    /// The byte ranges of `joined` that are people's names: runs of two to ``longestName``
    /// words at consecutive positions (no stopword between), longest first, left to right.
    private func nameSpans(_ words: [Token]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        let terms = words.map(\.term)
        var start = 0
        while start + 1 < words.count {
            var found = 0
            for length in stride(from: min(Self.longestName, words.count - start), through: 2, by: -1) {
                let run = start..<(start + length)
                guard run.dropFirst().allSatisfy({ words[$0].position == words[$0 - 1].position + 1 }) else { continue }
                if isPerson(terms[run]) {
                    found = length
                    break
                }
            }
            if found > 0 {
                spans.append(words[start].startOffset..<words[start + found - 1].endOffset)
                start += found
            } else {
                start += 1
            }
        }
        return spans
    }

    /// Parses `text`.
    public func parse(_ text: String) throws -> ParsedQuery {
        var query = ParsedQuery(text: text)
        let characters = Array(text)
        var run: [(word: String, range: Range<Int>)] = []
        func flushRun() {
            guard !run.isEmpty else { return }
            addWords(run, to: &query, excluded: false)
            run.removeAll()
        }
        var k = 0
        while k < characters.count {
            if characters[k].isWhitespace {
                k += 1
                continue
            }
            let start = k
            var excluded = false
            if characters[k] == "-" {
                excluded = true
                k += 1
                guard k < characters.count, !characters[k].isWhitespace else {
                    throw QueryError(
                        message: "'-' must come right before a word or a quoted phrase", range: start..<(start + 1),
                        query: text)
                }
            }
            if characters[k] == "\"" {
                let open = k
                k += 1
                while k < characters.count && characters[k] != "\"" { k += 1 }
                guard k < characters.count else {
                    throw QueryError(message: "unterminated quote", range: open..<(open + 1), query: text)
                }
                let phrase = String(characters[(open + 1)..<k])
                k += 1
                flushRun()
                let tokens = analyzer.analyze(phrase).filter { $0.type != .compound }
                guard let first = tokens.first else {
                    throw QueryError(
                        message: "the quoted phrase holds no searchable word", range: open..<k, query: text)
                }
                let clause = ParsedQuery.PhraseClause(
                    terms: tokens.map(\.term), offsets: tokens.map { $0.position - first.position }, text: phrase,
                    range: start..<k)
                if excluded { query.excludedPhrases.append(clause) } else { query.phrases.append(clause) }
                continue
            }
            while k < characters.count && !characters[k].isWhitespace && characters[k] != "\"" { k += 1 }
            let word = String(characters[(excluded ? start + 1 : start)..<k])
            if let colon = word.firstIndex(of: ":"), Self.isFilter(word, colon: colon) {
                flushRun()
                guard !excluded else {
                    throw QueryError(
                        message: "filters cannot be excluded with '-'; write the opposite range", range: start..<k,
                        query: text)
                }
                query.filters.append(try filter(word, range: start..<k, query: text))
                continue
            }
            if excluded {
                flushRun()
                addWords([(word, (start + 1)..<k)], to: &query, excluded: true)
            } else {
                run.append((word, start..<k))
            }
        }
        flushRun()
        return query
    }

    /// Facets from the taxonomy's phrases, the rest as text terms.
    private func addWords(_ words: [(word: String, range: Range<Int>)], to query: inout ParsedQuery, excluded: Bool) {
        // Join the words with single spaces and keep, for each UTF-8 offset, the query column.
        var joined = ""
        var columns: [Int] = []
        for (n, item) in words.enumerated() {
            if n > 0 {
                joined += " "
                columns.append(item.range.lowerBound)
            }
            for (offset, character) in item.word.enumerated() {
                let utf8 = String(character).utf8.count
                joined.append(character)
                columns += Array(repeating: item.range.lowerBound + offset, count: utf8)
            }
        }
        columns.append(words.last.map { $0.range.upperBound } ?? 0)
        func range(_ start: Int, _ end: Int) -> Range<Int> {
            columns[start]..<(end < columns.count ? columns[end - 1] + 1 : columns.last!)
        }
        let bytes = Array(joined.utf8)
        let words = analyzer.analyze(joined).filter { $0.type != .compound }
        // People's names first: their words name no facet ("stephen king" is no royalty).
        let names = excluded ? [] : nameSpans(words)
        for span in names {
            let inside = words.filter { span.contains($0.startOffset) }
            let name = ParsedQuery.PhraseClause(
                terms: inside.map(\.term), offsets: inside.map { $0.position - inside[0].position },
                text: String(decoding: bytes[span], as: UTF8.self), range: range(span.lowerBound, span.upperBound))
            query.names.append(name)
            // A person of the taxonomy names the tag too ("charles dickens": based on Classic Literature).
            for tag in taxonomyPeople[name.terms] ?? [] where !query.facets.contains(where: { $0.tag == tag }) {
                query.facets.append(
                    ParsedQuery.FacetClause(
                        tag: tag, text: name.text, range: name.range, facet: taxonomy[tag]?.facet ?? ""))
            }
        }
        var tokens = taxonomy.names.tokens(of: joined, analyzer: analyzer)
        // A name's words take part in no phrase ("jack black comedy" is Jack Black and Comedies).
        for k in tokens.indices
        where names.contains(where: { $0.lowerBound < tokens[k].end && tokens[k].start < $0.upperBound }) {
            tokens[k].term = -1
        }
        let matches = taxonomy.names.matches(in: tokens)
        for match in matches {
            for entry in match.entries {
                let clause = ParsedQuery.FacetClause(
                    tag: taxonomy.tags[entry.tag].id,
                    text: String(decoding: bytes[match.start..<match.end], as: UTF8.self),
                    range: range(match.start, match.end), facet: taxonomy.tags[entry.tag].facet)
                if excluded {
                    query.excludedFacets.append(clause)
                } else if !query.facets.contains(where: { $0.tag == clause.tag }) {
                    query.facets.append(clause)
                }
            }
        }
        for token in analyzer.analyze(joined) where token.type != .compound && !Self.glueWords.contains(token.term) {
            let clause = ParsedQuery.TermClause(
                term: token.term, text: String(decoding: bytes[token.startOffset..<token.endOffset], as: UTF8.self),
                range: range(token.startOffset, token.endOffset))
            if matches.contains(where: { $0.start <= token.startOffset && token.endOffset <= $0.end }) {
                if !excluded { query.facetTerms.append(clause) }
            } else if excluded {
                query.excludedTerms.append(clause)
            } else {
                query.terms.append(clause)
            }
        }
    }

    private func filter(_ word: String, range: Range<Int>, query: String) throws -> ParsedQuery.FilterClause {
        let colon = word.firstIndex(of: ":")!
        let name = String(word[..<colon]).lowercased()
        let value = String(word[word.index(after: colon)...])
        let valueRange = (range.lowerBound + name.count + 1)..<range.upperBound
        func fail(_ message: String, _ at: Range<Int>? = nil) -> QueryError {
            QueryError(message: message, range: at ?? valueRange, query: query)
        }
        guard !value.isEmpty else { throw fail("filter '\(name):' needs a value", range) }
        let filter: ParsedQuery.Filter
        switch name {
        case "year":
            guard let years = Self.numberRange(value, lower: 1800, upper: 2200) else {
                throw fail("expected a year or a range of years such as 1990..1999, >=2000 or ..1980, found '\(value)'")
            }
            filter = .year(years)
        case "runtime":
            guard let minutes = Self.numberRange(value, lower: 0, upper: 100_000) else {
                throw fail("expected minutes or a range such as 80..120 or <90, found '\(value)'")
            }
            filter = .runtime(minutes)
        case "kind":
            guard let kind = TitleKind(name: value) else {
                throw fail(
                    "unknown kind '\(value)' (known: \(TitleKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            filter = .kind(kind)
        case "rating":
            var comparison = ""
            var rest = Substring(value)
            for op in ["<=", ">=", "<", ">", "="] where rest.hasPrefix(op) {
                comparison = op
                rest = rest.dropFirst(op.count)
                break
            }
            guard let system = RatingSystem.known.first(where: { $0.rank(of: String(rest)) != nil }),
                let rank = system.rank(of: String(rest))
            else {
                throw fail("unknown rating '\(rest)' (known: MPAA G..NC-17, TVPG TV-Y..TV-MA, BBFC U..R18, FSK 0..18)")
            }
            let top = system.values.count - 1
            let ranks: ClosedRange<Int> =
                switch comparison {
                case "<=": 0...rank
                case "<": rank == 0 ? 0...0 : 0...(rank - 1)
                case ">=": rank...top
                case ">": rank == top ? top...top : (rank + 1)...top
                default: rank...rank
                }
            filter = .rating(system: system.name, ranks: ranks)
        default:
            throw fail(
                "unknown filter '\(name)' (known: \(Self.filterNames.joined(separator: ", ")))",
                range.lowerBound..<(range.lowerBound + name.count))
        }
        return ParsedQuery.FilterClause(filter: filter, text: word, range: range)
    }

    /// `1995`, `1990..1999`, `..1980`, `2000..`, `>=2000`, `>1999`, `<=1980`, `<1981`.
    static func numberRange(_ text: String, lower: Int, upper: Int) -> ClosedRange<Int>? {
        if let dots = text.range(of: "..") {
            let from = text[..<dots.lowerBound].isEmpty ? lower : Int(text[..<dots.lowerBound])
            let to = text[dots.upperBound...].isEmpty ? upper : Int(text[dots.upperBound...])
            guard let from, let to, from <= to else { return nil }
            return from...to
        }
        for (op, make) in [
            (">=", { (n: Int) in (n, upper) }), ("<=", { (n: Int) in (lower, n) }),
            (">", { (n: Int) in (n + 1, upper) }),
            ("<", { (n: Int) in (lower, n - 1) }),
        ] where text.hasPrefix(op) {
            // A bound past the other end (`year:>=2400`, `year:<=1700`) is no range: refused,
            // as `1999..1990` is. The magnitude check keeps `n + 1` and `n - 1` from overflowing.
            guard let n = Int(text.dropFirst(op.count)), n.magnitude < 1 << 32 else { return nil }
            let (from, to) = make(n)
            guard from <= to else { return nil }
            return from...to
        }
        return Int(text).map { $0...$0 }
    }
}

extension String {
    /// The range of the first occurrence of `needle`, without Foundation.
    fileprivate func range(of needle: String) -> Range<String.Index>? {
        guard !needle.isEmpty else { return nil }
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(needle) { return index..<self.index(index, offsetBy: needle.count) }
            index = self.index(after: index)
        }
        return nil
    }
}

import MicrogenreCore
import MicrogenreQuery
import MicrogenreTaxonomy
import Testing

let taxonomy: Taxonomy = {
    var directory = #filePath
    for _ in 0..<3 { directory = String(directory[..<directory.lastIndex(of: "/")!]) }
    return try! Taxonomy.load(directory: directory + "/Taxonomy")
}()

/// A parser per use: parsers hold an analyzer, which is not thread-safe, and tests run in parallel.
var parser: QueryParser { try! QueryParser(taxonomy: taxonomy) }

@Suite struct QueryParserTests {
    /// Queries as data: the facets and terms each must yield.
    @Test(arguments: [
        (
            "dark witty female-led workplace comedy", ["dark", "witty", "strong-female-lead", "workplace", "comedies"],
            [String]()
        ),
        (
            "Dark Witty Female Led Workplace Comedies",
            ["dark", "witty", "strong-female-lead", "workplace", "comedies"], []
        ),
        ("femaleled heist thrillers", ["strong-female-lead", "heist", "thrillers"], []),
        ("british period pieces based on books", ["british", "period-pieces", "based-on-books"], []),
        ("movies from the 1980s about revenge", ["movies", "1980s", "revenge"], []),
        ("tom hanks comedy", ["comedies"], ["tom", "hank"]),
        ("Police Academy 3: Back in Training", ["police", "trains"], ["academi", "3", "back"]),
        ("Batman: Year One", [], ["batman", "year", "one"]),
        ("Amélie", [], ["ameli"]),
        // A black comedy is a dark comedy (a combined phrase), while "black" alone is African-American.
        ("black comedy", ["dark", "comedies"], []),
        ("Black Comedies", ["dark", "comedies"], []),
        ("black-comedy 1990s", ["dark", "comedies", "1990s"], []),
        ("black dramas", ["african-american", "dramas"], []),
    ])
    func facetsAndTerms(query: String, facets: [String], terms: [String]) throws {
        let parsed = try parser.parse(query)
        #expect(parsed.facets.map(\.tag.rawValue) == facets)
        #expect(parsed.terms.map(\.term) == terms)
    }

    /// A person's name stays text: its words name no facet, and the rest of the query is parsed
    /// as before.
    @Test(arguments: [
        ("stephen king", [String](), ["stephen", "king"], [["stephen", "king"]]),
        ("Stephen King horror", ["horror"], ["stephen", "king"], [["stephen", "king"]]),
        ("jack black comedy", ["comedies"], ["jack", "black"], [["jack", "black"]]),
        ("king stephen", ["royalty"], ["stephen"], []),
        ("black comedy", ["dark", "comedies"], [], []),
        // The taxonomy's people are names with no list given, and name their tags.
        ("charles dickens", ["based-on-classic-literature"], ["charl", "dicken"], [["charl", "dicken"]]),
    ])
    func peoplesNamesStayText(query: String, facets: [String], terms: [String], names: [[String]]) throws {
        let people = try NameList(["Stephen King", "Jack Black"])
        let parsed = try QueryParser(taxonomy: taxonomy, people: people).parse(query)
        #expect(parsed.facets.map(\.tag.rawValue) == facets)
        #expect(parsed.terms.map(\.term) == terms)
        #expect(parsed.names.map(\.terms) == names)
        if let name = parsed.names.first {
            #expect(String(Array(query)[name.range]) == name.text)
        }
    }

    @Test func withoutPeopleANameIsParsedAsBefore() throws {
        #expect(try parser.parse("stephen king").facets.map(\.tag.rawValue) == ["royalty"])
    }

    @Test func facetRangesPointAtTheWords() throws {
        let query = "dark witty female-led workplace comedy"
        let parsed = try parser.parse(query)
        let characters = Array(query)
        for facet in parsed.facets {
            #expect(String(characters[facet.range]) == facet.text)
        }
        #expect(parsed.facets.first { $0.tag == TagID("strong-female-lead") }?.range == 11..<21)
    }

    @Test func phrasesExclusionsAndFilters() throws {
        let parsed = try parser.parse(
            "heist \"bank job\" -horror -gore year:1990..1999 kind:series rating:<=PG-13 runtime:<90")
        #expect(parsed.facets.map(\.tag.rawValue) == ["heist"])
        #expect(parsed.phrases.map(\.terms) == [["bank", "job"]])
        #expect(parsed.excludedFacets.map(\.tag.rawValue) == ["horror"])
        #expect(parsed.excludedTerms.map(\.term) == ["gore"])
        #expect(
            parsed.filters.map(\.filter) == [
                .year(1990...1999), .kind(.series), .rating(system: "MPAA", ranks: 0...2), .runtime(0...89),
            ])
    }

    @Test(arguments: [
        ("year:1995", ParsedQuery.Filter.year(1995...1995)), ("year:>=2000", .year(2000...2200)),
        ("year:..1980", .year(1800...1980)), ("year:2010..", .year(2010...2200)), ("year:<1950", .year(1800...1949)),
        ("rating:R", .rating(system: "MPAA", ranks: 3...3)), ("rating:>TV-PG", .rating(system: "TVPG", ranks: 5...6)),
        ("kind:film", .kind(.movie)),
    ])
    func filterValues(text: String, filter: ParsedQuery.Filter) throws {
        #expect(try parser.parse(text).filters.map(\.filter) == [filter])
    }

    /// Malformed syntax points at its place in the query.
    @Test(arguments: [
        ("colour:red dark comedy", 0..<6, "unknown filter 'colour'"),
        ("dark \"comedy", 5..<6, "unterminated quote"),
        ("year:199x comedy", 5..<9, "expected a year"),
        ("comedy year:1999..1990", 12..<22, "expected a year"),
        ("rating:<=XYZ", 7..<12, "unknown rating"),
        ("kind:podcast", 5..<12, "unknown kind"),
        ("dark - comedy", 5..<6, "'-' must come right before"),
        ("-year:1990 comedy", 0..<10, "cannot be excluded"),
        ("year: comedy", 0..<5, "needs a value"),
        ("\"the\"", 0..<5, "no searchable word"),
        // Found by fuzzing (Tests/FuzzRegressions/query): a bound past the other end of the
        // allowed years made an empty ClosedRange and trapped; overflow of `n + 1` did too.
        ("year:>=2400", 5..<11, "expected a year"),
        ("year:<=1700", 5..<11, "expected a year"),
        ("year:>2200", 5..<10, "expected a year"),
        ("year:>9223372036854775807", 5..<25, "expected a year"),
        ("year:<-9223372036854775808", 5..<26, "expected a year"),
    ])
    func errorsPointAtTheirPosition(query: String, range: Range<Int>, message: String) {
        #expect {
            _ = try parser.parse(query)
        } throws: { error in
            guard let error = error as? QueryError else { return false }
            return error.range == range && error.message.contains(message)
                && error.description.hasSuffix(
                    String(repeating: " ", count: range.lowerBound) + String(repeating: "^", count: range.count))
        }
    }

    /// Every input the fuzzer found for the query parser throws a `QueryError`.
    @Test func fuzzRegressionInputsThrow() throws {
        var directory = #filePath
        for _ in 0..<3 { directory = String(directory[..<directory.lastIndex(of: "/")!]) }
        directory += "/Tests/FuzzRegressions/query"
        let names = try FileSystem.list(directory)
        #expect(!names.isEmpty)
        for name in names {
            let query = try FileSystem.readText("\(directory)/\(name)")
            #expect(throws: QueryError.self, "\(name)") { _ = try parser.parse(query) }
        }
    }
}

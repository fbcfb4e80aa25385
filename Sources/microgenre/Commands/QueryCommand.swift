import ArgumentParser
import MicrogenreCore
import MicrogenreIndex
import MicrogenreQuery
import MicrogenreServer
import MicrogenreTaxonomy

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Show how a search query is understood: facets, terms, phrases, exclusions, filters.",
        discussion: """
            Words naming taxonomy facets become facets (longest phrase first, through synonyms, \
            plurals and hyphen variants); other words are text terms; "quoted phrases" are \
            phrases; -word excludes a facet or a word; filters: year:1990..1999, year:>=2000, \
            kind:series, rating:<=PG-13, runtime:<90. With --index, a run of words that a title \
            of the index credits as a person ("stephen king") is a name: its words stay text \
            terms, not facets; the taxonomy's people ("charles dickens") are names either way. \
            Malformed syntax is reported with its column.
            """
    )

    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp(
            "The query (one argument or several words).",
            discussion: "A word that starts with '-' is an exclusion, first or not."))
    var words: [String] = []

    var query: String { words.joined(separator: " ") }

    @OptionGroup var taxonomyOptions: TaxonomyOptions

    @Option(help: "An index whose credited people are recognized as names (without it, only the taxonomy's people).")
    var index: String?

    @Flag(help: "Print the parse as JSON.")
    var json = false

    func validate() throws {
        guard !query.trimmingSpaces.isEmpty else { throw ValidationError("Missing expected argument '<query>'") }
    }

    func run() throws {
        var people: IndexReader?
        if let index {
            var location = IndexLocation()
            location.path = index
            people = try location.openOrExit()
        }
        let parsed = try taxonomyOptions.parseQuery(query, people: people)
        if json {
            Output.line(bytes: APIJSON.query(parsed))
            return
        }
        for clause in parsed.facets { Output.line("facet   " + clause.tag.rawValue.padded(24) + "\"\(clause.text)\"") }
        for clause in parsed.names {
            Output.line("name    " + clause.terms.joined(separator: " ").padded(24) + "\"\(clause.text)\"")
        }
        for clause in parsed.terms { Output.line("term    " + clause.term.padded(24) + "\"\(clause.text)\"") }
        for clause in parsed.phrases {
            Output.line("phrase  " + clause.terms.joined(separator: " ").padded(24) + "\"\(clause.text)\"")
        }
        for clause in parsed.excludedFacets { Output.line("not     facet " + clause.tag.rawValue) }
        for clause in parsed.excludedTerms { Output.line("not     term " + clause.term) }
        for clause in parsed.excludedPhrases { Output.line("not     phrase \"\(clause.text)\"") }
        for clause in parsed.filters { Output.line("filter  " + clause.text) }
    }
}

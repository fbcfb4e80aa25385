public import ArgumentParser
import MicrogenreCore
import MicrogenreFeeds
public import MicrogenreTagging
import MicrogenreTaxonomy

struct GenresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genres",
        abstract: "Mine the catalog's named micro-genres.",
        discussion: """
            Tags every title, then finds the combinations of one to four facets, in the grammar's \
            order and with a head noun, that at least --min-titles titles share, and names them as \
            Netflix does ("Critically-acclaimed Dark Workplace Comedies"), in at most 50 \
            characters. Facets nearly every title has are left out. Every name is checked to parse \
            back to its facets.
            """
    )

    @Argument(help: "Feed files (.xml or .xml.gz).")
    var feeds: [String]

    @OptionGroup var input: FeedInputOptions

    @OptionGroup var tagging: TaggingOptions

    @Option(help: "Fewest titles a micro-genre needs.")
    var minTitles = 5

    @Option(help: "Most facets in one micro-genre (1 to 4).")
    var maxFacets = 4

    @Option(help: "Show at most this many (0: all).")
    var limit = 0

    @Option(help: "Order: titles (most titles first) or specific (most facets first, then most titles).")
    var order = GenreMiner.Order.titles

    @Flag(help: "Print one JSON object per micro-genre (JSON Lines).")
    var json = false

    @OptionGroup var location: IndexLocation

    @Flag(
        help:
            "Add evidence from viewing (co-viewing neighbours' tags of feeling and theme; needs the index and events).")
    var coviewing = false

    @OptionGroup var events: EventsLocation

    func validate() throws {
        guard (1...4).contains(maxFacets) else { throw ValidationError("--max-facets must be 1 to 4") }
        guard minTitles >= 1 else { throw ValidationError("--min-titles must be at least 1") }
    }

    func run() throws {
        let tagger = try tagging.makeTagger()
        let grammar = try GenreGrammar(taxonomy: tagger.taxonomy)
        let loaded = try input.load(feeds)
        let start = Output.now()
        let tagged = try TitleVectors.tagAll(
            loaded.catalog.records, tagger: tagger, location: location, events: coviewing ? events : nil)
        var miner = GenreMiner()
        miner.order = order
        miner.minimumTitles = minTitles
        miner.maximumFacets = maxFacets
        let genres = miner.mine(tagged, grammar: grammar)
        let titles = Dictionary(loaded.catalog.records.map { ($0.id, $0.title) }, uniquingKeysWith: { a, _ in a })
        let scores = Dictionary(
            tagged.map { item in (item.id, Dictionary(item.scores.map { ($0.tag, $0.score) }, uniquingKeysWith: max)) },
            uniquingKeysWith: { a, _ in a })
        /// The titles that fit a genre best first: highest summed score of its facets.
        func examples(_ genre: MinedGenre, _ count: Int) -> [String] {
            let fit = { (id: TitleID) in genre.tags.reduce(0.0) { $0 + (scores[id]?[$1] ?? 0) } }
            return genre.titles.map { ($0, fit($0)) }.sorted { $0.1 > $1.1 }.prefix(count).compactMap { titles[$0.0] }
        }
        var mismatches = 0
        for genre in genres where Set(grammar.parse(genre.name).tags) != Set(genre.tags) { mismatches += 1 }
        let shown = limit > 0 ? Array(genres.prefix(limit)) : genres
        for genre in shown {
            if json {
                var writer = JSONWriter()
                writer.beginObject()
                writer.string(genre.name, "name")
                writer.strings(genre.tags.map(\.rawValue), "facets")
                writer.number(genre.titles.count, "titles")
                writer.strings(examples(genre, 5), "examples")
                writer.endObject()
                Output.line(bytes: writer.bytes)
            } else {
                let shown = examples(genre, 3).joined(separator: "; ")
                Output.line(String(genre.titles.count).leftPadded(6) + "  " + genre.name.padded(52) + shown)
            }
        }
        Output.error(
            "\(genres.count.grouped) micro-genres with at least \(minTitles) titles among \(tagged.count.grouped) titles "
                + "in \(String(format2: Output.now() - start)) s; \(mismatches) names did not parse back to their facets"
        )
        if mismatches > 0 || loaded.failedFeeds > 0 { throw ExitCode(1) }
    }
}

extension GenreMiner.Order: ExpressibleByArgument {}

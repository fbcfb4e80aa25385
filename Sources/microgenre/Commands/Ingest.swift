public import ArgumentParser
import MicrogenreCore
public import MicrogenreFeeds
import MicrogenreText

extension FeedFormat: ExpressibleByArgument {}

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read feeds, validate them and summarize what they hold.",
        discussion: """
            Reads each feed (plain or gzipped XML; - for standard input), detecting its format from \
            the root element. Warnings go to standard error as FILE:LINE:COL: warning: ...; a \
            malformed feed keeps the titles read before the fault, prints the error and makes the \
            exit status 1. With --json, prints one JSON object per title (JSON Lines) after all \
            feeds are read, so that a later duplicate id replaces the earlier title.
            """
    )

    @Argument(help: "Feed files (.xml or .xml.gz); - reads standard input.")
    var feeds: [String]

    @OptionGroup var input: FeedInputOptions

    @Flag(help: "Print one JSON object per title (JSON Lines) instead of the summary.")
    var json = false

    @Flag(help: "Also analyze every title's text and report tokens, terms and throughput.")
    var analyze = false

    func run() throws {
        let start = Output.now()
        var loaded = try input.load(feeds, deferErrors: json)
        let ingestSeconds = Output.now() - start
        if json {
            for record in loaded.catalog.records {
                var writer = JSONWriter()
                record.write(to: &writer)
                Output.line(bytes: writer.bytes)
            }
            for error in loaded.deferredErrors { Output.error(error) }
        } else {
            loaded.printSummary(seconds: ingestSeconds)
            if analyze { try printAnalysis(loaded.catalog.records) }
        }
        loaded.catalog = CatalogBuilder()
        if loaded.failedFeeds > 0 { throw ExitCode(1) }
    }

    private func printAnalysis(_ records: [TitleRecord]) throws {
        let analyzer = try Analyzer()
        var terms = ByteStringTable(capacity: 1 << 17)
        var tokens = 0
        var bytes = 0
        let start = Output.now()
        for record in records {
            for text in [record.title] + record.synopses.map(\.text) {
                var copy = text
                copy.withUTF8 { utf8 in
                    bytes += utf8.count
                    analyzer.analyze(utf8) { token in
                        tokens += 1
                        terms.insert(token.term)
                    }
                }
            }
        }
        let seconds = Output.now() - start
        Output.line(
            "Analyzed \(records.count.grouped) titles: \(tokens.grouped) tokens, \(terms.count.grouped) distinct terms, "
                + "\(String(format2: Double(bytes) / 1e6 / max(seconds, 1e-9))) MB/s of text")
    }
}

extension Int {
    /// The number with thousands separators: 34,532.
    var grouped: String {
        let digits = String(abs(self))
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return self < 0 ? "-" + out : out
    }
}

extension String {
    /// A number with two decimals.
    init(format2 value: Double) {
        let scaled = Int((value * 100).rounded())
        let fraction = abs(scaled % 100)
        self = "\(scaled < 0 && scaled > -100 ? "-" : "")\(scaled / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// A number with three decimals.
    init(format3 value: Double) { self.init(value, decimals: 3) }

    /// A number with four decimals.
    init(format4 value: Double) { self.init(value, decimals: 4) }

    /// A number with `decimals` decimals (1 to 9).
    init(_ value: Double, decimals: Int) {
        var unit = 1
        for _ in 0..<decimals { unit *= 10 }
        let scaled = Int((value * Double(unit)).rounded())
        let fraction = String(abs(scaled % unit))
        let padding = String(repeating: "0", count: decimals - fraction.count)
        self = "\(scaled < 0 && scaled > -unit ? "-" : "")\(scaled / unit).\(padding)\(fraction)"
    }
}

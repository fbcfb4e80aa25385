import ArgumentParser
import MicrogenreCore
import MicrogenreText

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how text is analyzed: terms, positions and byte offsets.",
        discussion: """
            Runs the same analyzer chain the index uses (ICU folding and word segmentation, \
            hyphenated compounds, stopwords, Snowball English stemming) and prints every token, \
            like Elasticsearch's _analyze.
            """
    )

    @Argument(help: "The text to analyze.")
    var text: String

    @Flag(help: "Fold and segment only: keep stopwords, do not stem.")
    var exact = false

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let analyzer = try Analyzer(options: exact ? .exact : .search)
        let tokens = analyzer.analyze(text)
        if json {
            var writer = JSONWriter()
            writer.beginObject()
            writer.beginArray("tokens")
            for token in tokens {
                writer.beginObject()
                writer.string(token.term, "token")
                writer.number(token.startOffset, "start_offset")
                writer.number(token.endOffset, "end_offset")
                writer.string(token.type.rawValue, "type")
                writer.number(token.position, "position")
                if token.positionLength > 1 { writer.number(token.positionLength, "positionLength") }
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            Output.line(bytes: writer.bytes)
            return
        }
        let bytes = Array(text.utf8)
        Output.line("pos  term                  bytes      source")
        for token in tokens {
            let source = String(decoding: bytes[token.startOffset..<token.endOffset], as: UTF8.self)
            let position =
                token.positionLength > 1 ? "\(token.position)+\(token.positionLength - 1)" : "\(token.position)"
            Output.line(
                position.padded(5) + token.term.padded(22) + "\(token.startOffset)-\(token.endOffset)".padded(11)
                    + source
                    + (token.type == .word ? "" : "  (\(token.type.rawValue))"))
        }
    }
}

extension String {
    /// The string padded with spaces to at least `width` characters.
    func padded(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}

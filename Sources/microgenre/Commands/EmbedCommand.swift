public import ArgumentParser
import MicrogenreCore
public import MicrogenreEmbedding
public import MicrogenreIndex

/// Where the sentence-embedding model comes from, shared by `embed`, `index` and `search`.
struct EmbeddingOptions: ParsableArguments {
    @Option(
        name: .customLong("embedding-model"),
        help: """
            The sentence-embedding model directory (default: $MICROGENRE_MODEL, else models/all-minilm-l6-v2 \
            in $MICROGENRE_HOME or .microgenre; scripts/setup-model.sh installs it).
            """)
    var path: String?

    @Flag(
        name: .customLong("no-embeddings"), help: "Do not use the sentence-embedding model even when it is installed.")
    var disabled = false

    @Option(
        name: .customLong("embedding-precision"),
        help: ArgumentHelp(
            "float32 or bfloat16 linear layers (bfloat16 only where the processor runs it natively).",
            discussion: "Default: bfloat16 for `index`, float32 for `embed` and the query of `search`."))
    var precision: EmbeddingPrecision?

    var directory: String { path ?? SentenceEmbedder.defaultDirectory }

    /// The model, or nil when it is turned off or (unless named or `required`) not installed; a
    /// named or required model that cannot be loaded is an error that exits with status 1.
    func load(
        required: Bool = false, maximumTokens: Int = 256, defaultPrecision: EmbeddingPrecision = .float32
    ) throws -> SentenceEmbedder? {
        if disabled { return nil }
        if path == nil && !required && !SentenceEmbedder.isModel(directory) { return nil }
        do {
            return try SentenceEmbedder(
                directory: directory, maximumTokens: maximumTokens, precision: precision ?? defaultPrecision)
        } catch {
            Output.failure(error)
            if path == nil { Output.error("note: scripts/setup-model.sh installs the model") }
            throw ExitCode(1)
        }
    }
}

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print the sentence embeddings of texts, for checking the model.",
        discussion: """
            Each text (the arguments, or else each line of standard input) is tokenized with \
            the model's WordPiece vocabulary, encoded and mean-pooled into a unit-length \
            vector. Without --json, prints each text's token count, norm and first values, then \
            the cosine similarity of every pair when there are two to five texts.
            """
    )

    @Argument(help: "Texts to embed (default: the lines of standard input).")
    var texts: [String] = []

    @OptionGroup var model: EmbeddingOptions

    @Option(help: "Token ids per text at most, [CLS] and [SEP] included.")
    var maxTokens = 256

    @Flag(help: "Print one JSON object per text: text, token ids, pieces and the whole vector.")
    var json = false

    func validate() throws {
        guard maxTokens >= 3 else { throw ValidationError("--max-tokens must be at least 3") }
    }

    func run() throws {
        guard let embedder = try model.load(required: true, maximumTokens: maxTokens) else {
            Output.error("error: --no-embeddings leaves nothing to embed with")
            throw ExitCode(1)
        }
        var inputs = texts
        if inputs.isEmpty {
            while let line = readLine() { inputs.append(line) }
        }
        let start = Output.now()
        let embeddings = embedder.embed(inputs)
        let seconds = Output.now() - start
        for (k, text) in inputs.enumerated() {
            let vector = embeddings[k]
            let ids = embedder.tokenIDs(text)
            if json {
                var writer = JSONWriter()
                writer.beginObject()
                writer.string(text, "text")
                writer.beginArray("ids")
                for id in ids { writer.number(Int(id)) }
                writer.endArray()
                writer.strings(ids.map { embedder.tokenizer.pieces[Int($0)] }, "pieces")
                writer.beginArray("vector")
                for value in vector { writer.number(Double(value), digits: 6) }
                writer.endArray()
                writer.endObject()
                Output.line(bytes: writer.bytes)
                continue
            }
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let first = vector.prefix(4).map { String(format4: Double($0)) }.joined(separator: " ")
            Output.line(
                "\(k + 1). \(ids.count) tokens, norm \(String(format4: Double(norm))), [\(first) ...]  \(text)")
        }
        if !json && (2...5).contains(inputs.count) {
            for a in 0..<inputs.count {
                for b in (a + 1)..<inputs.count {
                    let cosine = zip(embeddings[a], embeddings[b]).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                    Output.line("cosine \(a + 1)-\(b + 1): \(String(format4: Double(cosine)))")
                }
            }
        }
        Output.error(
            "\(inputs.count) texts, \(embeddings.tokens) tokens in \(String(format2: seconds * 1000)) ms "
                + "(\(embedder.identity), \(embedder.precision), \(embedder.threads) threads)")
    }
}

extension SearchMode: ExpressibleByArgument {}

extension EmbeddingPrecision: ExpressibleByArgument {}

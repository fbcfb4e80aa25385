import MicrogenreCore
import MicrogenreEmbedding
import MicrogenreFeeds
import MicrogenreIndex

#if canImport(Glibc)
    import Glibc
#endif

/// Sentence-embedding throughput on Corpus titles (the text `index` embeds, cut as `index` cuts
/// it), next to the numpy reference implementation (`scripts/minilm-reference.py bench`) on the
/// same texts in the same run, and the whole Corpus's embedding time projected from its token
/// count.
struct EmbedBenchmark {
    var feed: String
    var titles = 2000
    var referenceTitles = 200
    var maximumTokens = 128
    var model = SentenceEmbedder.defaultDirectory
    var precision = EmbeddingPrecision.bfloat16

    init(arguments: [String]) throws {
        feed = positional(arguments).first ?? "Corpus/films.xml.gz"
        titles = Int(option("--titles", in: arguments) ?? "") ?? titles
        referenceTitles = Int(option("--reference-titles", in: arguments) ?? "") ?? referenceTitles
        maximumTokens = Int(option("--max-tokens", in: arguments) ?? "") ?? maximumTokens
        model = option("--model", in: arguments) ?? model
        precision = option("--precision", in: arguments).flatMap(EmbeddingPrecision.init(rawValue:)) ?? precision
    }

    func run() throws {
        let embedder = try SentenceEmbedder(directory: model, maximumTokens: maximumTokens, precision: precision)
        let exact = try SentenceEmbedder(directory: model, maximumTokens: maximumTokens, precision: .float32)
        let reader = try FeedReader(path: feed)
        var catalog = CatalogBuilder()
        while let record = try reader.next() { _ = catalog.add(record) }
        let texts = catalog.records.map(EmbeddingText.text(for:))

        let tokenizeStart = now()
        let corpusTokens = texts.reduce(0) { $0 + embedder.tokenIDs($1).count }
        let tokenizeSeconds = now() - tokenizeStart

        // Titles spread over the Corpus (its decades differ in synopsis length).
        let stride = max(1, texts.count / max(1, titles))
        let sample = Swift.stride(from: 0, to: texts.count, by: stride).prefix(titles).map { texts[$0] }
        _ = embedder.embed(Array(sample.prefix(8)))  // warm up: page in the weights
        let start = now()
        let embedded = embedder.embed(sample)
        let seconds = now() - start
        let tokensPerSecond = Double(embedded.tokens) / seconds
        let flopsPerToken = encoderFlopsPerToken(embedder.configuration)

        print(
            "Embedding benchmark: all-MiniLM-L6-v2, texts cut at \(maximumTokens) tokens, \(embedder.threads) threads, "
                + "\(embedder.precision) linear layers")
        print("")
        print(
            "tokenizer         \(fixed(Double(corpusTokens) / tokenizeSeconds / 1e6, 2)) M tokens/s "
                + "(\(texts.count) Corpus texts, \(corpusTokens) tokens, \(fixed(Double(corpusTokens) / Double(texts.count), 1)) a title)"
        )
        print(
            "encoder           \(fixed(tokensPerSecond, 0)) tokens/s, \(fixed(Double(sample.count) / seconds, 1)) titles/s "
                + "(\(sample.count) titles, \(embedded.tokens) tokens in \(fixed(seconds, 2)) s; "
                + "\(fixed(tokensPerSecond * flopsPerToken / 1e9, 1)) GFLOP/s)")
        print(
            "whole Corpus      \(fixed(Double(corpusTokens) / tokensPerSecond / 60, 1)) min projected "
                + "(\(texts.count) titles at this rate; aim: under 5 min)")
        if embedder.precision != .float32 {
            let exactStart = now()
            let reference = exact.embed(sample)
            let exactSeconds = now() - exactStart
            var cosines: [Double] = []
            for k in 0..<sample.count {
                cosines.append(zip(embedded[k], reference[k]).reduce(0) { $0 + Double($1.0) * Double($1.1) })
            }
            print(
                "float32 layers    \(fixed(Double(reference.tokens) / exactSeconds, 0)) tokens/s on the same titles; "
                    + "\(embedder.precision) is \(fixed(exactSeconds / seconds, 2))x as fast")
            print(
                "agreement         cosine of \(embedder.precision) to float32 vectors: mean \(fixed(cosines.reduce(0, +) / Double(cosines.count), 5)), "
                    + "lowest \(fixed(cosines.min() ?? 0, 5))")
        }

        // The reference on the first `referenceTitles` of the same texts, and ours on them too.
        let subset = Array(sample.prefix(referenceTitles))
        let file = ".build/bench/embed-texts.jsonl"
        _ = try? FileSystem.createDirectory(".build/bench")
        var lines: [UInt8] = []
        for text in subset {
            var writer = JSONWriter()
            writer.beginObject()
            writer.string(text, "text")
            writer.endObject()
            lines += writer.bytes + [0x0A]
        }
        try FileSystem.write(lines, to: file)
        let oursStart = now()
        let ours = embedder.embed(subset)
        let oursSeconds = now() - oursStart
        let oursRate = Double(ours.tokens) / oursSeconds
        print("")
        print("same \(subset.count) texts   Microgenre \(fixed(oursRate, 0)) tokens/s")
        let command = [
            "python3", "scripts/minilm-reference.py", "bench", model, file, "--max-tokens", String(maximumTokens),
        ]
        guard let output = runCommand(command), let rate = jsonNumber(output, "tokens_per_s"),
            let tokens = jsonNumber(output, "tokens")
        else {
            print("                  numpy reference: did not run (\(command.joined(separator: " ")))")
            return
        }
        print(
            "                  numpy reference \(fixed(rate, 0)) tokens/s (\(Int(tokens)) tokens; its own batching, "
                + "numpy's OpenBLAS on every core)")
        print("                  ratio \(fixed(oursRate / rate, 1))x")
        if Int(tokens) != ours.tokens {
            print("                  warning: token counts differ (\(ours.tokens) here): the tokenizers disagree")
        }
    }

    /// Multiply-adds of the encoder's matrix products, two flops each: per layer the query, key,
    /// value and output projections (4 h^2) and the feed-forward block (2 h i).
    private func encoderFlopsPerToken(_ c: BertConfiguration) -> Double {
        let h = Double(c.hiddenSize)
        let i = Double(c.intermediateSize)
        return 2 * Double(c.layers) * (4 * h * h + 2 * h * i)
    }
}

/// Runs a command (found on PATH) and returns its standard output, or nil when it fails.
func runCommand(_ arguments: [String]) -> String? {
    guard let run = spawnCapturing(arguments, searchPath: true), run.status == 0 else { return nil }
    return run.output
}

/// The number after `"key":` in a flat JSON object, or nil.
func jsonNumber(_ json: String, _ key: String) -> Double? {
    guard let range = json.firstRange(of: "\"\(key)\":") else { return nil }
    let rest = json[range.upperBound...].drop { $0 == " " }
    return Double(rest.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "e" || $0 == "E" })
}

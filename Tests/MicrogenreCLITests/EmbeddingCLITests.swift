import Foundation
import MicrogenreTestSupport
import Testing

/// `embed`, and `index` and `search` with embeddings, run with the tiny test model (random
/// weights, a small vocabulary): what is checked is the plumbing, not the meaning.
@Suite struct EmbeddingCLITests {
    let cli = CLITests()
    let tiny = "Tests/MicrogenreEmbeddingTests/Fixtures/tiny-model"
    let feed = "Corpus/samples/mediaxml_epg.xml"

    func objects(_ run: CLITests.Run) throws -> [[String: Any]] {
        try run.lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    @Test func embedPrintsVectorsTokensAndCosines() throws {
        let json = try cli.run(["embed", "--embedding-model", tiny, "--json", "the cat sat", "Zoë's café"])
        #expect(json.status == 0)
        let texts = try objects(json)
        #expect(texts.count == 2)
        #expect((texts[0]["vector"] as? [Double])?.count == 32)
        #expect((texts[0]["pieces"] as? [String])?.first == "[CLS]")
        #expect((texts[0]["pieces"] as? [String])?.last == "[SEP]")
        let norm = ((texts[1]["vector"] as? [Double]) ?? []).reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(norm - 1) < 1e-4)

        let plain = try cli.run(["embed", "--embedding-model", tiny, "the cat sat", "a dog ran"])
        #expect(plain.status == 0)
        #expect(plain.lines.count == 3 && plain.lines[2].hasPrefix("cosine 1-2: "))
        #expect(plain.lines[0].contains("tokens, norm 1.0000"))
    }

    @Test func aMissingOrDamagedModelIsAClearError() throws {
        let missing = try cli.run(["embed", "hello"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("not a model directory") && missing.stderr.contains("setup-model.sh"))

        let damaged = Scratch.directory("model")
        for file in ["config.json", "vocab.txt"] {
            try FileManager.default.copyItem(atPath: cli.path(tiny + "/" + file), toPath: damaged + "/" + file)
        }
        var weights = try Data(contentsOf: URL(fileURLWithPath: cli.path(tiny + "/model.safetensors")))
        weights.removeLast(100)
        try weights.write(to: URL(fileURLWithPath: damaged + "/model.safetensors"))
        let truncated = try cli.run(["embed", "--embedding-model", damaged, "hello"])
        #expect(truncated.status == 1)
        #expect(truncated.stderr.contains("\(damaged)/model.safetensors: tensor"))
        #expect(truncated.stderr.contains("damaged or truncated"))
    }

    /// `model train` learns heads over the vectors the index keeps, and `tag` and `index`
    /// read them: evidence source `embedding`.
    @Test func modelTrainLearnsEmbeddingHeadsThatTagAndIndexUse() throws {
        let directory = Scratch.file("cli-heads")
        let model = Scratch.file("heads", suffix: ".mgtm")
        let index = ["--embedding-model", tiny, "--index", directory]
        #expect(try cli.run(["index", "--no-model", "--replace", feed] + index).status == 0)
        let trained = try cli.run(
            ["model", "train", feed, "--out", model, "--minimum-positives", "2"] + index)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("embedding heads: 4 classifiers"), "\(trained.stdout)")
        let tagged = try cli.run(["tag", "--json", "--model", model, "--index", directory, feed])
        let evidence = try objects(tagged).flatMap { ($0["tags"] as? [[String: Any]]) ?? [] }
            .flatMap { ($0["evidence"] as? [[String: Any]]) ?? [] }
        #expect(evidence.contains { $0["source"] as? String == "embedding" && $0["field"] as? String == "classifier" })
        // Without vectors (another index), a note and no evidence from meaning.
        let bare = try cli.run(["tag", "--json", "--model", model, "--index", directory + "-none", feed])
        #expect(bare.stderr.contains("10 of 10 titles have no vector in the index"))
        #expect(!bare.stdout.contains("\"embedding\""))
        // `index --merge` tags every title again with the heads.
        let merged = try cli.run(["index", "--merge", "--model", model] + index)
        #expect(merged.status == 0, "\(merged.stderr)")
    }

    @Test func indexEmbedsAndSearchRanksInEveryMode() throws {
        let directory = Scratch.file("cli-embedded")
        let indexed = try cli.run([
            "index", "--no-model", "--embedding-model", tiny, "--index", directory, "--replace", feed,
        ])
        #expect(indexed.status == 0)
        #expect(indexed.stderr.contains("Embedded 10 titles"))

        func search(_ extra: [String]) throws -> CLITests.Run {
            try cli.run(["search", "--index", directory, "--json", "--limit", "5", "news weather"] + extra)
        }
        let hybrid = try objects(try search(["--embedding-model", tiny]))
        #expect(hybrid.count == 5)
        #expect(hybrid.allSatisfy { $0["mode"] as? String == "hybrid" && $0["ranks"] is [String: Any] })
        let semantic = try objects(try search(["--embedding-model", tiny, "--mode", "semantic"]))
        let similarities = semantic.compactMap { $0["semantic"] as? Double }
        #expect(similarities.count == 5 && similarities == similarities.sorted(by: >))
        let lexical = try objects(try search(["--embedding-model", tiny, "--mode", "lexical"]))
        #expect(lexical.allSatisfy { $0["mode"] == nil && $0["semantic"] == nil })
        #expect(
            try objects(try search(["--no-embeddings"])).map { $0["id"] as? String }
                == lexical.map { $0["id"] as? String })

        // Without the model, the default is lexical; asking for semantic search then fails clearly.
        let withoutModel = try search([])
        #expect(try objects(withoutModel).allSatisfy { $0["mode"] == nil })
        #expect(withoutModel.stderr.contains("the index holds embeddings but no model is installed"))
        let unavailable = try search(["--mode", "semantic"])
        #expect(unavailable.status == 1 && unavailable.stderr.contains("not a model directory"))

        let explained = try cli.run([
            "search", "--index", directory, "--explain", "--embedding-model", tiny, "news weather",
        ])
        #expect(explained.stdout.contains("mode   hybrid: 1/(60 + lexical rank) + 0.50/(60 + semantic rank)"))
        #expect(explained.stdout.contains("semantic: similarity "))
    }

    @Test func anIndexOfAnotherModelIsSearchedLexicallyWithAWarning() throws {
        let directory = Scratch.file("cli-other-model")
        let other = Scratch.directory("other-model")
        for file in ["config.json", "vocab.txt", "model.safetensors"] {
            try FileManager.default.copyItem(atPath: cli.path(tiny + "/" + file), toPath: other + "/" + file)
        }
        // Another vocabulary is another model.
        let vocabulary = other + "/vocab.txt"
        var pieces = try String(contentsOfFile: vocabulary, encoding: .utf8).split(separator: "\n").map(String.init)
        pieces.swapAt(pieces.count - 1, pieces.count - 2)
        try (pieces.joined(separator: "\n") + "\n").write(toFile: vocabulary, atomically: true, encoding: .utf8)
        #expect(
            try cli.run(["index", "--no-model", "--embedding-model", other, "--index", directory, feed]).status == 0)
        let result = try cli.run([
            "search", "--index", directory, "--json", "--embedding-model", tiny, "news",
        ])
        #expect(result.status == 0)
        #expect(result.stderr.contains("embedded by another model"))
        #expect(result.lines.allSatisfy { !$0.contains("\"mode\"") })
        // The next index run embeds every title again with the model it is given.
        let again = try cli.run(["index", "--no-model", "--embedding-model", tiny, "--index", directory, "--merge"])
        #expect(again.status == 0 && again.stderr.contains("Embedded 10 titles"))
    }
}

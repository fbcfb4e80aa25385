import Foundation
import MicrogenreEmbedding
import MicrogenreTestSupport
import Testing

/// Reference token ids and vectors, made once by `scripts/minilm-reference.py` (the Hugging Face
/// `tokenizers` package and a numpy transcription of the model).
struct Reference: Decodable {
    struct Sentence: Decodable {
        var text: String
        var ids: [Int32]
        var vector: [Float]
    }

    var sentences: [Sentence]
    var quickstart: [[Double]]?

    static func load(_ path: String) throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Expects `embedder`'s ids to equal the reference's and its vectors to lie within
    /// `tolerance` of them, component by component.
    func expectMatches(_ embedder: SentenceEmbedder, tolerance: Float) {
        let embeddings = embedder.embed(sentences.map(\.text))
        for (k, sentence) in sentences.enumerated() {
            #expect(embedder.tokenIDs(sentence.text) == sentence.ids, "\(sentence.text)")
            let difference = largestDifference(embeddings[k], sentence.vector)
            #expect(difference < tolerance, "\(sentence.text): largest difference \(difference)")
            #expect(cosine(embeddings[k], sentence.vector) > 0.9999, "\(sentence.text)")
        }
    }
}

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The real model, where `scripts/setup-model.sh` installs it (or `$MICROGENRE_MODEL`).
let realModelDirectory: String = {
    if let path = ProcessInfo.processInfo.environment["MICROGENRE_MODEL"] { return path }
    return packageRoot + "/.microgenre/models/all-minilm-l6-v2"
}()
let realModelInstalled = SentenceEmbedder.isModel(realModelDirectory)

func cosine(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Double {
    zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

func largestDifference(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Float {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

@Suite struct TinyModelParityTests {
    let embedder: SentenceEmbedder
    let reference: Reference

    init() throws {
        embedder = try SentenceEmbedder(directory: fixtures + "/tiny-model", maximumTokens: 40)
        reference = try Reference.load(fixtures + "/tiny-model/reference.json")
    }

    @Test func idsAndVectorsMatchTheReference() {
        #expect(reference.sentences.count >= 8)
        reference.expectMatches(embedder, tolerance: 2e-5)
    }

    @Test func batchesAndThreadsDoNotChangeVectors() throws {
        let texts = reference.sentences.map(\.text)
        let together = embedder.embed(texts)
        let oneThread = try SentenceEmbedder(directory: fixtures + "/tiny-model", maximumTokens: 40, threads: 1)
        for (k, text) in texts.enumerated() {
            #expect(largestDifference(together[k], embedder.embed(text)) < 1e-6)
            #expect(largestDifference(together[k], oneThread.embed([text])[0]) < 1e-6)
        }
        #expect(together.tokens == texts.reduce(0) { $0 + embedder.tokenIDs($1).count })
    }
}

@Suite(.enabled(if: realModelInstalled, "the model is not installed: run scripts/setup-model.sh"))
struct RealModelParityTests {
    let embedder: SentenceEmbedder
    let reference: Reference

    init() throws {
        embedder = try SentenceEmbedder(directory: realModelDirectory)
        reference = try Reference.load(fixtures + "/minilm-reference.json")
    }

    /// sentence-transformers' quick-start example: 0.6660, 0.1046 and 0.1411.
    @Test func quickStartCosines() {
        let texts = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
        let embeddings = embedder.embed(texts)
        #expect(abs(cosine(embeddings[0], embeddings[1]) - 0.6660) < 0.001)
        #expect(abs(cosine(embeddings[0], embeddings[2]) - 0.1046) < 0.001)
        #expect(abs(cosine(embeddings[1], embeddings[2]) - 0.1411) < 0.001)
    }

    /// bfloat16 linear layers (where the processor runs them) give nearly the same vectors.
    @Test(.enabled(if: EmbeddingPrecision.nativeBFloat16, "this processor has no native bfloat16"))
    func bfloat16LayersAgreeWithFloat32() throws {
        let fast = try SentenceEmbedder(directory: realModelDirectory, precision: .bfloat16)
        #expect(fast.precision == .bfloat16 && embedder.precision == .float32)
        let texts = reference.sentences.map(\.text)
        let approximate = fast.embed(texts)
        let exact = embedder.embed(texts)
        for k in texts.indices {
            #expect(cosine(approximate[k], exact[k]) > 0.999, "\(texts[k])")
        }
    }

    @Test func idsAndVectorsMatchTheReference() {
        #expect(reference.sentences.count >= 20)
        #expect(reference.sentences.contains { $0.ids.count == 256 }, "a text cut at 256 tokens")
        reference.expectMatches(embedder, tolerance: 1e-4)
    }
}

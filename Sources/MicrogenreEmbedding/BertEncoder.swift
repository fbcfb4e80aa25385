internal import CDNNL

/// A BERT encoder (Devlin et al., 2019) with mean pooling and L2 normalization: the sentence
/// embedding of sentence-transformers' `all-MiniLM-L6-v2` and its kin.
///
/// Sequences of a batch are packed one after another, with no padding: every `Linear` runs as
/// one matrix product over all the batch's tokens, and attention runs per sequence over its own
/// tokens only, which is what the padding mask computes, without the padded work.
final class BertEncoder: @unchecked Sendable {
    let configuration: BertConfiguration

    /// One layer's weights: pointers into the mapped file, or bfloat16 copies (`Linear` weights
    /// are `[out x in]`).
    private struct Layer {
        var query, key, value: LinearWeight  // [H x H] each
        var queryBias, keyBias, valueBias: UnsafePointer<Float>
        var attentionOutput: LinearWeight  // [H x H]
        var attentionOutputBias: UnsafePointer<Float>
        var attentionNormGamma: UnsafePointer<Float>
        var attentionNormBeta: UnsafePointer<Float>
        var intermediate: LinearWeight  // [I x H]
        var intermediateBias: UnsafePointer<Float>
        var output: LinearWeight  // [H x I]
        var outputBias: UnsafePointer<Float>
        var outputNormGamma: UnsafePointer<Float>
        var outputNormBeta: UnsafePointer<Float>
    }

    /// The weights' file, kept open (mapped) for as long as the encoder reads it.
    private let file: SafeTensors
    /// Whether the linear layers multiply in bfloat16.
    let bfloat16: Bool
    /// The oneDNN engine every thread's layers share.
    let engine: OpaquePointer
    /// The bfloat16 copies of the linear weights, freed with the encoder.
    private let copies: [UnsafeMutableBufferPointer<UInt16>]
    private let wordEmbeddings: UnsafePointer<Float>
    private let positionEmbeddings: UnsafePointer<Float>
    private let typeEmbedding: UnsafePointer<Float>
    private let embeddingNormGamma: UnsafePointer<Float>
    private let embeddingNormBeta: UnsafePointer<Float>
    private let layers: [Layer]

    /// Reads the weights named as Hugging Face's `BertModel` names them (an optional `bert.`
    /// prefix allowed) and checks every shape against `configuration`.
    init(weights file: SafeTensors, configuration: BertConfiguration, precision: EmbeddingPrecision) throws {
        self.configuration = configuration
        self.file = file
        let bfloat16 = precision == .bfloat16 && EmbeddingPrecision.nativeBFloat16
        self.bfloat16 = bfloat16
        engine = try LinearLayers.makeEngine()
        var copies: [UnsafeMutableBufferPointer<UInt16>] = []
        let h = configuration.hiddenSize
        let i = configuration.intermediateSize
        let prefix = file.names.contains("bert.embeddings.word_embeddings.weight") ? "bert." : ""
        func tensor(_ name: String, _ shape: [Int]) throws -> UnsafePointer<Float> {
            try file.floats(prefix + name, shape: shape).baseAddress!
        }
        func weight(_ name: String, _ shape: [Int]) throws -> LinearWeight {
            let floats = try file.floats(prefix + name, shape: shape)
            guard bfloat16 else { return LinearWeight(pointer: UnsafeRawPointer(floats.baseAddress!)) }
            let copy = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: floats.count)
            LinearLayers.toBFloat16(floats.baseAddress!, count: floats.count, into: copy.baseAddress!)
            copies.append(copy)
            return LinearWeight(pointer: UnsafeRawPointer(copy.baseAddress!))
        }
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [configuration.vocabularySize, h])
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [configuration.maximumPositions, h])
        typeEmbedding = try tensor("embeddings.token_type_embeddings.weight", [configuration.typeVocabularySize, h])
        embeddingNormGamma = try tensor("embeddings.LayerNorm.weight", [h])
        embeddingNormBeta = try tensor("embeddings.LayerNorm.bias", [h])
        layers = try (0..<configuration.layers).map { n in
            let p = "encoder.layer.\(n)."
            return Layer(
                query: try weight(p + "attention.self.query.weight", [h, h]),
                key: try weight(p + "attention.self.key.weight", [h, h]),
                value: try weight(p + "attention.self.value.weight", [h, h]),
                queryBias: try tensor(p + "attention.self.query.bias", [h]),
                keyBias: try tensor(p + "attention.self.key.bias", [h]),
                valueBias: try tensor(p + "attention.self.value.bias", [h]),
                attentionOutput: try weight(p + "attention.output.dense.weight", [h, h]),
                attentionOutputBias: try tensor(p + "attention.output.dense.bias", [h]),
                attentionNormGamma: try tensor(p + "attention.output.LayerNorm.weight", [h]),
                attentionNormBeta: try tensor(p + "attention.output.LayerNorm.bias", [h]),
                intermediate: try weight(p + "intermediate.dense.weight", [i, h]),
                intermediateBias: try tensor(p + "intermediate.dense.bias", [i]),
                output: try weight(p + "output.dense.weight", [h, i]),
                outputBias: try tensor(p + "output.dense.bias", [h]),
                outputNormGamma: try tensor(p + "output.LayerNorm.weight", [h]),
                outputNormBeta: try tensor(p + "output.LayerNorm.bias", [h]))
        }
        self.copies = copies
        // Every layer shape must make a oneDNN primitive here: fail on loading, not mid-batch.
        let probe = try LinearLayers(engine: engine, bfloat16: bfloat16)
        for (n, k) in [(h, h), (i, h), (h, i)] { try probe.primitive(outputs: n, inputs: k) }
    }

    deinit {
        for copy in copies { copy.deallocate() }
        dnnl_engine_destroy(engine)
    }

    /// Buffers for one batch, reused across batches by one thread.
    /// Sendable only to be lent: one thread at a time holds it (see `SentenceEmbedder`).
    final class Workspace: @unchecked Sendable {
        /// The oneDNN stream and primitives (made on first use).
        var layers: LinearLayers?
        let hidden = Buffer()
        let qkv = Buffer()
        let context = Buffer()
        let scratch = Buffer()
        let intermediate = Buffer()
        let scores = Buffer()
        /// The pooled vectors of a batch, before they go to their texts' rows (the caller's).
        let pooled = Buffer()

        init() {}

        /// Called by the thread about to use the workspace: oneDNN's thread count is a per-thread
        /// setting.
        func enterThread() { omp_set_num_threads(1) }

        func reserve(tokens: Int, longest: Int, configuration c: BertConfiguration) {
            hidden.reserve(tokens * c.hiddenSize)
            qkv.reserve(tokens * 3 * c.hiddenSize)
            context.reserve(tokens * c.hiddenSize)
            scratch.reserve(tokens * c.hiddenSize)
            intermediate.reserve(tokens * c.intermediateSize)
            scores.reserve(longest * longest)
        }
    }

    /// Floats the workspace owns, grown as batches need, freed with it.
    final class Buffer {
        private(set) var pointer = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private var capacity = 1

        /// Makes room for `count` floats (the contents are not kept).
        func reserve(_ count: Int) {
            guard count > capacity else { return }
            pointer.deallocate()
            pointer = .allocate(capacity: count)
            capacity = count
        }

        deinit { pointer.deallocate() }
    }

    /// Encodes `sequences` (token ids, each at most the configuration's positions long) and
    /// writes each one's normalized mean-pooled embedding to `output` (one `hiddenSize` row per
    /// sequence, in order).
    func encode(_ sequences: [ArraySlice<Int32>], workspace w: Workspace, into output: UnsafeMutablePointer<Float>) {
        let c = configuration
        let h = c.hiddenSize
        let tokens = sequences.reduce(0) { $0 + $1.count }
        let longest = sequences.map(\.count).max() ?? 0
        guard tokens > 0 else { return }
        w.reserve(tokens: tokens, longest: longest, configuration: c)
        if w.layers == nil { w.layers = try! LinearLayers(engine: engine, bfloat16: bfloat16) }
        let linear = w.layers!
        let headSize = h / c.heads
        let scale = 1 / Float(headSize).squareRoot()
        let (x, qkv, context, scratch, intermediate, scores) = (
            w.hidden.pointer, w.qkv.pointer, w.context.pointer, w.scratch.pointer, w.intermediate.pointer,
            w.scores.pointer
        )
        // Embeddings: word + position + token type 0, then layer normalization.
        var row = 0
        for sequence in sequences {
            for (position, id) in sequence.enumerated() {
                let target = x + row * h
                let word = Int(id) < c.vocabularySize && id >= 0 ? Int(id) : 0
                target.update(from: wordEmbeddings + word * h, count: h)
                Kernels.add(positionEmbeddings + position * h, to: target, count: h)
                Kernels.add(typeEmbedding, to: target, count: h)
                row += 1
            }
        }
        Kernels.layerNorm(
            x, rows: tokens, width: h, gamma: embeddingNormGamma, beta: embeddingNormBeta, epsilon: c.layerNormEpsilon)
        for layer in layers {
            // Query, key and value side by side in each row of `qkv`.
            for (k, (weight, bias)) in [
                (layer.query, layer.queryBias), (layer.key, layer.keyBias), (layer.value, layer.valueBias),
            ].enumerated() {
                linear.linear(
                    x, rows: tokens, inputs: h, weight: weight, bias: bias, outputs: h, into: qkv + k * h, ldy: 3 * h)
            }
            var start = 0
            for sequence in sequences {
                let n = sequence.count
                let q = qkv + start * 3 * h
                for head in 0..<c.heads {
                    let offset = head * headSize
                    Kernels.multiplyTransposed(
                        q + offset, 3 * h, q + h + offset, 3 * h, m: n, n: n, k: headSize, alpha: scale, into: scores,
                        n)
                    Kernels.softmax(scores, rows: n, width: n, stride: n)
                    Kernels.multiply(
                        scores, n, q + 2 * h + offset, 3 * h, m: n, n: headSize, k: n,
                        into: context + start * h + offset,
                        h)
                }
                start += n
            }
            linear.linear(
                context, rows: tokens, inputs: h, weight: layer.attentionOutput, bias: layer.attentionOutputBias,
                outputs: h, into: scratch)
            Kernels.add(scratch, to: x, count: tokens * h)
            Kernels.layerNorm(
                x, rows: tokens, width: h, gamma: layer.attentionNormGamma, beta: layer.attentionNormBeta,
                epsilon: c.layerNormEpsilon)
            linear.linear(
                x, rows: tokens, inputs: h, weight: layer.intermediate, bias: layer.intermediateBias,
                outputs: c.intermediateSize, into: intermediate)
            Kernels.gelu(intermediate, count: tokens * c.intermediateSize)
            linear.linear(
                intermediate, rows: tokens, inputs: c.intermediateSize, weight: layer.output, bias: layer.outputBias,
                outputs: h, into: scratch)
            Kernels.add(scratch, to: x, count: tokens * h)
            Kernels.layerNorm(
                x, rows: tokens, width: h, gamma: layer.outputNormGamma, beta: layer.outputNormBeta,
                epsilon: c.layerNormEpsilon)
        }
        // Mean pooling over each sequence's tokens, then L2 normalization.
        var start = 0
        for (k, sequence) in sequences.enumerated() {
            let target = output + k * h
            target.update(repeating: 0, count: h)
            for row in start..<(start + sequence.count) { Kernels.add(x + row * h, to: target, count: h) }
            var norm: Float = 0
            let count = Float(sequence.count)
            for d in 0..<h {
                target[d] /= count
                norm += target[d] * target[d]
            }
            let inverse = norm > 0 ? 1 / max(norm.squareRoot(), 1e-12) : 0
            for d in 0..<h { target[d] *= inverse }
            start += sequence.count
        }
    }
}

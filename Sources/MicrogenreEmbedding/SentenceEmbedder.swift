internal import COpenBLAS
import Dispatch
import MicrogenreCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A sentence-embedding model run natively: a WordPiece tokenizer and a BERT encoder read from a
/// model directory (`config.json`, `vocab.txt`, `model.safetensors`, as Hugging Face and
/// sentence-transformers ship them), giving each text a unit-length vector whose dot product
/// with another is their cosine similarity.
///
/// Texts are tokenized, sorted by length and packed into batches of about ``batchTokens``
/// tokens; the batches are shared out among ``threads`` threads, each running single-threaded
/// oneDNN (linear layers) and OpenBLAS (attention) products, so every core works and none waits
/// on another's small products.
public final class SentenceEmbedder: Sendable {
    /// The tokenizer.
    public let tokenizer: WordPieceTokenizer
    /// The encoder's sizes.
    public let configuration: BertConfiguration
    /// Vector length.
    public var dimension: Int { configuration.hiddenSize }
    /// Token ids per text at most, `[CLS]` and `[SEP]` included.
    public let maximumTokens: Int
    /// What makes the vectors: the model directory's name and a hash of its weights and
    /// vocabulary. Vectors from embedders of different identities do not compare.
    public let identity: String
    /// Worker threads (default: the online processors).
    public let threads: Int
    /// How the linear layers multiply: bfloat16 only when asked for and native to the processor.
    public let precision: EmbeddingPrecision
    /// Tokens per batch, about.
    public let batchTokens = 2048

    private let encoder: BertEncoder
    /// Workspaces (buffers, oneDNN streams and primitives) of earlier calls, lent to one worker at
    /// a time: a query's embedding then makes no primitive and allocates no buffer.
    private let workspaces = Mutex<[BertEncoder.Workspace]>([])

    /// The directory a model is looked for in when none is named: `$MICROGENRE_MODEL`, else
    /// `models/all-minilm-l6-v2` in the data directory (`$MICROGENRE_HOME`, else `.microgenre`).
    public static var defaultDirectory: String {
        if let path = getenv("MICROGENRE_MODEL"), path.pointee != 0 { return String(cString: path) }
        let home = getenv("MICROGENRE_HOME").map { String(cString: $0) } ?? ".microgenre"
        return home + "/models/all-minilm-l6-v2"
    }

    /// Whether `directory` holds the three files of a model.
    public static func isModel(_ directory: String) -> Bool {
        ["config.json", "vocab.txt", "model.safetensors"].allSatisfy { FileSystem.exists(directory + "/" + $0) }
    }

    /// Loads the model in `directory`; texts are cut to `maximumTokens` ids (at most the model's
    /// positions).
    public init(
        directory: String, maximumTokens: Int = 256, threads: Int? = nil, precision: EmbeddingPrecision = .float32
    ) throws {
        guard Self.isModel(directory) else {
            throw EmbeddingError(
                path: directory, "not a model directory: it needs config.json, vocab.txt and model.safetensors")
        }
        configuration = try BertConfiguration.load(directory + "/config.json")
        tokenizer = try WordPieceTokenizer(vocabularyFile: directory + "/vocab.txt")
        guard tokenizer.pieces.count == configuration.vocabularySize else {
            throw EmbeddingError(
                path: directory + "/vocab.txt",
                "\(tokenizer.pieces.count) pieces, config.json says vocab_size \(configuration.vocabularySize)")
        }
        let weights = try SafeTensors(path: directory + "/model.safetensors")
        encoder = try BertEncoder(weights: weights, configuration: configuration, precision: precision)
        self.precision = encoder.bfloat16 ? .bfloat16 : .float32
        self.maximumTokens = max(3, min(maximumTokens, configuration.maximumPositions))
        self.threads = max(1, threads ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let name = directory.split(separator: "/").last.map(String.init) ?? "model"
        var hash = FNV1a()
        withUnsafeBytes(of: weights.fingerprint.littleEndian) { hash.add($0) }
        for piece in tokenizer.pieces {
            hash.add(piece.utf8)
            hash.add(0x0A)
        }
        identity = "\(name) \(String(hash.value, radix: 16))"
        // The embedder runs its own threads; OpenBLAS's would only compete with them.
        openblas_set_num_threads(1)
    }

    /// The token ids of `text` as the encoder sees them.
    public func tokenIDs(_ text: String) -> [Int32] { tokenizer.encode(text, maximumTokens: maximumTokens) }

    /// The embedding of one text.
    public func embed(_ text: String) -> [Float] {
        embed([text]).vectors
    }

    /// The embeddings of `texts`, row after row (`dimension` floats each), and the tokens they
    /// held. `progress` is called now and then with (texts done, texts), from any thread.
    public func embed(_ texts: [String], progress: (@Sendable (Int, Int) -> Void)? = nil) -> Embeddings {
        embed(tokenized: texts.map(tokenIDs), progress: progress)
    }

    /// The embeddings of texts already made into token ids.
    public func embed(tokenized: [[Int32]], progress: (@Sendable (Int, Int) -> Void)? = nil) -> Embeddings {
        let count = tokenized.count
        let h = dimension
        var result = Embeddings(dimension: h, vectors: [Float](repeating: 0, count: count * h), tokens: 0)
        result.tokens = tokenized.reduce(0) { $0 + $1.count }
        guard count > 0 else { return result }
        // Longest first, so the last batches to finish are the cheap ones.
        let order = (0..<count).sorted { tokenized[$0].count > tokenized[$1].count }
        var batches: [[Int]] = []
        var current: [Int] = []
        var currentTokens = 0
        for index in order {
            let length = tokenized[index].count
            if !current.isEmpty && currentTokens + length > batchTokens {
                batches.append(current)
                current = []
                currentTokens = 0
            }
            current.append(index)
            currentTokens += length
        }
        if !current.isEmpty { batches.append(current) }
        let batchList = batches
        let state = Mutex((next: 0, done: 0))
        let workers = min(threads, batchList.count)
        result.vectors.withUnsafeMutableBufferPointer { buffer in
            let output = SendablePointer(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                let workspace = workspaces.withLock { $0.popLast() } ?? BertEncoder.Workspace()
                defer { workspaces.withLock { $0.append(workspace) } }
                workspace.enterThread()
                while true {
                    let claimed = state.withLock { state -> Int in
                        defer { state.next += 1 }
                        return state.next
                    }
                    guard claimed < batchList.count else { break }
                    let batch = batchList[claimed]
                    let sequences = batch.map { tokenized[$0].prefix(maximumTokens) }
                    workspace.pooled.reserve(batch.count * h)
                    encoder.encode(sequences, workspace: workspace, into: workspace.pooled.pointer)
                    for (k, index) in batch.enumerated() {
                        (output.pointer + index * h).update(from: workspace.pooled.pointer + k * h, count: h)
                    }
                    let done = state.withLock { state -> Int in
                        state.done += batch.count
                        return state.done
                    }
                    progress?(done, count)
                }
            }
        }
        return result
    }
}

/// Vectors of several texts, one after another.
public struct Embeddings: Sendable {
    /// Floats per vector.
    public var dimension: Int
    /// `count x dimension` floats.
    public var vectors: [Float]
    /// Token ids the texts held, `[CLS]` and `[SEP]` included.
    public var tokens: Int

    /// Texts embedded.
    public var count: Int { dimension > 0 ? vectors.count / dimension : 0 }

    /// The vector of text `k`.
    public subscript(_ k: Int) -> ArraySlice<Float> { vectors[(k * dimension)..<((k + 1) * dimension)] }
}

/// A pointer the worker threads write disjoint rows through.
private struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}

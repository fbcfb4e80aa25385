public import MicrogenreCore
public import MicrogenreTaxonomy
public import MicrogenreText

/// Per-tag logistic regression over the analyzed terms of a title's synopses and title: the
/// part of the tagger that generalizes past explicit cues. Built by ``TagModelTrainer`` and
/// stored in a file, never learned at start-up.
///
/// `p(tag | title) = sigmoid(bias + sum of the weights of the title's distinct terms)`.
public struct TagModel: Sendable {
    /// One tag's classifier.
    public struct Classifier: Sendable, Hashable {
        /// The tag.
        public var tag: TagID
        /// The intercept.
        public var bias: Float
        /// Feature index and weight, the strongest kept.
        public var weights: [(feature: Int32, weight: Float)]
        /// Whether the classifier's probability replaces the rules' score (a model trained on
        /// labels, which weighed the rules' verdicts as features) rather than adding to it (a
        /// distant-supervision model, which never saw its own tag's cues).
        public var replacesRules: Bool = false

        /// Creates a classifier.
        public init(tag: TagID, bias: Float, weights: [(feature: Int32, weight: Float)], replacesRules: Bool = false) {
            self.tag = tag
            self.bias = bias
            self.weights = weights
            self.replacesRules = replacesRules
        }

        public static func == (lhs: Classifier, rhs: Classifier) -> Bool {
            lhs.tag == rhs.tag && lhs.bias == rhs.bias && lhs.replacesRules == rhs.replacesRules
                && lhs.weights.elementsEqual(rhs.weights, by: { $0 == $1 })
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(tag)
            hasher.combine(bias)
        }
    }

    /// The feature terms (analyzed stems), by index.
    public let terms: [String]
    /// The version of the analyzer that made the terms (``Analyzer/version``). A model trained
    /// under another version misses the features whose terms changed: train it again.
    public let analyzerVersion: UInt32
    /// The classifiers.
    public let classifiers: [Classifier]
    /// The heads over title embeddings, when the model was trained with them.
    public let embedding: EmbeddingHeads?
    /// Term lookup without allocation.
    public let termTable: ByteStringTable
    /// For each feature, the classifiers that weigh it, in classifier order, as one flat list:
    /// feature `f`'s are `postings[postingStarts[f] ..< postingStarts[f + 1]]`. (An array per
    /// feature cost a retain and release per feature of every title predicted.)
    private let postingStarts: [Int32]
    private let postings: [Posting]

    private struct Posting {
        let classifier: Int32
        let weight: Float
    }

    /// Creates a model whose terms `analyzerVersion` made.
    public init(
        terms: [String], classifiers: [Classifier], embedding: EmbeddingHeads? = nil,
        analyzerVersion: UInt32 = Analyzer.version
    ) {
        self.terms = terms
        self.analyzerVersion = analyzerVersion
        self.classifiers = classifiers
        self.embedding = embedding
        termTable = ByteStringTable(terms)
        var starts = [Int32](repeating: 0, count: terms.count + 1)
        for classifier in classifiers {
            for (feature, _) in classifier.weights { starts[Int(feature) + 1] += 1 }
        }
        for f in 0..<terms.count { starts[f + 1] += starts[f] }
        var next = starts
        var postings = [Posting](repeating: Posting(classifier: 0, weight: 0), count: Int(starts[terms.count]))
        for (k, classifier) in classifiers.enumerated() {
            for (feature, weight) in classifier.weights {
                postings[Int(next[Int(feature)])] = Posting(classifier: Int32(k), weight: weight)
                next[Int(feature)] += 1
            }
        }
        postingStarts = starts
        self.postings = postings
    }

    /// Calls `body` with the postings of each of `features`, in order.
    @inline(__always)
    private func forEachPosting(of features: [Int32], _ body: (Int32, Int32, Float) -> Void) {
        postingStarts.withUnsafeBufferPointer { starts in
            postings.withUnsafeBufferPointer { postings in
                for feature in features {
                    var k = Int(starts[Int(feature)])
                    let end = Int(starts[Int(feature) + 1])
                    while k < end {
                        body(feature, postings[k].classifier, postings[k].weight)
                        k += 1
                    }
                }
            }
        }
    }

    /// The probability of each classifier's tag for a title with these distinct features, for
    /// every classifier at or above `minimum` or whose probability replaces the rules' score,
    /// with the three features that pushed it up most.
    public func predict(features: [Int32], minimum: Double = 0.05) -> [(
        classifier: Int, probability: Double, strongest: [Int32]
    )] {
        var sums = classifiers.map { Double($0.bias) }
        sums.withUnsafeMutableBufferPointer { sum in
            forEachPosting(of: features) { _, classifier, weight in sum[Int(classifier)] += Double(weight) }
        }
        // The classifiers kept, then one pass over the postings for their strongest features.
        var slot = [Int](repeating: -1, count: classifiers.count)
        var kept: [(classifier: Int, probability: Double)] = []
        for (k, sum) in sums.enumerated() {
            let probability = 1 / (1 + exp(-sum))
            guard probability >= minimum || classifiers[k].replacesRules else { continue }
            slot[k] = kept.count
            kept.append((k, probability))
        }
        var top = [[(feature: Int32, weight: Float)]](repeating: [], count: kept.count)
        // Ties go to the lower feature index, so the order features come in does not matter.
        let stronger = { (a: (feature: Int32, weight: Float), b: (feature: Int32, weight: Float)) in
            a.weight != b.weight ? a.weight > b.weight : a.feature < b.feature
        }
        forEachPosting(of: features) { feature, classifier, weight in
            guard weight > 0 && slot[Int(classifier)] >= 0 else { return }
            let s = slot[Int(classifier)]
            if top[s].count < 3 {
                top[s].append((feature, weight))
                top[s].sort(by: stronger)
            } else if stronger((feature, weight), top[s][2]) {
                top[s][2] = (feature, weight)
                top[s].sort(by: stronger)
            }
        }
        return kept.enumerated().map { s, item in (item.classifier, item.probability, top[s].map(\.feature)) }
    }
}

// MARK: - File format

/// The model file: magic `MGTM`, format version, the terms, the classifiers, and an FNV-1a
/// checksum of everything before it. All integers little-endian.
///
///     "MGTM" u32 version=3
///     u32 analyzerVersion (version 2 on; version 1 files: analyzer version 1)
///     u32 termCount, termCount x (u16 length, UTF-8 bytes)
///     u32 classifierCount, classifierCount x (u16 idLength, id, u8 replacesRules, f32 bias,
///         u32 n, n x (u32 feature, f32 weight))
///     version 3 on: u8 hasEmbedding; when 1: (u16 length, identity), u32 dimension,
///         u32 headCount, headCount x (u16 idLength, id, u8 kind, f32 bias, f32 prior,
///         f32 labelFrequency, dimension x f32 weight)
///     u64 checksum
extension TagModel {
    /// The file format version this build reads and writes.
    public static let formatVersion: UInt32 = 3

    /// A model file that cannot be used: missing, foreign, of another version, or damaged.
    public struct FileError: Error, Sendable, CustomStringConvertible {
        /// The file.
        public var path: String
        /// What is wrong.
        public var message: String

        public var description: String { "\(path): error: \(message)" }
    }

    /// Writes the model to `path` atomically.
    public func write(to path: String) throws {
        var out: [UInt8] = Array("MGTM".utf8)
        out.appendLE(Self.formatVersion)
        out.appendLE(analyzerVersion)
        out.appendLE(UInt32(terms.count))
        for term in terms { out.appendString(term) }
        out.appendLE(UInt32(classifiers.count))
        for classifier in classifiers {
            out.appendString(classifier.tag.rawValue)
            out.append(classifier.replacesRules ? 1 : 0)
            out.appendLE(classifier.bias.bitPattern)
            out.appendLE(UInt32(classifier.weights.count))
            for (feature, weight) in classifier.weights {
                out.appendLE(UInt32(feature))
                out.appendLE(weight.bitPattern)
            }
        }
        if let embedding {
            out.append(1)
            out.appendString(embedding.identity)
            out.appendLE(UInt32(embedding.dimension))
            out.appendLE(UInt32(embedding.heads.count))
            for (h, head) in embedding.heads.enumerated() {
                out.appendString(head.tag.rawValue)
                out.append(head.kind.rawValue)
                out.appendLE(head.bias.bitPattern)
                out.appendLE(head.prior.bitPattern)
                out.appendLE(head.labelFrequency.bitPattern)
                for weight in embedding.weights[(h * embedding.dimension)..<((h + 1) * embedding.dimension)] {
                    out.appendLE(weight.bitPattern)
                }
            }
        } else {
            out.append(0)
        }
        out.appendLE(checksum(out[...]))
        try FileSystem.write(out, to: path)
    }

    /// Reads a model file, checking its magic number, version and checksum.
    public static func read(from path: String) throws -> TagModel {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(path)
        } catch {
            throw FileError(path: path, message: "cannot read the model: \(error)")
        }
        guard bytes.count >= 16, Array(bytes[0..<4]) == Array("MGTM".utf8) else {
            throw FileError(path: path, message: "not a Microgenre tag model (bad magic number)")
        }
        var reader = ByteReader(bytes: bytes[..<(bytes.count - 8)], path: path)
        reader.offset = 4
        let version = try reader.u32()
        guard (1...formatVersion).contains(version) else {
            throw FileError(
                path: path, message: "model format version \(version), this build reads version \(formatVersion)")
        }
        var tail = ByteReader(bytes: bytes[...], path: path)
        tail.offset = bytes.count - 8
        guard try tail.u64() == checksum(bytes[..<(bytes.count - 8)]) else {
            throw FileError(path: path, message: "checksum mismatch: the file is damaged or truncated")
        }
        let analyzerVersion = version >= 2 ? try reader.u32() : 1
        let termCount = Int(try reader.u32())
        var terms: [String] = []
        terms.reserveCapacity(termCount)
        for _ in 0..<termCount { terms.append(try reader.string()) }
        let classifierCount = Int(try reader.u32())
        var classifiers: [Classifier] = []
        for _ in 0..<classifierCount {
            let tag = TagID(try reader.string())
            let replacesRules = try reader.u8() != 0
            let bias = Float(bitPattern: try reader.u32())
            let n = Int(try reader.u32())
            var weights: [(feature: Int32, weight: Float)] = []
            weights.reserveCapacity(n)
            for _ in 0..<n {
                let feature = try reader.u32()
                guard feature < termCount else {
                    throw FileError(path: path, message: "feature \(feature) out of range")
                }
                weights.append((Int32(feature), Float(bitPattern: try reader.u32())))
            }
            classifiers.append(Classifier(tag: tag, bias: bias, weights: weights, replacesRules: replacesRules))
        }
        var embedding: EmbeddingHeads?
        if version >= 3, try reader.u8() != 0 {
            let identity = try reader.string()
            let dimension = Int(try reader.u32())
            let headCount = Int(try reader.u32())
            guard (1...65_536).contains(dimension), headCount <= 1_000_000 else {
                throw FileError(path: path, message: "embedding heads of dimension \(dimension), \(headCount) heads")
            }
            var heads: [EmbeddingHeads.Head] = []
            var weights: [Float] = []
            for _ in 0..<headCount {
                let tag = TagID(try reader.string())
                let code = try reader.u8()
                guard let kind = EmbeddingHeads.Kind(rawValue: code) else {
                    throw FileError(path: path, message: "embedding head '\(tag)' has unknown kind \(code)")
                }
                let bias = Float(bitPattern: try reader.u32())
                let prior = Float(bitPattern: try reader.u32())
                let labelFrequency = Float(bitPattern: try reader.u32())
                guard labelFrequency > 0 && labelFrequency <= 1 else {
                    throw FileError(
                        path: path,
                        message: "embedding head '\(tag)' has label frequency \(labelFrequency), not in (0, 1]")
                }
                heads.append(
                    EmbeddingHeads.Head(
                        tag: tag, kind: kind, bias: bias, prior: prior, labelFrequency: labelFrequency))
                for _ in 0..<dimension { weights.append(Float(bitPattern: try reader.u32())) }
            }
            embedding = EmbeddingHeads(identity: identity, dimension: dimension, heads: heads, weights: weights)
        }
        return TagModel(
            terms: terms, classifiers: classifiers, embedding: embedding, analyzerVersion: analyzerVersion)
    }
}

func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 { FNV1a.hash(bytes) }

extension [UInt8] {
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    mutating func appendString(_ string: String) {
        let utf8 = Array(string.utf8.prefix(Int(UInt16.max)))
        appendLE(UInt16(utf8.count))
        append(contentsOf: utf8)
    }
}

/// Reads little-endian values from a byte slice, failing cleanly at its end.
struct ByteReader {
    let bytes: ArraySlice<UInt8>
    let path: String
    var offset = 0

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        let start = bytes.startIndex + offset
        guard count >= 0, start + count <= bytes.endIndex else {
            throw TagModel.FileError(path: path, message: "truncated at byte \(offset)")
        }
        offset += count
        return bytes[start..<(start + count)]
    }

    mutating func u8() throws -> UInt8 { try take(1).first! }

    mutating func u16() throws -> UInt16 {
        let b = try take(2)
        return UInt16(b[b.startIndex]) | UInt16(b[b.startIndex + 1]) << 8
    }

    mutating func u32() throws -> UInt32 {
        let b = try take(4)
        var value: UInt32 = 0
        for (k, byte) in b.enumerated() { value |= UInt32(byte) << (8 * k) }
        return value
    }

    mutating func u64() throws -> UInt64 {
        let b = try take(8)
        var value: UInt64 = 0
        for (k, byte) in b.enumerated() { value |= UInt64(byte) << (8 * k) }
        return value
    }

    mutating func string() throws -> String {
        let length = Int(try u16())
        return String(decoding: try take(length), as: UTF8.self)
    }
}

#if canImport(Glibc)
    import Glibc
#endif

internal import COpenBLAS
public import MicrogenreTaxonomy

/// The tagger's evidence from meaning: one linear head per tag over a title's sentence
/// embedding (the vector `microgenre index` keeps), giving `p = sigmoid(w . v + b)`.
///
/// Two kinds of head, one formula:
/// - a **classifier**, a logistic regression learned from the titles that name the tag (the
///   same distant supervision as ``TagModel``'s terms, or labels); its evidence is how far `p`
///   rises above the share of training titles that carry the tag (``Head/prior``), as a share
///   of the way to 1;
/// - a **description** head, for a tag too few titles name: `w` is the embedding of the tag's
///   one-line description, scaled and shifted so that a title's similarity to it, measured in
///   standard deviations above the catalog's mean, maps to a probability through a curve
///   fitted on the classifier tags (see ``EmbeddingHeadTrainer``); its evidence is `p`.
///
/// The vectors must come from the model named by ``identity``: another model's vectors mean
/// nothing to these heads.
public struct EmbeddingHeads: Sendable {
    /// What a head was made from.
    public enum Kind: UInt8, Sendable, Hashable {
        /// Learned from titles carrying the tag.
        case classifier = 0
        /// The tag's description, calibrated.
        case description = 1
    }

    /// One tag's head.
    public struct Head: Sendable, Hashable {
        /// The tag.
        public var tag: TagID
        /// What the head was made from.
        public var kind: Kind
        /// The intercept.
        public var bias: Float
        /// The share of training titles carrying the tag (0 for description heads): the
        /// probability a title with nothing particular about it gets.
        public var prior: Float
        /// The share of the tag's true titles that its training labels name (Elkan and Noto's
        /// label frequency `c`, estimated as the mean probability of the labelled titles): the
        /// labels come from titles whose text names the tag, only some of those it fits, so
        /// the probability of the tag is the head's probability divided by it.
        public var labelFrequency: Float

        /// Creates a head.
        public init(tag: TagID, kind: Kind, bias: Float, prior: Float, labelFrequency: Float = 1) {
            self.tag = tag
            self.kind = kind
            self.bias = bias
            self.prior = prior
            self.labelFrequency = labelFrequency
        }
    }

    /// The embedding model's identity (``SentenceEmbedder/identity``).
    public let identity: String
    /// The vector length.
    public let dimension: Int
    /// The heads, in order.
    public let heads: [Head]
    /// The heads' weights, row-major: head `h` is `weights[h * dimension ..< (h + 1) * dimension]`.
    public let weights: [Float]

    /// Creates heads; `weights` holds `heads.count * dimension` values.
    public init(identity: String, dimension: Int, heads: [Head], weights: [Float]) {
        precondition(weights.count == heads.count * dimension, "one row of weights per head")
        self.identity = identity
        self.dimension = dimension
        self.heads = heads
        self.weights = weights
    }

    /// Each head's probability for a title with this vector (``dimension`` values).
    public func probabilities(_ vector: [Float]) -> [Float] {
        precondition(vector.count == dimension, "a vector of \(dimension) values")
        var logits = heads.map(\.bias)
        guard !heads.isEmpty else { return [] }
        weights.withUnsafeBufferPointer { w in
            vector.withUnsafeBufferPointer { v in
                logits.withUnsafeMutableBufferPointer { z in
                    cblas_sgemv(
                        CblasRowMajor, CblasNoTrans, Int32(heads.count), Int32(dimension), 1, w.baseAddress,
                        Int32(dimension), v.baseAddress, 1, 1, z.baseAddress, 1)
                }
            }
        }
        return logits.map { 1 / (1 + expf(-$0)) }
    }

    /// A head's evidence for probability `p`: the probability of the tag, `p` divided by the
    /// label frequency (at most 1); for a classifier, its rise over the prior's (likewise
    /// divided) as a share of the way to 1, 0 at or below it.
    public static func evidence(_ p: Float, of head: Head) -> Double {
        let c = Double(max(head.labelFrequency, 1e-3))
        let q = min(1, Double(p) / c)
        guard head.prior > 0 else { return q }
        let q0 = min(1, Double(head.prior) / c)
        guard q0 < 1 else { return 0 }
        return max(0, (q - q0) / (1 - q0))
    }
}

#if canImport(Glibc)
    import Glibc
#endif

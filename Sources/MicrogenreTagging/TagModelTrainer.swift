public import MicrogenreCore
public import MicrogenreTaxonomy
import MicrogenreText

/// Learns a ``TagModel`` by distant supervision: a title is a positive example of a tag when its
/// feed genres or keywords, or its synopsis, name the tag explicitly (see
/// ``Tagger/explicitTags(_:)``), and a negative one otherwise. The words of the tag's own
/// phrases (and its descendants') are masked out of its features, so the model learns what
/// else goes with the tag rather than the cue it was labelled by.
///
/// Each tag's classifier is a logistic regression fitted by stochastic gradient descent with
/// L2 regularization, over
/// binary features: the distinct stems of the title and synopses, and the credited people.
public struct TagModelTrainer {
    /// Tags with fewer positive titles get no classifier.
    public var minimumPositives = 25
    /// Terms in fewer titles are not features.
    public var minimumDocumentFrequency = 3
    /// Terms in more than this share of titles are not features.
    public var maximumDocumentShare = 0.5
    /// Passes over the data.
    public var epochs = 6
    /// The initial learning rate (it decays as 1 / (1 + epoch)).
    public var learningRate = 0.2
    /// L2 penalty per update.
    public var l2 = 1e-5
    /// Weights kept per classifier (the largest in magnitude).
    public var maximumWeights = 1000
    /// Facets that get classifiers; the others come from metadata.
    public var facets: Set<String> = [
        "genre", "subject", "tone", "mood", "theme", "source", "setting", "lead", "descriptor", "acclaim",
    ]
    /// How the embedding heads are trained, when embeddings are given.
    public var heads = EmbeddingHeadTrainer()
    /// The share of examples, each pass, whose tag's own cue words are hidden from its classifier
    /// ("cue dropout"): at 1 the classifier never sees them and learns only what goes with the
    /// tag; lower rates let it also weigh the cue. The held-out report always masks them.
    public var maskRate = 1.0
    /// Positive examples count this many times the square root of the class imbalance; 0 keeps
    /// the probabilities calibrated.
    public var positiveBoost = 0.0
    /// Seed for the example order.
    public var seed: UInt64 = 42

    /// Creates a trainer with the default settings.
    public init() {}

    /// The held-out evaluation: each tag's classifier on titles it was not trained on, with its
    /// own cue words masked.
    public struct Report: Sendable {
        /// Titles trained on and held out.
        public var trainingTitles: Int
        public var heldOutTitles: Int
        /// Feature terms.
        public var features: Int
        /// Counts on the held-out titles, per tag.
        public var evaluation: TagEvaluation
        /// The embedding heads' training, when embeddings were given.
        public var embedding: EmbeddingHeadTrainer.Report?
        /// Titles the heads were trained on (those with a vector).
        public var embeddedTitles = 0
    }

    /// Trains on `records`, holding out `holdout` of them (by a hash of the id) for the report.
    ///
    /// With `labels` (title id -> the tags it has, for the tags `labelledTags`), training is
    /// supervised instead: only the labelled titles and tags are learned, nothing is masked,
    /// and a title's tags are exactly its labels.
    ///
    /// With `embeddings`, the model also gets heads over the title embeddings (see
    /// ``EmbeddingHeadTrainer``), trained on the same labels and split, from the titles that
    /// have a vector.
    public func train(
        _ records: [TitleRecord], tagger: Tagger, holdout: Double = 0, labels given: [TitleID: Set<TagID>]? = nil,
        labelledTags: Set<TagID> = [], embeddings: TrainingEmbeddings? = nil, progress: (String) -> Void = { _ in }
    ) -> (model: TagModel, report: Report) {
        var records = records
        if let given { records.removeAll { given[$0.id] == nil } }
        let taxonomy = tagger.taxonomy
        progress("reading \(records.count) titles")
        var documents: [Set<String>] = []
        var labels: [Set<Int>] = []
        var heldOut: [Bool] = []
        for record in records {
            documents.append(tagger.featureTerms(record))
            if let given {
                labels.append(Set(given[record.id]!.compactMap { taxonomy.index(of: $0) }))
            } else {
                labels.append(tagger.explicitTags(record))
            }
            heldOut.append(holdout > 0 && Double(FNV1a.hash(record.id.rawValue.utf8) % 10_000) / 10_000 < holdout)
        }
        // The vocabulary: terms in enough titles, but not in too many.
        var documentFrequency: [String: Int] = [:]
        for (k, document) in documents.enumerated() where !heldOut[k] {
            for term in document { documentFrequency[term, default: 0] += 1 }
        }
        let trainingCount = heldOut.filter { !$0 }.count
        let maximum = Int(Double(trainingCount) * maximumDocumentShare)
        let terms = documentFrequency.filter { $0.value >= minimumDocumentFrequency && $0.value <= maximum }.keys
            .sorted()
        let termIndex = Dictionary(uniqueKeysWithValues: terms.enumerated().map { ($1, Int32($0)) })
        let features: [[Int32]] = documents.map { $0.compactMap { termIndex[$0] }.sorted() }
        // Which tags to learn, and what to mask for each.
        var positives = [Int](repeating: 0, count: taxonomy.tags.count)
        for (k, set) in labels.enumerated() where !heldOut[k] {
            for tag in set { positives[tag] += 1 }
        }
        let learned = taxonomy.tags.indices.filter {
            (given == nil ? facets.contains(taxonomy.tags[$0].facet) : labelledTags.contains(taxonomy.tags[$0].id))
                && positives[$0] >= minimumPositives
        }
        let analyzer = try? Analyzer()
        var classifiers: [TagModel.Classifier] = []
        var evaluation = TagEvaluation()
        var random = SplitMix(seed: seed)
        let trainingIndexes = heldOut.indices.filter { !heldOut[$0] }
        for (n, tag) in learned.enumerated() {
            if n % 20 == 0 { progress("training classifier \(n + 1) of \(learned.count)") }
            var masked = [Bool](repeating: false, count: terms.count)
            if given == nil {
                // Distant supervision: hide the words of the tag's phrases (and its relatives'),
                // every two-word feature holding one, and every rule verdict (`#tag`), which the
                // rules reach through the same words.
                var words: Set<String> = []
                for phraseTag in [tag] + taxonomy.descendants(of: tag) + taxonomy.ancestors(of: tag) {
                    for phrase in taxonomy.tags[phraseTag].supportingPhrases {
                        for token in analyzer?.analyze(phrase) ?? [] where token.type != .compound {
                            words.insert(token.term)
                        }
                    }
                }
                for (index, term) in terms.enumerated() {
                    let parts = term.split(separator: " ").map(String.init)
                    if term.hasPrefix("#") || parts.contains(where: words.contains) { masked[index] = true }
                }
            }
            let isPositive = labels.map { $0.contains(tag) }
            let classifier = fit(
                features: features, isPositive: isPositive, indexes: trainingIndexes, masked: masked,
                featureCount: terms.count, positives: positives[tag], random: &random)
            classifiers.append(
                TagModel.Classifier(
                    tag: taxonomy.tags[tag].id, bias: classifier.bias, weights: classifier.weights,
                    replacesRules: given != nil))
            if holdout > 0 {
                let lookup = Dictionary(uniqueKeysWithValues: classifier.weights.map { ($0.feature, $0.weight) })
                for k in heldOut.indices where heldOut[k] {
                    var z = Double(classifier.bias)
                    for feature in features[k] where !masked[Int(feature)] { z += Double(lookup[feature] ?? 0) }
                    evaluation.record(tag: taxonomy.tags[tag].id, predicted: z >= 0, label: isPositive[k])
                }
            }
        }
        var report = Report(
            trainingTitles: trainingIndexes.count, heldOutTitles: records.count - trainingIndexes.count,
            features: terms.count, evaluation: evaluation)
        var heads: EmbeddingHeads?
        if let embeddings {
            var vectors: [[Float]] = []
            var headLabels: [Set<Int>] = []
            var headHeldOut: [Bool] = []
            for (k, record) in records.enumerated() {
                guard let vector = embeddings.vectors[record.id], vector.count == embeddings.dimension else { continue }
                vectors.append(vector)
                headLabels.append(labels[k])
                headHeldOut.append(heldOut[k])
            }
            var descriptions: [Int: [Float]] = [:]
            for (tag, vector) in embeddings.descriptions {
                if let index = taxonomy.index(of: tag) { descriptions[index] = vector }
            }
            var trainer = self.heads
            trainer.minimumPositives = minimumPositives
            if given == nil { trainer.facets = trainer.facets.intersection(facets) }
            let learnable = given.map { _ in Set(labelledTags.compactMap { taxonomy.index(of: $0) }) }
            let (made, headReport) = trainer.train(
                vectors: vectors, labels: headLabels, heldOut: headHeldOut, taxonomy: taxonomy,
                identity: embeddings.identity, dimension: embeddings.dimension, descriptions: descriptions,
                learnable: learnable, progress: progress)
            heads = made
            report.embedding = headReport
            report.embeddedTitles = vectors.count
        }
        return (TagModel(terms: terms, classifiers: classifiers, embedding: heads), report)
    }

    private func fit(
        features: [[Int32]], isPositive: [Bool], indexes: [Int], masked: [Bool], featureCount: Int,
        positives: Int, random: inout SplitMix
    ) -> (bias: Float, weights: [(feature: Int32, weight: Float)]) {
        var weights = [Double](repeating: 0, count: featureCount)
        var bias = 0.0
        let negatives = max(1, indexes.count - positives)
        let positiveWeight = max(1, positiveBoost * (Double(negatives) / Double(max(1, positives))).squareRoot())
        var order = indexes
        for epoch in 0..<epochs {
            random.shuffle(&order)
            let rate = learningRate / Double(1 + epoch)
            weights.withUnsafeMutableBufferPointer { w in
                masked.withUnsafeBufferPointer { mask in
                    for k in order {
                        let label = isPositive[k]
                        let hide = maskRate >= 1 || Double(random.next() % 10_000) / 10_000 < maskRate
                        var z = bias
                        for feature in features[k] where !(hide && mask[Int(feature)]) { z += w[Int(feature)] }
                        let p = 1 / (1 + exp(-z))
                        let gradient = (p - (label ? 1 : 0)) * (label ? positiveWeight : 1)
                        bias -= rate * gradient
                        for feature in features[k] where !(hide && mask[Int(feature)]) {
                            let f = Int(feature)
                            w[f] -= rate * (gradient + l2 * w[f])
                        }
                    }
                }
            }
        }
        let kept = weights.enumerated().filter { $0.element != 0 }.sorted { abs($0.element) > abs($1.element) }
            .prefix(maximumWeights).map { (feature: Int32($0.offset), weight: Float($0.element)) }
        return (Float(bias), kept.sorted { $0.feature < $1.feature })
    }
}

/// Title embeddings to train the tag model's embedding heads on: the vectors by title id, the
/// embeddings of the taxonomy's tag descriptions, and the identity of the model that made both.
public struct TrainingEmbeddings: Sendable {
    /// The embedding model's identity.
    public var identity: String
    /// The vector length.
    public var dimension: Int
    /// Each title's vector (titles without one are left out of the heads' training).
    public var vectors: [TitleID: [Float]]
    /// Each described tag's description embedding.
    public var descriptions: [TagID: [Float]]

    /// Creates training embeddings.
    public init(identity: String, dimension: Int, vectors: [TitleID: [Float]], descriptions: [TagID: [Float]]) {
        self.identity = identity
        self.dimension = dimension
        self.vectors = vectors
        self.descriptions = descriptions
    }
}

/// A small seeded random number generator (SplitMix64), so training (and generated benchmark
/// data) is reproducible.
public struct SplitMix: Sendable {
    var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Shuffles `array` in place (Fisher-Yates).
    public mutating func shuffle(_ array: inout [Int]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            array.swapAt(i, j)
        }
    }
}

#if canImport(Glibc)
    import Glibc
#endif

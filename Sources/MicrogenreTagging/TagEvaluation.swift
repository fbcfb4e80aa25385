public import MicrogenreTaxonomy

/// Precision, recall and F1 of tag predictions against labels, per tag and averaged.
public struct TagEvaluation: Sendable {
    /// Counts for one tag.
    public struct Counts: Sendable, Hashable {
        /// Predicted and labelled.
        public var truePositives = 0
        /// Predicted, labelled 0.
        public var falsePositives = 0
        /// Labelled 1, not predicted.
        public var falseNegatives = 0
        /// Labelled 0, not predicted.
        public var trueNegatives = 0

        /// TP / (TP + FP), 0 when nothing was predicted.
        public var precision: Double {
            truePositives + falsePositives == 0 ? 0 : Double(truePositives) / Double(truePositives + falsePositives)
        }
        /// TP / (TP + FN), 0 when nothing is labelled.
        public var recall: Double {
            truePositives + falseNegatives == 0 ? 0 : Double(truePositives) / Double(truePositives + falseNegatives)
        }
        /// The harmonic mean of precision and recall.
        public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
        /// Labelled positives.
        public var support: Int { truePositives + falseNegatives }

        static func + (lhs: Counts, rhs: Counts) -> Counts {
            Counts(
                truePositives: lhs.truePositives + rhs.truePositives,
                falsePositives: lhs.falsePositives + rhs.falsePositives,
                falseNegatives: lhs.falseNegatives + rhs.falseNegatives,
                trueNegatives: lhs.trueNegatives + rhs.trueNegatives)
        }
    }

    /// Counts per tag.
    public private(set) var counts: [TagID: Counts] = [:]

    /// Creates an empty evaluation.
    public init() {}

    /// Records one prediction against its label.
    public mutating func record(tag: TagID, predicted: Bool, label: Bool) {
        var c = counts[tag] ?? Counts()
        switch (predicted, label) {
        case (true, true): c.truePositives += 1
        case (true, false): c.falsePositives += 1
        case (false, true): c.falseNegatives += 1
        case (false, false): c.trueNegatives += 1
        }
        counts[tag] = c
    }

    /// The counts summed over tags: micro-averaged precision, recall and F1 come from these.
    public var micro: Counts { counts.values.reduce(Counts(), +) }

    /// Precision, recall and F1 averaged over tags with at least one labelled positive.
    public var macro: (precision: Double, recall: Double, f1: Double) {
        let tags = counts.values.filter { $0.support > 0 }
        guard !tags.isEmpty else { return (0, 0, 0) }
        let n = Double(tags.count)
        return (
            tags.reduce(0) { $0 + $1.precision } / n, tags.reduce(0) { $0 + $1.recall } / n,
            tags.reduce(0) { $0 + $1.f1 } / n
        )
    }
}

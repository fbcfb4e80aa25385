public import MicrogenreCore
public import MicrogenreTaxonomy

/// What decides each tag across a catalog, for whoever maintains the taxonomy: of the titles
/// scoring at least ``threshold``, how many owe the tag mostly to each kind of evidence, and
/// which phrases of their synopses and titles decided it. A phrase deciding many titles it should
/// not ("black" for African-American in "black-and-white") is a candidate for the taxonomy's
/// `name-synonyms` or `against`.
public struct TagAudit: Sendable {
    /// One tag's account.
    public struct Entry: Sendable {
        /// The tag.
        public var tag: TagID
        /// Titles at or above the threshold.
        public var titles = 0
        /// Those titles by the source of their strongest evidence.
        public var bySource: [Evidence.Source: Int] = [:]
        /// Deciding phrases (lowercased) and how many titles each decided, most first.
        public var phrases: [(phrase: String, titles: Int, examples: [TitleID])] {
            phraseCounts.map { ($0.key, $0.value, examples[$0.key] ?? []) }
                .sorted { $0.titles != $1.titles ? $0.titles > $1.titles : $0.phrase < $1.phrase }
        }

        var phraseCounts: [String: Int] = [:]
        var examples: [String: [TitleID]] = [:]
    }

    /// The lowest score counted.
    public let threshold: Double
    /// Title ids kept per phrase, in feed order.
    public let examplesPerPhrase: Int
    private var entries: [TagID: Entry] = [:]

    /// Creates an empty audit.
    public init(threshold: Double = 0.5, examplesPerPhrase: Int = 3) {
        self.threshold = threshold
        self.examplesPerPhrase = examplesPerPhrase
    }

    /// Counts one title's scores.
    public mutating func add(_ id: TitleID, _ scores: [TagScore]) {
        for score in scores where score.score >= threshold {
            guard let strongest = score.evidence.first(where: { $0.source != .negated }) else { continue }
            var entry = entries[score.tag] ?? Entry(tag: score.tag)
            entry.titles += 1
            entry.bySource[strongest.source, default: 0] += 1
            if strongest.source == .synopsis || strongest.source == .title {
                let phrase = strongest.text.lowercased()
                entry.phraseCounts[phrase, default: 0] += 1
                if entry.examples[phrase, default: []].count < examplesPerPhrase {
                    entry.examples[phrase, default: []].append(id)
                }
            }
            entries[score.tag] = entry
        }
    }

    /// Every tag counted, most titles first.
    public var report: [Entry] {
        entries.values.sorted { $0.titles != $1.titles ? $0.titles > $1.titles : $0.tag < $1.tag }
    }
}

public import MicrogenreTaxonomy

/// Facets from viewing: titles the same people love tend to share mood and theme, so a title's
/// co-viewing neighbours (the titles most liked by the users who liked it) are evidence of the
/// tags they carry.
///
/// For each tag of a facet of feeling and theme (``facets``), the evidence is the neighbours' scores for
/// it, averaged with their similarities as weights, times ``weight``: a title whose neighbours
/// are all quirky at 0.9 gets quirky evidence 0.225 from them (at the tagger's default 0.25), which
/// combines with its own evidence by noisy-or like any other, as source `coviewing` with the
/// neighbours that carry the tag most named. Facts (year, region, format, awards) and genres are
/// never borrowed, a tag the title's own text negates is left alone, and a title with fewer
/// than ``minimumNeighbours`` neighbours (too few viewers) keeps its own scores.
public struct CoViewingSmoother: Sendable {
    /// A neighbour: its display name, its co-viewing similarity, and its own tag scores.
    public struct Neighbour: Sendable {
        /// How the neighbour is named in evidence ("Heat (1995)").
        public var name: String
        /// Its co-viewing similarity to the title (any positive scale: only ratios count).
        public var similarity: Double
        /// Its tags and scores.
        public var scores: [TagID: Double]

        /// Creates a neighbour.
        public init(name: String, similarity: Double, scores: [TagID: Double]) {
            self.name = name
            self.similarity = similarity
            self.scores = scores
        }
    }

    /// Facets whose tags are borrowed from neighbours: how a title feels and what it is about.
    /// Not genres, which a title's own text and feed state well, and which borrowed from
    /// popular neighbours went wrong more often than right on MovieLens.
    public var facets: Set<String> = ["subject", "tone", "mood", "theme"]
    /// Neighbours used, the most similar first.
    public var neighbourCount = 20
    /// Titles with fewer neighbours keep their own scores.
    public var minimumNeighbours = 3
    /// The share of the neighbours' mean score that becomes evidence.
    public var weight = 0.25
    /// Evidence below this is left out.
    public var minimumEvidence = 0.05

    /// A smoother for `taxonomy`'s tags.
    public init(taxonomy: Taxonomy, weight: Double = 0.25) {
        self.taxonomy = taxonomy
        self.weight = weight
    }

    private let taxonomy: Taxonomy

    /// `scores` (a title's own, from ``Tagger/tag(_:vector:)``) with each tag's co-viewing
    /// evidence from `neighbours` added, highest first.
    public func smooth(_ scores: [TagScore], neighbours all: [Neighbour]) -> [TagScore] {
        let neighbours = Array(
            all.filter { $0.similarity > 0 }.sorted { $0.similarity > $1.similarity }.prefix(neighbourCount))
        guard neighbours.count >= minimumNeighbours else { return scores }
        let total = neighbours.reduce(0) { $0 + $1.similarity }
        var mean: [TagID: Double] = [:]
        for neighbour in neighbours {
            for (tag, score) in neighbour.scores where score > 0 {
                mean[tag, default: 0] += score * neighbour.similarity / total
            }
        }
        var result = scores
        var position: [TagID: Int] = [:]
        for (k, score) in result.enumerated() { position[score.tag] = k }
        for (tag, value) in mean.sorted(by: { $0.key < $1.key }) {
            guard let tagIndex = taxonomy.index(of: tag), facets.contains(taxonomy.tags[tagIndex].facet),
                taxonomy.tags[tagIndex].inferredFromText
            else { continue }
            let evidence = value * weight
            guard evidence >= minimumEvidence else { continue }
            let named = neighbours.filter { ($0.scores[tag] ?? 0) >= 0.5 }
                .sorted { ($0.scores[tag] ?? 0) * $0.similarity > ($1.scores[tag] ?? 0) * $1.similarity }
                .prefix(3).map(\.name)
            let item = Evidence(
                source: .coviewing, field: "neighbours",
                text: named.isEmpty ? "\(neighbours.count) neighbours" : named.joined(separator: "; "),
                weight: evidence)
            if let k = position[tag] {
                guard !result[k].evidence.contains(where: { $0.source == .negated }) else { continue }
                result[k].score = 1 - (1 - result[k].score) * (1 - evidence)
                result[k].evidence.append(item)
                result[k].evidence.sort { $0.weight > $1.weight }
            } else {
                position[tag] = result.count
                result.append(TagScore(tag: tag, score: evidence, evidence: [item]))
            }
        }
        return result.sorted { $0.score != $1.score ? $0.score > $1.score : $0.tag < $1.tag }
    }
}

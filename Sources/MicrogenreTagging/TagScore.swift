public import MicrogenreTaxonomy

/// Why a tag was given: one piece of evidence and how much it counted.
public struct Evidence: Sendable, Hashable {
    /// Where the evidence came from.
    public enum Source: String, Sendable, Hashable {
        /// The feed's own genres, through taxonomy synonyms.
        case genre
        /// The feed's keywords.
        case keyword
        /// Metadata: year, countries, languages, rating, kind.
        case metadata
        /// A phrase in the title.
        case title
        /// A phrase in a synopsis.
        case synopsis
        /// The learned model.
        case model
        /// The title's embedding: a classifier over it, or its similarity to the tag's description.
        case embedding
        /// The tag's scores on the titles the same users love (co-viewing neighbours).
        case coviewing
        /// Implied by a child tag.
        case parent
        /// A phrase in a synopsis under a negation ("not a comedy"): lowers the score.
        case negated
    }

    /// Where it came from.
    public var source: Source
    /// The field or model part (`genre`, `synopsis`, `year`, `model` ...).
    public var field: String
    /// The matched phrase, metadata value, model terms or child tag.
    public var text: String
    /// The UTF-8 byte offset of the match in the field, when it is a phrase.
    public var offset: Int?
    /// How much it counted, in [0, 1].
    public var weight: Double

    /// Creates evidence.
    public init(source: Source, field: String, text: String, offset: Int? = nil, weight: Double) {
        self.source = source
        self.field = field
        self.text = text
        self.offset = offset
        self.weight = weight
    }
}

/// A tag's score for one title, in [0, 1], with the evidence behind it.
public struct TagScore: Sendable, Hashable {
    /// The tag.
    public var tag: TagID
    /// The score: the noisy-or of the evidence weights, lowered by negations.
    public var score: Double
    /// The evidence, strongest first.
    public var evidence: [Evidence]

    /// Creates a score.
    public init(tag: TagID, score: Double, evidence: [Evidence]) {
        self.tag = tag
        self.score = score
        self.evidence = evidence
    }
}
